package playbook_test

import (
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/d3fend"
	"github.com/debrief-dev/debrief/playbook"
)

func TestSuggest(t *testing.T) {
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	d3, err := d3fend.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	in := incident()
	in.Title = "evil\n  injected: yes"
	out := playbook.Suggest(in, cat, d3)
	pb, err := playbook.Parse(out, "suggested.yaml", playbook.Options{})
	if err != nil {
		t.Fatalf("suggested playbook does not lint: %v\n%s", err, out)
	}
	for _, want := range []string{"action: isolate_device", "for_each: device", "approval: required", "# T1486 Data Encrypted for Impact",
		"mitigation M1053", "D3FEND "} {
		if !strings.Contains(string(out), want) {
			t.Errorf("suggestion lacks %q:\n%s", want, out)
		}
	}
	if !pb.Matches(playbook.NewFacts(incident()), playbook.EventCreated) {
		t.Error("the suggested playbook does not fire on the incident it came from")
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
