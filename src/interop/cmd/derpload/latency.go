package main

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"tailscale.com/derp/derphttp"
	"tailscale.com/types/key"
)

// timestampLen is the payload prefix holding the send time: nanoseconds since
// the process's monotonic base, so senders and receivers (same process) agree.
const timestampLen = 8

// base is the monotonic reference of payload timestamps.
var base = time.Now()

// latencyResult is what the latency mode prints (microseconds).
type latencyResult struct {
	Mode         string  `json:"mode"`
	Pairs        int     `json:"pairs"`
	Size         int     `json:"size"`
	OfferedRate  float64 `json:"offered_packets_per_sec"`
	Seconds      float64 `json:"seconds"`
	SentPackets  int64   `json:"sent_packets"`
	Samples      int     `json:"samples"`
	ReceivedRate float64 `json:"received_packets_per_sec"`
	P50Micros    float64 `json:"p50_us"`
	P90Micros    float64 `json:"p90_us"`
	P99Micros    float64 `json:"p99_us"`
	P999Micros   float64 `json:"p999_us"`
	MaxMicros    float64 `json:"max_us"`
	SendErrors   int64   `json:"send_errors"`
	// LateSends counts packets sent more than lateSend after their due time:
	// a load generator that falls behind offers a burstier load than asked.
	LateSends    int64   `json:"late_sends"`
	MaxLagMicros float64 `json:"max_send_lag_us"`
	FirstError   string  `json:"first_send_error,omitempty"`
	// TotalReceived counts the whole run, warm-up included: per-packet server cost.
	TotalReceived int64   `json:"total_received"`
	WallSeconds   float64 `json:"wall_seconds"`
}

// latencyWindow collects one receiver's latencies sent inside the measured window.
type latencyWindow struct {
	from, to time.Duration // since base
	samples  []time.Duration
}

func (w *latencyWindow) record(payload []byte) {
	sentAt := time.Duration(binary.BigEndian.Uint64(payload))
	if sentAt < w.from || sentAt >= w.to || len(w.samples) == cap(w.samples) {
		return
	}
	w.samples = append(w.samples, time.Since(base)-sentAt)
}

func runLatency(o options) (*latencyResult, error) {
	began := time.Now()
	pairs, err := dialPairs(o.url, o.receiverURL(), o.pairs, batching{})
	if err != nil {
		return nil, err
	}
	perPair := o.rate / float64(o.pairs)
	start := time.Since(base)
	from, to := start+o.warmup, start+o.warmup+o.duration
	// Bounded sample storage: the offered count plus slack.
	capacity := int(perPair*o.duration.Seconds()*1.1) + 16
	windows := make([]*latencyWindow, len(pairs))
	var c counters
	var lag sendLag
	var wg sync.WaitGroup
	var senders sync.WaitGroup
	for i, p := range pairs {
		w := &latencyWindow{from: from, to: to, samples: make([]time.Duration, 0, capacity)}
		windows[i] = w
		wg.Add(1)
		senders.Add(1)
		go func() { defer wg.Done(); receiveLoop(p.receiver, p.sender.SelfPublicKey(), &c, w.record) }()
		go func() {
			defer senders.Done()
			sendPaced(p.sender, p.receiver.SelfPublicKey(), o.size, perPair, start, to, &c, &lag)
		}()
	}
	senders.Wait()
	// Let the last packets arrive; anything later than this counts as lost.
	time.Sleep(500 * time.Millisecond)
	closePairs(pairs)
	wg.Wait()

	var all []time.Duration
	for _, w := range windows {
		all = append(all, w.samples...)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("no packet arrived (%d send errors)", c.sendErrors.Load())
	}
	slices.Sort(all)
	q := func(f float64) float64 {
		return float64(all[min(len(all)-1, int(f*float64(len(all))))]) / 1e3
	}
	return &latencyResult{
		Mode: "latency", Pairs: o.pairs, Size: o.size, OfferedRate: o.rate,
		Seconds: o.duration.Seconds(), SentPackets: c.sent.Load(), Samples: len(all),
		ReceivedRate: float64(len(all)) / o.duration.Seconds(),
		P50Micros:    q(0.50), P90Micros: q(0.90), P99Micros: q(0.99), P999Micros: q(0.999),
		MaxMicros:     float64(all[len(all)-1]) / 1e3,
		SendErrors:    c.sendErrors.Load(),
		LateSends:     lag.late.Load(),
		MaxLagMicros:  float64(lag.max.Load()) / 1e3,
		FirstError:    c.firstError(),
		TotalReceived: c.received.Load(),
		WallSeconds:   time.Since(began).Seconds(),
	}, nil
}

// sendPaced sends at perSecond packets/s from start until end (both since
// base). Each packet's due time is fixed in advance: a sender that falls
// behind catches up instead of silently lowering the offered rate.
func sendPaced(c *derphttp.Client, dst key.NodePublic, size int, perSecond float64, start, end time.Duration, n *counters, lag *sendLag) {
	pkt := make([]byte, size)
	interval := time.Duration(float64(time.Second) / perSecond)
	due := start
	for due < end {
		if wait := due - time.Since(base); wait > 0 {
			time.Sleep(wait)
		}
		now := time.Since(base)
		lag.record(now - due)
		binary.BigEndian.PutUint64(pkt, uint64(now))
		if err := c.Send(dst, pkt); err != nil {
			n.sendFailed(err)
		} else {
			n.sent.Add(1)
		}
		due += interval
	}
}

// lateSend is how far behind its due time a paced send may be before it counts as late.
const lateSend = time.Millisecond

// sendLag tracks how far the paced senders fall behind their schedule.
type sendLag struct {
	late atomic.Int64
	max  atomic.Int64 // nanoseconds
}

func (l *sendLag) record(behind time.Duration) {
	if behind > lateSend {
		l.late.Add(1)
	}
	for {
		m := l.max.Load()
		if int64(behind) <= m || l.max.CompareAndSwap(m, int64(behind)) {
			return
		}
	}
}
