package playbook_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/debrief-dev/debrief"
)

// service is one remote a step calls, with the step that calls it and the
// reply the real service gives on success.
type service struct {
	name   string
	step   string // a steps: entry (one line, or a block with its own id); {URL} is the fake's URL
	path   string // the request path the step makes
	oauth  bool   // the request must carry the client-credentials token
	status int    // success status
	reply  string // success body
	result string // the step's result on success
}

var services = []service{
	{"Power Automate HTTP trigger", `  - id: s
    kind: webhook
    preset: power_automate
    url: "{URL}/workflows/9b1c/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SIG"
`, "/workflows/9b1c/triggers/manual/paths/invoke", false, http.StatusAccepted, "", "accepted"},
	{"Teams incoming webhook", `  - {id: s, kind: webhook, preset: teams, url_env: TEAMS, text: "{{ incident.title }}"}
`, "/teams/hook", false, http.StatusOK, "1", "accepted (reply is not JSON)"},
	{"Graph disable user", `  - {id: s, kind: graph, action: disable_user, for_each: user}
`, "/v1.0/users/ana@contoso.com", true, http.StatusNoContent, "", "accepted"},
	{"Defender isolate device", `  - {id: s, kind: graph, action: isolate_device, for_each: device}
`, "/api/machines/dev-1/isolate", true, http.StatusCreated,
		`{"@odata.context":"https://api.security.microsoft.com/api/$metadata#MachineActions/$entity","id":"ma-5f1c","type":"Isolate","status":"Pending"}`, "ma-5f1c"},
}

// behaviour is how the fake answers the n-th request (from 1) to the
// service's path; ok means "as the real service does on success".
type behaviour struct {
	name   string
	answer func(w http.ResponseWriter, r *http.Request, n int) (ok bool)
	status debrief.RunStatus
	hits   int
	sleeps string
	result string // "" for the service's own result
}

var behaviours = []behaviour{
	{"success", func(http.ResponseWriter, *http.Request, int) bool { return true }, debrief.RunSucceeded, 1, "[]", ""},
	{"429 with Retry-After", func(w http.ResponseWriter, _ *http.Request, n int) bool {
		if n == 1 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"error":{"code":"TooManyRequests","message":"Rate limit is exceeded."}}`)
		}
		return n > 1
	}, debrief.RunSucceeded, 2, "[7s]", ""},
	{"5xx then success", func(w http.ResponseWriter, _ *http.Request, n int) bool {
		if n < 3 {
			w.WriteHeader([]int{http.StatusBadGateway, http.StatusServiceUnavailable}[n-1])
		}
		return n >= 3
	}, debrief.RunSucceeded, 3, "[750ms 1.5s]", ""},
	{"timeout every try", func(_ http.ResponseWriter, r *http.Request, _ int) bool {
		<-r.Context().Done()
		return false
	}, debrief.RunFailed, 3, "[750ms 1.5s]", ""},
	{"malformed JSON reply", func(w http.ResponseWriter, _ *http.Request, _ int) bool {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id": "x-1", "status":`)
		return false
	}, debrief.RunSucceeded, 1, "[]", "accepted (reply is not JSON)"},
}

// TestServices plays Power Automate, Teams, Graph and Defender behind
// local servers that succeed, throttle with Retry-After, fail with 5xx
// and then succeed, never answer in time, or answer malformed JSON.
func TestServices(t *testing.T) {
	for _, sv := range services {
		for _, bh := range behaviours {
			t.Run(sv.name+"/"+bh.name, func(t *testing.T) {
				var mu sync.Mutex
				hits := 0
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					io.Copy(io.Discard, r.Body)
					if r.URL.Path == "/token" {
						w.Header().Set("Content-Type", "application/json")
						io.WriteString(w, `{"access_token":"tok","token_type":"Bearer","expires_in":3600}`)
						return
					}
					if r.URL.Path != sv.path || (sv.oauth && r.Header.Get("Authorization") != "Bearer tok") {
						http.Error(w, "unexpected request "+r.Method+" "+r.URL.Path, http.StatusBadRequest)
						return
					}
					mu.Lock()
					hits++
					n := hits
					mu.Unlock()
					if bh.answer(w, r, n) {
						w.WriteHeader(sv.status)
						io.WriteString(w, sv.reply)
					}
				}))
				defer srv.Close()
				rg := newRig(t, &fake{srv: srv})
				rg.Getenv = func(k string) string {
					return map[string]string{"SECRET": "s3cret", "TEAMS": srv.URL + "/teams/hook"}[k]
				}
				run, err := rg.Run(context.Background(), steps(t, serviceStep(sv.step, srv.URL)), incident(), true)
				if err != nil {
					t.Fatal(err)
				}
				st := run.Steps[0]
				if run.Status != bh.status || st.Status != bh.status {
					t.Errorf("run %s, step %s (%s); want %s", run.Status, st.Status, st.Error, bh.status)
				}
				mu.Lock()
				if hits != bh.hits {
					t.Errorf("%d requests, want %d", hits, bh.hits)
				}
				mu.Unlock()
				if got := fmt.Sprint(rg.sleeps); got != bh.sleeps {
					t.Errorf("slept %s, want %s", got, bh.sleeps)
				}
				want := bh.result
				if want == "" && bh.status == debrief.RunSucceeded {
					want = sv.result
				}
				if st.Result != want {
					t.Errorf("result %q, want %q", st.Result, want)
				}
				if bh.status == debrief.RunFailed && !strings.Contains(st.Error, "attempt 3") {
					t.Errorf("error %q does not say it gave up after 3 attempts", st.Error)
				}
				if strings.Contains(string(st.Plan)+st.Error, "SIG") || strings.Contains(string(st.Plan)+st.Error, "/teams/hook") {
					t.Errorf("a secret URL part leaked: %s %s", st.Plan, st.Error)
				}
			})
		}
	}
}

// serviceStep gives a service's step a 100ms timeout and three tries.
func serviceStep(step, url string) string {
	step = strings.ReplaceAll(step, "{URL}", url)
	if strings.HasSuffix(step, "}\n") {
		return strings.TrimSuffix(step, "}\n") + ", timeout: 100ms, retry: {attempts: 3, backoff: 1s, max_backoff: 10s}}\n"
	}
	return step + "    timeout: 100ms\n    retry: {attempts: 3, backoff: 1s, max_backoff: 10s}\n"
}
