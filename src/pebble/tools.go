//go:build tools

// Package tools pins Let's Encrypt's Pebble (a small ACME CA for tests) and pebble-challtestsrv (its
// DNS server) so the relay's ACME integration tests build them at a fixed version with `go build`.
package tools

import (
	_ "github.com/letsencrypt/pebble/v2/cmd/pebble"
	_ "github.com/letsencrypt/pebble/v2/cmd/pebble-challtestsrv"
)
