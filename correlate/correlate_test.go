package correlate_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/correlate"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func alert(id string, at time.Duration, sev debrief.Severity, ents ...string) debrief.Alert {
	a := debrief.Alert{ID: "elastic:" + id, Source: debrief.SourceElastic, SourceID: id, Title: "alert " + id,
		Severity: sev, Status: debrief.StatusNew, Created: t0.Add(at)}
	for _, e := range ents {
		kind, eid, _ := strings.Cut(e, ":")
		a.Entities = append(a.Entities, debrief.Entity{Kind: debrief.EntityKind(kind), ID: eid, Name: eid})
	}
	return a
}

func run(t *testing.T, opts correlate.Options, alerts ...debrief.Alert) []debrief.Incident {
	t.Helper()
	var out []debrief.Incident
	c := correlate.New(opts, func(in debrief.Incident) error { out = append(out, in); return nil })
	for _, a := range alerts {
		if err := c.Add(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(out, func(a, b debrief.Incident) int { return a.Times.Created.Compare(b.Times.Created) })
	return out
}

func groups(ins []debrief.Incident) string {
	var parts []string
	for _, in := range ins {
		var ids []string
		for _, id := range in.AlertIDs {
			ids = append(ids, strings.TrimPrefix(id, "elastic:"))
		}
		parts = append(parts, strings.Join(ids, "+"))
	}
	return strings.Join(parts, " | ")
}

func TestGrouping(t *testing.T) {
	h := time.Hour
	tests := []struct {
		name   string
		opts   correlate.Options
		alerts []debrief.Alert
		want   string
	}{
		{"shared device within window", correlate.Options{}, []debrief.Alert{
			alert("a", 0, debrief.SeverityLow, "device:ws1"), alert("b", 2*h, debrief.SeverityHigh, "device:ws1", "ip:10.0.0.5")}, "a+b"},
		{"shared device after window", correlate.Options{Window: h}, []debrief.Alert{
			alert("a", 0, debrief.SeverityLow, "device:ws1"), alert("b", 2*h, debrief.SeverityHigh, "device:ws1")}, "a | b"},
		{"no shared entity", correlate.Options{}, []debrief.Alert{
			alert("a", 0, debrief.SeverityLow, "device:ws1"), alert("b", h, debrief.SeverityLow, "device:ws2")}, "a | b"},
		{"bridge alert merges two groups", correlate.Options{}, []debrief.Alert{
			alert("a", 0, debrief.SeverityLow, "device:ws1"), alert("b", h, debrief.SeverityLow, "user:ann"),
			alert("c", 2*h, debrief.SeverityLow, "device:ws1", "user:ann")}, "a+b+c"},
		{"non-linking kinds do not link", correlate.Options{}, []debrief.Alert{
			alert("a", 0, debrief.SeverityLow, "url:http://x"), alert("b", h, debrief.SeverityLow, "url:http://x")}, "a | b"},
		{"no entities stands alone", correlate.Options{}, []debrief.Alert{
			alert("a", 0, debrief.SeverityLow), alert("b", h, debrief.SeverityLow)}, "a | b"},
		{"max alerts closes a group", correlate.Options{MaxAlerts: 2}, []debrief.Alert{
			alert("a", 0, debrief.SeverityLow, "device:ws1"), alert("b", h, debrief.SeverityLow, "device:ws1"),
			alert("c", 2*h, debrief.SeverityLow, "device:ws1")}, "a+b | c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := groups(run(t, tc.opts, tc.alerts...)); got != tc.want {
				t.Errorf("groups = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestIncidentFields(t *testing.T) {
	a := alert("a", 0, debrief.SeverityLow, "device:ws1")
	a.FirstActivity = t0.Add(-30 * time.Minute)
	b := alert("b", time.Hour, debrief.SeverityHigh, "device:ws1")
	b.Status = debrief.StatusResolved
	ins := run(t, correlate.Options{}, a, b)
	if len(ins) != 1 {
		t.Fatalf("got %d incidents, want 1", len(ins))
	}
	in := ins[0]
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"source", string(in.Source), "debrief"},
		{"severity", string(in.Severity), "high"},
		{"status", string(in.Status), "new"},
		{"title", in.Title, "alert b and 1 related alert on ws1"},
		{"created", in.Times.Created.String(), t0.String()},
		{"first activity", in.Times.FirstActivity.String(), a.FirstActivity.String()},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	again := run(t, correlate.Options{}, a, b)
	if again[0].ID != in.ID {
		t.Errorf("id not stable: %s then %s", in.ID, again[0].ID)
	}
}

func TestMemoryBoundedByWindow(t *testing.T) {
	// 10,000 alerts on distinct devices an hour apart: every group closes
	// as the stream moves on, and each alert is its own incident.
	var n int
	c := correlate.New(correlate.Options{Window: time.Hour}, func(debrief.Incident) error { n++; return nil })
	for i := range 10000 {
		if err := c.Add(alert(fmt.Sprint(i), time.Duration(i)*2*time.Hour, debrief.SeverityLow, fmt.Sprintf("device:d%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if n < 9000 {
		t.Errorf("only %d incidents emitted before Close: groups are not expiring", n)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if n != 10000 {
		t.Errorf("emitted %d incidents, want 10000", n)
	}
}

// stored is an incident an earlier run made of alerts.
func stored(t *testing.T, alerts ...debrief.Alert) debrief.Incident {
	t.Helper()
	ins := run(t, correlate.Options{}, alerts...)
	if len(ins) != 1 {
		t.Fatalf("%d incidents from %d alerts, want 1", len(ins), len(alerts))
	}
	ins[0].Alerts = alerts
	return ins[0]
}

func TestSeeding(t *testing.T) {
	h := time.Hour
	a := alert("a", 0, debrief.SeverityLow, "device:ws1")
	b := alert("b", h, debrief.SeverityLow, "user:ann")
	tests := []struct {
		name    string
		opts    correlate.Options
		seeds   []debrief.Incident
		alerts  []debrief.Alert
		want    string // the incidents emitted
		wantIDs []string
	}{
		{"joins a stored incident", correlate.Options{}, []debrief.Incident{stored(t, a)},
			[]debrief.Alert{alert("c", 2*h, debrief.SeverityHigh, "device:ws1")}, "a+c", []string{"a"}},
		{"after window starts its own", correlate.Options{Window: h}, []debrief.Incident{stored(t, a)},
			[]debrief.Alert{alert("c", 2*h, debrief.SeverityLow, "device:ws1")}, "c", []string{"c"}},
		{"untouched stored incident is not emitted", correlate.Options{}, []debrief.Incident{stored(t, a)},
			[]debrief.Alert{alert("c", 2*h, debrief.SeverityLow, "device:ws2")}, "c", []string{"c"}},
		{"late alert keeps the stored id", correlate.Options{}, []debrief.Incident{stored(t, a)},
			[]debrief.Alert{alert("c", -h, debrief.SeverityLow, "device:ws1")}, "c+a", []string{"a"}},
		{"a new group merges into the stored incident", correlate.Options{}, []debrief.Incident{stored(t, a)},
			[]debrief.Alert{alert("c", 2*h, debrief.SeverityLow, "user:bob"), alert("d", 3*h, debrief.SeverityLow, "user:bob", "device:ws1")},
			"a+c+d", []string{"a"}},
		{"two stored incidents: the alert joins the older", correlate.Options{}, []debrief.Incident{stored(t, a), stored(t, b)},
			[]debrief.Alert{alert("c", 2*h, debrief.SeverityLow, "device:ws1", "user:ann")}, "a+c", []string{"a"}},
		{"max alerts: a full stored incident stays closed", correlate.Options{MaxAlerts: 2},
			[]debrief.Incident{stored(t, a, alert("a2", h, debrief.SeverityLow, "device:ws1"))},
			[]debrief.Alert{alert("c", 2*h, debrief.SeverityLow, "device:ws1")}, "c", []string{"c"}},
		{"max alerts: a stored incident fills up", correlate.Options{MaxAlerts: 2}, []debrief.Incident{stored(t, a)},
			[]debrief.Alert{alert("c", 2*h, debrief.SeverityLow, "device:ws1"), alert("d", 3*h, debrief.SeverityLow, "device:ws1")},
			"a+c | d", []string{"a", "d"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out []debrief.Incident
			c := correlate.New(tc.opts, func(in debrief.Incident) error { out = append(out, in); return nil })
			for _, in := range tc.seeds {
				c.Seed(in)
			}
			for _, a := range tc.alerts {
				if err := c.Add(a); err != nil {
					t.Fatal(err)
				}
			}
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(out, func(a, b debrief.Incident) int { return a.Times.Created.Compare(b.Times.Created) })
			if got := groups(out); got != tc.want {
				t.Errorf("groups = %q, want %q", got, tc.want)
			}
			var ids []string
			for _, in := range out {
				ids = append(ids, in.ID)
			}
			var want []string
			for _, id := range tc.wantIDs {
				want = append(want, run(t, correlate.Options{}, alert(id, 0, debrief.SeverityLow))[0].ID)
			}
			if !slices.Equal(ids, want) {
				t.Errorf("ids = %v, want those of the first alerts %v: %v", ids, tc.wantIDs, want)
			}
		})
	}
}

func TestReach(t *testing.T) {
	c := correlate.New(correlate.Options{Window: time.Hour}, nil)
	since, open := c.Reach(t0)
	if !since.Equal(t0.Add(-7*time.Hour)) || !open.Equal(t0.Add(-time.Hour)) {
		t.Errorf("Reach = %v, %v; want 7 windows and 1 window back", since, open)
	}
}
