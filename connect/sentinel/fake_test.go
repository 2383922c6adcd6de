package sentinel_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fault is what the fake server does to one request instead of serving it.
type fault int

const (
	none      fault = iota
	throttle        // 429 with Retry-After: 9
	fail500         // 500
	hang            // no response until the client gives up
	malformed       // a truncated page
	repeat          // the page, plus the last incident of the previous page again
	expire          // the token expires: 401 until a new one is fetched
)

const wsPath = "/subscriptions/sub-1/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-soc/providers/Microsoft.SecurityInsights"

// fakeSentinel serves the SecurityInsights incidents list (paged by a
// $skipToken in nextLink) and list alerts operations, and a client
// credentials token endpoint at /token.
type fakeSentinel struct {
	t        *testing.T
	srv      *httptest.Server
	mu       sync.Mutex
	items    []incident
	faults   map[int]fault // by request number, 1-based, list and alerts requests counted
	reqs     int
	lists    int
	token    int
	tokens   int
	filters  []string
	scopes   []string
	alertReq map[string]int
}

type incident struct {
	name    string
	updated time.Time
	alerts  int
}

func newFakeSentinel(t *testing.T, n, alertsPer int, from time.Time) *fakeSentinel {
	f := &fakeSentinel{t: t, faults: map[int]fault{}, alertReq: map[string]int{}}
	for i := range n {
		f.items = append(f.items, incident{name: fmt.Sprintf("inc-%04d", i), updated: from.Add(time.Duration(i) * time.Minute), alerts: alertsPer})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", f.serveToken)
	mux.HandleFunc("GET "+wsPath+"/incidents", f.serve(f.list))
	mux.HandleFunc("POST "+wsPath+"/incidents/{name}/alerts", f.serve(f.alerts))
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSentinel) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.FormValue("client_secret") != "s3cret" || r.FormValue("grant_type") != "client_credentials" {
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	f.token++
	f.tokens++
	f.scopes = append(f.scopes, r.FormValue("scope"))
	tok := "tok-" + strconv.Itoa(f.token)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, tok)
}

// serve applies the fault of the request, then answers with page.
func (f *fakeSentinel) serve(page func(r *http.Request, again bool) (string, int)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.reqs++
		flt := f.faults[f.reqs]
		if flt == expire {
			f.token++
		}
		valid := "Bearer tok-" + strconv.Itoa(f.token)
		f.mu.Unlock()
		if r.Header.Get("Authorization") != valid || r.URL.Query().Get("api-version") != "2024-03-01" {
			http.Error(w, `{"error":{"code":"AuthenticationFailed","message":"The access token expiry has passed."}}`, http.StatusUnauthorized)
			return
		}
		switch flt {
		case throttle:
			w.Header().Set("Retry-After", "9")
			http.Error(w, `{"error":{"code":"TooManyRequests","message":"Rate limit exceeded."}}`, http.StatusTooManyRequests)
			return
		case fail500:
			http.Error(w, `{"error":{"code":"InternalServerError"}}`, http.StatusInternalServerError)
			return
		case hang:
			<-r.Context().Done()
			return
		}
		body, status := page(r, flt == repeat)
		if flt == malformed {
			body = body[:len(body)/2]
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

// list renders the incidents page a query asks for.
func (f *fakeSentinel) list(r *http.Request, again bool) (string, int) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists++
	f.filters = append(f.filters, q.Get("$filter"))
	var since time.Time
	if flt := q.Get("$filter"); flt != "" {
		v, ok := strings.CutPrefix(flt, "properties/lastModifiedTimeUtc ge ")
		t, err := time.Parse(time.RFC3339Nano, v)
		if !ok || err != nil {
			f.t.Errorf("$filter = %q, want properties/lastModifiedTimeUtc ge <time>", flt)
		}
		since = t
	}
	top, err := strconv.Atoi(q.Get("$top"))
	if err != nil || top < 1 {
		return `{"error":{"code":"BadRequest","message":"$top"}}`, http.StatusBadRequest
	}
	skip, _ := strconv.Atoi(q.Get("$skipToken"))
	var match []incident
	for _, it := range f.items {
		if !it.updated.Before(since) {
			match = append(match, it)
		}
	}
	skip = min(skip, len(match))
	end := min(skip+top, len(match))
	var parts []string
	if again && skip > 0 {
		parts = append(parts, incidentJSON(match[skip-1]))
	}
	for _, it := range match[skip:end] {
		parts = append(parts, incidentJSON(it))
	}
	next := ""
	if end < len(match) {
		nq := r.URL.Query()
		nq.Set("$skipToken", strconv.Itoa(end))
		next = fmt.Sprintf(`,"nextLink":%q`, f.srv.URL+r.URL.Path+"?"+nq.Encode())
	}
	return `{"value":[` + strings.Join(parts, ",") + `]` + next + `}`, http.StatusOK
}

// alerts renders the list alerts response of an incident.
func (f *fakeSentinel) alerts(r *http.Request, _ bool) (string, int) {
	name := r.PathValue("name")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.alertReq[name]++
	for _, it := range f.items {
		if it.name != name {
			continue
		}
		var parts []string
		for j := range it.alerts {
			parts = append(parts, alertJSON(it, j))
		}
		return `{"value":[` + strings.Join(parts, ",") + `]}`, http.StatusOK
	}
	return `{"error":{"code":"NotFound"}}`, http.StatusNotFound
}

func incidentJSON(it incident) string {
	ts := it.updated.UTC().Format(time.RFC3339Nano)
	return fmt.Sprintf(`{"id":"%s/incidents/%s","name":%q,"etag":"\"e\"","type":"Microsoft.SecurityInsights/incidents",`+
		`"properties":{"title":"Impossible travel activity","severity":"Medium","status":"Active","classification":null,`+
		`"owner":{"objectId":null,"email":null,"assignedTo":null,"userPrincipalName":null},"labels":[],`+
		`"firstActivityTimeUtc":%q,"lastActivityTimeUtc":%q,"createdTimeUtc":%q,"lastModifiedTimeUtc":%q,"incidentNumber":%d,`+
		`"relatedAnalyticRuleIds":[],"additionalData":{"alertsCount":%d}}}`,
		wsPath, it.name, it.name, ts, ts, ts, ts, 5000+len(it.name), it.alerts)
}

func alertJSON(it incident, j int) string {
	ts := it.updated.UTC().Format(time.RFC3339Nano)
	id := fmt.Sprintf("al-%s-%d", it.name, j)
	return fmt.Sprintf(`{"id":"%s/Entities/%s","name":%q,"type":"Microsoft.SecurityInsights/Entities","kind":"SecurityAlert",`+
		`"properties":{"systemAlertId":%q,"alertDisplayName":"Impossible travel activity","severity":"Medium","status":"New",`+
		`"productName":"Microsoft Cloud App Security","alertType":"IMPOSSIBLE_TRAVEL","tactics":["InitialAccess"],`+
		`"techniques":["T1078"],"subTechniques":["T1078.004"],"startTimeUtc":%q,"endTimeUtc":%q,"timeGenerated":%q,"processingEndTime":%q}}`,
		wsPath, id, id, id, ts, ts, ts, ts)
}
