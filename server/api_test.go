package server_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/server"
)

// errorOf decodes a JSON error body.
func errorOf(t *testing.T, b []byte) string {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(b, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("not a JSON error body (%v): %s", err, b)
	}
	return e.Error.Code
}

func TestAccess(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		method, path string
		role         debrief.Role
		want         int
		code         string // error code, when an error
	}{
		{"GET", "/api/v1/incidents", "", 401, "unauthorized"},
		{"GET", "/api/v1/incidents", "bad", 401, "unauthorized"},
		{"GET", "/api/v1/incidents", debrief.RoleViewer, 200, ""},
		{"POST", "/api/v1/ingest", debrief.RoleViewer, 403, "forbidden"},
		{"GET", "/api/v1/tokens", debrief.RoleAnalyst, 403, "forbidden"},
		{"GET", "/api/v1/tokens", debrief.RoleAdmin, 200, ""},
		{"GET", "/api/v1/incidents/defender:1", debrief.RoleViewer, 404, "not_found"},
		{"GET", "/api/v1/incidents?severity=extreme", debrief.RoleViewer, 400, "invalid"},
		{"GET", "/api/v1/incidents?limit=0", debrief.RoleViewer, 400, "invalid"},
		{"DELETE", "/api/v1/incidents", debrief.RoleAdmin, 405, "method_not_allowed"},
		{"GET", "/api/v1/nothing", debrief.RoleViewer, 404, "not_found"},
		{"GET", "/api/v1/openapi.json", "", 200, ""},
		{"GET", "/healthz", "", 200, ""},
		{"GET", "/readyz", "", 200, ""},
		{"GET", "/incidents", "", 303, ""}, // the UI sends a browser to log in
	}
	e.srv.Client().CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path+" "+string(tc.role), func(t *testing.T) {
			resp, b := e.do(t, tc.method, tc.path, tc.role, nil)
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.want, b)
			}
			if tc.code != "" {
				if got := errorOf(t, b); got != tc.code {
					t.Errorf("code %q, want %q", got, tc.code)
				}
			}
			if resp.StatusCode == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
	if logs := e.log.String(); !strings.Contains(logs, "path=/api/v1/tokens") || !strings.Contains(logs, "status=403") ||
		strings.Contains(logs, e.tokens[debrief.RoleAdmin]) {
		t.Errorf("access log lacks requests or holds a secret:\n%s", logs)
	}
}

// TestMethodNotAllowed: a 405 names the methods of the path in Allow.
func TestMethodNotAllowed(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct{ method, path, allow string }{
		{"DELETE", "/api/v1/incidents", "GET, HEAD"},
		{"POST", "/api/v1/incidents/defender:1", "GET, HEAD"},
		{"GET", "/api/v1/playbooks/runs/r1/steps/s1/approve", "POST"},
		{"HEAD", "/api/v1/ingest", "POST"},
		{"PUT", "/api/v1/tokens", "GET, HEAD, POST"},
		{"GET", "/api/v1/tokens/abc", "DELETE"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			resp, b := e.do(t, tc.method, tc.path, debrief.RoleAdmin, nil)
			if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != tc.allow {
				t.Errorf("%d, Allow %q; want 405, Allow %q: %s", resp.StatusCode, resp.Header.Get("Allow"), tc.allow, b)
			}
		})
	}
	if resp, _ := e.do(t, "GET", "/api/v1/nothing", debrief.RoleAdmin, nil); resp.Header.Get("Allow") != "" {
		t.Errorf("404 with Allow %q", resp.Header.Get("Allow"))
	}
}

func TestTokensAPI(t *testing.T) {
	e := newEnv(t, nil)
	resp, b := e.do(t, "POST", "/api/v1/tokens", debrief.RoleAdmin, strings.NewReader(`{"role":"viewer","name":"dash"}`))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, b)
	}
	var issued server.IssuedToken
	if err := json.Unmarshal(b, &issued); err != nil || !strings.HasPrefix(issued.Secret, "dbf_") || issued.Role != debrief.RoleViewer {
		t.Fatalf("issued %+v (%v)", issued, err)
	}
	e.tokens["new"] = issued.Secret
	if resp, b := e.do(t, "GET", "/api/v1/incidents", "new", nil); resp.StatusCode != 200 {
		t.Fatalf("new token: %d %s", resp.StatusCode, b)
	}
	if resp, b := e.do(t, "POST", "/api/v1/tokens", debrief.RoleAdmin, strings.NewReader(`{"role":"root","name":"x"}`)); resp.StatusCode != 400 ||
		!strings.Contains(string(b), `role \"root\": want one of viewer, analyst, admin"`) {
		t.Errorf("bad role: %d %s", resp.StatusCode, b)
	}
	if resp, b := e.do(t, "GET", "/api/v1/incidents?severity=extreme", debrief.RoleViewer, nil); resp.StatusCode != 400 ||
		!strings.Contains(string(b), `want one of informational, low, medium, high`) {
		t.Errorf("bad severity: %d %s", resp.StatusCode, b)
	}
	if resp, b := e.do(t, "DELETE", "/api/v1/tokens/"+issued.ID, debrief.RoleAdmin, nil); resp.StatusCode != 204 {
		t.Fatalf("revoke: %d %s", resp.StatusCode, b)
	}
	if resp, b := e.do(t, "GET", "/api/v1/incidents", "new", nil); resp.StatusCode != 401 {
		t.Errorf("revoked token: %d %s", resp.StatusCode, b)
	}
	var list []debrief.Token
	resp, b = e.do(t, "GET", "/api/v1/tokens", debrief.RoleAdmin, nil)
	if err := json.Unmarshal(b, &list); err != nil || len(list) != 4 || strings.Contains(string(b), issued.Secret) || strings.Contains(string(b), "hash") {
		t.Errorf("tokens: %d %s", resp.StatusCode, b)
	}
}

// TestTacticFilter: the incident list takes a tactic in any spelling the
// ATT&CK catalog knows, and refuses an unknown one, in the API and the UI.
func TestTacticFilter(t *testing.T) {
	e := newEnv(t, nil)
	if resp, b := e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, strings.NewReader(good)); resp.StatusCode != 200 {
		t.Fatalf("ingest: %d %s", resp.StatusCode, b)
	}
	tests := []struct {
		tactic string
		want   int // incidents; -1: 400
	}{
		{"execution", 1},
		{"Execution", 1},
		{"TA0002", 1},
		{"EXECUTION", 1},
		{"initial-access", 0},
		{"Initial Access", 0},
		{"TA0001", 0},
		{"nope", -1},
		{"TA9999", -1},
		{"T1059", -1},
	}
	for _, tc := range tests {
		t.Run(tc.tactic, func(t *testing.T) {
			path := "/api/v1/incidents?tactic=" + url.QueryEscape(tc.tactic)
			resp, b := e.do(t, "GET", path, debrief.RoleViewer, nil)
			if tc.want < 0 {
				if resp.StatusCode != 400 || errorOf(t, b) != "invalid" || !strings.Contains(string(b), tc.tactic) {
					t.Errorf("%d %s, want 400 naming %q", resp.StatusCode, b, tc.tactic)
				}
				return
			}
			var page server.IncidentPage
			if err := json.Unmarshal(b, &page); resp.StatusCode != 200 || err != nil || len(page.Incidents) != tc.want {
				t.Errorf("%d %s, want %d incidents", resp.StatusCode, b, tc.want)
			}
		})
	}
	c := browser(t)
	login(t, c, e.srv.URL, e.tokens[debrief.RoleViewer])
	if resp, page := fetch(t, c, e.srv.URL+"/incidents?tactic=nope", nil); resp.StatusCode != 400 || !strings.Contains(page, "nope") {
		t.Errorf("UI with an unknown tactic: %d, want 400 naming it", resp.StatusCode)
	}
	if resp, page := fetch(t, c, e.srv.URL+"/incidents?tactic=TA0002", nil); resp.StatusCode != 200 || !strings.Contains(page, `href="/incidents/`) {
		t.Errorf("UI with tactic TA0002: %d, want the incident", resp.StatusCode)
	}
}

// TestTokenNames: a token name that would garble the token list, a
// step's approved_by or the audit log, or show there as nothing, is
// refused, through the API and through IssueToken, which 'debrief token
// create' calls (with a default name when --name is not given); so is an
// empty name.
func TestTokenNames(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name string
		ok   bool
	}{
		{"sentinel forwarder", true},
		{"", false},
		{"CI\u00a0runner", true},
		{" ", false},
		{"   ", false},
		{"\u00a0\u3000", false},
		{"\u200b", false},
		{"ci\u200bbot", false},
		{"\u200c\u200d", false},
		{"a\u200eb", false},
		{"a\u200fb", false},
		{"line\u2028sep", false},
		{"para\u2029sep", false},
		{"\ufeffbom", false},
		{"word\u2060joiner", false},
		{strings.Repeat("x", 100), true},
		{strings.Repeat("é", 100), true},
		{"Kühne 東京 forwarder", true},
		{strings.Repeat("x", 101), false},
		{strings.Repeat("x", 100<<10), false},
		{"dash\nadmin", false},
		{"dash\r", false},
		{"dash\x00", false},
		{"tab\there", false},
		{"dash\x1b[31m", false},
		{"dash\u0085", false},
		{"admin\u202Etxt.exe", false},
		{"\u202Aleft", false},
		{"\u2066isolate\u2069", false},
		{"\u2068first strong", false},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%.20q", tc.name), func(t *testing.T) {
			body, _ := json.Marshal(server.NewToken{Role: debrief.RoleViewer, Name: tc.name})
			resp, b := e.do(t, "POST", "/api/v1/tokens", debrief.RoleAdmin, bytes.NewReader(body))
			if want := map[bool]int{true: 201, false: 400}[tc.ok]; resp.StatusCode != want {
				t.Errorf("API: %d, want %d: %.200s", resp.StatusCode, want, b)
			}
			_, _, err := server.IssueToken(t.Context(), e.st, rand.Reader, debrief.RoleViewer, tc.name, now)
			if (err == nil) != tc.ok || err != nil && debrief.ErrorCode(err) != debrief.EINVALID {
				t.Errorf("IssueToken: %v, want ok %v", err, tc.ok)
			}
		})
	}
	if _, tok, err := server.IssueToken(t.Context(), e.st, rand.Reader, debrief.RoleViewer, "  padded  ", now); err != nil || tok.Name != "padded" {
		t.Errorf("IssueToken with a padded name: %q, %v; want it trimmed", tok.Name, err)
	}
	if _, _, err := server.IssueToken(t.Context(), e.st, rand.Reader, debrief.RoleViewer, "bad \xff", now); debrief.ErrorCode(err) != debrief.EINVALID {
		t.Errorf("IssueToken with a name that is not UTF-8: %v, want invalid", err)
	}
}

func TestLimits(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.Rate, c.Burst, c.MaxIngest, c.MaxBody = 0.001, 3, 100, 10 })
	big := bytes.Repeat([]byte(good+"\n"), 3)
	if resp, b := e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, bytes.NewReader(big)); resp.StatusCode != 413 || errorOf(t, b) != "too_large" {
		t.Errorf("large ingest: %d %s", resp.StatusCode, b)
	}
	// Without a length, the limit stops the read.
	if resp, b := e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, io.MultiReader(bytes.NewReader(big))); resp.StatusCode != 413 || errorOf(t, b) != "too_large" {
		t.Errorf("large chunked ingest: %d %s", resp.StatusCode, b)
	}
	if resp, b := e.do(t, "POST", "/api/v1/tokens", debrief.RoleAdmin, strings.NewReader(`{"role":"viewer","name":"long name"}`)); resp.StatusCode != 413 {
		t.Errorf("large body: %d %s", resp.StatusCode, b)
	}
	var codes []int
	for range 4 {
		resp, _ := e.do(t, "GET", "/api/v1/incidents", debrief.RoleViewer, nil)
		codes = append(codes, resp.StatusCode)
	}
	if want := []int{200, 200, 200, 429}; !equal(codes, want) {
		t.Errorf("statuses %v, want %v", codes, want)
	}
	if resp, _ := e.do(t, "GET", "/api/v1/incidents", debrief.RoleAdmin, nil); resp.StatusCode != 200 {
		t.Errorf("another token was limited too: %d", resp.StatusCode)
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

const good = `{"AlertId":"da1","Timestamp":"2026-01-02T03:04:05Z","Title":"t","Category":"Execution","Severity":"High","ServiceSource":"Microsoft Defender for Endpoint","DetectionSource":"EDR","AttackTechniques":"[\"PowerShell (T1059.001)\"]"}`

func TestIngestRejects(t *testing.T) {
	e := newEnv(t, nil)
	resp, b := e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, strings.NewReader(good+"\n{\"AlertId\":\n"))
	if resp.StatusCode != 200 {
		t.Fatalf("ingest: %d %s", resp.StatusCode, b)
	}
	var r server.IngestResult
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.New.Alerts != 1 || r.RejectedTotal != 1 || len(r.Rejected) != 1 || r.Rejected[0].File != "request body" {
		t.Errorf("summary %s", b)
	}
	resp, b = e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, strings.NewReader(good))
	var again server.IngestResult
	if err := json.Unmarshal(b, &again); err != nil || resp.StatusCode != 200 || again.New.Alerts != 0 || again.Unchanged.Alerts != 1 {
		t.Errorf("a retried payload: %d %s", resp.StatusCode, b)
	}
	resp, b = e.do(t, "POST", "/api/v1/ingest?strict=true", debrief.RoleAnalyst, strings.NewReader(good+"\n{\"AlertId\":\n"))
	var strict server.IngestResult
	if err := json.Unmarshal(b, &strict); err != nil || resp.StatusCode != 422 || !strings.HasPrefix(strict.Error, "strict") {
		t.Errorf("strict: %d %s", resp.StatusCode, b)
	}
	// An empty body: a 400 that names the body, not stdin.
	resp, b = e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, strings.NewReader(" \n"))
	if resp.StatusCode != 400 || !strings.Contains(string(b), "the request body is empty") || strings.Contains(string(b), "stdin") {
		t.Errorf("an empty body: %d %s", resp.StatusCode, b)
	}
	// A body in no format: a 400 that says how to name one here.
	resp, b = e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, strings.NewReader("hello world"))
	if resp.StatusCode != 400 || errorOf(t, b) != "invalid" || !strings.Contains(string(b), "?format=") ||
		strings.Contains(string(b), "--format") {
		t.Errorf("a body in no format: %d %s", resp.StatusCode, b)
	}
}

func TestReadyWhenStoreCloses(t *testing.T) {
	e := newEnv(t, nil)
	if resp, _ := e.do(t, "GET", "/readyz", "", nil); resp.StatusCode != 200 {
		t.Fatalf("readyz: %d", resp.StatusCode)
	}
	e.st.Close()
	resp, b := e.do(t, "GET", "/readyz", "", nil)
	if resp.StatusCode != http.StatusServiceUnavailable || errorOf(t, b) != "unavailable" {
		t.Errorf("readyz on a closed store: %d %s", resp.StatusCode, b)
	}
	if resp, _ := e.do(t, "GET", "/healthz", "", nil); resp.StatusCode != 200 {
		t.Errorf("healthz: %d", resp.StatusCode)
	}
}
