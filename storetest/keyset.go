package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// keysetFixtures writes nine incidents: created times with ties (broken
// by ID), three without a created time, and two severities; the list
// order is 925009…925001 by created time then ID, then 925012, 925011,
// 925010 without one.
func keysetFixtures(t *testing.T, s debrief.Store) {
	var recs []debrief.Record
	created := []time.Duration{time.Hour, time.Hour, 2 * time.Hour, 3 * time.Hour, 3 * time.Hour, 3 * time.Hour, 4 * time.Hour, 5 * time.Hour, 6 * time.Hour}
	for i, d := range created {
		in := simpleIncident(i+1, at(d))
		if i%2 == 0 {
			in.Severity = debrief.SeverityHigh
		}
		recs = append(recs, incRec(in))
	}
	for n := 10; n <= 12; n++ {
		recs = append(recs, incRec(simpleIncident(n, time.Time{})))
	}
	write(t, s, recs...)
}

// pages lists f page by page (Limit per page) with After, and returns the
// IDs in order.
func pages(t *testing.T, s debrief.Store, f debrief.IncidentFilter, between func(page int)) []string {
	t.Helper()
	var ids []string
	for page := 0; page < 100; page++ {
		list, err := s.Incidents(t.Context(), f)
		if err != nil {
			t.Fatalf("page %d after %+v: %v", page, f.After, err)
		}
		if len(list) > f.Limit {
			t.Fatalf("page %d: %d incidents, limit %d", page, len(list), f.Limit)
		}
		for _, in := range list {
			ids = append(ids, in.ID)
		}
		if len(list) < f.Limit {
			return ids
		}
		k := debrief.KeyOf(&list[len(list)-1])
		f.After = &k
		if between != nil {
			between(page)
		}
	}
	t.Fatal("more than 100 pages")
	return nil
}

func listIDs(t *testing.T, s debrief.Store, f debrief.IncidentFilter) []string {
	t.Helper()
	list, err := s.Incidents(t.Context(), f)
	if err != nil {
		t.Fatalf("incidents: %v", err)
	}
	var ids []string
	for _, in := range list {
		ids = append(ids, in.ID)
	}
	return ids
}

func testKeyset(t *testing.T, open func() debrief.Store) {
	s := open()
	keysetFixtures(t, s)
	all := listIDs(t, s, debrief.IncidentFilter{})
	want := []string{"defender:925009", "defender:925008", "defender:925007", "defender:925006", "defender:925005",
		"defender:925004", "defender:925003", "defender:925002", "defender:925001", "defender:925012", "defender:925011",
		"defender:925010"}
	if !slices.Equal(all, want) {
		t.Fatalf("list order %v, want %v", all, want)
	}
	for _, limit := range []int{1, 2, 3, 4, 5, 9, 12, 13} {
		if got := pages(t, s, debrief.IncidentFilter{Limit: limit}, nil); !slices.Equal(got, all) {
			t.Errorf("pages of %d: %v, want %v", limit, got, all)
		}
	}
	high := debrief.IncidentFilter{Severity: []debrief.Severity{debrief.SeverityHigh}, Limit: 2}
	if got, want := pages(t, s, high, nil), listIDs(t, s, debrief.IncidentFilter{Severity: high.Severity}); !slices.Equal(got, want) {
		t.Errorf("pages of high severity: %v, want %v", got, want)
	}
	tests := []struct {
		name  string
		after debrief.IncidentKey
		limit int
		want  []string
	}{
		{"after a tie, the rest of the tie", debrief.IncidentKey{Created: at(3 * time.Hour), ID: "defender:925005"}, 2,
			[]string{"defender:925004", "defender:925003"}},
		{"after the last created, those without", debrief.IncidentKey{Created: at(time.Hour), ID: "defender:925001"}, 2,
			[]string{"defender:925012", "defender:925011"}},
		{"among those without", debrief.IncidentKey{ID: "defender:925011"}, 5, []string{"defender:925010"}},
		{"after the end", debrief.IncidentKey{ID: "defender:925010"}, 5, nil},
		{"a key not stored", debrief.IncidentKey{Created: at(90 * time.Minute), ID: "x"}, 3,
			[]string{"defender:925002", "defender:925001", "defender:925012"}},
		{"no limit", debrief.IncidentKey{Created: at(2 * time.Hour), ID: "defender:925003"}, 0,
			[]string{"defender:925002", "defender:925001", "defender:925012", "defender:925011", "defender:925010"}},
	}
	for _, tc := range tests {
		if got := listIDs(t, s, debrief.IncidentFilter{After: &tc.after, Limit: tc.limit}); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	_, err := s.Incidents(t.Context(), debrief.IncidentFilter{After: &debrief.IncidentKey{ID: "x"}, Offset: 1})
	wantCode(t, "after with offset", err, debrief.EINVALID)
}

// testKeysetWrites pages through the list while incidents are written
// between pages: a new incident newer than the page read so far (which
// shifts every offset) does not repeat one, and one older appears in its
// place; nothing is skipped.
func testKeysetWrites(t *testing.T, open func() debrief.Store) {
	s := open()
	keysetFixtures(t, s)
	before := listIDs(t, s, debrief.IncidentFilter{})
	got := pages(t, s, debrief.IncidentFilter{Limit: 3}, func(page int) {
		if page == 0 {
			write(t, s, incRec(simpleIncident(20, at(10*time.Hour))), incRec(simpleIncident(21, at(150*time.Minute))))
		}
	})
	want := slices.Insert(slices.Clone(before), 6, "defender:925021") // between 925004 (3h) and 925003 (2h)
	if !slices.Equal(got, want) {
		t.Errorf("pages while writing: %v, want %v", got, want)
	}
}
