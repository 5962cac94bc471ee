// Package derpmaps fetches DERP maps the way control servers consume them and builds the DERP
// clients tailscaled would build from them, so tests reach a relay through exactly the address,
// port and TLS name the map publishes.
package derpmaps

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"time"

	"tailscale.com/derp/derphttp"
	"tailscale.com/net/netmon"
	"tailscale.com/tailcfg"
	"tailscale.com/types/key"
)

// fetchTimeout is headscale's HTTP timeout for derp.urls.
const fetchTimeout = 30 * time.Second

// Fetch GETs a DERP map and decodes it into Tailscale's own tailcfg.DERPMap, stricter than headscale
// in one way: unknown keys are an error, so every key the server emits is a real tailcfg field.
func Fetch(url string) (*tailcfg.DERPMap, error) {
	client := &http.Client{Timeout: fetchTimeout}
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	var derpMap tailcfg.DERPMap
	decoder := json.NewDecoder(bytes.NewReader(body))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&derpMap); err != nil {
		return nil, fmt.Errorf("decoding into tailcfg.DERPMap: %w\n%s", err, body)
	}
	return &derpMap, nil
}

// FindNode returns the region and node of the node called name.
func FindNode(derpMap *tailcfg.DERPMap, name string) (*tailcfg.DERPRegion, *tailcfg.DERPNode, error) {
	for _, id := range derpMap.RegionIDs() {
		region := derpMap.Regions[id]
		for _, node := range region.Nodes {
			if node.Name == name {
				return region, node, nil
			}
		}
	}
	return nil, nil, fmt.Errorf("the DERP map has no node named %q", name)
}

// NodeClient is a derphttp region client that can only reach one node: tailscaled's own dialing
// (IPv4/IPv6 from the map, else HostName; DERPPort; TLS name and CertName pin) against that node.
func NodeClient(priv key.NodePrivate, region *tailcfg.DERPRegion, node *tailcfg.DERPNode) *derphttp.Client {
	onlyNode := &tailcfg.DERPRegion{
		RegionID:   region.RegionID,
		RegionCode: region.RegionCode,
		RegionName: region.RegionName,
		Nodes:      []*tailcfg.DERPNode{node},
	}
	return derphttp.NewRegionClient(priv, log.Printf, netmon.NewStatic(), func() *tailcfg.DERPRegion { return onlyNode })
}
