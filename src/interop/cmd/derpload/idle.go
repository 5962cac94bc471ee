package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"tailscale.com/derp/derphttp"
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
	clients := make([]*derphttp.Client, o.conns)
	began := time.Now()
	out, err := dialMany(ctx, o, func(i int, c *derphttp.Client) { clients[i] = c })
	if err != nil {
		return nil, err
	}
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
		Mode: "idle", Requested: o.conns, Connected: connected, Failed: out.failed.Load(),
		OpenSeconds: opened.Seconds(), HeldSeconds: heldFor.Seconds(), FirstError: out.firstError(),
	}
	return r, nil
}
