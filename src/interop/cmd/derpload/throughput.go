package main

import (
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"tailscale.com/derp"
	"tailscale.com/derp/derphttp"
	"tailscale.com/types/key"
)

// throughputResult is what the throughput mode prints. Received counts are
// taken over the measured window only; "sent" counts what the senders handed
// to their connections in the same window (the relay may drop the rest, as
// derper does when a receiver's queue is full).
type throughputResult struct {
	Mode          string  `json:"mode"`
	Pairs         int     `json:"pairs"`
	Size          int     `json:"size"`
	Seconds       float64 `json:"seconds"`
	SentPackets   int64   `json:"sent_packets"`
	RecvPackets   int64   `json:"received_packets"`
	PacketsPerSec float64 `json:"packets_per_sec"`
	BytesPerSec   float64 `json:"bytes_per_sec"`
	Window        int     `json:"window"`
	SendErrors    int64   `json:"send_errors"`
	FirstError    string  `json:"first_send_error,omitempty"`
	// TotalReceived counts the whole run, warm-up included: per-packet server cost.
	TotalReceived int64   `json:"total_received"`
	TotalSent     int64   `json:"total_sent"`
	WallSeconds   float64 `json:"wall_seconds"`
	// LoadCPUSeconds is this process's own user+system time over the run: a
	// load generator near WallSeconds * its cores is the ceiling, not the server.
	LoadCPUSeconds float64 `json:"load_cpu_seconds"`
	Batch          bool    `json:"batch"`
	ReadAhead      int     `json:"read_ahead"`
	// SenderSocketWrites counts the batched senders' writes to their sockets
	// over the run (handshakes included); TotalSent of them per frame without -batch.
	SenderSocketWrites int64 `json:"sender_socket_writes,omitempty"`
}

// counters are shared by the send and receive loops of all pairs.
type counters struct {
	sent, received, receivedBytes, sendErrors atomic.Int64
	firstErr                                  atomic.Value
}

func (n *counters) sendFailed(err error) {
	n.sendErrors.Add(1)
	n.firstErr.CompareAndSwap(nil, err.Error())
}

func (n *counters) firstError() string {
	s, _ := n.firstErr.Load().(string)
	return s
}

func runThroughput(o options) (*throughputResult, error) {
	began, cpu0 := time.Now(), processCPUSeconds()
	pairs, err := dialPairs(o.url, o.receiverURL(), o.pairs, batching{senders: o.batch, readAhead: o.readAhead})
	if err != nil {
		return nil, err
	}
	var c counters
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for _, p := range pairs {
		wg.Add(2)
		var w *window
		var onPacket func([]byte)
		if o.window > 0 {
			w = newWindow(o.window)
			onPacket = w.acknowledge
		}
		go func() { defer wg.Done(); receiveLoop(p.receiver, p.sender.SelfPublicKey(), &c, onPacket) }()
		var flush func()
		if p.senderConn != nil {
			flush = p.senderConn.flush
		}
		go func() { defer wg.Done(); sendFlat(p.sender, p.receiver.SelfPublicKey(), o.size, w, flush, stop, &c) }()
	}
	time.Sleep(o.warmup)
	sent0, recv0, bytes0 := c.sent.Load(), c.received.Load(), c.receivedBytes.Load()
	start := time.Now()
	time.Sleep(o.duration)
	sent1, recv1, bytes1 := c.sent.Load(), c.received.Load(), c.receivedBytes.Load()
	sendErrors := c.sendErrors.Load() // later ones come from closing the clients below
	elapsed := time.Since(start).Seconds()
	close(stop)
	closePairs(pairs)
	wg.Wait()
	wall := time.Since(began).Seconds()
	var socketWrites int64
	for _, p := range pairs {
		if p.senderConn != nil {
			socketWrites += p.senderConn.writes()
		}
	}
	if recv1 == recv0 {
		return nil, fmt.Errorf("no packet arrived in %v (%d send errors)", o.duration, c.sendErrors.Load())
	}
	firstError := ""
	if sendErrors > 0 {
		firstError = c.firstError()
	}
	return &throughputResult{
		Mode: "throughput", Pairs: o.pairs, Size: o.size, Seconds: elapsed,
		SentPackets: sent1 - sent0, RecvPackets: recv1 - recv0,
		PacketsPerSec:      float64(recv1-recv0) / elapsed,
		BytesPerSec:        float64(bytes1-bytes0) / elapsed,
		Window:             o.window,
		SendErrors:         sendErrors,
		FirstError:         firstError,
		TotalReceived:      c.received.Load(),
		TotalSent:          c.sent.Load(),
		WallSeconds:        wall,
		LoadCPUSeconds:     processCPUSeconds() - cpu0,
		Batch:              o.batch,
		ReadAhead:          o.readAhead,
		SenderSocketWrites: socketWrites,
	}, nil
}

// sendFlat sends fixed packets as fast as the client's Send returns (and, with
// a window, as the receiver keeps up) until stop. flush, when set, sends what
// a batching connection holds: before each wait on the window, and at the end.
func sendFlat(c *derphttp.Client, dst key.NodePublic, size int, w *window, flush func(), stop <-chan struct{}, n *counters) {
	if flush != nil {
		defer flush()
	}
	pkt := make([]byte, size)
	var seq uint64
	for {
		select {
		case <-stop:
			return
		default:
		}
		if w != nil {
			seq++
			w.await(seq, stop, flush)
			binary.BigEndian.PutUint64(pkt, seq)
		}
		if err := c.Send(dst, pkt); err != nil {
			n.sendFailed(err)
			time.Sleep(10 * time.Millisecond) // the client reconnects lazily; don't spin
			continue
		}
		n.sent.Add(1)
	}
}

// processCPUSeconds is this process's user+system CPU time so far.
func processCPUSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// receiveLoop counts packets from src until the client is closed; onPacket,
// when set, sees each packet's payload (valid only during the call).
func receiveLoop(c *derphttp.Client, src key.NodePublic, n *counters, onPacket func([]byte)) {
	for {
		m, err := c.Recv()
		if err != nil {
			if err == derphttp.ErrClientClosed {
				return
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		p, ok := m.(derp.ReceivedPacket)
		if !ok || p.Source != src {
			continue
		}
		n.received.Add(1)
		n.receivedBytes.Add(int64(len(p.Data)))
		if onPacket != nil {
			onPacket(p.Data)
		}
	}
}
