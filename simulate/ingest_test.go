package simulate_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/formats"
	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/sqlite"
)

// TestOutputIngests writes a short history in every format, ingests each
// format into its own store, and checks that nothing is rejected, that
// the counts agree with the ground truth, and that what the store holds
// agrees with what was planted.
func TestOutputIngests(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests six formats into SQLite")
	}
	dir, sum := run(t, 5, 14, 25)
	gt, err := simulate.ReadGroundTruth(filepath.Join(dir, simulate.TruthFileName))
	if err != nil {
		t.Fatal(err)
	}
	if gt.Counts.Incidents != sum.Incidents || gt.Counts.Alerts != sum.Alerts || gt.Counts.Incidents == 0 {
		t.Fatalf("ground truth counts %+v, summary %d incidents and %d alerts", gt.Counts, sum.Incidents, sum.Alerts)
	}
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range simulate.Formats() {
		t.Run(format, func(t *testing.T) {
			st := ingestFormat(t, filepath.Join(dir, format), format, cat, gt)
			checkAgainstTruth(t, st, format, gt)
		})
	}
}

// ingestFormat ingests a folder in one format and checks the counts.
func ingestFormat(t *testing.T, dir, format string, cat *attack.Catalog, gt *simulate.GroundTruth) debrief.Store {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	res, err := ingest.Run(ctx, ingest.Options{Paths: []string{dir}, Format: decoderName(format), Decoders: formats.All(),
		Store: st, Knowledge: ingest.Catalog(cat)})
	if err != nil {
		t.Fatal(err)
	}
	if res.RejectedTotal != 0 {
		t.Fatalf("%d records rejected, e.g. %+v", res.RejectedTotal, res.Rejected[:min(3, len(res.Rejected))])
	}
	if len(res.Unknown) != 0 {
		t.Errorf("technique ids unknown to ATT&CK: %v", res.Unknown)
	}
	if res.New.Alerts != int(gt.Counts.Alerts) {
		t.Errorf("new alerts = %d, want the ground truth's %d", res.New.Alerts, gt.Counts.Alerts)
	}
	wantIncidents := gt.Counts.Incidents
	if !hasIncidents(format) {
		wantIncidents = 0
	}
	if res.New.Incidents != wantIncidents {
		t.Errorf("new incidents = %d, want %d", res.New.Incidents, wantIncidents)
	}
	return st
}

// decoderName maps an output format to the decoder that reads it.
func decoderName(format string) string { return format }

func hasIncidents(format string) bool {
	return format == simulate.FormatDefender || format == simulate.FormatGraph || format == simulate.FormatSentinel
}

// checkAgainstTruth checks every detected incident of the ground truth in
// the store: its incident (where the format has incidents) with its times
// and final verdict, and each alert, whose techniques must belong to the
// incident's true technique set (with their parents).
func checkAgainstTruth(t *testing.T, st debrief.Store, format string, gt *simulate.GroundTruth) {
	t.Helper()
	ctx := context.Background()
	checked := 0
	for i := range gt.Incidents {
		ti := &gt.Incidents[i]
		if !ti.Detected {
			if len(ti.Alerts) > 0 || ti.IDs != nil {
				t.Errorf("undetected incident %s has alerts or ids", ti.Source)
			}
			continue
		}
		truth := map[debrief.TechniqueID]bool{}
		for _, id := range ti.Techniques {
			truth[debrief.TechniqueID(id)] = true
			truth[debrief.TechniqueID(id).Parent()] = true
		}
		if hasIncidents(format) {
			checkIncident(t, st, ti, ti.IDs.Get(format))
		}
		for _, ta := range ti.Alerts {
			a, err := st.Alert(ctx, ta.IDs.Get(format))
			if err != nil {
				t.Fatalf("incident %d: alert %s: %v", ti.N, ta.IDs.Get(format), err)
			}
			for _, tech := range a.Techniques {
				if !truth[tech.ID] {
					t.Errorf("alert %s carries %s, not among its incident's true techniques %v", a.ID, tech.ID, ti.Techniques)
				}
			}
			if !a.Created.Equal(ta.Created) {
				t.Errorf("alert %s created %s, ground truth says %s", a.ID, a.Created, ta.Created)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Error("no alert checked")
	}
}

func checkIncident(t *testing.T, st debrief.Store, ti *simulate.TruthIncident, id string) {
	t.Helper()
	in, err := st.Incident(context.Background(), id)
	if err != nil {
		t.Fatalf("incident %d: %s: %v", ti.N, id, err)
	}
	h := ti.Handling
	if !in.Times.Created.Equal(h.Created) {
		t.Errorf("%s created %s, ground truth says %s", id, in.Times.Created, h.Created)
	}
	if !h.Resolved.IsZero() && (in.Status != debrief.StatusResolved || !in.Times.Resolved.Equal(h.Resolved)) {
		t.Errorf("%s: status %s resolved %s, ground truth says resolved %s", id, in.Status, in.Times.Resolved, h.Resolved)
	}
	if in.Verdict != h.FinalVerdict {
		t.Errorf("%s: verdict %q, ground truth says %q", id, in.Verdict, h.FinalVerdict)
	}
	if len(in.Alerts) != len(ti.Alerts) {
		t.Errorf("%s has %d alerts, ground truth %d", id, len(in.Alerts), len(ti.Alerts))
	}
	for _, tech := range in.Techniques {
		if !slices.ContainsFunc(ti.Techniques, func(s string) bool {
			return debrief.TechniqueID(s) == tech || debrief.TechniqueID(s).Parent() == tech
		}) {
			t.Errorf("%s carries %s, not among its true techniques %v", id, tech, ti.Techniques)
		}
	}
}
