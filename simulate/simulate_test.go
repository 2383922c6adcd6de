package simulate_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/debrief-dev/debrief/simulate"
)

// run simulates a short history in every format into a new directory.
func run(t *testing.T, seed uint64, days int, perDay float64) (string, *simulate.Summary) {
	t.Helper()
	dir := t.TempDir()
	sum, err := simulate.Run(context.Background(), simulate.RunOptions{
		Options: simulate.Options{Seed: seed, Days: days, IncidentsPerDay: perDay},
		Out:     dir, Formats: simulate.Formats(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, sum
}

// files reads every file under dir, by relative path.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRunIsDeterministic(t *testing.T) {
	a, sumA := run(t, 42, 12, 30)
	b, _ := run(t, 42, 12, 30)
	c, _ := run(t, 43, 12, 30)
	fa, fb, fc := files(t, a), files(t, b), files(t, c)
	if len(fa) < 6*10 {
		t.Fatalf("only %d files written", len(fa))
	}
	for name, data := range fa {
		if !bytes.Equal(data, fb[name]) {
			t.Errorf("%s differs between two runs with seed 42", name)
		}
	}
	if len(fa) != len(fb) {
		t.Errorf("runs wrote %d and %d files", len(fa), len(fb))
	}
	if bytes.Equal(fa[simulate.TruthFileName], fc[simulate.TruthFileName]) {
		t.Error("seeds 42 and 43 wrote the same ground truth")
	}
	for _, f := range simulate.Formats() {
		if s := sumA.Formats[f]; s.Files == 0 || s.Records == 0 || s.Bytes == 0 {
			t.Errorf("%s: summary %+v, want files, records and bytes", f, s)
		}
	}
}

// TestEveryAlertIsWrittenOnce checks the alert formats: Wazuh writes each
// alert once, the others at least once, however late in the day it came.
func TestEveryAlertIsWrittenOnce(t *testing.T) {
	_, sum := run(t, 7, 30, 40)
	if got := sum.Formats[simulate.FormatWazuh].Records; got != sum.Alerts {
		t.Errorf("wazuh wrote %d alerts, the simulation raised %d", got, sum.Alerts)
	}
	for _, f := range []string{simulate.FormatElastic, simulate.FormatOCSF, simulate.FormatSentinel} {
		if got := sum.Formats[f].Alerts; got < sum.Alerts {
			t.Errorf("%s wrote %d alert records, fewer than the %d alerts raised", f, got, sum.Alerts)
		}
	}
}

func TestRunRemovesOldDayFiles(t *testing.T) {
	dir := t.TempDir()
	opts := simulate.RunOptions{Options: simulate.Options{Seed: 1, Days: 6, IncidentsPerDay: 20}, Out: dir,
		Formats: []string{simulate.FormatWazuh}}
	if _, err := simulate.Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(dir, simulate.FormatWazuh, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts.Days = 2
	sum, err := simulate.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, simulate.FormatWazuh))
	if len(entries) != sum.Formats[simulate.FormatWazuh].Files+1 {
		t.Errorf("%d entries after a 2-day run, want its %d day files and notes.txt", len(entries), sum.Formats[simulate.FormatWazuh].Files)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("a file that is not a day file was removed: %v", err)
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts simulate.RunOptions
	}{
		{"no directory", simulate.RunOptions{Formats: []string{simulate.FormatGraph}}},
		{"no format", simulate.RunOptions{Out: t.TempDir()}},
		{"unknown format", simulate.RunOptions{Out: t.TempDir(), Formats: []string{"splunk"}}},
		{"negative days", simulate.RunOptions{Out: t.TempDir(), Formats: []string{simulate.FormatGraph},
			Options: simulate.Options{Days: -1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := simulate.Run(context.Background(), tc.opts); err == nil {
				t.Error("Run succeeded, want an error")
			}
		})
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := simulate.Run(ctx, simulate.RunOptions{Out: t.TempDir(), Formats: []string{simulate.FormatGraph}})
	if err == nil {
		t.Error("Run of a cancelled context succeeded")
	}
}
