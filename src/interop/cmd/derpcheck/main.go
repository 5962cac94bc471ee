// Command derpcheck drives a DERP server with Tailscale's own client packages
// (tailscale.com/derp and tailscale.com/derp/derphttp) and exits non-zero with
// a reason when the server misbehaves. The relay's integration tests run it.
//
// Usage: derpcheck <check> <derp URL> [args]
//
//	exchange  URL            two clients send packets both ways
//	faststart URL            two clients connect with Derp-Fast-Start (no HTTP response) and exchange packets
//	bulk      URL N          N packets of random sizes up to 64 KiB arrive intact and in order
//	peergone  URL            PeerGone(Disconnected) arrives when a correspondent disconnects
//	ping      URL            a Ping is answered with its Pong
//	duplicate URL            a second connection with the same key takes over; the last sender receives
//	steady    URL SECONDS    two clients exchange packets continuously; any loss or error fails
//	mesh      URL MESHKEY    a mesh-key client watches connections: PeerPresent (with flags) for a new
//	                         client, ClosePeer disconnects it, PeerGone follows; a client without the key
//	                         that sends WatchConns is disconnected
//	flood     URL KEY SECS   floods KEY (a receiver that never reads) with 64 KiB packets while the same
//	                         client keeps exchanging packets with a partner: a stuck receiver must not stall it
//	restart   URL            connects, prints READY, and expects a Restarting frame (graceful shutdown)
//	pair      URL SECONDS    like steady, printing "ROUND <n>" after every round, and ending (OK) early
//	                         when stdin closes: a test keeps a pair exchanging while it attacks the relay
//	region    MAPURL ID      for every node of region ID in the DERP map at MAPURL: two clients reach the
//	                         node through the address the map publishes (as tailscaled dials it) and
//	                         exchange packets; prints "NODE <name> <host> <ipv4> <derpPort> OK" per node
//	https     URL            Go's stock HTTPS client (ALPN h2 and http/1.1) fetches URL; http/1.1 must be negotiated
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"tailscale.com/derp"
	"tailscale.com/derp/derphttp"
	"tailscale.com/net/netmon"
	"tailscale.com/types/key"
)

func main() {
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	if len(os.Args) < 3 {
		log.Fatalf("usage: derpcheck <exchange|faststart|bulk|peergone|ping|duplicate|steady> <url> [args]")
	}
	check, serverURL := os.Args[1], os.Args[2]
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var err error
	switch check {
	case "exchange":
		err = exchange(ctx, serverURL)
	case "faststart":
		err = fastStart(ctx, serverURL)
	case "bulk":
		n, _ := strconv.Atoi(arg(3, "10000"))
		err = bulk(ctx, serverURL, n)
	case "peergone":
		err = peerGone(ctx, serverURL)
	case "ping":
		err = ping(ctx, serverURL)
	case "duplicate":
		err = duplicate(ctx, serverURL)
	case "mesh":
		err = mesh(ctx, serverURL, arg(3, ""))
	case "restart":
		err = restart(ctx, serverURL)
	case "flood":
		secs, _ := strconv.Atoi(arg(4, "10"))
		err = flood(ctx, serverURL, arg(3, ""), time.Duration(secs)*time.Second)
	case "region":
		id, _ := strconv.Atoi(arg(3, "0"))
		err = region(ctx, serverURL, id)
	case "steady":
		secs, _ := strconv.Atoi(arg(3, "10"))
		err = steady(ctx, serverURL, time.Duration(secs)*time.Second)
	case "https":
		err = httpsGet(ctx, serverURL)
	case "pair":
		secs, _ := strconv.Atoi(arg(3, "600"))
		err = pair(ctx, serverURL, time.Duration(secs)*time.Second)
	default:
		err = fmt.Errorf("unknown check %q", check)
	}
	if err != nil {
		log.Printf("FAIL %s: %v", check, err)
		os.Exit(1)
	}
	log.Printf("OK %s", check)
}

func arg(i int, def string) string {
	if len(os.Args) > i {
		return os.Args[i]
	}
	return def
}

// client is a connected derphttp client whose messages arrive on a channel.
type client struct {
	c      *derphttp.Client
	priv   key.NodePrivate
	msgs   chan derp.ReceivedMessage
	errs   chan error
	send   func(key.NodePublic, []byte) error // fast-start clients only
	closer net.Conn                           // fast-start clients only
}

func dial(ctx context.Context, serverURL string, priv key.NodePrivate) (*client, error) {
	c, err := derphttp.NewClient(priv, serverURL, log.Printf, netmon.NewStatic())
	if err != nil {
		return nil, err
	}
	return connect(ctx, c, priv)
}

// connect completes the handshake of a new derphttp client and starts its receive loop.
func connect(ctx context.Context, c *derphttp.Client, priv key.NodePrivate) (*client, error) {
	if err := c.Connect(ctx); err != nil {
		return nil, err
	}
	cl := &client{c: c, priv: priv, msgs: make(chan derp.ReceivedMessage, 1024), errs: make(chan error, 1)}
	m, err := c.Recv()
	if err != nil {
		return nil, err
	}
	if _, ok := m.(derp.ServerInfoMessage); !ok {
		return nil, fmt.Errorf("first message was %T, want ServerInfoMessage", m)
	}
	go cl.loop(func() (derp.ReceivedMessage, error) { return c.Recv() })
	return cl, nil
}

// dialPair connects two clients with fresh keys.
func dialPair(ctx context.Context, serverURL string) (a, b *client, err error) {
	if a, err = dial(ctx, serverURL, key.NewNode()); err != nil {
		return nil, nil, err
	}
	if b, err = dial(ctx, serverURL, key.NewNode()); err != nil {
		a.c.Close()
		return nil, nil, err
	}
	return a, b, nil
}

func (cl *client) loop(recv func() (derp.ReceivedMessage, error)) {
	for {
		m, err := recv()
		if err != nil {
			cl.errs <- err
			return
		}
		switch p := m.(type) {
		case derp.KeepAliveMessage:
			continue
		case derp.ReceivedPacket:
			// Recv reuses its buffer: the data is only valid until the next call.
			p.Data = bytes.Clone(p.Data)
			m = p
		}
		cl.msgs <- m
	}
}

func (cl *client) pub() key.NodePublic { return cl.priv.Public() }

// next returns the next message that is not a keep-alive, or an error after timeout.
func (cl *client) next(timeout time.Duration) (derp.ReceivedMessage, error) {
	select {
	case m := <-cl.msgs:
		return m, nil
	case err := <-cl.errs:
		return nil, fmt.Errorf("receive: %w", err)
	case <-time.After(timeout):
		return nil, fmt.Errorf("nothing received within %v", timeout)
	}
}

func (cl *client) expectPacket(from key.NodePublic, want []byte, timeout time.Duration) error {
	for {
		m, err := cl.next(timeout)
		if err != nil {
			return err
		}
		switch p := m.(type) {
		case derp.ReceivedPacket:
			if p.Source != from {
				return fmt.Errorf("packet from %v, want %v", p.Source.ShortString(), from.ShortString())
			}
			if !bytes.Equal(p.Data, want) {
				return fmt.Errorf("packet of %d bytes differs from the %d bytes sent", len(p.Data), len(want))
			}
			return nil
		default:
			log.Printf("ignoring %T while waiting for a packet", m)
		}
	}
}

func exchange(ctx context.Context, serverURL string) error {
	a, b, err := dialPair(ctx, serverURL)
	if err != nil {
		return err
	}
	defer a.c.Close()
	defer b.c.Close()
	return exchangeBetween(a.c.Send, a, b.c.Send, b)
}

func exchangeBetween(sendA func(key.NodePublic, []byte) error, a *client, sendB func(key.NodePublic, []byte) error, b *client) error {
	for i := 0; i < 10; i++ {
		ab := []byte(fmt.Sprintf("a->b %d", i))
		if err := sendA(b.pub(), ab); err != nil {
			return err
		}
		if err := b.expectPacket(a.pub(), ab, 10*time.Second); err != nil {
			return fmt.Errorf("b: %w", err)
		}
		ba := []byte(fmt.Sprintf("b->a %d", i))
		if err := sendB(a.pub(), ba); err != nil {
			return err
		}
		if err := a.expectPacket(b.pub(), ba, 10*time.Second); err != nil {
			return fmt.Errorf("a: %w", err)
		}
	}
	return nil
}

// serverKey learns the server's key the ordinary way (101 + ServerKey frame).
func serverKey(ctx context.Context, serverURL string) (key.NodePublic, error) {
	c, err := dial(ctx, serverURL, key.NewNode())
	if err != nil {
		return key.NodePublic{}, err
	}
	defer c.c.Close()
	return c.c.ServerPublicKey(), nil
}

// dialFastStart connects as derphttp does when it learned the server key from a
// meta-certificate: it sends the upgrade request with Derp-Fast-Start: 1,
// reads no HTTP response, and pipelines ClientInfo in the same flush.
func dialFastStart(ctx context.Context, serverURL string, serverPub key.NodePublic) (*client, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, err
	}
	brw := bufio.NewReadWriter(bufio.NewReader(conn), bufio.NewWriter(conn))
	req, err := http.NewRequest("GET", serverURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Upgrade", "DERP")
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set(derp.FastStartHeader, "1")
	if err := req.Write(brw); err != nil {
		return nil, err
	}
	priv := key.NewNode()
	dc, err := derp.NewClient(priv, conn, brw, log.Printf, derp.ServerPublicKey(serverPub), derp.CanAckPings(true))
	if err != nil {
		return nil, err
	}
	cl := &client{priv: priv, msgs: make(chan derp.ReceivedMessage, 1024), errs: make(chan error, 1)}
	// The server still sends ServerKey (the client skips it as an unknown frame); then ServerInfo first.
	m, err := dc.Recv()
	if err != nil {
		return nil, err
	}
	if _, ok := m.(derp.ServerInfoMessage); !ok {
		return nil, fmt.Errorf("first message was %T, want ServerInfoMessage", m)
	}
	go cl.loop(dc.Recv)
	cl.send = dc.Send
	cl.closer = conn
	return cl, nil
}

func fastStart(ctx context.Context, serverURL string) error {
	pub, err := serverKey(ctx, serverURL)
	if err != nil {
		return err
	}
	a, err := dialFastStart(ctx, serverURL, pub)
	if err != nil {
		return fmt.Errorf("fast start a: %w", err)
	}
	defer a.closer.Close()
	b, err := dialFastStart(ctx, serverURL, pub)
	if err != nil {
		return fmt.Errorf("fast start b: %w", err)
	}
	defer b.closer.Close()
	return exchangeBetween(a.send, a, b.send, b)
}

func bulk(ctx context.Context, serverURL string, n int) error {
	a, b, err := dialPair(ctx, serverURL)
	if err != nil {
		return err
	}
	defer a.c.Close()
	defer b.c.Close()
	// Each packet carries its sequence number and a checksum-like pattern; sizes are random up to 64 KiB.
	// The sender waits for acknowledgements so no queue overflows (the relay drops when a queue is full, by design).
	const window = 16
	done := make(chan error, 1)
	go func() {
		for i := 0; i < n; i++ {
			m, err := b.next(30 * time.Second)
			if err != nil {
				done <- fmt.Errorf("packet %d: %w", i, err)
				return
			}
			p, ok := m.(derp.ReceivedPacket)
			if !ok {
				i--
				continue
			}
			if err := verify(p.Data, i); err != nil {
				done <- err
				return
			}
			if err := b.c.Send(a.pub(), []byte{byte(i), byte(i >> 8), byte(i >> 16)}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	acked := 0
	for i := 0; i < n; i++ {
		for i-acked >= window {
			select {
			case err := <-done:
				if err == nil {
					err = fmt.Errorf("receiver finished early")
				}
				return fmt.Errorf("receiver: %w", err)
			case err := <-a.errs:
				return fmt.Errorf("sender: %w", err)
			case m := <-a.msgs:
				if _, ok := m.(derp.ReceivedPacket); ok {
					acked++
				}
			case <-time.After(30 * time.Second):
				return fmt.Errorf("no acknowledgement after %d packets", acked)
			}
		}
		if err := a.c.Send(b.pub(), makePacket(i)); err != nil {
			return err
		}
	}
	if err := <-done; err != nil {
		return err
	}
	log.Printf("%d packets of random sizes arrived intact and in order", n)
	return nil
}

func makePacket(seq int) []byte {
	size := 8 + mrand.IntN(derp.MaxPacketSize-8+1)
	if fixed, err := strconv.Atoi(os.Getenv("DERPCHECK_PACKET_SIZE")); err == nil {
		size = fixed
	}
	p := make([]byte, size)
	binary.BigEndian.PutUint32(p, uint32(seq))
	binary.BigEndian.PutUint32(p[4:], uint32(size))
	rand.Read(p[8:])
	// The last 4 bytes (if any beyond the header) repeat the sequence number, catching truncation.
	if size >= 12 {
		binary.BigEndian.PutUint32(p[size-4:], uint32(seq))
	}
	return p
}

func verify(p []byte, want int) error {
	if len(p) < 8 {
		return fmt.Errorf("packet %d: only %d bytes", want, len(p))
	}
	seq, size := int(binary.BigEndian.Uint32(p)), int(binary.BigEndian.Uint32(p[4:]))
	if seq != want {
		return fmt.Errorf("packet %d arrived where %d was expected (reordered or lost)", seq, want)
	}
	if size != len(p) {
		return fmt.Errorf("packet %d: %d bytes, sent %d", seq, len(p), size)
	}
	if size >= 12 && int(binary.BigEndian.Uint32(p[size-4:])) != seq {
		return fmt.Errorf("packet %d: tail corrupted", seq)
	}
	return nil
}

func peerGone(ctx context.Context, serverURL string) error {
	a, err := dial(ctx, serverURL, key.NewNode())
	if err != nil {
		return err
	}
	defer a.c.Close()
	b, err := dial(ctx, serverURL, key.NewNode())
	if err != nil {
		return err
	}
	if err := b.c.Send(a.pub(), []byte("hello from b")); err != nil {
		return err
	}
	if err := a.expectPacket(b.pub(), []byte("hello from b"), 10*time.Second); err != nil {
		return err
	}
	b.c.Close()
	for {
		m, err := a.next(10 * time.Second)
		if err != nil {
			return fmt.Errorf("waiting for PeerGone: %w", err)
		}
		if g, ok := m.(derp.PeerGoneMessage); ok {
			if g.Peer != b.pub() {
				return fmt.Errorf("PeerGone for %v, want %v", g.Peer.ShortString(), b.pub().ShortString())
			}
			if g.Reason != derp.PeerGoneReasonDisconnected {
				return fmt.Errorf("PeerGone reason %d, want Disconnected", g.Reason)
			}
			return nil
		}
	}
}

func ping(ctx context.Context, serverURL string) error {
	a, err := dial(ctx, serverURL, key.NewNode())
	if err != nil {
		return err
	}
	defer a.c.Close()
	data := [8]byte{1, 2, 3, 4, 5, 6, 7, 8}
	if err := a.c.SendPing(data); err != nil {
		return err
	}
	for {
		m, err := a.next(10 * time.Second)
		if err != nil {
			return fmt.Errorf("waiting for Pong: %w", err)
		}
		if p, ok := m.(derp.PongMessage); ok {
			if [8]byte(p) != data {
				return fmt.Errorf("Pong %x, want %x", [8]byte(p), data)
			}
			return nil
		}
	}
}

// duplicate: two connections with one key. The newest receives; when the older
// one sends anything it becomes the receiver (last writer is active); neither is closed.
func duplicate(ctx context.Context, serverURL string) error {
	priv := key.NewNode()
	first, err := dial(ctx, serverURL, priv)
	if err != nil {
		return err
	}
	defer first.c.Close()
	second, err := dial(ctx, serverURL, priv)
	if err != nil {
		return err
	}
	defer second.c.Close()
	peer, err := dial(ctx, serverURL, key.NewNode())
	if err != nil {
		return err
	}
	defer peer.c.Close()

	if err := peer.c.Send(priv.Public(), []byte("to newest")); err != nil {
		return err
	}
	if err := second.expectPacket(peer.pub(), []byte("to newest"), 10*time.Second); err != nil {
		return fmt.Errorf("newest connection: %w", err)
	}
	// The older connection speaks (a NotePreferred counts as activity) and becomes the active one.
	if err := first.c.Send(peer.pub(), []byte("first speaks")); err != nil {
		return err
	}
	if err := peer.expectPacket(priv.Public(), []byte("first speaks"), 10*time.Second); err != nil {
		return err
	}
	if err := peer.c.Send(priv.Public(), []byte("to last writer")); err != nil {
		return err
	}
	if err := first.expectPacket(peer.pub(), []byte("to last writer"), 10*time.Second); err != nil {
		return fmt.Errorf("last writer: %w", err)
	}
	select {
	case m := <-second.msgs:
		if _, ok := m.(derp.ReceivedPacket); ok {
			return fmt.Errorf("the inactive duplicate received a packet")
		}
	case err := <-second.errs:
		return fmt.Errorf("the inactive duplicate was disconnected: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	// Both stay connected: a ping on the inactive one is still answered.
	if err := second.c.SendPing([8]byte{9}); err != nil {
		return err
	}
	for {
		m, err := second.next(10 * time.Second)
		if err != nil {
			return fmt.Errorf("inactive duplicate: %w", err)
		}
		if _, ok := m.(derp.PongMessage); ok {
			return nil
		}
	}
}

// steady exchanges packets between two clients for d, failing on any error or loss.
func steady(ctx context.Context, serverURL string, d time.Duration) error {
	return exchangeRounds(ctx, serverURL, d, nil, false)
}

// pair exchanges packets between two clients until stdin closes or d passes, printing each round.
func pair(ctx context.Context, serverURL string, d time.Duration) error {
	stdinClosed := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(stdinClosed)
	}()
	return exchangeRounds(ctx, serverURL, d, stdinClosed, true)
}

// exchangeRounds connects two clients and has them exchange 20 packets per round, every 50 ms, until
// d passes or stop closes (nil: never); any loss or error fails.
func exchangeRounds(ctx context.Context, serverURL string, d time.Duration, stop <-chan struct{}, printRounds bool) error {
	a, b, err := dialPair(ctx, serverURL)
	if err != nil {
		return err
	}
	defer a.c.Close()
	defer b.c.Close()
	fmt.Println("READY")
	deadline := time.After(d)
	for n := 1; ; n++ {
		if err := exchangeBetween(a.c.Send, a, b.c.Send, b); err != nil {
			return fmt.Errorf("after %d rounds: %w", n-1, err)
		}
		if printRounds {
			fmt.Printf("ROUND %d\n", n)
		}
		select {
		case <-stop:
			log.Printf("%d rounds of 20 packets exchanged", n)
			return nil
		case <-deadline:
			log.Printf("%d rounds of 20 packets exchanged", n)
			return nil
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func mesh(ctx context.Context, serverURL, meshKeyHex string) error {
	meshKey, err := key.ParseDERPMesh(meshKeyHex)
	if err != nil {
		return fmt.Errorf("mesh key: %w", err)
	}
	wc, err := derphttp.NewClient(key.NewNode(), serverURL, log.Printf, netmon.NewStatic())
	if err != nil {
		return err
	}
	wc.MeshKey = meshKey
	wc.WatchConnectionChanges = true
	if err := wc.Connect(ctx); err != nil {
		return err
	}
	defer wc.Close()
	watcher := &client{c: wc, msgs: make(chan derp.ReceivedMessage, 1024), errs: make(chan error, 1)}
	go watcher.loop(wc.Recv)

	peer, err := dial(ctx, serverURL, key.NewNode())
	if err != nil {
		return err
	}
	defer peer.c.Close()
	if err := waitFor(watcher, func(m derp.ReceivedMessage) (bool, error) {
		p, ok := m.(derp.PeerPresentMessage)
		if !ok || p.Key != peer.pub() {
			return false, nil
		}
		if p.Flags != derp.PeerPresentIsRegular {
			return false, fmt.Errorf("PeerPresent flags %#x, want IsRegular", p.Flags)
		}
		if !p.IPPort.Addr().IsLoopback() || p.IPPort.Port() == 0 {
			return false, fmt.Errorf("PeerPresent address %v, want the peer's loopback address", p.IPPort)
		}
		return true, nil
	}); err != nil {
		return fmt.Errorf("waiting for PeerPresent: %w", err)
	}
	if err := wc.ClosePeer(peer.pub()); err != nil {
		return err
	}
	select {
	case <-peer.errs:
	case <-time.After(10 * time.Second):
		return fmt.Errorf("ClosePeer did not disconnect the peer")
	}
	if err := waitFor(watcher, func(m derp.ReceivedMessage) (bool, error) {
		g, ok := m.(derp.PeerGoneMessage)
		return ok && g.Peer == peer.pub() && g.Reason == derp.PeerGoneReasonDisconnected, nil
	}); err != nil {
		return fmt.Errorf("waiting for PeerGone: %w", err)
	}

	// Without the mesh key, WatchConns is a protocol violation: the server closes the connection.
	intruder, err := derphttp.NewClient(key.NewNode(), serverURL, log.Printf, netmon.NewStatic())
	if err != nil {
		return err
	}
	intruder.WatchConnectionChanges = true
	if err := intruder.Connect(ctx); err != nil {
		return err
	}
	defer intruder.Close()
	for {
		if _, err := intruder.Recv(); err != nil {
			return nil
		}
	}
}

func waitFor(cl *client, match func(derp.ReceivedMessage) (bool, error)) error {
	for {
		m, err := cl.next(10 * time.Second)
		if err != nil {
			return err
		}
		ok, err := match(m)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
	}
}

func restart(ctx context.Context, serverURL string) error {
	a, err := dial(ctx, serverURL, key.NewNode())
	if err != nil {
		return err
	}
	defer a.c.Close()
	fmt.Println("READY")
	return waitForRestart(a)
}

func waitForRestart(a *client) error {
	for {
		select {
		case m := <-a.msgs:
			if r, ok := m.(derp.ServerRestartingMessage); ok {
				return checkRestarting(r)
			}
		case err := <-a.errs:
			// The frame and the close can both be pending when select runs, and select picks at
			// random; the reader queued every message before it reported the error.
			for len(a.msgs) > 0 {
				if r, ok := (<-a.msgs).(derp.ServerRestartingMessage); ok {
					return checkRestarting(r)
				}
			}
			return fmt.Errorf("connection ended without a Restarting frame: %w", err)
		case <-time.After(2 * time.Minute):
			return fmt.Errorf("no Restarting frame")
		}
	}
}

func checkRestarting(r derp.ServerRestartingMessage) error {
	log.Printf("Restarting: reconnect in %v, try for %v", r.ReconnectIn, r.TryFor)
	if r.ReconnectIn <= 0 || r.TryFor <= 0 {
		return fmt.Errorf("Restarting durations %v / %v, want both positive", r.ReconnectIn, r.TryFor)
	}
	return nil
}

func flood(ctx context.Context, serverURL, stuckKey string, d time.Duration) error {
	var stuck key.NodePublic
	if err := stuck.UnmarshalText([]byte(stuckKey)); err != nil {
		return fmt.Errorf("key %q: %w", stuckKey, err)
	}
	a, b, err := dialPair(ctx, serverURL)
	if err != nil {
		return err
	}
	defer a.c.Close()
	defer b.c.Close()
	stop := make(chan struct{})
	sent := make(chan int, 1)
	go func() {
		big := make([]byte, derp.MaxPacketSize)
		n := 0
		for {
			select {
			case <-stop:
				sent <- n
				return
			default:
			}
			if err := a.c.Send(stuck, big); err != nil {
				sent <- n
				return
			}
			n++
		}
	}()
	deadline := time.Now().Add(d)
	rounds := 0
	for time.Now().Before(deadline) {
		start := time.Now()
		if err := exchangeBetween(a.c.Send, a, b.c.Send, b); err != nil {
			close(stop)
			return fmt.Errorf("exchange during the flood, round %d: %w", rounds, err)
		}
		if took := time.Since(start); took > 5*time.Second {
			close(stop)
			return fmt.Errorf("a round took %v while flooding a stuck receiver", took)
		}
		rounds++
	}
	close(stop)
	log.Printf("%d rounds exchanged while sending %d packets of 64 KiB to a receiver that never reads", rounds, <-sent)
	return nil
}
