package main

import (
	"context"
	"sync/atomic"
	"time"

	"tailscale.com/derp/derphttp"
)

// connectResult is what the connect mode prints.
type connectResult struct {
	Mode           string  `json:"mode"`
	Requested      int     `json:"requested"`
	Completed      int64   `json:"completed"`
	Failed         int64   `json:"failed"`
	Seconds        float64 `json:"seconds"`
	ConnectsPerSec float64 `json:"connects_per_sec"`
	FirstError     string  `json:"first_error,omitempty"`
}

// runConnect sets up o.conns connections, o.dialers at a time, each through
// its handshake and ServerInfo, and closes each one right away. Bounded by
// o.conns and by o.duration (whatever is left then is not started).
func runConnect(o options) (*connectResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), o.duration)
	defer cancel()
	var completed atomic.Int64
	began := time.Now()
	out, err := dialMany(ctx, o, func(_ int, c *derphttp.Client) {
		c.Close()
		completed.Add(1)
	})
	if err != nil {
		return nil, err
	}
	elapsed := time.Since(began).Seconds()
	return &connectResult{
		Mode: "connect", Requested: o.conns, Completed: completed.Load(), Failed: out.failed.Load(),
		Seconds: elapsed, ConnectsPerSec: float64(completed.Load()) / elapsed, FirstError: out.firstError(),
	}, nil
}
