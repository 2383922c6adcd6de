package ingest_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest"
)

func TestPlaceholder(t *testing.T) {
	day := time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }
	const id = "defender:28282"
	alert := func(n int, title string, sev debrief.Severity, st debrief.Status, v debrief.Verdict, created int) debrief.Alert {
		return debrief.Alert{ID: "defender:da" + string(rune('0'+n)), Source: debrief.SourceDefender,
			SourceID: "da" + string(rune('0'+n)), IncidentID: id, Title: title, Severity: sev, Status: st,
			Verdict: v, Created: at(created), FirstActivity: at(created - 1), LastActivity: at(created + 1),
			Updated: at(created + 2)}
	}
	resolved := func(a debrief.Alert, h int) debrief.Alert { a.Resolved = at(h); return a }
	hidden := alert(1, "Suspicious execution of hidden file", debrief.SeverityLow, debrief.StatusNew, "", 10)
	tests := []struct {
		name   string
		id     string
		alerts []debrief.Alert
		want   debrief.Incident
		ok     bool
	}{
		{name: "one alert", id: id, alerts: []debrief.Alert{hidden}, ok: true, want: debrief.Incident{
			ID: id, Source: debrief.SourceDefender, SourceID: "28282", Placeholder: true,
			Title:       "Suspicious execution of hidden file",
			Description: "Built by debrief from 1 alert: the incident's own record has not been ingested.",
			Severity:    debrief.SeverityLow, Status: debrief.StatusNew,
			Times:    debrief.Times{FirstActivity: at(9), FirstAlert: at(10), Created: at(10), LastActivity: at(11), Updated: at(12)},
			AlertIDs: []string{"defender:da1"},
		}},
		{name: "several: first by time titles, highest severity, furthest status, verdicts differ", id: id,
			alerts: []debrief.Alert{
				alert(3, "Ransomware behaviour", debrief.SeverityHigh, debrief.StatusInProgress, debrief.VerdictTruePositive, 20),
				alert(2, "Suspicious PowerShell", debrief.SeverityMedium, debrief.StatusActive, debrief.VerdictTruePositive, 5),
				resolved(alert(4, "Benign admin tool", debrief.SeverityInformational, debrief.StatusResolved,
					debrief.VerdictBenignPositive, 7), 30),
			}, ok: true, want: debrief.Incident{
				ID: id, Source: debrief.SourceDefender, SourceID: "28282", Placeholder: true,
				Title:       "Suspicious PowerShell (and 2 other alerts)",
				Description: "Built by debrief from 3 alerts: the incident's own record has not been ingested.",
				Severity:    debrief.SeverityHigh, Status: debrief.StatusInProgress,
				Times:    debrief.Times{FirstActivity: at(4), FirstAlert: at(5), Created: at(5), LastActivity: at(21), Updated: at(22)},
				AlertIDs: []string{"defender:da2", "defender:da3", "defender:da4"},
			}},
		{name: "all resolved, one verdict", id: id,
			alerts: []debrief.Alert{
				resolved(alert(1, "A", debrief.SeverityLow, debrief.StatusResolved, debrief.VerdictFalsePositive, 1), 8),
				resolved(alert(2, "B", "", debrief.StatusResolved, debrief.VerdictFalsePositive, 2), 6),
			}, ok: true, want: debrief.Incident{
				ID: id, Source: debrief.SourceDefender, SourceID: "28282", Placeholder: true,
				Title:       "A (and 1 other alert)",
				Description: "Built by debrief from 2 alerts: the incident's own record has not been ingested.",
				Severity:    debrief.SeverityLow, Status: debrief.StatusResolved, Verdict: debrief.VerdictFalsePositive,
				Times: debrief.Times{FirstActivity: at(0), FirstAlert: at(1), Created: at(1), LastActivity: at(3),
					Resolved: at(8), Updated: at(4)},
				AlertIDs: []string{"defender:da1", "defender:da2"},
			}},
		{name: "untitled, undated alert", id: "sentinel:0b7c", alerts: []debrief.Alert{{ID: "sentinel:x", Source: debrief.SourceSentinel,
			SourceID: "x", IncidentID: "sentinel:0b7c"}}, ok: true, want: debrief.Incident{
			ID: "sentinel:0b7c", Source: debrief.SourceSentinel, SourceID: "0b7c", Placeholder: true,
			Title:       "Incident 0b7c",
			Description: "Built by debrief from 1 alert: the incident's own record has not been ingested.",
			AlertIDs:    []string{"sentinel:x"},
		}},
		{name: "id without a source", id: "28282", alerts: []debrief.Alert{hidden}},
		{name: "no alerts", id: id},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ingest.Placeholder(tc.id, tc.alerts)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if ok {
				if err := got.Validate(); err != nil {
					t.Errorf("placeholder does not validate: %v", err)
				}
			}
		})
	}
}

func TestPlaceholders(t *testing.T) {
	st := open(t)
	ctx := t.Context()
	a := debrief.Alert{ID: "defender:da1", Source: debrief.SourceDefender, SourceID: "da1", IncidentID: "defender:7",
		Title: "Hidden file", Severity: debrief.SeverityLow, Status: debrief.StatusNew, Created: time.Unix(1e9, 0).UTC()}
	b := a
	b.ID, b.SourceID, b.Title, b.Severity, b.Created = "defender:da2", "da2", "Credential dump", debrief.SeverityHigh, a.Created.Add(time.Hour)
	if _, err := st.Write(ctx, []debrief.Record{{Alert: &a}}); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		name  string
		write *debrief.Alert
		want  ingest.Tally
		title string
	}{
		{"first", nil, ingest.Tally{Incidents: 1, Alerts: 1}, "Hidden file"},
		{"again", nil, ingest.Tally{}, "Hidden file"},
		{"another alert", &b, ingest.Tally{Incidents: 1, Alerts: 2}, "Hidden file (and 1 other alert)"},
		{"the same alert again", &b, ingest.Tally{}, "Hidden file (and 1 other alert)"},
	} {
		if step.write != nil {
			if _, err := st.Write(ctx, []debrief.Record{{Alert: step.write}}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := ingest.Placeholders(ctx, st)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if got != step.want {
			t.Errorf("%s: tally %+v, want %+v", step.name, got, step.want)
		}
		in, err := st.Incident(ctx, "defender:7")
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if !in.Placeholder || in.Title != step.title || len(in.Alerts) != len(in.AlertIDs) {
			t.Errorf("%s: incident %+v, want a placeholder titled %q with its alerts", step.name, in, step.title)
		}
	}
}
