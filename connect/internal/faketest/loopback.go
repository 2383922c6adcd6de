package faketest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Loopback is an HTTP client that dials loopback addresses only: the
// connect tests use it for API and token requests, so that no test
// reaches the network even when a feed is pointed at a real endpoint.
var Loopback = &http.Client{Transport: &http.Transport{DialContext: dialLoopback}}

func dialLoopback(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("faketest: refusing to dial %s: tests stay on loopback", addr)
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	return d.DialContext(ctx, network, addr)
}
