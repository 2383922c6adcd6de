package coverage_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/coverage"
)

func TestIncidentLate(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	alert := func(min int, id debrief.TechniqueID, tactics ...string) debrief.Alert {
		return debrief.Alert{Product: "EDR", Created: at(min), Techniques: []debrief.Technique{{ID: id, Tactics: tactics}}}
	}
	tests := []struct {
		name   string
		alerts []debrief.Alert
		useCat bool
		late   map[debrief.TechniqueID][]debrief.TechniqueID // late technique → the later stages seen before it
	}{
		{name: "in order", alerts: []debrief.Alert{
			alert(0, "T1566.001", "initial-access"), alert(5, "T1059.001", "execution"), alert(9, "T1003.001", "credential-access")}},
		{name: "initial access found after execution and credential access", alerts: []debrief.Alert{
			alert(0, "T1059.001", "execution"), alert(5, "T1003.001", "credential-access"), alert(9, "T1566.001", "initial-access")},
			late: map[debrief.TechniqueID][]debrief.TechniqueID{"T1566.001": {"T1003.001", "T1059.001"}}},
		{name: "same time is not late", alerts: []debrief.Alert{
			alert(5, "T1003.001", "credential-access"), alert(5, "T1059.001", "execution")}},
		{name: "earliest alert counts", alerts: []debrief.Alert{
			alert(3, "T1059.001", "execution"), alert(4, "T1003.001", "credential-access"), alert(8, "T1059.001", "execution")}},
		{name: "source spellings fold", alerts: []debrief.Alert{
			alert(0, "T1071.001", "Command And Control"), alert(2, "T1078", "Initial_Access")},
			late: map[debrief.TechniqueID][]debrief.TechniqueID{"T1078": {"T1071.001"}}},
		{name: "untimed alerts and unknown tactics never count", alerts: []debrief.Alert{
			{Techniques: []debrief.Technique{{ID: "T1486", Tactics: []string{"impact"}}}},
			alert(1, "T1021.001", "not-a-tactic"), alert(2, "T1059.001", "execution")}},
		{name: "no tactics without a catalog", alerts: []debrief.Alert{alert(0, "T1003.001"), alert(1, "T1566.001")}},
		{name: "tactics from the catalog", useCat: true, alerts: []debrief.Alert{alert(0, "T1003.001"), alert(1, "T1566.001")},
			late: map[debrief.TechniqueID][]debrief.TechniqueID{"T1566.001": {"T1003.001"}}},
		{name: "catalog folds tactic ids", useCat: true, alerts: []debrief.Alert{alert(0, "T1003.001", "TA0006"), alert(1, "T1059.001", "TA0002")},
			late: map[debrief.TechniqueID][]debrief.TechniqueID{"T1059.001": {"T1003.001"}}},
	}
	cat := catalog(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &debrief.Incident{Alerts: tc.alerts}
			obs := coverage.Incident(in, nil)
			if tc.useCat {
				obs = coverage.IncidentIn(cat, in, nil)
			}
			for _, o := range obs {
				want := tc.late[o.ID]
				if o.Late != (len(want) > 0) || !slices.Equal(o.After, want) {
					t.Errorf("%s: late %v after %v, want after %v", o.ID, o.Late, o.After, want)
				}
			}
		})
	}
}

func TestSectionLate(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	in := &debrief.Incident{Alerts: []debrief.Alert{
		{Product: "EDR", Created: t0, Techniques: []debrief.Technique{{ID: "T1486", Tactics: []string{"impact"}}}},
		{Product: "EDR", Created: t0.Add(time.Hour), Techniques: []debrief.Technique{{ID: "T1078", Tactics: []string{"initial-access"}}}},
	}}
	s := coverage.Section(coverage.Incident(in, nil), nil, nil)
	if !strings.Contains(s.Summary, "1 were seen late") {
		t.Errorf("summary %q", s.Summary)
	}
	var row []string
	for _, r := range s.Tables[0].Rows {
		if r[0] == "T1078" {
			row = r
		}
	}
	if row == nil || row[1] != "product, late (after T1486)" {
		t.Errorf("row %q", row)
	}
}
