package main

import (
	"encoding/binary"
	"sync/atomic"
	"time"
)

// stallTimeout is how long a sender with a full window waits before it
// assumes the relay dropped what was in flight and sends again.
const stallTimeout = 100 * time.Millisecond

// window keeps at most size packets of one pair in flight: the sender numbers
// its packets, the receiver acknowledges the highest number it has seen.
// Because DERP keeps a pair's packets in order, a packet the relay dropped is
// acknowledged implicitly by any later one.
type window struct {
	size     uint64
	received atomic.Uint64
	wake     chan struct{}
	stall    *time.Timer
}

func newWindow(size int) *window {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &window{size: uint64(size), wake: make(chan struct{}, 1), stall: t}
}

// await blocks the sender until packet seq fits into the window; beforeWait,
// when set, runs once before the sender blocks (a batching sender sends what
// it holds: the receiver cannot acknowledge frames still in the sender).
func (w *window) await(seq uint64, stop <-chan struct{}, beforeWait func()) {
	if beforeWait != nil && seq > w.received.Load()+w.size {
		beforeWait()
	}
	for seq > w.received.Load()+w.size {
		w.stall.Reset(stallTimeout)
		select {
		case <-w.wake:
		case <-stop:
		case <-w.stall.C:
			w.received.Store(seq - w.size) // give up on the lost ones
		}
		w.stall.Stop()
		select {
		case <-stop:
			return
		default:
		}
	}
}

// acknowledge is the receiver's side: payload starts with the sequence number.
func (w *window) acknowledge(payload []byte) {
	w.received.Store(binary.BigEndian.Uint64(payload))
	select {
	case w.wake <- struct{}{}:
	default:
	}
}
