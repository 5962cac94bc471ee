package main

import (
	"context"
	"fmt"
	"log"

	"tailscale.com/types/key"
	"waystation.dev/interop/derpmaps"
)

// region exchanges packets through every node of one region of a DERP map, each node on its own,
// reached the way tailscaled reaches it. A region with no nodes fails: nothing would be proven.
func region(ctx context.Context, mapURL string, regionID int) error {
	derpMap, err := derpmaps.Fetch(mapURL)
	if err != nil {
		return err
	}
	reg := derpMap.Regions[regionID]
	if reg == nil || len(reg.Nodes) == 0 {
		return fmt.Errorf("the DERP map at %s has no nodes in region %d", mapURL, regionID)
	}
	for _, node := range reg.Nodes {
		privA, privB := key.NewNode(), key.NewNode()
		a, err := connect(ctx, derpmaps.NodeClient(privA, reg, node), privA)
		if err != nil {
			return fmt.Errorf("node %s (%s, %s:%d): %w", node.Name, node.HostName, node.IPv4, node.DERPPort, err)
		}
		b, err := connect(ctx, derpmaps.NodeClient(privB, reg, node), privB)
		if err != nil {
			a.c.Close()
			return fmt.Errorf("node %s (%s, %s:%d): %w", node.Name, node.HostName, node.IPv4, node.DERPPort, err)
		}
		err = exchangeBetween(a.c.Send, a, b.c.Send, b)
		a.c.Close()
		b.c.Close()
		if err != nil {
			return fmt.Errorf("node %s: %w", node.Name, err)
		}
		log.Printf("NODE %s %s %s %d OK", node.Name, node.HostName, node.IPv4, node.DERPPort)
	}
	return nil
}
