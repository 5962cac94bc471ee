// Command derpclient is one long-lived DERP client on Tailscale's own packages
// (tailscale.com/derp/derphttp), driven by a test through its command line and
// reporting what happens as lines on stdout:
//
//	derpclient try  URL PRIVKEY            connect once: "ADMITTED <serverinfo>" or "REJECTED <error>"
//	derpclient trymany URL SECONDS PRIVKEY...
//	                                       connect once with every key at the same time: one line per key,
//	                                       "ADMITTED <index>" or "REJECTED <index> <error>", then "DONE"
//	derpclient hold URL PRIVKEY SECONDS    stay connected: "CONNECTED <serverinfo>", then
//	                                       "DISCONNECTED <error>" when the server drops it
//	derpclient sink URL PRIVKEY SECONDS    count received packet bytes: "RECV <millis since start> <total bytes>"
//	                                       every 250 ms, then "DONE <total bytes>"
//	derpclient flood URL PRIVKEY SECONDS DSTKEY SIZE
//	                                       send SIZE-byte packets to DSTKEY ("nodekey:<hex>") as fast as the
//	                                       connection takes them, then "SENT <total bytes>"
//	derpclient burst URL PRIVKEY SECONDS DSTKEY SIZE COUNT
//	                                       send COUNT SIZE-byte packets to DSTKEY as fast as the connection
//	                                       takes them, print "SENT <count> <millis>", then stay connected
//	                                       until SECONDS are up (so nothing sent is cut off by a close)
//
// URL is a DERP server URL (https://host/derp), or a DERP map URL whose fragment names one node
// (http://operator:8080/derpmap.json#900a): then the client dials that node the way tailscaled does,
// through the address, port and TLS name the map publishes.
// <serverinfo> is "rate=<TokenBucketBytesPerSecond> burst=<TokenBucketBytesBurst>".
// Keys are in Tailscale's text form ("privkey:<hex>", from the keygen command).
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"tailscale.com/derp"
	"tailscale.com/derp/derphttp"
	"tailscale.com/net/netmon"
	"tailscale.com/types/key"
	"waystation.dev/interop/derpmaps"
)

func main() {
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	log.SetOutput(os.Stderr)
	if len(os.Args) < 4 {
		log.Fatalf("usage: derpclient <try|hold|sink> URL PRIVKEY [SECONDS]")
	}
	mode, serverURL := os.Args[1], os.Args[2]
	if mode == "trymany" {
		tryMany(serverURL, os.Args[3], os.Args[4:])
		return
	}
	var priv key.NodePrivate
	if err := priv.UnmarshalText([]byte(os.Args[3])); err != nil {
		log.Fatalf("bad private key: %v", err)
	}
	seconds := 30
	if len(os.Args) > 4 {
		n, err := strconv.Atoi(os.Args[4])
		if err != nil {
			log.Fatalf("bad SECONDS %q: %v", os.Args[4], err)
		}
		seconds = n
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(seconds+15)*time.Second)
	defer cancel()

	c, info, err := connect(ctx, serverURL, priv)
	switch mode {
	case "try":
		if err != nil {
			say("REJECTED %v", err)
			return
		}
		say("ADMITTED %s", info)
		c.Close()
	case "hold":
		if err != nil {
			say("REJECTED %v", err)
			os.Exit(1)
		}
		say("CONNECTED %s", info)
		hold(c, time.Duration(seconds)*time.Second)
	case "flood":
		if err != nil {
			say("REJECTED %v", err)
			os.Exit(1)
		}
		dst, size := packetArgs(7, "flood URL PRIVKEY SECONDS DSTKEY SIZE")
		say("CONNECTED %s", info)
		flood(c, dst, size, time.Duration(seconds)*time.Second)
	case "burst":
		if err != nil {
			say("REJECTED %v", err)
			os.Exit(1)
		}
		dst, size := packetArgs(8, "burst URL PRIVKEY SECONDS DSTKEY SIZE COUNT")
		count, err := strconv.Atoi(os.Args[7])
		if err != nil || count <= 0 {
			log.Fatalf("bad COUNT %q", os.Args[7])
		}
		say("CONNECTED %s", info)
		burst(c, dst, size, count, time.Duration(seconds)*time.Second)
	case "sink":
		if err != nil {
			say("REJECTED %v", err)
			os.Exit(1)
		}
		say("CONNECTED %s", info)
		sink(c, time.Duration(seconds)*time.Second)
	default:
		log.Fatalf("unknown mode %q", mode)
	}
}

// packetArgs reads DSTKEY and SIZE (arguments 5 and 6) of a sending mode that
// takes want arguments in all.
func packetArgs(want int, usage string) (key.NodePublic, int) {
	if len(os.Args) < want {
		log.Fatalf("usage: derpclient %s", usage)
	}
	var dst key.NodePublic
	if err := dst.UnmarshalText([]byte(os.Args[5])); err != nil {
		log.Fatalf("bad DSTKEY: %v", err)
	}
	size, err := strconv.Atoi(os.Args[6])
	if err != nil || size <= 0 || size > derp.MaxPacketSize {
		log.Fatalf("bad SIZE %q", os.Args[6])
	}
	return dst, size
}

func say(format string, args ...any) {
	fmt.Printf(format+"\n", args...)
}

// connect dials, completes the handshake and waits for ServerInfo, which the
// server sends only after admitting the client.
func connect(ctx context.Context, serverURL string, priv key.NodePrivate) (*derphttp.Client, string, error) {
	c, err := newClient(serverURL, priv)
	if err != nil {
		return nil, "", err
	}
	if err := c.Connect(ctx); err != nil {
		c.Close()
		return nil, "", err
	}
	m, err := c.Recv()
	if err != nil {
		c.Close()
		return nil, "", err
	}
	si, ok := m.(derp.ServerInfoMessage)
	if !ok {
		c.Close()
		return nil, "", fmt.Errorf("first message was %T, want ServerInfoMessage", m)
	}
	return c, fmt.Sprintf("rate=%d burst=%d", si.TokenBucketBytesPerSecond, si.TokenBucketBytesBurst), nil
}

func newClient(serverURL string, priv key.NodePrivate) (*derphttp.Client, error) {
	mapURL, nodeName, viaMap := strings.Cut(serverURL, "#")
	if !viaMap {
		return derphttp.NewClient(priv, serverURL, log.Printf, netmon.NewStatic())
	}
	derpMap, err := derpmaps.Fetch(mapURL)
	if err != nil {
		return nil, err
	}
	region, node, err := derpmaps.FindNode(derpMap, nodeName)
	if err != nil {
		return nil, err
	}
	return derpmaps.NodeClient(priv, region, node), nil
}

// hold reads until the server drops the connection or the time is up. derphttp
// would redial on the next call after an error, so the first error ends it.
func hold(c *derphttp.Client, d time.Duration) {
	done := make(chan error, 1)
	go func() {
		for {
			if _, err := c.Recv(); err != nil {
				done <- err
				return
			}
		}
	}()
	select {
	case err := <-done:
		say("DISCONNECTED %v", err)
	case <-time.After(d):
		say("TIMEOUT still connected")
	}
	c.Close()
}

// flood sends until the time is up; Send blocks while the relay applies
// back-pressure, which is what a rate-limited client experiences.
func flood(c *derphttp.Client, dst key.NodePublic, size int, d time.Duration) {
	go func() {
		for {
			if _, err := c.Recv(); err != nil {
				return
			}
		}
	}()
	packet := make([]byte, size)
	var total int64
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if err := c.Send(dst, packet); err != nil {
			say("ERROR %v", err)
			break
		}
		total += int64(size)
	}
	say("SENT %d", total)
	c.Close()
}

// burst sends count packets back to back (Send blocks while the relay holds
// back its reads), then keeps the connection open until d has passed.
func burst(c *derphttp.Client, dst key.NodePublic, size, count int, d time.Duration) {
	start := time.Now()
	go func() {
		for {
			if _, err := c.Recv(); err != nil {
				return
			}
		}
	}()
	packet := make([]byte, size)
	for i := 0; i < count; i++ {
		if err := c.Send(dst, packet); err != nil {
			say("ERROR %v", err)
			c.Close()
			return
		}
	}
	say("SENT %d %d", count, time.Since(start).Milliseconds())
	time.Sleep(time.Until(start.Add(d)))
	c.Close()
}

func sink(c *derphttp.Client, d time.Duration) {
	var total atomic.Int64
	start := time.Now()
	go func() {
		for {
			m, err := c.Recv()
			if err != nil {
				return
			}
			if p, ok := m.(derp.ReceivedPacket); ok {
				total.Add(int64(len(p.Data)))
			}
		}
	}()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(d)
	for {
		select {
		case <-tick.C:
			say("RECV %d %d", time.Since(start).Milliseconds(), total.Load())
		case <-deadline:
			say("DONE %d", total.Load())
			c.Close()
			return
		}
	}
}

// tryMany starts one handshake per key at once, as a burst of new clients does,
// and reports each outcome by the key's index on the command line.
func tryMany(serverURL, secondsArg string, privs []string) {
	seconds, err := strconv.Atoi(secondsArg)
	if err != nil {
		log.Fatalf("bad SECONDS %q: %v", secondsArg, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(seconds)*time.Second)
	defer cancel()
	lines := make(chan string, len(privs))
	for i, text := range privs {
		var priv key.NodePrivate
		if err := priv.UnmarshalText([]byte(text)); err != nil {
			log.Fatalf("bad private key %d: %v", i, err)
		}
		go func(i int, priv key.NodePrivate) {
			c, _, err := connect(ctx, serverURL, priv)
			if err != nil {
				lines <- fmt.Sprintf("REJECTED %d %v", i, err)
				return
			}
			c.Close()
			lines <- fmt.Sprintf("ADMITTED %d", i)
		}(i, priv)
	}
	for range privs {
		say("%s", <-lines)
	}
	say("DONE")
}
