package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"tailscale.com/derp/derphttp"
	"tailscale.com/net/netmon"
)

// idleResult is what the idle mode prints.
type idleResult struct {
	Mode        string  `json:"mode"`
	Requested   int     `json:"requested"`
	Connected   int     `json:"connected"`
	Failed      int64   `json:"failed"`
	OpenSeconds float64 `json:"open_seconds"`
	HeldSeconds float64 `json:"held_seconds"`
	FirstError  string  `json:"first_error,omitempty"`
}

// runIdle opens o.conns connections, announces readiness on stderr and in
// -ready-file, and holds them until SIGTERM/SIGINT or -hold elapses.
func runIdle(o options) (*idleResult, error) {
	stopSignal := make(chan os.Signal, 1)
	signal.Notify(stopSignal, syscall.SIGTERM, syscall.SIGINT)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	sources, err := sourceAddrs(o.sourceFirst, o.sources)
	if err != nil {
		return nil, err
	}
	netMon := netmon.NewStatic()
	clients := make([]*derphttp.Client, o.conns)
	var failed atomic.Int64
	var firstErr atomic.Value
	next := atomic.Int64{}
	began := time.Now()
	var wg sync.WaitGroup
	for range min(o.dialers, o.conns) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= o.conns {
					return
				}
				c, err := dial(ctx, o.url, netMon, sourceFor(sources, i))
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				clients[i] = c
			}
		}()
	}
	wg.Wait()
	opened := time.Since(began)
	connected := 0
	for _, c := range clients {
		if c != nil {
			connected++
			// Drain keep-alives so that the server never sees a full socket.
			go func() {
				for {
					if _, err := c.Recv(); err == derphttp.ErrClientClosed {
						return
					} else if err != nil {
						time.Sleep(time.Second)
					}
				}
			}()
		}
	}
	fmt.Fprintf(os.Stderr, "ready %d\n", connected)
	if o.readyFile != "" {
		if err := os.WriteFile(o.readyFile, fmt.Appendf(nil, "%d\n", connected), 0o644); err != nil {
			return nil, err
		}
	}
	held := time.Now()
	select {
	case <-stopSignal:
	case <-time.After(o.hold):
	}
	heldFor := time.Since(held)
	for _, c := range clients {
		if c != nil {
			c.Close()
		}
	}
	r := &idleResult{
		Mode: "idle", Requested: o.conns, Connected: connected, Failed: failed.Load(),
		OpenSeconds: opened.Seconds(), HeldSeconds: heldFor.Seconds(),
	}
	if e, ok := firstErr.Load().(string); ok {
		r.FirstError = e
	}
	return r, nil
}
