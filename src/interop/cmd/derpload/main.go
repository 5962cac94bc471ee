// Command derpload is the DERP load generator of Waystation's benchmark
// (src/bench/run.sh). It drives any DERP server over plain HTTP with
// Tailscale's own client (tailscale.com/derp/derphttp), so derper and
// Waystation are measured by exactly the same code.
//
// Modes (-mode):
//
//	throughput  N sender/receiver pairs; each sender sends fixed-size packets
//	            as fast as the client allows for -duration; reports packets/s
//	            and bytes/s received (what the relay delivered). With
//	            -window W a sender keeps at most W packets in flight (the
//	            relay's peak delivery rate); with -window 0 senders are
//	            open-loop and the relay drops what its queues cannot hold.
//	            -batch: the frames, handshake and client are the same, but
//	            each sender's connection hands its frames to the kernel in
//	            batches (at the window wait, at 64 KiB, or after 1 ms)
//	            instead of one write per frame; -read-ahead N: receivers
//	            read the socket N bytes at a time instead of 4 KiB.
//	latency     N pairs at a fixed total offered rate (-rate packets/s); each
//	            payload carries its send time, receivers report the relay
//	            latency p50/p99 (client send call to client receive).
//	connect     opens -conns connections, -dialers at a time, each one
//	            through its handshake (TLS where the URL is https) and
//	            ServerInfo, then closes it: the server's cost of setting up a
//	            connection, measured from outside.
//	idle        opens -conns connections, waits until every one got its
//	            ServerInfo, writes "ready" to stderr, holds them for -hold (or
//	            until stdin closes), then closes them all.
//
// Every loop is bounded in time and count and the tool only dials the URL it
// is given; the benchmark gives it loopback addresses only. The result is one
// JSON object on stdout.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"time"
)

// maxDuration bounds every timed phase so that a mistaken flag cannot turn
// the tool into an unbounded load source.
const maxDuration = 5 * time.Minute

// maxConns bounds the idle and connect modes' connection count (one process
// also needs an open file per connection: the benchmark splits larger idle
// sets over several processes).
const maxConns = 200000

// maxReadAhead bounds a receiver's read-ahead buffer (one per receiver).
const maxReadAhead = 1 << 20

type options struct {
	url          string
	receiversURL string
	mode         string
	pairs        int
	size         int
	duration     time.Duration
	warmup       time.Duration
	rate         float64
	conns        int
	dialers      int
	hold         time.Duration
	readyFile    string
	window       int
	sources      int
	sourceFirst  string
	batch        bool
	readAhead    int
}

func main() {
	var o options
	flag.StringVar(&o.url, "url", "http://127.0.0.1:3340/derp", "DERP URL (plain HTTP, loopback)")
	flag.StringVar(&o.receiversURL, "receiver-url", "", "DERP URL the receivers connect to (default -url); another node of the region measures its mesh")
	flag.StringVar(&o.mode, "mode", "throughput", "throughput | latency | connect | idle")
	flag.IntVar(&o.pairs, "pairs", 10, "sender/receiver pairs (throughput, latency)")
	flag.IntVar(&o.size, "size", 1400, "packet payload size in bytes")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measured time (throughput, latency)")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured load before the measured time")
	flag.Float64Var(&o.rate, "rate", 10000, "total offered packets/s over all pairs (latency)")
	flag.IntVar(&o.window, "window", 0, "packets in flight per pair (throughput); 0 sends open-loop, letting the relay drop")
	flag.BoolVar(&o.batch, "batch", false, "throughput: senders batch their frames into fewer socket writes (default: one write per frame, as Tailscale's client does)")
	flag.IntVar(&o.readAhead, "read-ahead", 0, "throughput: receivers read the socket this many bytes at a time (0: the client's own 4 KiB reads)")
	flag.IntVar(&o.conns, "conns", 10000, "connections to open (idle)")
	flag.IntVar(&o.dialers, "dialers", 32, "connections being opened at once (connect, idle)")
	flag.IntVar(&o.sources, "sources", 0, "loopback source addresses to spread connections over (connect, idle); 0 leaves it to the kernel")
	flag.StringVar(&o.sourceFirst, "source-first", "127.0.1.1", "first of the -sources addresses (connect, idle)")
	flag.DurationVar(&o.hold, "hold", 60*time.Second, "longest time to hold the idle connections (SIGTERM ends it sooner)")
	flag.StringVar(&o.readyFile, "ready-file", "", "file to write the connected count to once all idle connections are up")
	flag.Parse()
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	if err := o.validate(); err != nil {
		fmt.Fprintln(os.Stderr, "derpload:", err)
		os.Exit(2)
	}

	var (
		result any
		err    error
	)
	switch o.mode {
	case "throughput":
		result, err = runThroughput(o)
	case "latency":
		result, err = runLatency(o)
	case "connect":
		result, err = runConnect(o)
	case "idle":
		result, err = runIdle(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "derpload:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(result); err != nil {
		log.Fatal(err)
	}
}

func (o options) receiverURL() string {
	if o.receiversURL == "" {
		return o.url
	}
	return o.receiversURL
}

func (o options) validate() error {
	u, err := url.Parse(o.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("-url %q is not an http(s) DERP URL", o.url)
	}
	switch o.mode {
	case "throughput", "latency", "connect", "idle":
	default:
		return fmt.Errorf("-mode %q: want throughput, latency, connect or idle", o.mode)
	}
	if o.pairs < 1 || o.pairs > 1000 {
		return fmt.Errorf("-pairs %d: want 1..1000", o.pairs)
	}
	if o.size < timestampLen || o.size > 65535-32 {
		return fmt.Errorf("-size %d: want %d..%d", o.size, timestampLen, 65535-32)
	}
	if o.duration <= 0 || o.warmup < 0 || o.duration+o.warmup > maxDuration || o.hold > maxDuration {
		return fmt.Errorf("-duration/-warmup/-hold must be positive and add up to at most %v", maxDuration)
	}
	if o.mode == "latency" && (o.rate <= 0 || o.rate > 10_000_000) {
		return fmt.Errorf("-rate %v: want a positive packets/s value", o.rate)
	}
	if o.window < 0 || o.window > 1<<20 {
		return fmt.Errorf("-window %d: want 0..%d", o.window, 1<<20)
	}
	if (o.batch || o.readAhead != 0) && o.mode != "throughput" {
		return fmt.Errorf("-batch and -read-ahead apply to -mode throughput only")
	}
	if o.readAhead != 0 && (o.readAhead < 4096 || o.readAhead > maxReadAhead) {
		return fmt.Errorf("-read-ahead %d: want 0 or 4096..%d", o.readAhead, maxReadAhead)
	}
	if o.conns < 1 || o.conns > maxConns || o.dialers < 1 {
		return fmt.Errorf("-conns %d: want 1..%d (and -dialers >= 1)", o.conns, maxConns)
	}
	if o.sources < 0 || o.sources > 250 {
		return fmt.Errorf("-sources %d: want 0..250", o.sources)
	}
	return nil
}
