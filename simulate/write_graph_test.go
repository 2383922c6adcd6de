package simulate

import (
	"bytes"
	"context"
	"testing"

	"github.com/debrief-dev/debrief"
)

// TestGraphEvidenceCache writes the same incidents with one Graph writer,
// whose evidence cache fills as it goes, and with a new writer for each
// incident: the bytes must be the same.
func TestGraphEvidenceCache(t *testing.T) {
	gn, err := NewGenerator(Options{Seed: 3, Days: 10, IncidentsPerDay: 40})
	if err != nil {
		t.Fatal(err)
	}
	warm := &graphWriter{tenant: "t"}
	var we, ce enc
	hits := 0
	for ev, err := range gn.Events(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Incident == nil {
			continue
		}
		before := len(warm.cache)
		we.reset()
		warm.event(&we, &ev)
		ce.reset()
		(&graphWriter{tenant: "t"}).event(&ce, &ev)
		if !bytes.Equal(we.b, ce.b) {
			t.Fatalf("incident %s: cached evidence differs:\n%s\n%s", ev.Incident.ID, we.b, ce.b)
		}
		if len(warm.cache) == before {
			hits++
		}
	}
	if hits == 0 || len(warm.cache) == 0 {
		t.Fatalf("cache never used (%d entries, %d incidents without a new one)", len(warm.cache), hits)
	}
}

// TestGraphWords checks that the values the Graph writer copies without
// escaping (enc.word) need none.
func TestGraphWords(t *testing.T) {
	words := []string{"unknown"}
	for _, d := range determinations {
		words = append(words, d.graph)
	}
	for _, p := range productTable {
		words = append(words, p.graphSource)
	}
	for _, v := range []debrief.Verdict{debrief.VerdictTruePositive, debrief.VerdictBenignPositive, debrief.VerdictFalsePositive, ""} {
		words = append(words, graphClassification(v))
	}
	for _, s := range []debrief.Status{debrief.StatusNew, debrief.StatusInProgress, debrief.StatusResolved} {
		words = append(words, graphStatus(s, true), graphStatus(s, false))
	}
	for _, w := range words {
		if got := string(appendQuoted(nil, w)); got != `"`+w+`"` {
			t.Errorf("%q needs escaping: %s", w, got)
		}
	}
}
