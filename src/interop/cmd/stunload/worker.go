package main

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"sync/atomic"
	"time"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
	"tailscale.com/net/stun"
)

// receiveSlot is the room for one answer; a Tailscale binding response is under 100 bytes, and
// anything longer than a slot arrives truncated and fails to parse (counted invalid).
const receiveSlot = 1500

// batchConn moves several datagrams per system call: recvmmsg and sendmmsg on Linux. ipv4 and
// ipv6 packet connections share one Message type, so both satisfy it.
type batchConn interface {
	ReadBatch(ms []ipv4.Message, flags int) (int, error)
	WriteBatch(ms []ipv4.Message, flags int) (int, error)
}

// tally is one worker's counts over the measured time; kept per worker so the hot loop writes no
// memory another core reads, and summed once at the end.
type tally struct {
	sent, valid, invalid, late, timeouts int64
	err                                  error // why the worker stopped before the deadline, if it did
}

func (t *tally) add(o tally) {
	t.sent += o.sent
	t.valid += o.valid
	t.invalid += o.invalid
	t.late += o.late
	t.timeouts += o.timeouts
	if t.err == nil {
		t.err = o.err
	}
}

// worker keeps `window` requests outstanding on its own socket, connected to the server, and
// replaces each valid answer by a new request; the replacements for one read go out in one write. A
// request unanswered for the timeout (lost in a full socket buffer, say) is given up and replaced,
// so the window stays full: one loss costs one request, not the worker's throughput.
type worker struct {
	conn        *net.UDPConn
	batch       batchConn
	self        netip.AddrPort
	window      int
	timeout     time.Duration
	outstanding map[stun.TxID]time.Time // when each request went out (the loop turn that sent it)
	now         time.Time               // read once per loop turn: one clock read per batch
	in, out     []ipv4.Message
	pending     []stun.TxID // transaction ids of the requests in out, same order
}

func newWorker(server netip.AddrPort, window, batch int, timeout time.Duration) (*worker, error) {
	conn, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(server))
	if err != nil {
		return nil, err
	}
	w := &worker{
		conn: conn, self: conn.LocalAddr().(*net.UDPAddr).AddrPort(), window: window, timeout: timeout,
		outstanding: make(map[stun.TxID]time.Time, window),
		in:          make([]ipv4.Message, batch), out: make([]ipv4.Message, batch),
		pending: make([]stun.TxID, batch),
	}
	if server.Addr().Is4() {
		w.batch = ipv4.NewPacketConn(conn)
	} else {
		w.batch = ipv6.NewPacketConn(conn)
	}
	for i := range w.in {
		w.in[i].Buffers = [][]byte{make([]byte, receiveSlot)}
		w.out[i].Buffers = make([][]byte, 1)
	}
	return w, nil
}

// run loads the server until deadline; counts only while measuring is set.
func (w *worker) run(deadline time.Time, measuring *atomic.Bool) (t tally) {
	defer w.conn.Close()
	// Requests are checked for expiry a few times per timeout, so one is given up between 1 and
	// 1.25 timeouts after it was sent.
	sweepEvery := w.timeout / 4
	w.now = time.Now()
	nextSweep := w.now.Add(sweepEvery)
	w.send(w.window, &t, measuring.Load())
	var readDeadline time.Time
	for {
		if !w.now.Before(deadline) {
			return t
		}
		wake := nextSweep
		if wake.After(deadline) {
			wake = deadline
		}
		if wake != readDeadline {
			readDeadline = wake
			w.conn.SetReadDeadline(wake)
		}
		n, err := w.batch.ReadBatch(w.in, 0)
		w.now = time.Now()
		measured := measuring.Load()
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			t.err = err
			return t
		}
		for i := range n {
			w.settle(&w.in[i], &t, measured)
		}
		if !w.now.Before(nextSweep) {
			nextSweep = w.now.Add(sweepEvery)
			w.expire(&t, measured)
		}
		if w.now.Before(deadline) {
			// answered and given-up requests are replaced, and so are any a failed write left out
			w.send(w.window-len(w.outstanding), &t, measured)
		}
	}
}

// settle checks one received datagram and retires the request it answers.
func (w *worker) settle(m *ipv4.Message, t *tally, measured bool) {
	tx, mapped, err := stun.ParseResponse(m.Buffers[0][:m.N])
	if err != nil || mapped.Port() != w.self.Port() || mapped.Addr().Unmap() != w.self.Addr().Unmap() {
		if measured {
			t.invalid++
		}
		return
	}
	if _, known := w.outstanding[tx]; !known {
		if measured {
			t.late++ // answer to a request already given up on
		}
		return
	}
	delete(w.outstanding, tx)
	if measured {
		t.valid++
	}
}

// expire gives up the requests older than the timeout.
func (w *worker) expire(t *tally, measured bool) {
	for tx, sent := range w.outstanding {
		if w.now.Sub(sent) >= w.timeout {
			delete(w.outstanding, tx)
			if measured {
				t.timeouts++
			}
		}
	}
}

// send writes count fresh binding requests, len(w.out) per system call; a request counts as
// outstanding (and sent) only once the kernel took it. A failed write leaves the window short
// until the next read tops it up.
func (w *worker) send(count int, t *tally, measured bool) {
	for count > 0 {
		k := min(count, len(w.out))
		count -= k
		for i := range k {
			w.pending[i] = stun.NewTxID()
			w.out[i].Buffers[0] = stun.Request(w.pending[i])
		}
		for done := 0; done < k; {
			n, err := w.batch.WriteBatch(w.out[done:k], 0)
			for _, tx := range w.pending[done : done+n] {
				w.outstanding[tx] = w.now
			}
			if measured {
				t.sent += int64(n)
			}
			done += n
			if err != nil || n == 0 {
				return
			}
		}
	}
}
