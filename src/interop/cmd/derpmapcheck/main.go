// Command derpmapcheck fetches a DERP map over HTTP and decodes it the way headscale's derp.urls
// does: encoding/json into Tailscale's own tailcfg.DERPMap. It is stricter than headscale in two
// ways: unknown keys are an error (so every key we emit is a real tailcfg field), and each region
// must sit under its own RegionID. It prints one line per region and per node for the caller to
// compare with the DerpRegions it created:
//
//	region <id> <code> <name>
//	node <name> <regionID> <hostName> <ipv4|-> <ipv6|-> <stunPort> <derpPort> <canPort80>
package main

import (
	"fmt"
	"os"

	"waystation.dev/interop/derpmaps"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: derpmapcheck <url of a DERP map JSON>")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "derpmapcheck:", err)
		os.Exit(1)
	}
}

func run(url string) error {
	derpMap, err := derpmaps.Fetch(url)
	if err != nil {
		return err
	}
	for _, id := range derpMap.RegionIDs() {
		region := derpMap.Regions[id]
		if region.RegionID != id {
			return fmt.Errorf("region under key %d has RegionID %d", id, region.RegionID)
		}
		fmt.Printf("region %d %s %q\n", region.RegionID, region.RegionCode, region.RegionName)
		for _, node := range region.Nodes {
			if node.RegionID != id {
				return fmt.Errorf("node %s of region %d has RegionID %d", node.Name, id, node.RegionID)
			}
			fmt.Printf("node %s %d %s %s %s %d %d %t\n", node.Name, node.RegionID, node.HostName,
				orDash(node.IPv4), orDash(node.IPv6), node.STUNPort, node.DERPPort, node.CanPort80)
		}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
