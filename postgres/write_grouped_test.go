package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/correlate"
	"github.com/debrief-dev/debrief/postgres"
	"github.com/jackc/pgx/v5"
)

// groupFunc correlates alerts as an API ingest does, counting its calls.
func groupFunc(calls *int) postgres.GroupFunc {
	return func(alerts []debrief.Alert) ([]debrief.Incident, error) {
		*calls++
		var out []debrief.Incident
		c := correlate.New(correlate.Options{}, func(in debrief.Incident) error {
			out = append(out, in)
			return nil
		})
		for _, a := range alerts {
			if err := c.Add(a); err != nil {
				return nil, err
			}
		}
		return out, c.Close()
	}
}

// writeThenGroup is what WriteGrouped replaces: Write, then read the
// batch's unassigned loose alerts back and write their incidents.
func writeThenGroup(ctx context.Context, s *postgres.Store, recs []debrief.Record) (debrief.WriteResult, error) {
	var calls int
	return writeThenGroupWith(ctx, s, recs, groupFunc(&calls))
}

// writeThenGroupWith is writeThenGroup with group as the grouping.
func writeThenGroupWith(ctx context.Context, s *postgres.Store, recs []debrief.Record, group postgres.GroupFunc) (debrief.WriteResult, error) {
	res, err := s.Write(ctx, recs)
	if err != nil {
		return res, err
	}
	var ids []string
	for _, r := range recs {
		if r.Incident == nil && r.Alert != nil && r.Alert.IncidentID == "" {
			ids = append(ids, r.Alert.ID)
		}
	}
	var alerts []debrief.Alert
	if err := s.UnassignedAlertsOf(ctx, ids, func(a debrief.Alert) error {
		alerts = append(alerts, a)
		return nil
	}); err != nil {
		return res, err
	}
	incs, err := group(alerts)
	if err != nil {
		return res, err
	}
	var grouped []debrief.Record
	for i := range incs {
		grouped = append(grouped, debrief.Record{Incident: &incs[i]})
	}
	if len(grouped) > 0 {
		_, err = s.Write(ctx, grouped)
	}
	return res, err
}

// storeState is every incident with its alert ids, title and times, and
// the unassigned alerts.
func storeState(t *testing.T, s *postgres.Store) []string {
	t.Helper()
	ctx := context.Background()
	ins, err := s.Incidents(ctx, debrief.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, in := range ins {
		full, err := s.Incident(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		ids := slices.Clone(full.AlertIDs)
		slices.Sort(ids)
		out = append(out, fmt.Sprintf("%s %q %s %s %v %v %v; listed with %v %v %v", full.ID, full.Title, full.Severity,
			full.Status, full.Times.Created.UTC(), full.Times.LastActivity.UTC(), ids, in.AlertIDs, in.Techniques, in.Tactics))
	}
	if err := s.UnassignedAlerts(ctx, func(a debrief.Alert) error {
		out = append(out, "unassigned "+a.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestWriteGrouped: a batch written with its grouping in one transaction
// leaves the store as writing it, reading its unassigned alerts back and
// writing their incidents does; through the shared path (every alert new,
// one of them named by a stored incident) and the exclusive one (alerts
// stored before, unlinked or linked, a duplicate), and a retry makes nothing.
func TestWriteGrouped(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	alert := func(id string, at time.Duration, host string) *debrief.Alert {
		a := &debrief.Alert{ID: "elastic:" + id, Source: debrief.SourceElastic, SourceID: id, Title: "Encoded PowerShell " + id,
			Severity: debrief.SeverityMedium, Status: debrief.StatusNew, Created: t0.Add(at)}
		if host != "" {
			a.Entities = []debrief.Entity{{Kind: debrief.EntityDevice, ID: host, Name: host}}
		}
		a.Techniques = []debrief.Technique{{ID: "T1059.001", Tactics: []string{"execution"}}}
		if host == "ws-1" {
			a.Techniques = append(a.Techniques, debrief.Technique{ID: "T1566", Tactics: []string{"initial-access"}})
		}
		return a
	}
	loose := func(from, n int, prefix string) []debrief.Record {
		var recs []debrief.Record
		for i := from; i < from+n; i++ {
			host := []string{"ws-1", "ws-2", "srv-1", ""}[i%4]
			recs = append(recs, debrief.Record{Alert: alert(fmt.Sprintf("%s%03d", prefix, i), time.Duration(n-i)*time.Minute, host)})
		}
		return recs
	}
	named := debrief.Record{Incident: &debrief.Incident{ID: "elastic:i1", Source: debrief.SourceElastic, SourceID: "i1",
		Title: "Named first", AlertIDs: []string{"elastic:a002", "elastic:b001"}, Times: debrief.Times{Created: t0}}}
	batches := [][]debrief.Record{
		{named},
		loose(0, 40, "a"), // shared: new alerts, a002 named by i1
		append(loose(0, 5, "b"), debrief.Record{Alert: alert("a-same-time", 5*time.Minute, "ws-1")}),
		loose(0, 40, "a"), // a retry: every alert linked
		append(loose(38, 10, "a"), loose(0, 3, "c")...),      // exclusive: stored ones among new ones
		append(loose(0, 3, "d"), loose(1, 1, "d")...),        // a duplicate
		append(loose(0, 2, "e"), loose(0, 2, "unlinked")...), // more new ones
	}
	a := openStore(t, freshSchema(t), postgres.DefaultTenant)
	defer a.Close()
	b := openStore(t, freshSchema(t), postgres.DefaultTenant)
	defer b.Close()
	// Alerts stored unlinked before: the exclusive path groups them too.
	for _, s := range []*postgres.Store{a, b} {
		if _, err := s.Write(ctx, loose(0, 2, "unlinked")); err != nil {
			t.Fatal(err)
		}
	}
	for i, recs := range batches {
		var calls int
		got, err := a.WriteGrouped(ctx, recs, groupFunc(&calls))
		if err != nil {
			t.Fatalf("batch %d: WriteGrouped: %v", i, err)
		}
		want, err := writeThenGroup(ctx, b, recs)
		if err != nil {
			t.Fatalf("batch %d: write then group: %v", i, err)
		}
		if got != want {
			t.Errorf("batch %d: WriteGrouped counted %+v, Write %+v", i, got, want)
		}
		if i == 3 && calls != 0 {
			t.Errorf("batch %d (a retry): grouped %d times, want none: every alert is linked", i, calls)
		}
		if sa, sb := storeState(t, a), storeState(t, b); !slices.Equal(sa, sb) {
			t.Fatalf("batch %d: WriteGrouped left\n%v\nwrite then group left\n%v", i, sa, sb)
		}
	}
	if st := storeState(t, a); len(st) < 10 {
		t.Errorf("only %d incidents and unassigned alerts: the batches did not group", len(st))
	}
}

// TestWriteGroupedLeavesSome: a grouping that leaves some of a batch of
// new alerts in no incident (WriteGrouped adds them to the unassigned
// alerts itself while the triggers of migration 0013 stand aside) leaves
// the store, the listed summaries and the skill facts as writing and then
// grouping does; and later writes that link or change those alerts, or
// name them from an incident, still keep all three.
func TestWriteGroupedLeavesSome(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	hosts := []string{"ws-1", "ws-2", "srv-1"}
	// The summaries' order shows: techniques and tactics vary along
	// another cycle than the hosts, some alerts have tactics of their own,
	// and some the same time (first in the order, then by id).
	techniques := []debrief.Technique{{ID: "T1566", Tactics: []string{"initial-access"}},
		{ID: "T1059.001", Tactics: []string{"execution"}}, {ID: "T1003", Tactics: []string{"credential-access"}},
		{ID: "T1021", Tactics: []string{"lateral-movement"}}}
	alert := func(id string, i int, title string) debrief.Record {
		a := &debrief.Alert{ID: "elastic:" + id, Source: debrief.SourceElastic, SourceID: id,
			Title: title, Severity: debrief.SeverityHigh, Status: debrief.StatusNew, Created: t0.Add(time.Duration(i) * time.Minute),
			Techniques: []debrief.Technique{techniques[i%4], techniques[(i+3)%4]},
			Entities:   []debrief.Entity{{Kind: debrief.EntityDevice, ID: hosts[i%3], Name: hosts[i%3]}}}
		if i%5 == 0 {
			a.Tactics = []string{"defense-evasion"}
		}
		if i%7 == 3 {
			a.Created = t0 // the same time: then by id
		}
		return debrief.Record{Alert: a}
	}
	batch := func(prefix string, n int, title string) []debrief.Record {
		var recs []debrief.Record
		for i := range n {
			recs = append(recs, alert(fmt.Sprintf("%s%02d", prefix, i), n-i, title))
		}
		return recs
	}
	// some groups the alerts of host ws-1 into one incident per batch and
	// leaves the others.
	some := func(alerts []debrief.Alert) ([]debrief.Incident, error) {
		var in debrief.Incident
		for _, a := range alerts {
			if a.Entities[0].ID != "ws-1" {
				continue
			}
			if in.ID == "" {
				in = debrief.Incident{ID: "elastic:g-" + a.SourceID, Source: debrief.SourceElastic, SourceID: "g-" + a.SourceID,
					Title: "ws-1: " + a.Title, Severity: a.Severity, Status: debrief.StatusNew, Times: debrief.Times{Created: a.Created}}
			}
			in.AlertIDs = append(in.AlertIDs, a.ID)
		}
		if in.ID == "" {
			return nil, nil
		}
		return []debrief.Incident{in}, nil
	}
	later := debrief.Record{Incident: &debrief.Incident{ID: "elastic:i9", Source: debrief.SourceElastic, SourceID: "i9",
		Title: "Named later", AlertIDs: []string{"elastic:a01", "elastic:b02"}, Times: debrief.Times{Created: t0}}}
	changed := alert("a04", 4, "Encoded PowerShell, changed")
	batches := [][]debrief.Record{
		batch("a", 12, "Encoded PowerShell"),
		batch("b", 7, "Mimikatz"),
		{later},                        // links two of the alerts left unassigned
		{changed},                      // a left alert changed
		batch("c", 2, "Phishing link"), // ws-2 and srv-1 only: nothing grouped
	}
	a := openStore(t, freshSchema(t), postgres.DefaultTenant)
	defer a.Close()
	b := openStore(t, freshSchema(t), postgres.DefaultTenant)
	defer b.Close()
	facts := func(s *postgres.Store) []string {
		var out []string
		if err := s.HandlingFacts(ctx, debrief.IncidentFilter{}, func(f *debrief.HandlingFacts) error {
			out = append(out, fmt.Sprintf("%+v", *f))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		slices.Sort(out)
		return out
	}
	// overlapping names an alert from two incidents, and one incident
	// twice (its second version names fewer alerts): the triggers keep
	// the summaries then, not WriteGrouped.
	overlapping := func(alerts []debrief.Alert) ([]debrief.Incident, error) {
		ins, _ := some(alerts)
		if len(ins) == 0 || len(alerts) < 3 {
			return ins, nil
		}
		two := debrief.Incident{ID: "elastic:two-" + alerts[0].SourceID, Source: debrief.SourceElastic,
			SourceID: "two-" + alerts[0].SourceID, Title: "Two", Times: debrief.Times{Created: alerts[0].Created},
			AlertIDs: []string{alerts[0].ID, alerts[1].ID, ins[0].AlertIDs[0]}}
		again := two
		again.Title, again.AlertIDs = "Two, again", []string{alerts[1].ID}
		return append(ins, two, again), nil
	}
	batches = append(batches, batch("o", 9, "Overlapping"))
	for i, recs := range batches {
		some := some
		if i == len(batches)-1 {
			some = overlapping
		}
		if _, err := a.WriteGrouped(ctx, recs, some); err != nil {
			t.Fatalf("batch %d: WriteGrouped: %v", i, err)
		}
		if _, err := writeThenGroupWith(ctx, b, recs, some); err != nil {
			t.Fatalf("batch %d: write then group: %v", i, err)
		}
		sa, sb := storeState(t, a), storeState(t, b)
		if !slices.Equal(sa, sb) {
			t.Fatalf("batch %d: WriteGrouped left\n%v\nwrite then group left\n%v", i, sa, sb)
		}
		if i == 0 && !slices.Contains(sa, "unassigned elastic:a01") {
			t.Fatalf("batch 0: a01 (srv-1) is not unassigned: %v", sa)
		}
		if fa, fb := facts(a), facts(b); !slices.Equal(fa, fb) {
			t.Fatalf("batch %d: skill facts after WriteGrouped\n%v\nafter write then group\n%v", i, fa, fb)
		}
	}
}

// TestWriteGroupedSideBySide: payloads written side by side, some the
// same, leave every alert in exactly one incident, as one after another do.
func TestWriteGroupedSideBySide(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	payload := func(p int) []debrief.Record {
		var recs []debrief.Record
		for i := range 60 {
			id := fmt.Sprintf("p%d-%03d", p, i)
			recs = append(recs, debrief.Record{Alert: &debrief.Alert{ID: "elastic:" + id, Source: debrief.SourceElastic,
				SourceID: id, Title: "Encoded PowerShell", Severity: debrief.SeverityLow, Created: t0.Add(time.Duration(i) * time.Second),
				Entities: []debrief.Entity{{Kind: debrief.EntityUser, ID: fmt.Sprintf("u%d", i%7)}}}})
		}
		return recs
	}
	order := []int{0, 1, 2, 0, 3, 1, 4, 4, 2, 5}
	a := openStore(t, freshSchema(t), postgres.DefaultTenant)
	defer a.Close()
	b := openStore(t, freshSchema(t), postgres.DefaultTenant)
	defer b.Close()
	var wg sync.WaitGroup
	errs := make(chan error, len(order))
	for _, p := range order {
		wg.Go(func() {
			var calls int
			if _, err := a.WriteGrouped(ctx, payload(p), groupFunc(&calls)); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, p := range order {
		if _, err := writeThenGroup(ctx, b, payload(p)); err != nil {
			t.Fatal(err)
		}
	}
	if sa, sb := storeState(t, a), storeState(t, b); !slices.Equal(sa, sb) {
		t.Fatalf("side by side:\n%v\none after another:\n%v", sa, sb)
	}
}

// BenchmarkWriteGrouped writes batches of 1,000 new loose alerts, shaped as
// the API load test's payloads (5 hosts, 300 users: five incidents of 200
// alerts), with their incidents in one transaction each.
func BenchmarkWriteGrouped(b *testing.B) {
	ctx := context.Background()
	dsn := freshSchema(b)
	s := openStore(b, dsn, postgres.DefaultTenant)
	defer s.Close()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	hosts := []string{"ws-0142", "ws-0388", "srv-dc01", "srv-sql02", "lt-0917"}
	batch := func(i int) []debrief.Record {
		recs := make([]debrief.Record, 1000)
		for k := range recs {
			id := fmt.Sprintf("b%06d-%04d", i, k)
			recs[k] = debrief.Record{Alert: &debrief.Alert{ID: "elastic:" + id, Source: debrief.SourceElastic, SourceID: id,
				Title: "Encoded PowerShell", RuleID: fmt.Sprintf("r%04d", k%40), Severity: debrief.SeverityMedium,
				Status: debrief.StatusNew, Tactics: []string{"execution"}, Created: t0.Add(time.Duration(i*1000+k) * time.Second),
				Techniques: []debrief.Technique{{ID: "T1059.001", Name: "PowerShell", Tactics: []string{"execution"}}},
				Entities: []debrief.Entity{{Kind: debrief.EntityDevice, ID: hosts[(i+k)%5], Name: hosts[(i+k)%5]},
					{Kind: debrief.EntityUser, ID: fmt.Sprintf("user%d", k%300)}}}}
		}
		return recs
	}
	var calls int
	// A store of 20,000 alerts, with statistics: plans made for empty
	// tables would scan them.
	const seed = 20
	for i := range seed {
		if _, err := s.WriteGrouped(ctx, batch(100000+i), groupFunc(&calls)); err != nil {
			b.Fatal(err)
		}
	}
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	c.Close(ctx)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		recs := batch(i)
		b.StartTimer()
		if _, err := s.WriteGrouped(ctx, recs, groupFunc(&calls)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "alerts/s")
}
