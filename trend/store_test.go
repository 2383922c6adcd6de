package trend_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/storefixture"
	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/trend"
)

// TestStoreCountsSameAsIncidents checks that the analysis over a store's
// own daily counts (SQL) is the analysis over the incidents it lists, by
// every dimension, with the default window and a baseline and window edge
// that fall inside a day.
func TestStoreCountsSameAsIncidents(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 120-day history to a store")
	}
	st, truth := storefixture.Open(t, simulate.Options{Seed: 2, Days: 120, IncidentsPerDay: 25})
	ins, err := st.Incidents(t.Context(), debrief.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, by := range trend.Dimensions {
		for _, opts := range []trend.Options{
			{By: by},
			{By: by, Period: trend.Day, Now: truth.Start.AddDate(0, 0, 100).Add(7 * time.Hour), Baseline: 50*24*time.Hour + time.Hour},
		} {
			want, err := trend.Analyse(ins, opts)
			if err != nil {
				t.Fatal(err)
			}
			var rows []debrief.DayCount
			if err := st.DailyCounts(t.Context(), debrief.IncidentFilter{}, debrief.CountKey(by), func(c debrief.DayCount) error {
				rows = append(rows, c)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			got, err := trend.AnalyseDaily(rows, opts)
			if err != nil {
				t.Fatal(err)
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) {
				t.Errorf("by %s, %+v: the store's counts give\n%.600s\nthe incidents\n%.600s", by, opts, g, w)
			}
			if len(want.Series.Series) == 0 || want.Tested == 0 {
				t.Errorf("by %s: nothing to compare (%d series, %d tested)", by, len(want.Series.Series), want.Tested)
			}
		}
	}
}
