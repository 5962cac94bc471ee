// Command keygen prints a fresh Tailscale node key pair, one per line, in
// Tailscale's own text forms ("privkey:<hex>" then "nodekey:<hex>"). Tests use
// it to obtain keys for allow/deny lists without reimplementing key encoding.
package main

import (
	"fmt"

	"tailscale.com/types/key"
)

func main() {
	priv := key.NewNode()
	text, err := priv.MarshalText()
	if err != nil {
		panic(err)
	}
	fmt.Println(string(text))
	fmt.Println(priv.Public().String())
}
