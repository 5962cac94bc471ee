// Command stunprobe asks a STUN server for this socket's mapped address the
// way Tailscale's netcheck does: requests built by tailscale.com/net/stun
// (SOFTWARE "tailnode" plus FINGERPRINT), responses parsed by the same package.
//
// It binds one UDP socket (by default on the loopback of the server's address
// family), sends -count requests one after another, and prints one line per
// answer:
//
//	local=127.0.0.1:53311 mapped=127.0.0.1:53311
//
// It exits 1 if an answer does not arrive within -timeout, is not a STUN
// success response, or carries another transaction id.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"

	"tailscale.com/net/stun"
)

func main() {
	server := flag.String("server", "", "STUN server address, host:port (IPv6 as [addr]:port)")
	local := flag.String("local", "", "local address to bind (default: loopback of the server's family, ephemeral port)")
	count := flag.Int("count", 1, "number of binding requests, sent one after another")
	timeout := flag.Duration("timeout", 5*time.Second, "how long to wait for each answer")
	flag.Parse()
	if err := run(*server, *local, *count, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "stunprobe:", err)
		os.Exit(1)
	}
}

func run(server, local string, count int, timeout time.Duration) error {
	serverAddr, err := netip.ParseAddrPort(server)
	if err != nil {
		return fmt.Errorf("-server: %w", err)
	}
	if local == "" {
		local = "127.0.0.1:0"
		if serverAddr.Addr().Is6() {
			local = "[::1]:0"
		}
	}
	localAddr, err := netip.ParseAddrPort(local)
	if err != nil {
		return fmt.Errorf("-local: %w", err)
	}
	conn, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(localAddr))
	if err != nil {
		return err
	}
	defer conn.Close()
	bound := conn.LocalAddr().(*net.UDPAddr).AddrPort()

	buf := make([]byte, 1500)
	for i := 0; i < count; i++ {
		txID := stun.NewTxID()
		if _, err := conn.WriteToUDPAddrPort(stun.Request(txID), serverAddr); err != nil {
			return err
		}
		if err := conn.SetReadDeadline(time.Now().Add(timeout)); err != nil {
			return err
		}
		n, from, err := conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				return fmt.Errorf("request %d: no answer from %v within %v", i+1, serverAddr, timeout)
			}
			return err
		}
		gotTxID, mapped, err := stun.ParseResponse(buf[:n])
		if err != nil {
			return fmt.Errorf("request %d: answer from %v: %w", i+1, from, err)
		}
		if gotTxID != txID {
			return fmt.Errorf("request %d: answer carries transaction id %x, sent %x", i+1, gotTxID, txID)
		}
		fmt.Printf("local=%v mapped=%v\n", bound, mapped)
	}
	return nil
}
