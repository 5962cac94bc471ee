package main

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"tailscale.com/derp"
	"tailscale.com/derp/derphttp"
	"tailscale.com/net/netmon"
	"tailscale.com/net/netx"
	"tailscale.com/types/key"
	"tailscale.com/types/logger"
)

// dial connects one real Tailscale DERP client and waits for its ServerInfo:
// the server registers a client before it sends ServerInfo, so afterwards a
// packet sent to this client's key from another connection is deliverable.
// A non-nil dialer opens the client's TCP connection (nil: derphttp's own).
func dial(ctx context.Context, url string, netMon *netmon.Monitor, dialer netx.DialFunc) (*derphttp.Client, error) {
	c, err := derphttp.NewClient(key.NewNode(), url, logger.Discard, netMon)
	if err != nil {
		return nil, err
	}
	if dialer != nil {
		c.SetURLDialer(dialer)
	}
	if err := c.Connect(ctx); err != nil {
		c.Close()
		return nil, fmt.Errorf("connect %s: %w", url, err)
	}
	for {
		m, err := c.Recv()
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("waiting for ServerInfo: %w", err)
		}
		if _, ok := m.(derp.ServerInfoMessage); ok {
			return c, nil
		}
	}
}

// sourceDialer binds the client's end of the TCP connection to a loopback
// source address: one address has only ~28k ephemeral ports towards one
// server port, so large idle sets spread over several. Invalid: the kernel's
// choice, through derphttp's own dialer.
func sourceDialer(source netip.Addr) netx.DialFunc {
	if !source.IsValid() {
		return nil
	}
	d := &net.Dialer{LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(source, 0))}
	return d.DialContext
}

// pair is one sender and the receiver it sends to. With batching, each has
// its batchDialer (else nil).
type pair struct {
	sender, receiver         *derphttp.Client
	senderConn, receiverConn *batchDialer
}

// batching says how dialPairs sets up the pairs' connections; the zero value
// is Tailscale's client exactly as it is (a write and a flush per frame, 4 KiB
// reads).
type batching struct {
	senders   bool // coalesce each sender's frames (batchConn)
	readAhead int  // receivers read the socket in reads of this many bytes (0: the client's own)
}

// dialTimeout bounds connecting all pairs.
const dialTimeout = 60 * time.Second

// dialPairs connects n senders to senderURL and n receivers to receiverURL (the
// same server, or another node of the same region to load its mesh). Senders
// start batching only once connected: the handshake goes out as derphttp
// writes it.
func dialPairs(senderURL, receiverURL string, n int, b batching) ([]pair, error) {
	ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
	defer cancel()
	netMon := netmon.NewStatic()
	pairs := make([]pair, 0, n)
	for range n {
		var p pair
		var sd, rd netx.DialFunc
		if b.senders {
			p.senderConn = &batchDialer{}
			sd = p.senderConn.DialContext
		}
		if b.readAhead > 0 {
			p.receiverConn = &batchDialer{readAhead: b.readAhead}
			rd = p.receiverConn.DialContext
		}
		var err error
		if p.sender, err = dial(ctx, senderURL, netMon, sd); err != nil {
			closePairs(pairs)
			return nil, err
		}
		if p.receiver, err = dial(ctx, receiverURL, netMon, rd); err != nil {
			p.sender.Close()
			closePairs(pairs)
			return nil, err
		}
		if p.senderConn != nil {
			if err := p.senderConn.startBatching(); err != nil {
				closePairs(append(pairs, p))
				return nil, err
			}
		}
		pairs = append(pairs, p)
	}
	return pairs, nil
}

func closePairs(pairs []pair) {
	for _, p := range pairs {
		p.sender.Close()
		p.receiver.Close()
	}
}

// sourceAddrs are the loopback addresses connections bind to, used round
// robin: n addresses counting up from first (none when n is 0).
func sourceAddrs(first string, n int) ([]netip.Addr, error) {
	if n == 0 {
		return nil, nil
	}
	a, err := netip.ParseAddr(first)
	if err != nil || !a.Is4() || !a.IsLoopback() {
		return nil, fmt.Errorf("-source-first %q: want an IPv4 loopback address", first)
	}
	addrs := make([]netip.Addr, 0, n)
	for range n {
		if !a.IsLoopback() {
			return nil, fmt.Errorf("-sources %d from %s leaves 127.0.0.0/8", n, first)
		}
		addrs = append(addrs, a)
		a = a.Next()
	}
	return addrs, nil
}

// sourceFor is the source address of connection i (invalid: the kernel's choice).
func sourceFor(addrs []netip.Addr, i int) netip.Addr {
	if len(addrs) == 0 {
		return netip.Addr{}
	}
	return addrs[i%len(addrs)]
}

// dialOutcome counts the connections dialMany could not set up.
type dialOutcome struct {
	failed   atomic.Int64
	firstErr atomic.Value
}

func (d *dialOutcome) firstError() string {
	s, _ := d.firstErr.Load().(string)
	return s
}

// dialMany sets up o.conns connections to o.url, o.dialers at a time, each
// bound to its source address, and hands each one to use (from several
// goroutines). It stops starting new ones when ctx ends; a dial that fails
// because ctx ended is not counted.
func dialMany(ctx context.Context, o options, use func(i int, c *derphttp.Client)) (*dialOutcome, error) {
	sources, err := sourceAddrs(o.sourceFirst, o.sources)
	if err != nil {
		return nil, err
	}
	netMon := netmon.NewStatic()
	var out dialOutcome
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(o.dialers, o.conns) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= o.conns {
					return
				}
				c, err := dial(ctx, o.url, netMon, sourceDialer(sourceFor(sources, i)))
				if err != nil {
					if ctx.Err() == nil {
						out.failed.Add(1)
						out.firstErr.CompareAndSwap(nil, err.Error())
					}
					continue
				}
				use(i, c)
			}
		}()
	}
	wg.Wait()
	return &out, nil
}
