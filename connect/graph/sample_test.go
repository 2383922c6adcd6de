package graph_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/graph"
	"github.com/debrief-dev/debrief/connect/internal/faketest"
	"github.com/debrief-dev/debrief/internal/testutil"
)

// serveSample pages items at path by $skiptoken, one a page, each page
// but the last with an @odata.nextLink.
func serveSample(srv *faketest.Server, path string, items []jsontext.Value) {
	srv.Handle("GET /v1.0"+path, func(r *http.Request, _ faketest.Fault) (string, int) {
		skip, _ := strconv.Atoi(r.URL.Query().Get("$skiptoken"))
		next := ""
		if skip+1 < len(items) {
			next = fmt.Sprintf(`,"@odata.nextLink":%q`, srv.URL+"/v1.0"+path+"?$skiptoken="+strconv.Itoa(skip+1))
		}
		return `{"value":[` + faketest.Join(faketest.Window(items, skip, 1, false)) + `]` + next + `}`, http.StatusOK
	})
}

// TestPullSample serves Graph's documented incidents (alerts expanded)
// and alerts_v2 responses (../shared/data/samples), the first page
// truncated once and the next answered with 500 once: the store ends
// with the incident, its alert and the alert_v2, each once.
func TestPullSample(t *testing.T) {
	incidents := faketest.Sample(t, testutil.SharedData(t, "samples/graph_security/list_incidents_expand_alerts.json"), "value")
	alert := faketest.Sample(t, testutil.SharedData(t, "samples/graph_security/alert_v2_get_mde_hidden_file.json"), "")
	srv := faketest.NewServer(t)
	srv.Faults = map[int]faketest.Fault{1: faketest.Malformed, 3: faketest.Fail}
	serveSample(srv, "/security/incidents", incidents)
	serveSample(srv, "/security/alerts_v2", alert)
	h := faketest.NewHarness(t, faketest.AzureAuth(srv, graph.Scope))
	o := graph.Options{Client: h.Client, BaseURL: srv.URL + "/v1.0", PageSize: 1}
	for _, tc := range []struct {
		feed           connect.Feed
		incidents, all int
	}{
		{graph.Incidents(o), 1, 1},
		{graph.Alerts(o), 0, 1},
	} {
		st := h.Pull(t, tc.feed)
		if st.Rejected != 0 || st.Written.IncidentsNew != tc.incidents || st.Written.AlertsNew != tc.all {
			t.Errorf("%s: stats %+v, want %d new incidents and %d new alert, none rejected", tc.feed.Name(), st, tc.incidents, tc.all)
		}
	}
	faketest.AssertIncidents(t, h.Store, 1, 1, "defender:", nil)
	h.CheckWaits(t, true, 0)
}
