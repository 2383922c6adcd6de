package query_test

import (
	"context"
	"sync"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/query"
	"github.com/debrief-dev/debrief/internal/storefixture"
	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/skill"
	"github.com/debrief-dev/debrief/sqlite"
	"github.com/debrief-dev/debrief/trend"
)

// benchStore is a SQLite store (in memory) of a simulated 90-day history,
// about 4,500 incidents, made once.
var benchStore = sync.OnceValues(func() (*sqlite.Store, error) {
	st, _, err := storefixture.Simulated(context.Background(), simulate.Options{Seed: 9, Days: 90, IncidentsPerDay: 50})
	return st, err
})

func store(b *testing.B, fast bool) debrief.Store {
	b.Helper()
	st, err := benchStore()
	if err != nil {
		b.Fatal(err)
	}
	if fast {
		return st
	}
	return plain{st}
}

func benchDaily(b *testing.B, fast bool) {
	st := store(b, fast)
	b.ResetTimer()
	for b.Loop() {
		rows, err := query.DailyCounts(b.Context(), st, debrief.IncidentFilter{}, trend.ByTechnique)
		if err != nil || len(rows) == 0 {
			b.Fatal(len(rows), err)
		}
	}
}

// BenchmarkDailyCounts counts incidents per day and technique in SQL;
// the baseline lists every incident and counts them in Go.
func BenchmarkDailyCounts(b *testing.B)         { benchDaily(b, true) }
func BenchmarkDailyCountsBaseline(b *testing.B) { benchDaily(b, false) }

func benchFacts(b *testing.B, fast bool) {
	st := store(b, fast)
	b.ResetTimer()
	for b.Loop() {
		hs, err := skill.ReadFacts(b.Context(), st, debrief.IncidentFilter{})
		if err != nil || len(hs) == 0 {
			b.Fatal(len(hs), err)
		}
	}
}

// BenchmarkHandlingFacts reads every incident's handling facts as the
// store keeps them; the baseline lists the incidents and works the facts
// out from each one's history, read with Store.Incident.
func BenchmarkHandlingFacts(b *testing.B)         { benchFacts(b, true) }
func BenchmarkHandlingFactsBaseline(b *testing.B) { benchFacts(b, false) }

func benchAlerts(b *testing.B, fast bool) {
	st := store(b, fast)
	b.ResetTimer()
	for b.Loop() {
		n := 0
		if err := query.WithAlerts(b.Context(), st, debrief.IncidentFilter{}, func(in *debrief.Incident) error {
			n += len(in.Alerts)
			return nil
		}); err != nil || n == 0 {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkWithAlerts reads every incident with its alerts through the
// scanner; the baseline lists them and reads each with Store.Incident.
func BenchmarkWithAlerts(b *testing.B)         { benchAlerts(b, true) }
func BenchmarkWithAlertsBaseline(b *testing.B) { benchAlerts(b, false) }
