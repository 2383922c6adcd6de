package playbook_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/d3fend"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/playbook"
	"github.com/debrief-dev/debrief/review"
)

// catalogs loads the embedded ATT&CK and D3FEND catalogs.
func catalogs(t *testing.T) (*attack.Catalog, *d3fend.Catalog) {
	t.Helper()
	return testutil.Load(t, attack.Embedded), testutil.Load(t, d3fend.Embedded)
}

func TestSuggest(t *testing.T) {
	cat, d3 := catalogs(t)
	in := incident()
	in.Title = "evil\n  injected: yes"
	out := playbook.Suggest(in, cat, d3)
	pb, err := playbook.Parse(out, "suggested.yaml", playbook.Options{})
	if err != nil {
		t.Fatalf("suggested playbook does not lint: %v\n%s", err, out)
	}
	for _, want := range []string{"- id: isolate-device  # for T1059.001", "action: isolate_device", "for_each: device", "approval: required",
		"# T1486 Data Encrypted for Impact", "mitigation M1053", "D3FEND "} {
		if !strings.Contains(string(out), want) {
			t.Errorf("suggestion lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "device-device") {
		t.Errorf("a step id repeats its entity kind:\n%s", out)
	}
	if !pb.Matches(playbook.NewFacts(incident()), playbook.EventCreated) {
		t.Error("the suggested playbook does not fire on the incident it came from")
	}
}

// TestSuggestStepIDs: a step id names the entity kind once.
func TestSuggestStepIDs(t *testing.T) {
	in := incident()
	in.Techniques = []debrief.TechniqueID{"T1078", "T1071"}
	out := string(playbook.Suggest(in, nil, nil))
	for _, want := range []string{"- id: revoke-sessions-user  #", "- id: disable-user  #", "- id: add-indicator-ip  #"} {
		if !strings.Contains(out, want) {
			t.Errorf("suggestion lacks %q:\n%s", want, out)
		}
	}
	if _, err := playbook.Parse([]byte(out), "s.yaml", playbook.Options{}); err != nil {
		t.Errorf("suggestion does not lint: %v", err)
	}
}

func TestReplay(t *testing.T) {
	pb := steps(t, "  - {id: iso, kind: graph, action: isolate_device, for_each: device}\n")
	created := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	a, b, c := *incident(), *incident(), *incident()
	a.ID, a.Times.Contained = "defender:1", created.Add(3*time.Hour)
	b.ID, b.Times.FirstTriage = "defender:2", created.Add(time.Hour)
	c.ID, c.Severity = "defender:3", debrief.SeverityInformational
	rep := playbook.Replay([]*playbook.Playbook{pb}, []debrief.Incident{a, b, c})
	if rep.Incidents != 3 || rep.Matched != 2 || rep.Saved != 4*time.Hour || rep.PerPlaybook["t"] != 2 {
		t.Errorf("replay %+v", rep)
	}
	if js, _ := json.Marshal(playbook.Replay([]*playbook.Playbook{pb}, nil)); !strings.Contains(string(js), `"hits":[]`) {
		t.Errorf("replay of no incidents: %s, want hits [] (not null)", js)
	}
	js, _ := json.Marshal(rep)
	for _, want := range []string{`"saved_seconds":14400,"median_saved_seconds":10800`, `"incident":"defender:1"`, `"saved_seconds":10800}`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("replay JSON lacks %s:\n%s", want, js)
		}
	}
}

func TestSection(t *testing.T) {
	in := incident()
	runs := []debrief.PlaybookRun{{ID: "run-1", Playbook: "contain", IncidentID: in.ID, Live: true, Status: debrief.RunSucceeded}}
	s := playbook.Section([]*debrief.Incident{in}, runs)
	if len(s.Tables) != 2 || len(s.Tables[1].Rows) != 1 {
		t.Fatalf("section %+v", s)
	}
	var isolate bool
	for _, r := range s.Tables[0].Rows {
		if len(r) != len(s.Tables[0].Columns) {
			t.Errorf("row %v has %d cells", r, len(r))
		}
		isolate = isolate || r[1] == "isolate_device" && r[3] == "fin-ws-07"
	}
	if !isolate {
		t.Errorf("no isolation of fin-ws-07 suggested: %v", s.Tables[0].Rows)
	}
}

// TestSectionCitesReplay: the review's estimate of the time a suggested
// playbook would have saved is what replaying that playbook on the incident
// counts.
func TestSectionCitesReplay(t *testing.T) {
	cat, d3 := catalogs(t)
	created := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	contained, triaged, none := incident(), incident(), incident()
	contained.Times.FirstTriage, contained.Times.Contained = created.Add(20*time.Minute), created.Add(3*time.Hour+10*time.Minute)
	triaged.Times.FirstTriage = created.Add(45 * time.Minute)
	notify := incident() // no entity to contain: the suggestion only notifies
	notify.Alerts[0].Entities = nil
	notify.Times.FirstTriage, notify.Times.Contained = created.Add(35*time.Minute), created.Add(5*time.Hour)
	tests := []struct {
		name string
		in   *debrief.Incident
		want string // in the summary; "" for no estimate
	}{
		{"contained", contained, "saved an estimated 3h 10m"},
		{"triaged only", triaged, "saved an estimated 45m"},
		{"nothing to contain", notify, "saved an estimated 35m"},
		{"no times", none, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := playbook.Section([]*debrief.Incident{tc.in}, nil)
			if tc.want == "" {
				if strings.Contains(s.Summary, "saved an estimated") {
					t.Errorf("summary cites a saving without times: %s", s.Summary)
				}
				return
			}
			if !strings.Contains(s.Summary, tc.want) {
				t.Errorf("summary lacks %q: %s", tc.want, s.Summary)
			}
			pb, err := playbook.Parse(playbook.Suggest(tc.in, cat, d3), "s.yaml", playbook.Options{})
			if err != nil {
				t.Fatal(err)
			}
			rep := playbook.Replay([]*playbook.Playbook{pb}, []debrief.Incident{*tc.in})
			if got := "saved an estimated " + review.Seconds(rep.Saved/time.Second).String(); got != tc.want {
				t.Errorf("replay of the suggested playbook: %s; the review says %s", got, tc.want)
			}
		})
	}
}
