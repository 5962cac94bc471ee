package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"tailscale.com/net/netmon"
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
	sources, err := sourceAddrs(o.sourceFirst, o.sources)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.duration)
	defer cancel()
	netMon := netmon.NewStatic()
	var completed, failed, next atomic.Int64
	var firstErr atomic.Value
	began := time.Now()
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
				c, err := dial(ctx, o.url, netMon, sourceFor(sources, i))
				if err != nil {
					if ctx.Err() == nil {
						failed.Add(1)
						firstErr.CompareAndSwap(nil, err.Error())
					}
					continue
				}
				c.Close()
				completed.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(began).Seconds()
	r := &connectResult{
		Mode: "connect", Requested: o.conns, Completed: completed.Load(), Failed: failed.Load(),
		Seconds: elapsed, ConnectsPerSec: float64(completed.Load()) / elapsed,
	}
	if e, ok := firstErr.Load().(string); ok {
		r.FirstError = e
	}
	return r, nil
}
