// Command stunload is the STUN load generator of Waystation's benchmark
// (src/bench/run.sh). Several workers, each on its own UDP socket, keep a
// window of Tailscale binding requests (tailscale.com/net/stun, exactly what
// tailscaled's netcheck sends) outstanding against one server and count only
// valid answers: a response that parses, carries the transaction id of a
// request still outstanding, and maps back to the worker's own address.
//
// Answers are read and requests written up to -batch at a time (recvmmsg and
// sendmmsg), so the tool spends a fraction of what a server answering one
// datagram per system call spends, and the figure measures the server.
//
// Bounded: -duration at most maxDuration, loopback targets only (the
// benchmark's choice; the tool refuses non-loopback addresses). Prints one
// JSON object on stdout.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

const maxDuration = 5 * time.Minute

type result struct {
	Server         string  `json:"server"`
	Workers        int     `json:"workers"`
	Window         int     `json:"window"`
	Batch          int     `json:"batch"`
	Seconds        float64 `json:"seconds"`
	Sent           int64   `json:"sent"`
	Valid          int64   `json:"valid_answers"`
	Invalid        int64   `json:"invalid_answers"`
	Late           int64   `json:"late_answers"`
	Timeouts       int64   `json:"timeouts"`
	RequestsPerSec float64 `json:"valid_answers_per_sec"`
}

func main() {
	server := flag.String("server", "127.0.0.1:3478", "STUN server address (loopback)")
	workers := flag.Int("workers", 4, "sockets, one goroutine each")
	window := flag.Int("window", 8, "requests outstanding per worker")
	batch := flag.Int("batch", 64, "datagrams per read or write system call")
	duration := flag.Duration("duration", 10*time.Second, "measured time")
	warmup := flag.Duration("warmup", time.Second, "unmeasured load before the measured time")
	timeout := flag.Duration("timeout", 100*time.Millisecond, "a request unanswered for this long is given up (counted in timeouts) and replaced")
	flag.Parse()

	addr, err := netip.ParseAddrPort(*server)
	switch {
	case err != nil:
		fail(2, fmt.Errorf("-server %q: %v", *server, err))
	case !addr.Addr().IsLoopback():
		fail(2, fmt.Errorf("-server %v is not a loopback address", addr))
	case *workers < 1 || *workers > 256 || *window < 1 || *window > 1024 || *batch < 1 || *batch > 1024:
		fail(2, fmt.Errorf("-workers 1..256, -window 1..1024 and -batch 1..1024"))
	case *timeout <= 0:
		fail(2, fmt.Errorf("-timeout must be positive"))
	case *duration <= 0 || *duration+*warmup > maxDuration:
		fail(2, fmt.Errorf("-duration + -warmup must be within (0, %v]", maxDuration))
	}

	var measuring atomic.Bool
	deadline := time.Now().Add(*warmup + *duration)
	tallies := make([]tally, *workers)
	var wg sync.WaitGroup
	for i := range *workers {
		w, err := newWorker(addr, *window, *batch, *timeout)
		if err != nil {
			fail(1, err)
		}
		wg.Go(func() { tallies[i] = w.run(deadline, &measuring) })
	}
	time.Sleep(*warmup)
	measuring.Store(true)
	start := time.Now()
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	var sum tally
	for _, t := range tallies {
		sum.add(t)
	}
	r := result{
		Server: *server, Workers: *workers, Window: *window, Batch: *batch, Seconds: elapsed,
		Sent: sum.sent, Valid: sum.valid, Invalid: sum.invalid, Late: sum.late, Timeouts: sum.timeouts,
		RequestsPerSec: float64(sum.valid) / elapsed,
	}
	if r.Valid == 0 {
		fail(1, fmt.Errorf("no valid STUN answer from %v (sent %d, %d invalid, %d timeouts; first socket error: %v)",
			addr, r.Sent, r.Invalid, r.Timeouts, sum.err))
	}
	if sum.err != nil {
		fail(1, fmt.Errorf("a worker stopped early: %v", sum.err))
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		fail(1, err)
	}
}

func fail(code int, err error) {
	fmt.Fprintln(os.Stderr, "stunload:", err)
	os.Exit(code)
}
