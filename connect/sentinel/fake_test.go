package sentinel_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/connect/internal/faketest"
)

const wsPath = "/subscriptions/sub-1/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-soc/providers/Microsoft.SecurityInsights"

// fakeSentinel serves the SecurityInsights incidents list (paged by a
// $skipToken in nextLink) and list alerts operations behind a
// faketest.Server, whose request count takes in both.
type fakeSentinel struct {
	t        testing.TB
	srv      *faketest.Server
	mu       sync.Mutex
	items    []incident
	lists    int
	filters  []string
	alertReq map[string]int
}

type incident struct {
	name    string
	updated time.Time
	alerts  int
}

func newFakeSentinel(t testing.TB, n, alertsPer int, from time.Time) *fakeSentinel {
	f := &fakeSentinel{t: t, srv: faketest.NewServer(t), alertReq: map[string]int{}}
	for i := range n {
		f.items = append(f.items, incident{name: fmt.Sprintf("inc-%04d", i), updated: from.Add(time.Duration(i) * time.Minute), alerts: alertsPer})
	}
	f.srv.RetryAfter = "9"
	f.srv.ThrottleBody = `{"error":{"code":"TooManyRequests","message":"Rate limit exceeded."}}`
	f.srv.ExpiredBody = `{"error":{"code":"AuthenticationFailed","message":"The access token expiry has passed."}}`
	f.srv.Handle("GET "+wsPath+"/incidents", f.versioned(f.list))
	f.srv.Handle("POST "+wsPath+"/incidents/{name}/alerts", f.versioned(f.alerts))
	return f
}

// versioned refuses a request without the API version the feed asks for.
func (f *fakeSentinel) versioned(page func(r *http.Request, again bool) (string, int)) faketest.Page {
	return func(r *http.Request, flt faketest.Fault) (string, int) {
		if v := r.URL.Query().Get("api-version"); v != "2024-03-01" {
			return `{"error":{"code":"InvalidApiVersionParameter","message":"The api-version '` + v + `' is invalid."}}`, http.StatusBadRequest
		}
		return page(r, flt == faketest.Repeat)
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
	end := min(skip+top, len(match))
	var parts []string
	for _, it := range faketest.Window(match, skip, top, again) {
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
