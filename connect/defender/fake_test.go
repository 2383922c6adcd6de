package defender_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/connect/internal/faketest"
)

// order is how the fake sorts the incidents it lists.
type order int

const (
	// newestFirst: the most recently created at the top, as the API's
	// documentation says it lists them.
	newestFirst order = iota
	// updatedFirst: the least recently updated first, so an update moves
	// an incident from an earlier page to the end.
	updatedFirst
)

// fakeDefender serves /api/incidents in the Defender XDR incidents API's
// shape, filtered by lastUpdateTime (ge and lt, joined by "and") and
// paged by $top and $skip, behind a faketest.Server.
type fakeDefender struct {
	t       testing.TB
	srv     *faketest.Server
	mu      sync.Mutex
	items   []incident
	order   order
	filters []string
}

type incident struct {
	id               int
	created, updated time.Time
	alerts           int
}

func newFakeDefender(t testing.TB, n, alertsPer int, from time.Time) *fakeDefender {
	f := &fakeDefender{t: t, srv: faketest.NewServer(t)}
	for i := range n {
		ts := from.Add(time.Duration(i) * time.Minute)
		f.items = append(f.items, incident{id: 1000 + i, created: ts, updated: ts, alerts: alertsPer})
	}
	f.srv.ThrottleBody = `{"error":{"code":"TooManyRequests","message":"API calls quota exceeded! Maximum allowed 50 per 1 minutes."}}`
	f.srv.ExpiredBody = `{"error":{"code":"Unauthorized","message":"Authorization token has expired"}}`
	f.srv.Handle("GET /api/incidents", f.page)
	return f
}

// update sets an incident's lastUpdateTime.
func (f *fakeDefender) update(id int, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.items {
		if f.items[i].id == id {
			f.items[i].updated = at
		}
	}
}

// page renders the page a query asks for.
func (f *fakeDefender) page(r *http.Request, flt faketest.Fault) (string, int) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filters = append(f.filters, q.Get("$filter"))
	keep, err := parseFilter(q.Get("$filter"))
	if err != nil {
		f.t.Error(err)
		return `{"error":{"code":"InvalidRequest","message":"Invalid filter clause"}}`, http.StatusBadRequest
	}
	top, err1 := strconv.Atoi(q.Get("$top"))
	skip, err2 := strconv.Atoi(q.Get("$skip"))
	if err1 != nil || err2 != nil || top < 1 || top > 100 || skip < 0 {
		return `{"error":{"code":"InvalidRequest","message":"$top must be 1..100"}}`, http.StatusBadRequest
	}
	var match []incident
	for _, it := range f.items {
		if keep(it.updated) {
			match = append(match, it)
		}
	}
	slices.SortStableFunc(match, func(a, b incident) int {
		if f.order == updatedFirst {
			return a.updated.Compare(b.updated)
		}
		return b.created.Compare(a.created)
	})
	var parts []string
	for _, it := range faketest.Window(match, skip, top, flt == faketest.Repeat) {
		parts = append(parts, incidentJSON(it))
	}
	return `{"@odata.context":"` + f.srv.URL + `/api/$metadata#Incidents","value":[` + strings.Join(parts, ",") + `]}`, http.StatusOK
}

// parseFilter reads "lastUpdateTime ge T", "lastUpdateTime lt T" or both
// joined by "and".
func parseFilter(s string) (func(time.Time) bool, error) {
	var ge, lt time.Time
	if s == "" {
		return func(time.Time) bool { return true }, nil
	}
	for _, clause := range strings.Split(s, " and ") {
		f := strings.Fields(clause)
		if len(f) != 3 || f[0] != "lastUpdateTime" {
			return nil, fmt.Errorf("$filter = %q, want lastUpdateTime ge|lt <time> [and …]", s)
		}
		t, err := time.Parse(time.RFC3339Nano, f[2])
		if err != nil {
			return nil, fmt.Errorf("$filter = %q: %v", s, err)
		}
		switch f[1] {
		case "ge":
			ge = t
		case "lt":
			lt = t
		default:
			return nil, fmt.Errorf("$filter = %q: operator %s", s, f[1])
		}
	}
	return func(t time.Time) bool { return !t.Before(ge) && (lt.IsZero() || t.Before(lt)) }, nil
}

// incidentJSON writes one incident with its alerts in the incidents API's shape.
func incidentJSON(it incident) string {
	cr, up := it.created.UTC().Format(time.RFC3339Nano), it.updated.UTC().Format(time.RFC3339Nano)
	var alerts []string
	for j := range it.alerts {
		alerts = append(alerts, fmt.Sprintf(`{"alertId":"da%d_%d","providerAlertId":"da%d_%d","incidentId":%d,"serviceSource":"MicrosoftDefenderForEndpoint",`+
			`"creationTime":%q,"lastUpdatedTime":%q,"firstActivity":%q,"lastActivity":%q,"title":"Suspicious PowerShell command line",`+
			`"description":"A suspicious PowerShell command line was run.","category":"Execution","status":"New","severity":"Medium",`+
			`"classification":null,"determination":null,"detectionSource":"EDR","mitreTechniques":["T1059.001"],"devices":[],`+
			`"entities":[{"entityType":"Process","processId":4242,"processCommandLine":"powershell -enc AAAA","fileName":"powershell.exe"}]}`,
			it.id, j, it.id, j, it.id, cr, up, cr, cr))
	}
	return fmt.Sprintf(`{"incidentId":%d,"incidentUri":"https://security.microsoft.com/incidents/%d","redirectIncidentId":null,`+
		`"incidentName":"Execution on one endpoint","createdTime":%q,"lastUpdateTime":%q,"assignedTo":null,"classification":"Unknown",`+
		`"determination":"NotAvailable","status":"Active","severity":"Medium","tags":[],"comments":[],"alerts":[%s]}`,
		it.id, it.id, cr, up, strings.Join(alerts, ","))
}
