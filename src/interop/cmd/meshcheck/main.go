// Command meshcheck drives the nodes of one DERP region with Tailscale's own
// client package (tailscale.com/derp/derphttp) and checks that the region acts
// as one relay: clients homed on different nodes reach each other through the
// mesh. It exits non-zero with a reason when they do not. The relay's mesh ITs
// run it against Waystation nodes and real derper nodes.
//
// Usage: meshcheck <check> [args]
//
//	cross    URL_A URL_B        a client on A and one on B exchange packets both ways
//	peergone URL_A URL_B        when the client on B leaves, the client on A that heard from it gets PeerGone
//	move     URL_P URL_X URL_Y  a client moves from X to Y; its partner on P reaches it again within 1 s
//	                            of the reconnect (prints the time it took)
//	failover URL_P URL_X URL_Y  a client of a two-node region (X first, then Y) exchanges packets with a
//	                            partner on P; prints READY, then the test kills X: the client re-homes to Y
//	                            and traffic must resume (prints RESUMED)
//
// URLs may name hosts that do not resolve: with MESHCHECK_DIAL_HOST set, every
// connection goes to that address (the URL's port kept) while TLS still
// verifies the URL's host name. Trust a private CA through SSL_CERT_FILE.
package main

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"tailscale.com/derp"
	"tailscale.com/derp/derphttp"
	"tailscale.com/net/netmon"
	"tailscale.com/tailcfg"
	"tailscale.com/types/key"
)

// reachWithin bounds how long the first packet across the mesh may take: the
// receiving node must first hear of the destination through PeerPresent.
const reachWithin = 15 * time.Second

// moveBudget is the bar for a moving client to be reachable again.
const moveBudget = time.Second

func main() {
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	if len(os.Args) < 4 {
		log.Fatalf("usage: meshcheck <cross|peergone|move|failover> URL...")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var err error
	switch os.Args[1] {
	case "cross":
		err = cross(ctx, os.Args[2], os.Args[3])
	case "peergone":
		err = peerGone(ctx, os.Args[2], os.Args[3])
	case "move":
		err = move(ctx, os.Args[2], os.Args[3], arg(4))
	case "failover":
		err = failover(ctx, os.Args[2], os.Args[3], arg(4))
	default:
		err = fmt.Errorf("unknown check %q", os.Args[1])
	}
	if err != nil {
		log.Printf("FAIL %s: %v", os.Args[1], err)
		os.Exit(1)
	}
	log.Printf("OK %s", os.Args[1])
}

func arg(i int) string {
	if len(os.Args) <= i {
		log.Fatalf("%s needs %d URLs", os.Args[1], i-1)
	}
	return os.Args[i]
}

// client is a connected derphttp client whose messages arrive on a channel.
type client struct {
	c    *derphttp.Client
	priv key.NodePrivate
	msgs chan derp.ReceivedMessage
	errs chan error
}

func (cl *client) pub() key.NodePublic { return cl.priv.Public() }

// redirect makes c dial MESHCHECK_DIAL_HOST instead of the URL's host, if set.
func redirect(c *derphttp.Client) {
	host := os.Getenv("MESHCHECK_DIAL_HOST")
	if host == "" {
		return
	}
	var d net.Dialer
	c.SetURLDialer(func(ctx context.Context, network, addr string) (net.Conn, error) {
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		return d.DialContext(ctx, network, net.JoinHostPort(host, port))
	})
}

func dial(ctx context.Context, serverURL string, priv key.NodePrivate) (*client, error) {
	c, err := derphttp.NewClient(priv, serverURL, log.Printf, netmon.NewStatic())
	if err != nil {
		return nil, err
	}
	redirect(c)
	return start(ctx, c, priv, serverURL)
}

// start connects c and waits for ServerInfo: the server has registered the
// client (and told its mesh watchers) before it sends it.
func start(ctx context.Context, c *derphttp.Client, priv key.NodePrivate, where string) (*client, error) {
	if err := c.Connect(ctx); err != nil {
		return nil, fmt.Errorf("connect %s: %w", where, err)
	}
	m, err := c.Recv()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	if _, ok := m.(derp.ServerInfoMessage); !ok {
		return nil, fmt.Errorf("%s: first message was %T, want ServerInfoMessage", where, m)
	}
	cl := &client{c: c, priv: priv, msgs: make(chan derp.ReceivedMessage, 1024), errs: make(chan error, 16)}
	go cl.loop()
	return cl, nil
}

// loop receives until the client is closed. Receive errors are reported, and
// derphttp reconnects on the next Recv (which is how failover re-homes).
func (cl *client) loop() {
	for {
		m, err := cl.c.Recv()
		if err == derphttp.ErrClientClosed {
			return
		}
		if err != nil {
			select {
			case cl.errs <- err:
			default:
			}
			time.Sleep(50 * time.Millisecond)
			continue
		}
		switch p := m.(type) {
		case derp.KeepAliveMessage, derp.ServerInfoMessage:
			continue
		case derp.ReceivedPacket:
			p.Data = bytes.Clone(p.Data) // Recv reuses its buffer
			m = p
		}
		cl.msgs <- m
	}
}

// awaitPacket waits for a packet from `from` whose payload satisfies ok; other messages are logged and skipped.
func (cl *client) awaitPacket(from key.NodePublic, ok func([]byte) bool, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		select {
		case m := <-cl.msgs:
			if p, isPacket := m.(derp.ReceivedPacket); isPacket && p.Source == from && ok(p.Data) {
				return nil
			} else if !isPacket {
				log.Printf("%s: ignoring %T", cl.pub().ShortString(), m)
			}
		case <-deadline:
			return fmt.Errorf("%s: no packet from %s within %v", cl.pub().ShortString(), from.ShortString(), timeout)
		}
	}
}

// firstContact sends from a to b every 50 ms until one arrives: b's node may still be telling a's node about b.
func firstContact(a, b *client) error {
	stop := make(chan struct{})
	defer close(stop)
	hello := []byte("hello " + b.pub().ShortString())
	go keepSending(a.c, b.pub(), 50*time.Millisecond, func(int) []byte { return hello }, stop)
	return b.awaitPacket(a.pub(), func(d []byte) bool { return bytes.Equal(d, hello) }, reachWithin)
}

// keepSending sends payload(i) from c to dst every interval until stop closes; send errors are
// ignored (derphttp reconnects on the next call), since the receiving side judges what arrives.
func keepSending(c *derphttp.Client, dst key.NodePublic, every time.Duration, payload func(int) []byte, stop <-chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for i := 0; ; i++ {
		c.Send(dst, payload(i))
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// numbered makes payloads "<prefix><i>".
func numbered(prefix string) func(int) []byte {
	return func(i int) []byte { return []byte(prefix + strconv.Itoa(i)) }
}

// rounds exchanges n numbered packets each way, strictly: every one must arrive intact.
func rounds(a, b *client, n int) error {
	for i := 0; i < n; i++ {
		for _, dir := range [][2]*client{{a, b}, {b, a}} {
			from, to := dir[0], dir[1]
			want := []byte(fmt.Sprintf("%s->%s %d", from.pub().ShortString(), to.pub().ShortString(), i))
			if err := from.c.Send(to.pub(), want); err != nil {
				return err
			}
			if err := to.awaitPacket(from.pub(), func(d []byte) bool { return bytes.Equal(d, want) }, 10*time.Second); err != nil {
				return err
			}
		}
	}
	return nil
}

func connectPair(ctx context.Context, urlA, urlB string) (a, b *client, err error) {
	return connectPairAs(ctx, urlA, urlB, key.NewNode())
}

// connectPairAs connects a fresh client to A and one with key privB to B, and waits until they reach each other.
func connectPairAs(ctx context.Context, urlA, urlB string, privB key.NodePrivate) (a, b *client, err error) {
	if a, err = dial(ctx, urlA, key.NewNode()); err != nil {
		return nil, nil, err
	}
	if b, err = dial(ctx, urlB, privB); err != nil {
		a.c.Close()
		return nil, nil, err
	}
	if err := firstContact(a, b); err != nil {
		return a, b, fmt.Errorf("A->B: %w", err)
	}
	if err := firstContact(b, a); err != nil {
		return a, b, fmt.Errorf("B->A: %w", err)
	}
	return a, b, nil
}

func cross(ctx context.Context, urlA, urlB string) error {
	a, b, err := connectPair(ctx, urlA, urlB)
	if a != nil {
		defer a.c.Close()
		defer b.c.Close()
	}
	if err != nil {
		return err
	}
	return rounds(a, b, 20)
}

func peerGone(ctx context.Context, urlA, urlB string) error {
	a, b, err := connectPair(ctx, urlA, urlB)
	if a != nil {
		defer a.c.Close()
	}
	if err != nil {
		b.c.Close()
		return err
	}
	gone := b.pub()
	b.c.Close()
	deadline := time.After(reachWithin)
	for {
		select {
		case m := <-a.msgs:
			if g, ok := m.(derp.PeerGoneMessage); ok && g.Peer == gone {
				if g.Reason != derp.PeerGoneReasonDisconnected {
					return fmt.Errorf("PeerGone reason %v, want Disconnected", g.Reason)
				}
				return nil
			}
			log.Printf("ignoring %T while waiting for PeerGone", m)
		case <-deadline:
			return fmt.Errorf("no PeerGone for %s within %v", gone.ShortString(), reachWithin)
		}
	}
}

func move(ctx context.Context, urlP, urlX, urlY string) error {
	mover := key.NewNode()
	p, m, err := connectPairAs(ctx, urlP, urlX, mover)
	if p != nil {
		defer p.c.Close()
	}
	if err != nil {
		return err
	}
	m.c.Close()
	// p keeps sending numbered packets; the first one m receives after reconnecting ends the clock.
	stop := make(chan struct{})
	defer close(stop)
	go keepSending(p.c, mover.Public(), 10*time.Millisecond, numbered("after move "), stop)
	// Reconnect with the same key, as a client moving its home does.
	c, err := derphttp.NewClient(mover, urlY, log.Printf, netmon.NewStatic())
	if err != nil {
		return err
	}
	redirect(c)
	moved, err := start(ctx, c, mover, urlY)
	if err != nil {
		return err
	}
	defer moved.c.Close()
	reconnected := time.Now()
	if err := moved.awaitPacket(p.pub(), func(d []byte) bool { return bytes.HasPrefix(d, []byte("after move ")) }, reachWithin); err != nil {
		return err
	}
	took := time.Since(reconnected)
	log.Printf("MOVED reachable %v after reconnecting", took)
	if took > moveBudget {
		return fmt.Errorf("reachable only %v after reconnecting (budget %v)", took, moveBudget)
	}
	return rounds(p, moved, 5)
}

func failover(ctx context.Context, urlP, urlX, urlY string) error {
	p, err := dial(ctx, urlP, key.NewNode())
	if err != nil {
		return err
	}
	defer p.c.Close()
	region, err := regionOf(urlX, urlY)
	if err != nil {
		return err
	}
	priv := key.NewNode()
	c := derphttp.NewRegionClient(priv, log.Printf, netmon.NewStatic(), func() *tailcfg.DERPRegion { return region })
	m, err := start(ctx, c, priv, "region (first node "+urlX+")")
	if err != nil {
		return err
	}
	defer m.c.Close()
	if err := firstContact(p, m); err != nil {
		return err
	}
	if err := firstContact(m, p); err != nil {
		return err
	}
	// Both keep sending while the test kills X; afterwards each must hear from the other again.
	stop := make(chan struct{})
	defer close(stop)
	for _, dir := range [][2]*client{{p, m}, {m, p}} {
		go keepSending(dir[0].c, dir[1].pub(), 20*time.Millisecond, numbered("steady "), stop)
	}
	fmt.Println("READY")
	log.Printf("READY: exchanging; waiting for the client's node to fail")
	select {
	case err := <-m.errs:
		log.Printf("client lost its node: %v", err)
	case <-time.After(2 * time.Minute):
		return fmt.Errorf("the client's connection never broke")
	}
	broke := time.Now()
	// Drain what was queued before the break, then demand fresh traffic both ways.
	for len(m.msgs) > 0 {
		<-m.msgs
	}
	for len(p.msgs) > 0 {
		<-p.msgs
	}
	steady := func(d []byte) bool { return bytes.HasPrefix(d, []byte("steady ")) }
	if err := m.awaitPacket(p.pub(), steady, 60*time.Second); err != nil {
		return fmt.Errorf("after failover: %w", err)
	}
	if err := p.awaitPacket(m.pub(), steady, 60*time.Second); err != nil {
		return fmt.Errorf("after failover: %w", err)
	}
	fmt.Printf("RESUMED after %v\n", time.Since(broke).Round(time.Millisecond))
	return nil
}

// regionOf builds a DERP region of the given node URLs, in order (IPv4 from MESHCHECK_DIAL_HOST if set).
func regionOf(urls ...string) (*tailcfg.DERPRegion, error) {
	region := &tailcfg.DERPRegion{RegionID: 900, RegionCode: "mesh", RegionName: "meshcheck"}
	for i, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, err
		}
		port, _ := strconv.Atoi(u.Port())
		node := &tailcfg.DERPNode{Name: fmt.Sprintf("900%c", 'a'+i), RegionID: 900, HostName: u.Hostname(),
			DERPPort: port, IPv4: os.Getenv("MESHCHECK_DIAL_HOST"), IPv6: "none", STUNPort: -1}
		region.Nodes = append(region.Nodes, node)
	}
	return region, nil
}
