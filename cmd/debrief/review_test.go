package main

import (
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
