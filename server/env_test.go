package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/server"
	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/sqlite"
)

// now is the server's clock in tests: after the simulated history.
var now = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is a server on a fresh SQLite store with a token per role.
type env struct {
	srv    *httptest.Server
	st     *sqlite.Store
	tokens map[debrief.Role]string
	log    *syncBuffer
}

func newEnv(t testing.TB, tune func(*server.Config)) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "debrief.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, tokens: map[debrief.Role]string{}, log: &syncBuffer{}}
	for _, r := range debrief.Roles {
		secret, _, err := server.IssueToken(ctx, st, rand.Reader, r, "test "+string(r), now)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[r] = secret
	}
	cfg := server.Config{Store: st, Catalog: cat, Now: func() time.Time { return now },
		Log: slog.New(slog.NewTextHandler(e.log, nil))}
	if tune != nil {
		tune(&cfg)
	}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(s)
	t.Cleanup(e.srv.Close)
	return e
}

// do sends a request with the token of role ("" for none, "bad" for a
// wrong one) and returns the response with its body read.
func (e *env) do(t testing.TB, method, path string, role debrief.Role, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	switch role {
	case "":
	case "bad":
		req.Header.Set("Authorization", "Bearer dbf_wrong")
	default:
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// getJSON GETs path as a viewer, wants 200 and decodes the body into v.
func (e *env) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	resp, b := e.do(t, "GET", path, debrief.RoleViewer, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// simulated writes a simulated Graph history and returns its files.
func simulated(t testing.TB) []string {
	t.Helper()
	out := t.TempDir()
	_, err := simulate.Run(context.Background(), simulate.RunOptions{
		Options: simulate.Options{Seed: 3, Days: 20}, Out: out, Formats: []string{simulate.FormatGraph}})
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(out, "graph", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("simulated files: %v %v", files, err)
	}
	return files
}

// ingested is an env whose store holds a simulated history, posted
// through the API; it returns the summed summary too.
func ingested(t testing.TB, tune func(*server.Config)) (*env, server.IngestResult) {
	t.Helper()
	if testing.Short() {
		t.Skip("simulates and ingests a history")
	}
	e := newEnv(t, tune)
	var total server.IngestResult
	total.Summary = new(ingest.Summary)
	for _, f := range simulated(t) {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		resp, b := e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, bytes.NewReader(body))
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("ingest %s: %d %s", f, resp.StatusCode, b)
		}
		var r server.IngestResult
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		total.Read += r.Read
		total.New.Incidents += r.New.Incidents
		total.New.Alerts += r.New.Alerts
		total.RejectedTotal += r.RejectedTotal
	}
	return e, total
}
