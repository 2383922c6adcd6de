package defender_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/connect/defender"
	"github.com/debrief-dev/debrief/connect/internal/faketest"
	"github.com/debrief-dev/debrief/internal/testutil"
)

// TestPullSample serves the incidents of the API's documented response
// (../shared/data/samples), two a page, through a per-minute quota, a
// server error and an expired token: the store ends with each once.
func TestPullSample(t *testing.T) {
	items := faketest.Sample(t, testutil.SharedData(t, "samples/m365d_incidents_api/list_incidents_response.json"), "value")
	srv := faketest.NewServer(t)
	srv.Faults = map[int]faketest.Fault{2: faketest.Throttle, 3: faketest.Expire, 4: faketest.Fail}
	srv.Handle("GET /api/incidents", func(r *http.Request, _ faketest.Fault) (string, int) {
		top, _ := strconv.Atoi(r.URL.Query().Get("$top"))
		skip, _ := strconv.Atoi(r.URL.Query().Get("$skip"))
		return `{"@odata.context":"https://api.security.microsoft.com/api/$metadata#Incidents","value":[` +
			faketest.Join(faketest.Window(items, skip, top, false)) + `]}`, http.StatusOK
	})
	h := faketest.NewHarness(t, faketest.AzureAuth(srv, defender.Scope))
	feed := defender.Incidents(defender.Options{Client: h.Client, BaseURL: srv.URL, PageSize: 2, Now: h.Opts.Now})
	st := h.Pull(t, feed)
	if st.Rejected != 0 || st.Written.IncidentsNew != 3 || st.Written.AlertsNew != 3 {
		t.Errorf("stats %+v, want 3 new incidents with 1 alert each, none rejected", st)
	}
	faketest.AssertIncidents(t, h.Store, 3, 1, "defender:", nil)
	for _, id := range []string{"924565", "924521", "924518"} {
		if _, err := h.Store.Incident(t.Context(), "defender:"+id); err != nil {
			t.Errorf("incident %s: %v", id, err)
		}
	}
	h.CheckWaits(t, true, 7*time.Second)
	if srv.Tokens() != 2 {
		t.Errorf("%d tokens, want 2 (one after the expiry)", srv.Tokens())
	}
}
