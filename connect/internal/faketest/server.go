package faketest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Fault is what the server does to one request instead of serving it.
type Fault int

// The faults the server applies itself; Repeat and Custom and later are
// handed to the page for the source to act on.
const (
	None      Fault = iota
	Throttle        // 429 with Retry-After (a per-minute or per-hour quota)
	Fail            // a server error (Server.FailStatus)
	Hang            // no response until the client gives up
	Malformed       // the page cut in half
	Repeat          // the page plus a record of the previous page again (the page renders it)
	Expire          // the bearer token expires: 401 until a new one is fetched
	Custom          // the first fault a source defines for itself
)

// Secret is the client secret the token endpoint accepts.
const Secret = "s3cret"

// Server is a fake source API. Set its exported fields before the first
// request.
type Server struct {
	*httptest.Server
	Mux    *http.ServeMux
	Faults map[int]Fault // by request number, 1-based; only Handle's requests count

	RetryAfter    string // of a Throttle; "" means "7"
	ThrottleBody  string // "" means a Graph-shaped TooManyRequests error
	FailStatus    int    // of a Fail; 0 means 500
	FailBody      string
	ExpiredBody   string                     // of a 401; "" means a Graph-shaped InvalidAuthenticationToken error
	Authorize     func(r *http.Request) bool // nil: the bearer token the token endpoint issued last
	t             testing.TB
	mu            sync.Mutex
	reqs, token   int
	tokens        int
	scopes        []string
	beforeRequest func(n int)
}

// NewServer starts a fake API with a client credentials token endpoint at
// POST /token; it closes when the test ends.
func NewServer(t testing.TB) *Server {
	s := &Server{Mux: http.NewServeMux(), Faults: map[int]Fault{}, t: t}
	s.Mux.HandleFunc("POST /token", s.serveToken)
	s.Server = httptest.NewServer(s.Mux)
	t.Cleanup(s.Close)
	return s
}

// Requests is the number of requests Handle has seen.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs
}

// Tokens is the number of tokens issued.
func (s *Server) Tokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens
}

// Scopes are the scopes of the token requests, in order.
func (s *Server) Scopes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.scopes...)
}

// Before sets a hook called with each request's number before it is
// served (a test changes the data mid-run there).
func (s *Server) Before(hook func(n int)) { s.beforeRequest = hook }

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.FormValue("client_secret") != Secret || r.FormValue("grant_type") != "client_credentials" {
		http.Error(w, `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}`, http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	s.token++
	s.tokens++
	s.scopes = append(s.scopes, r.FormValue("scope"))
	tok := "tok-" + strconv.Itoa(s.token)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3599}`, tok)
}

// Page renders the response to a request the server lets through; f is
// None, Repeat or a Custom fault.
type Page func(r *http.Request, f Fault) (body string, status int)

// Handle serves pattern with page, counting each request and applying
// its planned fault first. The request body is read before any fault (the
// server notices a closed connection only once the body is read) and is
// there again for page.
func (s *Server) Handle(pattern string, page Page) {
	s.Mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.mu.Lock()
		s.reqs++
		n := s.reqs
		f := s.Faults[n]
		if f == Expire {
			s.token++ // the client's token is no longer the valid one
		}
		valid := "Bearer tok-" + strconv.Itoa(s.token)
		hook := s.beforeRequest
		s.mu.Unlock()
		if hook != nil {
			hook(n)
		}
		if !s.authorised(r, valid) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			http.Error(w, or(s.ExpiredBody, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid."}}`), http.StatusUnauthorized)
			return
		}
		switch f {
		case Throttle:
			w.Header().Set("Retry-After", or(s.RetryAfter, "7"))
			http.Error(w, or(s.ThrottleBody, `{"error":{"code":"TooManyRequests","message":"Too many requests."}}`), http.StatusTooManyRequests)
			return
		case Fail:
			status := s.FailStatus
			if status == 0 {
				status = http.StatusInternalServerError
			}
			http.Error(w, or(s.FailBody, `{"error":{"code":"InternalServerError"}}`), status)
			return
		case Hang:
			<-r.Context().Done()
			return
		}
		text, status := page(r, f)
		if f == Malformed {
			text = text[:len(text)/2]
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, text)
	})
}

func (s *Server) authorised(r *http.Request, valid string) bool {
	if s.Authorize != nil {
		return s.Authorize(r)
	}
	return r.Header.Get("Authorization") == valid
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Window returns the records of an offset page: match[skip:skip+top],
// led by match[skip-1] again when repeat is set.
func Window[T any](match []T, skip, top int, repeat bool) []T {
	skip = min(max(skip, 0), len(match))
	end := min(skip+top, len(match))
	var out []T
	if repeat && skip > 0 {
		out = append(out, match[skip-1])
	}
	return append(out, match[skip:end]...)
}

// Sample reads the vendor payload at path (the caller finds it, e.g. with
// testutil.SharedData) and returns the elements of its array member list,
// or the whole document as one element when list is "".
func Sample(t testing.TB, path, list string) []jsontext.Value {
	t.Helper()
	rel := filepath.Base(path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if list == "" {
		return []jsontext.Value{b}
	}
	var doc map[string]jsontext.Value
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("sample %s: %v", rel, err)
	}
	var items []jsontext.Value
	if err := json.Unmarshal(doc[list], &items); err != nil {
		t.Fatalf("sample %s: member %q: %v", rel, list, err)
	}
	return items
}

// Join writes items as a JSON array's elements.
func Join(items []jsontext.Value) string {
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = string(it)
	}
	return strings.Join(parts, ",")
}
