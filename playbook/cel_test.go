package playbook_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/playbook"
)

func TestCEL(t *testing.T) {
	in := &debrief.Incident{ID: "defender:1", Source: debrief.SourceDefender, Title: "Phish", Severity: debrief.SeverityHigh,
		Tags: []string{"vip"}, Alerts: []debrief.Alert{{
			Techniques: []debrief.Technique{{ID: "T1566.001"}},
			Tactics:    []string{"initial-access"},
			Entities:   []debrief.Entity{{Kind: debrief.EntityUser, ID: "ann@contoso.com"}},
		}}}
	tests := []struct {
		expr    string
		want    bool
		wantErr string // at compile or evaluation
	}{
		{expr: `incident.severity == "high" && "T1566" in incident.techniques`, want: true},
		{expr: `"T1566.001" in incident.techniques && incident.alerts == 1`, want: true},
		{expr: `"user:ann@contoso.com" in incident.entities && "vip" in incident.tags`, want: true},
		{expr: `"execution" in incident.tactics`, want: false},
		{expr: `incident.title.contains("Phish") && !(incident.verdict == "false_positive")`, want: true},
		{expr: `incident.severity`, wantErr: "want a bool"},
		{expr: `incident.severity ==`, wantErr: "Syntax error"},
		{expr: `incident.nope.nope == 1`, wantErr: "no such key"},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			e, err := playbook.CEL(tc.expr)
			var got bool
			if err == nil {
				got, err = e.Eval(in)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("= %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestCELCostLimit(t *testing.T) {
	in := &debrief.Incident{ID: "defender:2", Source: debrief.SourceDefender}
	for i := range 200 {
		in.Techniques = append(in.Techniques, debrief.TechniqueID(fmt.Sprintf("T%04d", 1000+i)))
	}
	e, err := playbook.CEL(`incident.techniques.all(a, incident.techniques.all(b, incident.techniques.all(c, true)))`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Eval(in); err == nil || !strings.Contains(err.Error(), "cost") {
		t.Errorf("an 8M-step expression ran: err = %v", err)
	}
}
