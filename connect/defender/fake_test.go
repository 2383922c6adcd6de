package defender_test

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
	throttle        // 429 with Retry-After: 7 (the per-minute quota)
	fail500         // 500
	hang            // no response until the client gives up
	malformed       // a truncated page
	repeat          // the page, plus the last record of the previous page again
	expire          // the token expires: 401 until a new one is fetched
)

// fakeDefender serves /api/incidents in the Defender XDR incidents API's
// shape, paged by $top and $skip, and a client credentials token
// endpoint at /token.
type fakeDefender struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	items   []incident
	faults  map[int]fault // by request number, 1-based (token requests not counted)
	reqs    int
	token   int
	tokens  int
	filters []string
	scopes  []string
}

type incident struct {
	id      int
	updated time.Time
	alerts  int
}

func newFakeDefender(t *testing.T, n, alertsPer int, from time.Time) *fakeDefender {
	f := &fakeDefender{t: t, faults: map[int]fault{}}
	for i := range n {
		f.items = append(f.items, incident{id: 1000 + i, updated: from.Add(time.Duration(i) * time.Minute), alerts: alertsPer})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", f.serveToken)
	mux.HandleFunc("GET /api/incidents", f.serveIncidents)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeDefender) serveToken(w http.ResponseWriter, r *http.Request) {
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

func (f *fakeDefender) serveIncidents(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reqs++
	flt := f.faults[f.reqs]
	if flt == expire {
		f.token++
	}
	valid := "Bearer tok-" + strconv.Itoa(f.token)
	f.mu.Unlock()
	if r.Header.Get("Authorization") != valid {
		http.Error(w, `{"error":{"code":"Unauthorized","message":"Authorization token has expired"}}`, http.StatusUnauthorized)
		return
	}
	switch flt {
	case throttle:
		w.Header().Set("Retry-After", "7")
		http.Error(w, `{"error":{"code":"TooManyRequests","message":"API calls quota exceeded! Maximum allowed 50 per 1 minutes."}}`, http.StatusTooManyRequests)
		return
	case fail500:
		http.Error(w, `{"error":{"code":"InternalServerError"}}`, http.StatusInternalServerError)
		return
	case hang:
		<-r.Context().Done()
		return
	}
	body, status := f.page(r.URL.Query(), flt == repeat)
	if flt == malformed {
		body = body[:len(body)/2]
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(body))
}

// page renders the page a query asks for.
func (f *fakeDefender) page(q url.Values, again bool) (string, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filters = append(f.filters, q.Get("$filter"))
	var since time.Time
	if flt := q.Get("$filter"); flt != "" {
		v, ok := strings.CutPrefix(flt, "lastUpdateTime ge ")
		t, err := time.Parse(time.RFC3339Nano, v)
		if !ok || err != nil {
			f.t.Errorf("$filter = %q, want lastUpdateTime ge <time>", flt)
		}
		since = t
	}
	top, err1 := strconv.Atoi(q.Get("$top"))
	skip, err2 := strconv.Atoi(q.Get("$skip"))
	if err1 != nil || err2 != nil || top < 1 || top > 100 || skip < 0 {
		return `{"error":{"code":"InvalidRequest","message":"$top must be 1..100"}}`, http.StatusBadRequest
	}
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
	return `{"@odata.context":"` + f.srv.URL + `/api/$metadata#Incidents","value":[` + strings.Join(parts, ",") + `]}`, http.StatusOK
}

// incidentJSON writes one incident with its alerts in the incidents API's shape.
func incidentJSON(it incident) string {
	ts := it.updated.UTC().Format(time.RFC3339Nano)
	var alerts []string
	for j := range it.alerts {
		alerts = append(alerts, fmt.Sprintf(`{"alertId":"da%d_%d","providerAlertId":"da%d_%d","incidentId":%d,"serviceSource":"MicrosoftDefenderForEndpoint",`+
			`"creationTime":%q,"lastUpdatedTime":%q,"firstActivity":%q,"lastActivity":%q,"title":"Suspicious PowerShell command line",`+
			`"description":"A suspicious PowerShell command line was run.","category":"Execution","status":"New","severity":"Medium",`+
			`"classification":null,"determination":null,"detectionSource":"EDR","mitreTechniques":["T1059.001"],"devices":[],`+
			`"entities":[{"entityType":"Process","processId":4242,"processCommandLine":"powershell -enc AAAA","fileName":"powershell.exe"}]}`,
			it.id, j, it.id, j, it.id, ts, ts, ts, ts))
	}
	return fmt.Sprintf(`{"incidentId":%d,"incidentUri":"https://security.microsoft.com/incidents/%d","redirectIncidentId":null,`+
		`"incidentName":"Execution on one endpoint","createdTime":%q,"lastUpdateTime":%q,"assignedTo":null,"classification":"Unknown",`+
		`"determination":"NotAvailable","status":"Active","severity":"Medium","tags":[],"comments":[],"alerts":[%s]}`,
		it.id, it.id, ts, ts, strings.Join(alerts, ","))
}
