package main

import (
	"context"
	"fmt"
	"time"

	"tailscale.com/derp"
	"tailscale.com/derp/derphttp"
	"tailscale.com/net/netmon"
	"tailscale.com/types/key"
	"tailscale.com/types/logger"
)

// dial connects one real Tailscale DERP client and waits for its ServerInfo:
// the server registers a client before it sends ServerInfo, so afterwards a
// packet sent to this client's key from another connection is deliverable.
func dial(ctx context.Context, url string, netMon *netmon.Monitor) (*derphttp.Client, error) {
	c, err := derphttp.NewClient(key.NewNode(), url, logger.Discard, netMon)
	if err != nil {
		return nil, err
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

// pair is one sender and the receiver it sends to.
type pair struct {
	sender, receiver *derphttp.Client
}

// dialTimeout bounds connecting all pairs.
const dialTimeout = 60 * time.Second

// dialPairs connects n senders to senderURL and n receivers to receiverURL (the
// same server, or another node of the same region to load its mesh).
func dialPairs(senderURL, receiverURL string, n int) ([]pair, error) {
	ctx, cancel := context.WithTimeout(context.Background(), dialTimeout)
	defer cancel()
	netMon := netmon.NewStatic()
	pairs := make([]pair, 0, n)
	for range n {
		s, err := dial(ctx, senderURL, netMon)
		if err != nil {
			closePairs(pairs)
			return nil, err
		}
		r, err := dial(ctx, receiverURL, netMon)
		if err != nil {
			s.Close()
			closePairs(pairs)
			return nil, err
		}
		pairs = append(pairs, pair{sender: s, receiver: r})
	}
	return pairs, nil
}

func closePairs(pairs []pair) {
	for _, p := range pairs {
		p.sender.Close()
		p.receiver.Close()
	}
}
