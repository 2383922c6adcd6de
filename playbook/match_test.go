package playbook_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/playbook"
)

// incident is a Defender incident with a device, a user and an IP.
func incident() *debrief.Incident {
	return &debrief.Incident{ID: "defender:42", Source: debrief.SourceDefender, SourceID: "42",
		Title: "Ransomware on FIN-WS-07", Severity: debrief.SeverityHigh, Status: debrief.StatusActive,
		Tags: []string{"Finance"}, Techniques: []debrief.TechniqueID{"T1059.001", "T1486"}, Tactics: []string{"execution", "impact"},
		Times: debrief.Times{Created: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)},
		Alerts: []debrief.Alert{{ID: "defender:a1", Source: debrief.SourceDefender, SourceID: "a1", Title: "x",
			Entities: []debrief.Entity{
				{Kind: debrief.EntityDevice, ID: "dev-1", Name: "fin-ws-07"},
				{Kind: debrief.EntityUser, ID: "ana@contoso.com", Name: "Ana"},
				{Kind: debrief.EntityIP, ID: "203.0.113.9"},
			}}}}
}

func trigger(t testing.TB, match string) *playbook.Playbook {
	t.Helper()
	src := fmt.Sprintf(`apiVersion: debrief/v1
kind: Playbook
metadata: {name: p}
trigger:
%s
steps:
  - {id: c, kind: comment, text: hi}
`, match)
	pb, err := playbook.Parse([]byte(src), "p.yaml", playbook.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return pb
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name, trigger string
		event         string
		want          bool
	}{
		{"severity at least high", "  all: [{field: severity, op: at_least, values: [High]}]", "", true},
		{"severity at least critical", "  all: [{field: severity, op: at_least, values: [critical]}]", "", false},
		{"severity at most medium", "  all: [{field: severity, op: at_most, values: [medium]}]", "", false},
		{"parent matches sub-technique", "  all: [{field: techniques, op: in, values: [T1059]}]", "", true},
		{"sub-technique exact", "  all: [{field: techniques, op: in, values: [T1059.001]}]", "", true},
		{"other sub-technique", "  all: [{field: techniques, op: in, values: [T1059.003]}]", "", false},
		{"sub does not match parent only", "  all: [{field: techniques, op: in, values: [T1486.001]}]", "", false},
		{"techniques all", "  all: [{field: techniques, op: all, values: [T1059, T1486]}]", "", true},
		{"tactic spelling", "  all: [{field: tactics, op: in, values: [Impact]}]", "", true},
		{"tactic missing", "  all: [{field: tactics, op: in, values: [Defense Evasion]}]", "", false},
		{"verdict undetermined", "  all: [{field: verdict, op: in, values: [undetermined]}]", "", true},
		{"verdict not fp", "  all: [{field: verdict, op: not_in, values: [FalsePositive]}]", "", true},
		{"status", "  all: [{field: status, op: in, values: [Resolved]}]", "", false},
		{"source", "  all: [{field: sources, op: in, values: [defender]}]", "", true},
		{"entity kind", "  all: [{field: entities, op: in, values: [device]}]", "", true},
		{"entity key", "  all: [{field: entities, op: in, values: [\"user:ANA@contoso.com\"]}]", "", true},
		{"entity kind absent", "  all: [{field: entities, op: in, values: [mailbox]}]", "", false},
		{"tag case", "  all: [{field: tags, op: in, values: [finance]}]", "", true},
		{"title contains", "  all: [{field: title, op: contains, values: [ransomware]}]", "", true},
		{"any none", "  any: [{field: tags, op: in, values: [hr]}, {field: severity, op: in, values: [low]}]", "", false},
		{"any one", "  any: [{field: tags, op: in, values: [hr]}, {field: severity, op: in, values: [high]}]", "", true},
		{"all and any", "  all: [{field: severity, op: at_least, values: [high]}]\n  any: [{field: tags, op: in, values: [hr]}]", "", false},
		{"event named", "  events: [incident.created]\n  all: [{field: severity, op: at_least, values: [low]}]", playbook.EventCreated, true},
		{"event other", "  events: [incident.created]\n  all: [{field: severity, op: at_least, values: [low]}]", playbook.EventReviewCompleted, false},
	}
	f := playbook.NewFacts(incident())
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pb := trigger(t, tc.trigger)
			if got := pb.Matches(f, tc.event); got != tc.want {
				t.Errorf("Matches = %v, want %v", got, tc.want)
			}
			r := pb.Explain(f, tc.event)
			if r.Matched != tc.want || len(r.Reasons) == 0 {
				t.Errorf("Explain = %+v", r)
			}
		})
	}
}

func TestExplainSaysWhy(t *testing.T) {
	pb := trigger(t, "  events: [incident.created]\n  all: [{field: severity, op: at_least, values: [critical]}, {field: techniques, op: in, values: [T1486]}]")
	tests := []struct {
		event string
		want  []string
	}{
		{playbook.EventCreated, []string{"✓ event incident.created", "✗ all: severity at_least [critical]", "✓ all: techniques in [T1486]"}},
		{playbook.EventUpdated, []string{"✗ event incident.updated", "✗ all: severity at_least [critical]", "✓ all: techniques in [T1486]"}},
		{"", []string{"✗ all: severity at_least [critical]", "✓ all: techniques in [T1486]"}}, // no event: no line for it
	}
	for _, tc := range tests {
		r := pb.Explain(playbook.NewFacts(incident()), tc.event)
		if !slices.Equal(r.Reasons, tc.want) {
			t.Errorf("event %q: reasons\n%s\nwant\n%s", tc.event, strings.Join(r.Reasons, "\n"), strings.Join(tc.want, "\n"))
		}
	}
}

func BenchmarkMatch1000(b *testing.B) {
	var pbs []*playbook.Playbook
	techs := []string{"T1059", "T1566.001", "T1486", "T1078", "T1021.001"}
	for i := range 1000 {
		pbs = append(pbs, trigger(b, fmt.Sprintf(`  events: [incident.created]
  all:
    - {field: severity, op: at_least, values: [medium]}
    - {field: verdict, op: not_in, values: [false_positive]}
  any:
    - {field: techniques, op: in, values: [%s, T%04d]}
    - {field: tactics, op: in, values: [lateral-movement]}
    - {field: entities, op: in, values: [mailbox]}`, techs[i%len(techs)], 1000+i)))
	}
	in := incident()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		f := playbook.NewFacts(in)
		for _, pb := range pbs {
			if pb.Matches(f, playbook.EventCreated) {
				n++
			}
		}
	}
	if n == 0 {
		b.Fatal("nothing matched")
	}
}
