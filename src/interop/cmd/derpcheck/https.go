package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
)

// httpsGet fetches url with Go's stock HTTP client, which offers ALPN "h2" and "http/1.1" as browsers
// do, and fails unless the relay's listener negotiated "http/1.1" (derper offers only that to clients)
// and answered. Trust comes from the system roots or SSL_CERT_FILE.
func httpsGet(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)); err != nil {
		return err
	}
	if resp.TLS == nil {
		return fmt.Errorf("%s answered without TLS", url)
	}
	log.Printf("ALPN %q STATUS %d", resp.TLS.NegotiatedProtocol, resp.StatusCode)
	if resp.TLS.NegotiatedProtocol != "http/1.1" {
		return fmt.Errorf("negotiated ALPN %q, want http/1.1", resp.TLS.NegotiatedProtocol)
	}
	return nil
}
