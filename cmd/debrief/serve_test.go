package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServe starts "debrief serve" on a free loopback port, calls it with
// and without a token, and stops it by cancelling its context.
func TestServe(t *testing.T) {
	home := t.TempDir()
	out, errOut, code := cli(t, home, "", "token", "create", "--role", "viewer", "-q")
	if code != 0 {
		t.Fatalf("token create: %d %s", code, errOut)
	}
	secret := strings.TrimSpace(out)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--rules", "../../server/testdata/rules", "--playbooks", t.TempDir()},
			strings.NewReader(""), io.Discard, pw)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var url string
	for url == "" && lines.Scan() {
		var rec struct{ Msg, URL string }
		if json.Unmarshal(lines.Bytes(), &rec) == nil && rec.Msg == "listening" {
			url = rec.URL
		}
	}
	if url == "" {
		t.Fatal("serve did not say where it listens")
	}
	go io.Copy(io.Discard, pr)
	tests := []struct {
		path, token string
		want        int
	}{
		{"/healthz", "", 200},
		{"/api/v1/incidents", "", 401},
		{"/api/v1/incidents", secret, 200},
		{"/api/v1/coverage?threat=group:APT29", secret, 200},
		{"/api/v1/playbooks/runs", secret, 200},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest("GET", url+tc.path, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET %s: %d, want %d", tc.path, resp.StatusCode, tc.want)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestServeBadFlags checks that serve refuses paths that do not exist.
func TestServeBadFlags(t *testing.T) {
	for _, flags := range [][]string{{"--rules", "/nonexistent/rules"}, {"--playbooks", "/nonexistent/playbooks"}} {
		_, errOut, code := cli(t, t.TempDir(), "", append([]string{"serve", "--addr", "127.0.0.1:0"}, flags...)...)
		if code != 2 || !strings.Contains(errOut, flags[0]) {
			t.Errorf("serve %v: exit %d %q, want 2 naming the flag", flags, code, errOut)
		}
	}
}
