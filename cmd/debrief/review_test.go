package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReviewExpiresApprovals: a review lists the incident's playbook runs
// after denying the approvals that are overdue, as "playbook runs" does: a
// run whose approval timed out shows as denied, not waiting, and the
// timeout is in the audit log.
func TestReviewExpiresApprovals(t *testing.T) {
	home, pb := timeoutSetup(t)
	runID := overdueRun(t, home, pb)
	out, errOut, code := cli(t, home, "", "review", "defender:924565")
	if code != 0 {
		t.Fatalf("review: exit %d\n%s%s", code, out, errOut)
	}
	row := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, runID) {
			row = l
		}
	}
	if !strings.Contains(row, "denied") || strings.Contains(row, "waiting") {
		t.Errorf("the review lists run %s as %q, want it denied (approval timed out)\n%s", runID, row, out)
	}
	audit, err := os.ReadFile(filepath.Join(home, "playbook-audit.jsonl"))
	if err != nil || strings.Count(string(audit), `"event":"approval.timeout"`) != 1 {
		t.Errorf("audit log wants one approval.timeout entry: %v\n%s", err, audit)
	}
}

// TestReviewRejectedRules: review --rules with an invalid rule file warns
// and finishes with exit code 3, as coverage does for the same input.
func TestReviewRejectedRules(t *testing.T) {
	home, dir := t.TempDir(), t.TempDir()
	inc := filepath.Join(dir, "incidents.json")
	writeFiles(t, map[string]string{inc: playbookIncident})
	ingestFile(t, home, inc)
	sigma := filepath.Join("..", "..", "rules", "sigma", "testdata")
	rules := filepath.Join(sigma, "plain.yml") + "," + filepath.Join(sigma, "syntax.bad.yml")
	for _, args := range [][]string{
		{"coverage", "--rules", rules},
		{"review", "defender:924565", "--rules", rules},
	} {
		out, errOut, code := cli(t, home, "", args...)
		if code != exitRejected || !strings.Contains(errOut, "skipped") || len(out) < 100 {
			t.Errorf("%s: exit %d, want %d and a warning\n%.200s\n%s", args[0], code, exitRejected, out, errOut)
		}
	}
	if _, errOut, code := cli(t, home, "", "review", "defender:924565", "--rules", filepath.Join(sigma, "plain.yml")); code != 0 {
		t.Errorf("review with valid rules: exit %d: %s", code, errOut)
	}
}

// TestWriteOut: -o writes the file whole, and its errors name the user's
// path, not the temporary file beside it.
func TestWriteOut(t *testing.T) {
	dir := t.TempDir()
	hello := func(w io.Writer) error { _, err := io.WriteString(w, "hello\n"); return err }
	tests := []struct {
		name, path, want string // want: the error, "" for none
	}{
		{"ok", filepath.Join(dir, "r.md"), ""},
		{"missing folder", filepath.Join(dir, "no", "r.md"), "write " + filepath.Join(dir, "no", "r.md") + ": folder " + filepath.Join(dir, "no") + " does not exist"},
		{"a folder", dir, "write " + dir + ": is a folder"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := writeOut(io.Discard, tc.path, hello)
			if tc.want == "" {
				b, rerr := os.ReadFile(tc.path)
				if err != nil || rerr != nil || string(b) != "hello\n" {
					t.Errorf("writeOut: %v; read back %q, %v", err, b, rerr)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), ".debrief-") {
				t.Errorf("error %v, want %q and no temporary file name", err, tc.want)
			}
		})
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".debrief-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
