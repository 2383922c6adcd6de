package elastic_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/connect/internal/faketest"
	"github.com/debrief-dev/debrief/internal/testutil"
)

// TestPullSample serves Kibana's archived 8.1 alert document
// (../shared/data/samples) from the fake index, alongside rendered ones,
// through a 503 and an expired PIT: the store ends with each alert once,
// the sample's among them (its rule maps no technique).
func TestPullSample(t *testing.T) {
	var archived struct {
		Value struct {
			ID     string         `json:"id"`
			Source jsontext.Value `json:"source"`
		} `json:"value"`
	}
	if err := json.Unmarshal(faketest.Sample(t, testutil.SharedData(t, "samples/elastic/alert_8.1.0_threat_match_kibana_es_archive.json"), "")[0], &archived); err != nil {
		t.Fatal(err)
	}
	f := newFakeES(t, 5, t0)
	f.docs = append([]doc{{uuid: archived.Value.ID, ts: time.Date(2022, 3, 19, 2, 48, 12, 634e6, time.UTC), source: archived.Value.Source}}, f.docs...)
	f.srv.Faults = map[int]faketest.Fault{1: faketest.Fail, 3: expirePIT}
	h, feed := newHarness(t, f)
	st := h.Pull(t, feed)
	if st.Rejected != 0 || st.Written.AlertsNew != 6 {
		t.Errorf("stats %+v, want 6 new alerts, none rejected", st)
	}
	ids := map[string]int{}
	var sample debrief.Alert
	err := h.Store.UnassignedAlerts(context.Background(), func(a debrief.Alert) error {
		ids[a.ID]++
		if a.SourceID == archived.Value.ID || a.ID == "elastic:"+archived.Value.ID {
			sample = a
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 6 || sample.ID == "" || ids[sample.ID] != 1 || sample.RuleName != "threat-match-rule" {
		t.Errorf("store holds %v; want 6 alerts once each, the archived one (%s) with its rule: %+v", ids, archived.Value.ID, sample)
	}
}
