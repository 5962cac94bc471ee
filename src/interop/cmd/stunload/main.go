// Command stunload is the STUN load generator of Waystation's benchmark
// (src/bench/run.sh). Several workers, each on its own UDP socket, keep a
// window of Tailscale binding requests (tailscale.com/net/stun, exactly what
// tailscaled's netcheck sends) outstanding against one server and count only
// valid answers: a response that parses, carries the transaction id of a
// request still outstanding, and maps back to the worker's own address.
//
// Bounded: -duration at most maxDuration, loopback targets only (the
// benchmark's choice; the tool refuses non-loopback addresses). Prints one
// JSON object on stdout.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"tailscale.com/net/stun"
)

const maxDuration = 5 * time.Minute

type result struct {
	Server         string  `json:"server"`
	Workers        int     `json:"workers"`
	Window         int     `json:"window"`
	Seconds        float64 `json:"seconds"`
	Sent           int64   `json:"sent"`
	Valid          int64   `json:"valid_answers"`
	Invalid        int64   `json:"invalid_answers"`
	Late           int64   `json:"late_answers"`
	Timeouts       int64   `json:"timeouts"`
	RequestsPerSec float64 `json:"valid_answers_per_sec"`
}

type counters struct {
	sent, valid, invalid, late, timeouts atomic.Int64
	measuring                            atomic.Bool
}

func main() {
	server := flag.String("server", "127.0.0.1:3478", "STUN server address (loopback)")
	workers := flag.Int("workers", 4, "sockets, one goroutine each")
	window := flag.Int("window", 8, "requests outstanding per worker")
	duration := flag.Duration("duration", 10*time.Second, "measured time")
	warmup := flag.Duration("warmup", time.Second, "unmeasured load before the measured time")
	timeout := flag.Duration("timeout", 100*time.Millisecond, "a window with no answer for this long is re-sent")
	flag.Parse()

	addr, err := netip.ParseAddrPort(*server)
	switch {
	case err != nil:
		fail(2, fmt.Errorf("-server %q: %v", *server, err))
	case !addr.Addr().IsLoopback():
		fail(2, fmt.Errorf("-server %v is not a loopback address", addr))
	case *workers < 1 || *workers > 256 || *window < 1 || *window > 1024:
		fail(2, fmt.Errorf("-workers 1..256 and -window 1..1024"))
	case *duration <= 0 || *duration+*warmup > maxDuration:
		fail(2, fmt.Errorf("-duration + -warmup must be within (0, %v]", maxDuration))
	}

	var c counters
	deadline := time.Now().Add(*warmup + *duration)
	var wg sync.WaitGroup
	for range *workers {
		conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IP(addr.Addr().AsSlice())})
		if err != nil {
			fail(1, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close()
			work(conn, net.UDPAddrFromAddrPort(addr), *window, *timeout, deadline, &c)
		}()
	}
	time.Sleep(*warmup)
	c.measuring.Store(true)
	start := time.Now()
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	r := result{
		Server: *server, Workers: *workers, Window: *window, Seconds: elapsed,
		Sent: c.sent.Load(), Valid: c.valid.Load(), Invalid: c.invalid.Load(), Late: c.late.Load(), Timeouts: c.timeouts.Load(),
		RequestsPerSec: float64(c.valid.Load()) / elapsed,
	}
	if r.Valid == 0 {
		fail(1, fmt.Errorf("no valid STUN answer from %v (sent %d, %d invalid, %d timeouts)", addr, r.Sent, r.Invalid, r.Timeouts))
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		fail(1, err)
	}
}

// work keeps `window` requests outstanding on conn until deadline; each valid
// answer is replaced by a new request, a silent window is re-sent whole.
func work(conn *net.UDPConn, server *net.UDPAddr, window int, timeout time.Duration, deadline time.Time, c *counters) {
	self := conn.LocalAddr().(*net.UDPAddr).AddrPort()
	outstanding := make(map[stun.TxID]struct{}, window)
	send := func() {
		tx := stun.NewTxID()
		if _, err := conn.WriteToUDP(stun.Request(tx), server); err != nil {
			return
		}
		outstanding[tx] = struct{}{}
		if c.measuring.Load() {
			c.sent.Add(1)
		}
	}
	for range window {
		send()
	}
	buf := make([]byte, 1500)
	for time.Now().Before(deadline) {
		wait := time.Now().Add(timeout)
		if wait.After(deadline) {
			wait = deadline
		}
		conn.SetReadDeadline(wait)
		n, _, err := conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				if time.Now().Before(deadline) {
					if c.measuring.Load() {
						c.timeouts.Add(1)
					}
					clear(outstanding)
					for range window {
						send()
					}
				}
				continue
			}
			return
		}
		tx, mapped, err := stun.ParseResponse(buf[:n])
		if err != nil || mapped.Port() != self.Port() || mapped.Addr().Unmap() != self.Addr().Unmap() {
			if c.measuring.Load() {
				c.invalid.Add(1)
			}
			continue
		}
		if _, known := outstanding[tx]; !known {
			if c.measuring.Load() {
				c.late.Add(1) // answer to a request already given up on
			}
			continue
		}
		delete(outstanding, tx)
		if c.measuring.Load() {
			c.valid.Add(1)
		}
		send()
	}
}

func fail(code int, err error) {
	fmt.Fprintln(os.Stderr, "stunload:", err)
	os.Exit(code)
}
