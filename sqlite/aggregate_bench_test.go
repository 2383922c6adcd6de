package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/skill"
	"github.com/debrief-dev/debrief/storetest"
	"github.com/debrief-dev/debrief/trend"
)

// The analysis benchmarks run on a store of a simulated year: 20k
// incidents written through Store.Write (every version, alerts nested),
// then copied in SQL (ids suffixed "#k", created k ns later, so each day
// holds k times its incidents with the same keys) to
// DEBRIEF_BENCH_INCIDENTS (default: no copies). The target:
//
//	DEBRIEF_BENCH_INCIDENTS=1000000 go test ./sqlite -run '^$' -bench 'Trends|Skills' -benchtime 3x
//
// DEBRIEF_BENCH_STORE names a store file to keep between runs (built when
// missing). The copies make the counts of a big history without its many
// hours of writes; a real history of that size has more distinct keys per
// day (up to every sub-technique seen on every day), so more rows of
// daily counts.
var bench struct {
	once  sync.Once
	path  string
	count int
	err   error
	dir   string
}

const benchBase = 20000

func benchStore(b *testing.B) (string, int) {
	b.Helper()
	bench.once.Do(func() {
		bench.path = os.Getenv("DEBRIEF_BENCH_STORE")
		if bench.path == "" {
			if bench.dir, bench.err = os.MkdirTemp("", "debrief-sqlite-bench-"); bench.err != nil {
				return
			}
			bench.path = filepath.Join(bench.dir, "debrief.db")
		}
		bench.count, bench.err = buildBenchStore(context.Background(), bench.path)
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.path, bench.count
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

func buildBenchStore(ctx context.Context, path string) (int, error) {
	_, statErr := os.Stat(path)
	s, err := Open(ctx, path)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	if statErr != nil {
		start := time.Now()
		n, err := storetest.WriteSimulated(ctx, s, simulate.Options{Seed: 1, Days: 365, IncidentsPerDay: benchBase / 365.0})
		if err != nil {
			return 0, err
		}
		logf("bench store: %d simulated incidents written in %s", n, time.Since(start).Round(time.Millisecond))
		want, _ := strconv.Atoi(os.Getenv("DEBRIEF_BENCH_INCIDENTS"))
		if copies := want / max(n, 1); copies > 1 {
			start = time.Now()
			if err := copyIncidents(ctx, s, copies); err != nil {
				return 0, err
			}
			logf("bench store: copied %d times in %s", copies, time.Since(start).Round(time.Millisecond))
		}
	}
	start := time.Now()
	count := 0
	err = s.DailyCounts(ctx, debrief.IncidentFilter{}, debrief.CountSource, func(c debrief.DayCount) error {
		if c.Key == "" {
			count += c.Count
		}
		return nil
	})
	var alerts int
	if err == nil {
		err = s.db.QueryRowContext(ctx, `SELECT count(*) FROM alerts`).Scan(&alerts)
	}
	logf("bench store: daily counts of %d incidents (%d alerts) brought up to date in %s", count, alerts, time.Since(start).Round(time.Millisecond))
	if err != nil {
		return count, err
	}
	start = time.Now()
	facts := 0
	err = s.HandlingFacts(ctx, debrief.IncidentFilter{}, func(*debrief.HandlingFacts) error {
		facts++
		return nil
	})
	logf("bench store: handling facts of %d incidents brought up to date in %s", facts, time.Since(start).Round(time.Millisecond))
	return count, err
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

// copyIncidents adds copies-1 copies of every incident with its alerts,
// links, tags, comments and history.
func copyIncidents(ctx context.Context, s *Store, copies int) error {
	var maxPK int64
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(pk), 0) FROM alerts`).Scan(&maxPK); err != nil {
		return err
	}
	type table struct {
		name, where string
		subst       map[string]string // column → expression of k
	}
	tables := []table{
		{"incidents", "", map[string]string{"id": "id || '#' || :k", "source_id": "source_id || '#' || :k", "created": "created + :k"}},
		{"alerts", "", map[string]string{"pk": "pk + :k * " + strconv.FormatInt(maxPK, 10), "id": "id || '#' || :k",
			"source_id": "source_id || '#' || :k", "incident_id": "incident_id || '#' || :k"}},
		{"incident_alerts", "", map[string]string{"incident_id": "incident_id || '#' || :k", "alert_id": "alert_id || '#' || :k"}},
		{"incident_tags", "", map[string]string{"incident_id": "incident_id || '#' || :k"}},
		{"comments", "", map[string]string{"incident_id": "incident_id || '#' || :k"}},
		{"history", "kind = 'incident'", map[string]string{"subject_id": "subject_id || '#' || :k"}},
	}
	for _, t := range tables {
		cols, err := columns(ctx, s, t.name)
		if err != nil {
			return err
		}
		sel := make([]string, len(cols))
		for i, c := range cols {
			sel[i] = c
			if e, ok := t.subst[c]; ok {
				sel[i] = e
			}
		}
		where := ""
		if t.where != "" {
			where = " WHERE " + t.where
		}
		q := `INSERT INTO ` + t.name + ` (` + strings.Join(cols, ", ") + `) SELECT ` + strings.Join(sel, ", ") + ` FROM temp.orig`
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		// Copy from a snapshot of the originals: the table grows as the
		// copies go in.
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE orig AS SELECT * FROM `+t.name+where); err != nil {
			tx.Rollback()
			return err
		}
		for k := 1; k < copies; k++ {
			if _, err := tx.ExecContext(ctx, strings.ReplaceAll(q, ":k", strconv.Itoa(k))); err != nil {
				tx.Rollback()
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DROP TABLE temp.orig`); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

func columns(ctx context.Context, s *Store, table string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// benchSince is what debrief trends --since 180d asks on the last day of
// the bench history: the last 180 days, from an hour inside a day.
func benchSince() debrief.IncidentFilter {
	return debrief.IncidentFilter{Since: simulate.DefaultScenario().Start.AddDate(0, 0, 365-180).Add(13*time.Hour + 7*time.Minute)}
}

// BenchmarkTrends runs what debrief trends --since 180d does by
// sub-technique: the daily counts (up to date) from the store, then the
// analysis.
func BenchmarkTrends(b *testing.B) {
	s, n := benchOpen(b)
	for b.Loop() {
		var rows []debrief.DayCount
		if err := s.DailyCounts(b.Context(), benchSince(), debrief.CountSubTechnique, func(c debrief.DayCount) error {
			rows = append(rows, c)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		if _, err := trend.AnalyseDaily(rows, trend.Options{By: trend.BySubTechnique}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "incidents")
}

// BenchmarkTrendsBaseline is the same over the listed incidents
// (Store.Incidents, then trend.Analyse in memory), as debrief trends did
// before the store counted.
func BenchmarkTrendsBaseline(b *testing.B) {
	s, n := benchOpen(b)
	for b.Loop() {
		ins, err := s.Incidents(b.Context(), benchSince())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := trend.Analyse(ins, trend.Options{By: trend.BySubTechnique}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "incidents")
}

// BenchmarkSkills runs what debrief skills does by technique through
// skill.FromStore: the handling facts the store keeps (skill_facts, read
// from skill_packs a day to a row, both up to date), then the analysis. BenchmarkSkillsBaseline is the same analysis
// over the incidents read in full, the path it replaces;
// BenchmarkSkillsFactsRead and BenchmarkSkillsFactsAnalyse split its cost
// in two.
func BenchmarkSkills(b *testing.B) {
	s, n := benchOpen(b)
	for b.Loop() {
		if _, err := skill.FromStore(b.Context(), s, debrief.IncidentFilter{}, skill.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "incidents")
}

// BenchmarkSkillsFactsRead reads the handling facts alone.
func BenchmarkSkillsFactsRead(b *testing.B) {
	s, n := benchOpen(b)
	for b.Loop() {
		if _, err := skill.ReadFacts(b.Context(), s, debrief.IncidentFilter{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "incidents")
}

// BenchmarkSkillsFactsAnalyse runs the analysis alone over facts read once.
func BenchmarkSkillsFactsAnalyse(b *testing.B) {
	s, n := benchOpen(b)
	hs, err := skill.ReadFacts(b.Context(), s, debrief.IncidentFilter{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := skill.AnalyseFacts(hs, skill.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "incidents")
}

// BenchmarkSkillsBaseline runs what debrief skills did by technique before
// the store kept handling facts: the incidents with their history through
// ScanIncidents, then the analysis.
func BenchmarkSkillsBaseline(b *testing.B) {
	s, n := benchOpen(b)
	for b.Loop() {
		var ins []debrief.Incident
		if err := s.ScanIncidents(b.Context(), debrief.IncidentFilter{}, debrief.ScanOptions{History: true}, func(in *debrief.Incident) error {
			ins = append(ins, *in)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		if _, err := skill.Analyse(ins, skill.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "incidents")
}

// BenchmarkSkillsEachIncident reads the same with Store.Incidents and one
// Store.Incident per incident, as debrief skills did first (skipped over
// more than 200k incidents: minutes an iteration).
func BenchmarkSkillsEachIncident(b *testing.B) {
	path, n := benchStore(b)
	if n > 200000 {
		b.Skipf("%d incidents: one Store.Incident each takes minutes", n)
	}
	s, err := Open(b.Context(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for b.Loop() {
		ins, err := s.Incidents(b.Context(), debrief.IncidentFilter{})
		if err != nil {
			b.Fatal(err)
		}
		for i := range ins {
			full, err := s.Incident(b.Context(), ins[i].ID)
			if err != nil {
				b.Fatal(err)
			}
			ins[i].History, ins[i].Comments = full.History, full.Comments
		}
		if _, err := skill.Analyse(ins, skill.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "incidents")
}

// benchOpen opens the benchmark store (see benchStore) for one benchmark
// and closes it when the benchmark ends.
func benchOpen(b *testing.B) (*Store, int) {
	path, n := benchStore(b)
	s, err := Open(b.Context(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, n
}
