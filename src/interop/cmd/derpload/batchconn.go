package main

import (
	"bufio"
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// batchLimit is the most a batchConn holds: once a batch would grow past it,
// the batch goes to the kernel. 64 KiB is about 45 frames of 1400 bytes, more
// than a window of 16 packets, so a windowed sender's batch ends at its window.
const batchLimit = 64 << 10

// batchHoldMax bounds how long a held write waits for its batch to be sent:
// a write nobody flushes (a pong, the last frames before a quiet sender) still
// leaves within this time.
const batchHoldMax = time.Millisecond

// closeFlushTimeout bounds the last flush when the connection closes: a peer
// that stopped reading cannot keep Close waiting.
const closeFlushTimeout = 100 * time.Millisecond

// batchConn is the client's end of one TCP connection to the relay (given to
// derphttp through SetURLDialer, so TLS, when used, runs on top of it and
// every write it sees is one whole TLS record or, in plain HTTP, one whole
// DERP frame). It changes how many system calls carry the bytes, never the
// bytes themselves:
//
//   - writes pass straight through until startBatching: the HTTP upgrade, TLS
//     handshake and ClientInfo go out when derphttp writes them;
//   - after it, writes are appended to one buffer, and the buffer goes out in
//     one write when flush is called (the sender is about to wait on its
//     window, or the run stops), when it would grow past batchLimit, when its
//     oldest byte has waited batchHoldMax, or on Close;
//   - with readAhead > 0 the socket is read in reads of that size and the
//     client's own (4 KiB) reads are served from them.
//
// Safe for concurrent use: writers, the flush timer and flush callers take
// turns on one lock, so a batch never interleaves two writes' bytes.
type batchConn struct {
	net.Conn
	reader  *bufio.Reader // nil: reads go straight to the socket
	holdMax time.Duration // batchHoldMax (tests hold longer or shorter)

	mu         sync.Mutex
	batching   bool
	buf        []byte
	timer      *time.Timer
	timerArmed bool
	err        error // the first failed write; every later write reports it

	// socketWrites counts the writes handed to the kernel (pass-through and
	// batches): with the frames sent, the system calls per frame.
	socketWrites atomic.Int64
}

func newBatchConn(c net.Conn, readAhead int) *batchConn {
	b := &batchConn{Conn: c, holdMax: batchHoldMax}
	if readAhead > 0 {
		b.reader = bufio.NewReaderSize(c, readAhead)
	}
	b.timer = time.AfterFunc(time.Hour, b.flushOnTimer)
	b.timer.Stop()
	return b
}

// Read serves the client's reads, from the read-ahead buffer when there is one
// (one socket read of up to readAhead bytes when it is empty).
func (b *batchConn) Read(p []byte) (int, error) {
	if b.reader == nil {
		return b.Conn.Read(p)
	}
	return b.reader.Read(p)
}

// startBatching makes every later write wait for its batch.
func (b *batchConn) startBatching() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf == nil {
		b.buf = make([]byte, 0, batchLimit)
	}
	b.batching = true
}

func (b *batchConn) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return 0, b.err
	}
	if !b.batching {
		return b.writeSocket(p)
	}
	if len(b.buf)+len(p) > batchLimit {
		if err := b.flushLocked(); err != nil {
			return 0, err
		}
		if len(p) >= batchLimit {
			return b.writeSocket(p)
		}
	}
	b.buf = append(b.buf, p...)
	if !b.timerArmed {
		b.timer.Reset(b.holdMax)
		b.timerArmed = true
	}
	return len(p), nil
}

// flush hands the held batch to the kernel in one write.
func (b *batchConn) flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

func (b *batchConn) flushOnTimer() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.timerArmed = false
	_ = b.flushLocked() // a failure is kept in b.err for the next writer
}

func (b *batchConn) flushLocked() error {
	if b.timerArmed {
		b.timer.Stop()
		b.timerArmed = false
	}
	if b.err != nil {
		return b.err
	}
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.writeSocket(b.buf)
	b.buf = b.buf[:0]
	return err
}

// writeSocket writes p to the socket (the caller holds mu); a failure sticks.
func (b *batchConn) writeSocket(p []byte) (int, error) {
	b.socketWrites.Add(1)
	n, err := b.Conn.Write(p)
	if err != nil {
		b.err = err
	}
	return n, err
}

// Close sends what is held (within closeFlushTimeout), then closes the socket.
func (b *batchConn) Close() error {
	_ = b.Conn.SetWriteDeadline(time.Now().Add(closeFlushTimeout))
	_ = b.flush()
	return b.Conn.Close()
}

// batchDialer dials one derphttp client's connections as batchConns and keeps
// the current one, so its sender can flush and count it. Every connection it
// dials starts passing writes through; startBatching applies to the current
// one (a client that reconnects stays unbatched: it is counted as such).
type batchDialer struct {
	readAhead int
	holdMax   time.Duration // 0: batchHoldMax
	dialer    net.Dialer

	mu   sync.Mutex
	conn *batchConn
	// socketWrites sums the writes of connections already replaced.
	socketWrites int64
}

func (d *batchDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := d.dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	b := newBatchConn(c, d.readAhead)
	if d.holdMax > 0 {
		b.holdMax = d.holdMax
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.conn != nil {
		d.socketWrites += d.conn.socketWrites.Load()
	}
	d.conn = b
	return b, nil
}

func (d *batchDialer) current() *batchConn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.conn
}

var errNotDialed = errors.New("batch dialer: no connection dialed yet")

// startBatching starts batching the current connection's writes.
func (d *batchDialer) startBatching() error {
	c := d.current()
	if c == nil {
		return errNotDialed
	}
	c.startBatching()
	return nil
}

// flush sends the current connection's held batch (errors surface at the
// client's next Send).
func (d *batchDialer) flush() {
	if c := d.current(); c != nil {
		_ = c.flush()
	}
}

// writes is the number of socket writes over all connections dialed so far.
func (d *batchDialer) writes() int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := d.socketWrites
	if d.conn != nil {
		n += d.conn.socketWrites.Load()
	}
	return n
}
