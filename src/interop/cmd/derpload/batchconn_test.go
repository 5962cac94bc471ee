package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"tailscale.com/derp"
	"tailscale.com/derp/derpserver"
	"tailscale.com/net/netmon"
	"tailscale.com/types/key"
	"tailscale.com/types/logger"
)

// recordingConn is the socket under a batchConn in these tests: it keeps
// every write it is handed, one entry per write system call it stands for.
type recordingConn struct {
	net.Conn // nil: only the methods below are used
	mu       sync.Mutex
	writes   [][]byte
	failWith error
	closed   bool
}

func (r *recordingConn) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failWith != nil {
		return 0, r.failWith
	}
	r.writes = append(r.writes, bytes.Clone(p))
	return len(p), nil
}

func (r *recordingConn) Close() error                     { r.mu.Lock(); r.closed = true; r.mu.Unlock(); return nil }
func (r *recordingConn) SetWriteDeadline(time.Time) error { return nil }

func (r *recordingConn) snapshot() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.writes...)
}

// heldConn batches with a hold time no test waits for, so only flushes and
// the size limit send.
func heldConn(t *testing.T) (*batchConn, *recordingConn) {
	t.Helper()
	rec := &recordingConn{}
	b := newBatchConn(rec, 0)
	b.holdMax = time.Hour
	t.Cleanup(func() { b.timer.Stop() })
	return b, rec
}

func mustWrite(t *testing.T, w io.Writer, p []byte) {
	t.Helper()
	if n, err := w.Write(p); err != nil || n != len(p) {
		t.Fatalf("Write(%d bytes) = %d, %v", len(p), n, err)
	}
}

func TestWritesPassThroughBeforeBatching(t *testing.T) {
	b, rec := heldConn(t)
	mustWrite(t, b, []byte("GET /derp HTTP/1.1\r\n\r\n"))
	mustWrite(t, b, []byte("client-info"))
	if got := rec.snapshot(); len(got) != 2 || string(got[0]) != "GET /derp HTTP/1.1\r\n\r\n" || string(got[1]) != "client-info" {
		t.Fatalf("socket writes before batching = %q, want each write at once", got)
	}
	if b.socketWrites.Load() != 2 {
		t.Fatalf("socketWrites = %d, want 2", b.socketWrites.Load())
	}
}

func TestBatchedWritesWaitForFlush(t *testing.T) {
	b, rec := heldConn(t)
	b.startBatching()
	for _, s := range []string{"one", "two", "three"} {
		mustWrite(t, b, []byte(s))
	}
	if got := rec.snapshot(); len(got) != 0 {
		t.Fatalf("socket writes before flush = %q, want none", got)
	}
	if err := b.flush(); err != nil {
		t.Fatal(err)
	}
	if got := rec.snapshot(); len(got) != 1 || string(got[0]) != "onetwothree" {
		t.Fatalf("socket writes after flush = %q, want one write \"onetwothree\"", got)
	}
	if err := b.flush(); err != nil || len(rec.snapshot()) != 1 {
		t.Fatalf("flushing an empty batch wrote to the socket (err %v)", err)
	}
}

func TestBatchGoesOutAtSizeLimit(t *testing.T) {
	b, rec := heldConn(t)
	b.startBatching()
	frame := bytes.Repeat([]byte{7}, 1437) // a 1400-byte DERP SendPacket frame
	var sent []byte
	for len(sent) <= batchLimit {
		mustWrite(t, b, frame)
		sent = append(sent, frame...)
	}
	got := rec.snapshot()
	if len(got) != 1 {
		t.Fatalf("after %d bytes: %d socket writes, want 1 at the size limit", len(sent), len(got))
	}
	if len(got[0]) > batchLimit || len(got[0])%len(frame) != 0 {
		t.Fatalf("batch of %d bytes: want whole frames, at most %d", len(got[0]), batchLimit)
	}
	big := bytes.Repeat([]byte{9}, batchLimit+1)
	mustWrite(t, b, big)
	got = rec.snapshot()
	if len(got) != 3 || !bytes.Equal(got[2], big) {
		t.Fatalf("a write larger than the limit: %d socket writes, want the held batch, then the write itself", len(got))
	}
	if all := bytes.Join(got, nil); !bytes.Equal(all, append(sent, big...)) {
		t.Fatal("bytes reached the socket out of order")
	}
}

func TestConcurrentWritersDoNotInterleave(t *testing.T) {
	b, rec := heldConn(t)
	b.startBatching()
	const writers, records = 8, 500
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range records {
				// record: writer, sequence, then a body of the writer's byte
				rec := make([]byte, 8+100+w*300)
				binary.BigEndian.PutUint32(rec, uint32(w))
				binary.BigEndian.PutUint32(rec[4:], uint32(i))
				for j := 8; j < len(rec); j++ {
					rec[j] = byte(w)
				}
				if _, err := b.Write(rec); err != nil {
					t.Error(err)
					return
				}
				if i%7 == 0 {
					_ = b.flush() // other writers' batches go out meanwhile
				}
			}
		}()
	}
	wg.Wait()
	if err := b.flush(); err != nil {
		t.Fatal(err)
	}
	stream := bytes.Join(rec.snapshot(), nil)
	next := make([]uint32, writers)
	for len(stream) > 0 {
		if len(stream) < 8 {
			t.Fatalf("%d stray bytes at the end", len(stream))
		}
		w, i := binary.BigEndian.Uint32(stream), binary.BigEndian.Uint32(stream[4:])
		if w >= writers || i != next[w] {
			t.Fatalf("record of writer %d #%d where #%d was due: bytes interleaved or reordered", w, i, next[w])
		}
		n := 8 + 100 + int(w)*300
		if len(stream) < n || !bytes.Equal(stream[8:n], bytes.Repeat([]byte{byte(w)}, n-8)) {
			t.Fatalf("record of writer %d #%d is not whole", w, i)
		}
		next[w]++
		stream = stream[n:]
	}
	for w, n := range next {
		if n != records {
			t.Fatalf("writer %d: %d records arrived, want %d", w, n, records)
		}
	}
}

func TestHeldWriteIsSentByTheTimer(t *testing.T) {
	rec := &recordingConn{}
	b := newBatchConn(rec, 0)
	b.holdMax = 5 * time.Millisecond
	b.startBatching()
	mustWrite(t, b, []byte("pong"))
	deadline := time.Now().Add(5 * time.Second)
	for len(rec.snapshot()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("a held write was not sent within 5 s without a flush")
		}
		time.Sleep(time.Millisecond)
	}
	if got := rec.snapshot(); len(got) != 1 || string(got[0]) != "pong" {
		t.Fatalf("socket writes = %q, want the held \"pong\"", got)
	}
}

func TestCloseSendsWhatIsHeld(t *testing.T) {
	b, rec := heldConn(t)
	b.startBatching()
	mustWrite(t, b, []byte("last"))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got := rec.snapshot(); len(got) != 1 || string(got[0]) != "last" || !rec.closed {
		t.Fatalf("after Close: writes %q, closed %v; want \"last\" sent, then closed", got, rec.closed)
	}
}

func TestFailedFlushFailsLaterWrites(t *testing.T) {
	b, rec := heldConn(t)
	b.startBatching()
	mustWrite(t, b, []byte("held"))
	broken := errors.New("connection reset")
	rec.failWith = broken
	if err := b.flush(); !errors.Is(err, broken) {
		t.Fatalf("flush = %v, want %v", err, broken)
	}
	if _, err := b.Write([]byte("next")); !errors.Is(err, broken) {
		t.Fatalf("Write after a failed flush = %v, want %v", err, broken)
	}
}

// TestReadAheadServesSmallReads: with read-ahead, the client's small reads
// come out of one larger socket read, in order.
func TestReadAheadServesSmallReads(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	b := newBatchConn(client, 64<<10)
	want := bytes.Repeat([]byte("0123456789"), 1000)
	go func() { _, _ = server.Write(want); server.Close() }()
	got, err := io.ReadAll(io.LimitReader(b, int64(len(want))))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes (err %v), want the %d written", len(got), err, len(want))
	}
}

// TestTLSRecordsSurviveBatching: TLS runs on top of the batchConn, so a batch
// holds whole records; the peer must decrypt every byte in order.
func TestTLSRecordsSurviveBatching(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	srv.StartTLS() // only for its certificate
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	received := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			received <- nil
			return
		}
		defer c.Close()
		tc := tls.Server(c, srv.TLS)
		b, _ := io.ReadAll(tc)
		received <- b
	}()
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b := newBatchConn(raw, 0)
	b.holdMax = time.Hour
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	tc := tls.Client(b, &tls.Config{RootCAs: roots, ServerName: "example.com"})
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	b.startBatching()
	var want []byte
	for i := range 200 {
		p := bytes.Repeat([]byte{byte(i)}, 1437)
		mustWrite(t, tc, p)
		want = append(want, p...)
		if i%16 == 15 {
			if err := b.flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if writes := b.socketWrites.Load(); writes > 30 {
		t.Errorf("%d socket writes for 200 records in batches of 16: not batched", writes)
	}
	select {
	case got := <-received:
		if !bytes.Equal(got, want) {
			t.Fatalf("the TLS peer decrypted %d bytes, want the %d written, in order", len(got), len(want))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the TLS peer did not finish reading within 10 s")
	}
}

// TestDerphttpThroughBatchDialer: Tailscale's own client and server. The
// handshake passes through, then batched frames arrive, each exactly once.
func TestDerphttpThroughBatchDialer(t *testing.T) {
	s := derpserver.New(key.NewNode(), logger.Discard)
	defer s.Close()
	hs := httptest.NewServer(derpserver.Handler(s))
	defer hs.Close()
	url := hs.URL + "/derp"

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	netMon := netmon.NewStatic()
	sd := &batchDialer{holdMax: time.Hour} // only the flushes below send
	sender, err := dial(ctx, url, netMon, sd.DialContext)
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	rd := &batchDialer{readAhead: 64 << 10}
	receiver, err := dial(ctx, url, netMon, rd.DialContext)
	if err != nil {
		t.Fatal(err)
	}
	defer receiver.Close()
	if err := sd.startBatching(); err != nil {
		t.Fatal(err)
	}
	handshakeWrites := sd.writes()

	// a packet that never arrives fails the test instead of blocking Recv
	watchdog := time.AfterFunc(10*time.Second, func() { receiver.Close() })
	defer watchdog.Stop()
	// 16 frames in flight at most, as the throughput mode's window keeps
	// them: the server drops the oldest of a receiver's queue when it is full.
	const packets, window = 64, 16
	for i := 0; i < packets; {
		for j := range window {
			pkt := make([]byte, 1400)
			binary.BigEndian.PutUint64(pkt, uint64(i+j))
			if err := sender.Send(receiver.SelfPublicKey(), pkt); err != nil {
				t.Fatal(err)
			}
		}
		sd.flush()
		for end := i + window; i < end; {
			m, err := receiver.Recv()
			if err != nil {
				t.Fatal(err)
			}
			p, ok := m.(derp.ReceivedPacket)
			if !ok {
				continue
			}
			if seq := binary.BigEndian.Uint64(p.Data); seq != uint64(i) {
				t.Fatalf("packet #%d arrived where #%d was due", seq, i)
			}
			i++
		}
	}
	if w := sd.writes() - handshakeWrites; w > 8 {
		t.Errorf("%d socket writes for %d frames flushed every 16: not batched", w, packets)
	}
}
