package graph_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	throttle        // 429 with Retry-After: 7
	fail500         // 500
	hang            // no response until the client gives up
	malformed       // a truncated page
	repeat          // the page, plus the first record of the previous page again
	expire          // the token expires: 401 until a new one is fetched
)

// fakeGraph serves /security/incidents in Graph's shape, paged by a
// $skiptoken, and a client credentials token endpoint at /token.
type fakeGraph struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	items   []incident
	faults  map[int]fault // by request number, 1-based (token requests not counted)
	reqs    int
	token   int // the valid token is "tok-<token>"; 0: none issued
	tokens  int // token requests
	filters []string
}

type incident struct {
	id      string
	updated time.Time
	alerts  int
}

func newFakeGraph(t *testing.T, n, alertsPer int, from time.Time) *fakeGraph {
	f := &fakeGraph{t: t, faults: map[int]fault{}}
	for i := range n {
		f.items = append(f.items, incident{id: strconv.Itoa(1000 + i), updated: from.Add(time.Duration(i) * time.Minute), alerts: alertsPer})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", f.serveToken)
	mux.HandleFunc("GET /v1.0/security/incidents", f.serveIncidents)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGraph) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.FormValue("client_secret") != "s3cret" || r.FormValue("grant_type") != "client_credentials" {
		http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	f.token++
	f.tokens++
	tok := "tok-" + strconv.Itoa(f.token)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, tok)
}

func (f *fakeGraph) serveIncidents(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reqs++
	flt := f.faults[f.reqs]
	if flt == expire {
		f.token++ // the client's token is no longer the valid one
	}
	valid := "Bearer tok-" + strconv.Itoa(f.token)
	f.mu.Unlock()
	if r.Header.Get("Authorization") != valid {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		http.Error(w, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid."}}`, http.StatusUnauthorized)
		return
	}
	switch flt {
	case throttle:
		w.Header().Set("Retry-After", "7")
		http.Error(w, `{"error":{"code":"TooManyRequests"}}`, http.StatusTooManyRequests)
		return
	case fail500:
		http.Error(w, `{"error":{"code":"InternalServerError"}}`, http.StatusInternalServerError)
		return
	case hang:
		<-r.Context().Done()
		return
	}
	body := f.page(r.URL.Query(), flt == repeat)
	if flt == malformed {
		body = body[:len(body)/2]
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(body))
}

// page renders the page a query asks for.
func (f *fakeGraph) page(q url.Values, again bool) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if q.Get("$expand") != "alerts" {
		f.t.Errorf("$expand = %q, want alerts", q.Get("$expand"))
	}
	f.filters = append(f.filters, q.Get("$filter"))
	var since time.Time
	if flt := q.Get("$filter"); flt != "" {
		v, ok := strings.CutPrefix(flt, "lastUpdateDateTime ge ")
		t, err := time.Parse(time.RFC3339Nano, v)
		if !ok || err != nil {
			f.t.Errorf("$filter = %q, want lastUpdateDateTime ge <time>", flt)
		}
		since = t
	}
	top, _ := strconv.Atoi(q.Get("$top"))
	skip, _ := strconv.Atoi(q.Get("$skiptoken"))
	var match []incident
	for _, it := range f.items {
		if !it.updated.Before(since) {
			match = append(match, it)
		}
	}
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
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("$skiptoken", strconv.Itoa(end))
		next = fmt.Sprintf(`,"@odata.nextLink":%q`, f.srv.URL+"/v1.0/security/incidents?"+nq.Encode())
	}
	return `{"@odata.context":"` + f.srv.URL + `/v1.0/$metadata#security/incidents(alerts())","value":[` + strings.Join(parts, ",") + `]` + next + `}`
}

// incidentJSON writes one incident with its alerts in Graph's shape.
func incidentJSON(it incident) string {
	ts := it.updated.UTC().Format(time.RFC3339Nano)
	var alerts []string
	for j := range it.alerts {
		alerts = append(alerts, fmt.Sprintf(`{"@odata.type":"#microsoft.graph.security.alert","id":"da%s_%d","providerAlertId":"da%s_%d","incidentId":%q,`+
			`"status":"new","severity":"medium","classification":"unknown","determination":"unknown","serviceSource":"microsoftDefenderForEndpoint",`+
			`"detectionSource":"edr","title":"Suspicious PowerShell command line","category":"Execution","mitreTechniques":["T1059.001"],`+
			`"createdDateTime":%q,"lastUpdateDateTime":%q,"firstActivityDateTime":%q,"evidence":[{"@odata.type":"#microsoft.graph.security.deviceEvidence",`+
			`"createdDateTime":%q,"verdict":"suspicious","remediationStatus":"none","roles":[],"deviceDnsName":"ws-%s.contoso.com","mdeDeviceId":"dev%s"}]}`,
			it.id, j, it.id, j, it.id, ts, ts, ts, ts, it.id, it.id))
	}
	return fmt.Sprintf(`{"@odata.type":"#microsoft.graph.security.incident","id":%q,"incidentWebUrl":"https://security.microsoft.com/incidents/%s",`+
		`"displayName":"Execution on one endpoint","createdDateTime":%q,"lastUpdateDateTime":%q,"status":"active","severity":"medium",`+
		`"classification":"unknown","determination":"unknown","tags":[],"comments":[],"systemTags":[],"alerts":[%s]}`,
		it.id, it.id, ts, ts, strings.Join(alerts, ","))
}
