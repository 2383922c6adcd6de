package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/server"
)

// elasticPayload is n Elastic alerts of payload p: each on one of two
// hosts, a minute apart, continuing where payload p-1 ends, so that
// correlation would group alerts of neighbouring payloads if it saw them
// together.
func elasticPayload(p, n int) []byte {
	var b bytes.Buffer
	for k := range n {
		id := fmt.Sprintf("p%02d-a%03d", p, k)
		at := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC).Add(time.Duration(p*n+k) * time.Minute)
		fmt.Fprintf(&b, `{"_id":%q,"_source":{"@timestamp":%q,"kibana.alert.uuid":%q,"kibana.alert.rule.name":"Encoded PowerShell","kibana.alert.rule.uuid":"r1","kibana.alert.severity":"medium","kibana.alert.workflow_status":"open","kibana.alert.rule.threat":[{"framework":"MITRE ATT&CK","tactic":{"id":"TA0002","name":"Execution"},"technique":[{"id":"T1059","name":"Command and Scripting Interpreter"}]}],"host":{"name":"ws-%d"}}}`+"\n",
			id, at.Format(time.RFC3339), id, k%2)
	}
	return b.Bytes()
}

// post ingests a payload as an analyst and wants 200.
func (e *env) post(t *testing.T, query string, payload []byte) {
	t.Helper()
	if resp, b := e.do(t, "POST", "/api/v1/ingest"+query, debrief.RoleAnalyst, bytes.NewReader(payload)); resp.StatusCode != 200 {
		t.Errorf("ingest%s: %d %s", query, resp.StatusCode, b)
	}
}

// incidentAlerts is the store as the API shows it: each incident's id with
// its alerts' ids, sorted, and the ids of the alerts of no incident.
func (e *env) incidentAlerts(t *testing.T) (map[string][]string, []string) {
	t.Helper()
	var page struct {
		Incidents []struct{ ID string }
		Next      *int `json:"next_offset"`
	}
	e.getJSON(t, "/api/v1/incidents?limit=1000&since=3650d", &page)
	if page.Next != nil {
		t.Fatal("more than 1000 incidents")
	}
	out := map[string][]string{}
	for _, in := range page.Incidents {
		var full debrief.Incident
		e.getJSON(t, "/api/v1/incidents/"+url.PathEscape(in.ID), &full)
		out[in.ID] = slices.Sorted(slices.Values(full.AlertIDs))
	}
	var loose []string
	if err := e.st.UnassignedAlerts(t.Context(), func(a debrief.Alert) error {
		loose = append(loose, a.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out, loose
}

// TestIngestCorrelatesItsOwnAlerts: ingests run side by side and each
// correlates the alerts of its own payload, so the incidents are those of
// one payload after another whatever the overlap; alerts written but not
// correlated (as when the server dies between the two) wait for the retry
// of their payload rather than join another payload's incidents.
func TestIngestCorrelatesItsOwnAlerts(t *testing.T) {
	const payloads, alerts = 12, 20
	clean := newEnv(t, nil)
	for p := range payloads {
		clean.post(t, "", elasticPayload(p, alerts))
	}
	want, loose := clean.incidentAlerts(t)
	if len(loose) != 0 || len(want) < payloads {
		t.Fatalf("clean ingest: %d incidents, %d loose alerts; want at least %d and none", len(want), len(loose), payloads)
	}

	t.Run("concurrent", func(t *testing.T) {
		e := newEnv(t, nil)
		var wg sync.WaitGroup
		for p := range payloads {
			wg.Go(func() { e.post(t, "", elasticPayload(p, alerts)) })
		}
		wg.Wait()
		if got, loose := e.incidentAlerts(t); !maps.EqualFunc(got, want, slices.Equal) || len(loose) != 0 {
			t.Errorf("concurrent ingest: %d incidents (%d loose alerts), one after another makes %d", len(got), len(loose), len(want))
		}
	})

	t.Run("each payload twice at once", func(t *testing.T) {
		e := newEnv(t, nil)
		var wg sync.WaitGroup
		for p := range 2 * payloads {
			wg.Go(func() { e.post(t, "", elasticPayload(p/2, alerts)) })
		}
		wg.Wait()
		if got, loose := e.incidentAlerts(t); !maps.EqualFunc(got, want, slices.Equal) || len(loose) != 0 {
			t.Errorf("each payload twice at once: %d incidents (%d loose alerts), once each one after another makes %d", len(got), len(loose), len(want))
		}
	})

	t.Run("uncorrelated then retried", func(t *testing.T) {
		e := newEnv(t, nil)
		for p := range payloads {
			q := ""
			if p%2 == 0 {
				q = "?correlate=false" // written, then the server "died" before correlating
			}
			e.post(t, q, elasticPayload(p, alerts))
		}
		_, loose := e.incidentAlerts(t)
		if len(loose) != payloads/2*alerts {
			t.Fatalf("%d alerts of no incident before the retries, want the %d of the uncorrelated payloads", len(loose), payloads/2*alerts)
		}
		for p := 0; p < payloads; p += 2 {
			e.post(t, "", elasticPayload(p, alerts))
		}
		if got, loose := e.incidentAlerts(t); !maps.EqualFunc(got, want, slices.Equal) || len(loose) != 0 {
			t.Errorf("after the retries: %d incidents (%d loose alerts), a clean ingest makes %d", len(got), len(loose), len(want))
		}
	})
}

// alertsV2 is a Graph /security/alerts_v2 page of two alerts of incident
// 4242, whose own record it does not carry.
const alertsV2 = `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#security/alerts_v2","value":[
{"@odata.type":"#microsoft.graph.security.alert","id":"da1","providerAlertId":"da1","incidentId":"4242","status":"new","severity":"low","serviceSource":"microsoftDefenderForEndpoint","detectionSource":"antivirus","title":"Suspicious execution of hidden file","category":"DefenseEvasion","mitreTechniques":["T1564.001"],"createdDateTime":"2026-01-02T03:04:05Z","lastUpdateDateTime":"2026-01-02T03:10:00Z","evidence":[]},
{"@odata.type":"#microsoft.graph.security.alert","id":"da2","providerAlertId":"da2","incidentId":"4242","status":"inProgress","severity":"high","serviceSource":"microsoftDefenderForEndpoint","detectionSource":"edr","title":"Credential dumping","category":"CredentialAccess","mitreTechniques":["T1003.001"],"createdDateTime":"2026-01-02T04:00:00Z","lastUpdateDateTime":"2026-01-02T04:10:00Z","evidence":[]}]}`

// TestIngestPlaceholder: the API makes a placeholder of an incident that
// ingested alerts name, as the CLI does, and says so in its summary.
func TestIngestPlaceholder(t *testing.T) {
	e := newEnv(t, nil)
	for i, want := range []int{1, 0} {
		resp, b := e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, strings.NewReader(alertsV2))
		var r server.IngestResult
		if err := json.Unmarshal(b, &r); err != nil || resp.StatusCode != 200 {
			t.Fatalf("ingest %d: %d %s", i+1, resp.StatusCode, b)
		}
		if r.Placeholders.Incidents != want || r.Placeholders.Alerts != 2*want {
			t.Errorf("ingest %d: placeholders %+v, want %d of %d alerts", i+1, r.Placeholders, want, 2*want)
		}
	}
	var in debrief.Incident
	e.getJSON(t, "/api/v1/incidents/defender:4242", &in)
	if !in.Placeholder || in.Severity != debrief.SeverityHigh || len(in.Alerts) != 2 {
		t.Errorf("incident %+v: want a high placeholder of 2 alerts", in)
	}
}
