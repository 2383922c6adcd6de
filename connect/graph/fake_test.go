package graph_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/connect/internal/faketest"
)

// fakeGraph serves /security/incidents in Graph's shape, paged by a
// $skiptoken, behind a faketest.Server.
type fakeGraph struct {
	t       testing.TB
	srv     *faketest.Server
	mu      sync.Mutex
	items   []incident
	filters []string
}

type incident struct {
	id      string
	updated time.Time
	alerts  int
}

func newFakeGraph(t testing.TB, n, alertsPer int, from time.Time) *fakeGraph {
	f := &fakeGraph{t: t, srv: faketest.NewServer(t)}
	for i := range n {
		f.items = append(f.items, incident{id: strconv.Itoa(1000 + i), updated: from.Add(time.Duration(i) * time.Minute), alerts: alertsPer})
	}
	f.srv.Handle("GET /v1.0/security/incidents", func(r *http.Request, flt faketest.Fault) (string, int) {
		return f.page(r.URL.Query(), flt == faketest.Repeat), http.StatusOK
	})
	return f
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
	for _, it := range faketest.Window(match, skip, top, again) {
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
