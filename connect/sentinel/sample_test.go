package sentinel_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/connect/internal/faketest"
	"github.com/debrief-dev/debrief/connect/sentinel"
	"github.com/debrief-dev/debrief/internal/testutil"
)

// TestPullSample serves the SecurityInsights API's documented incident
// and its alerts (../shared/data/samples) through a 429 on the incidents
// list and a 500 on the alerts: the store ends with the incident and its
// alerts, each once.
func TestPullSample(t *testing.T) {
	incident := faketest.Sample(t, testutil.SharedData(t, "samples/sentinel/rest_incident_get_2024-03-01.json"), "")
	alerts := faketest.Sample(t, testutil.SharedData(t, "samples/sentinel/rest_incident_alerts_2024-03-01.json"), "value")
	const ws = "/subscriptions/sub-1/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-soc/providers/Microsoft.SecurityInsights"
	srv := faketest.NewServer(t)
	srv.RetryAfter = "9"
	srv.Faults = map[int]faketest.Fault{1: faketest.Throttle, 3: faketest.Fail}
	srv.Handle("GET "+ws+"/incidents", func(*http.Request, faketest.Fault) (string, int) {
		return `{"value":[` + faketest.Join(incident) + `]}`, http.StatusOK
	})
	srv.Handle("POST "+ws+"/incidents/{name}/alerts", func(r *http.Request, _ faketest.Fault) (string, int) {
		if r.PathValue("name") != "73e01a99-5cd7-4139-a149-9f2736ff2ab5" {
			return `{"error":{"code":"NotFound"}}`, http.StatusNotFound
		}
		return `{"value":[` + faketest.Join(alerts) + `]}`, http.StatusOK
	})
	h := faketest.NewHarness(t, faketest.AzureAuth(srv, sentinel.Scope))
	feed := sentinel.Incidents(sentinel.Options{Client: h.Client, BaseURL: srv.URL, Subscription: "sub-1",
		ResourceGroup: "rg-soc", Workspace: "law-soc", Parallel: 1})
	st := h.Pull(t, feed)
	if st.Rejected != 0 || st.Written.IncidentsNew != 1 || st.Written.AlertsNew != len(alerts) {
		t.Errorf("stats %+v, want 1 new incident with %d new alerts, none rejected", st, len(alerts))
	}
	faketest.AssertIncidents(t, h.Store, 1, len(alerts), "sentinel:", nil)
	h.CheckWaits(t, true, 9*time.Second)
}
