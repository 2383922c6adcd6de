package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/internal/testutil"
)

// threeRecords writes an NDJSON file of two good advanced hunting alerts and
// a third record cut short, whose second record drops a field if dropped.
func threeRecords(t *testing.T, dropped bool) string {
	t.Helper()
	good := `{"AlertId":"da%d","Timestamp":"2026-01-02T03:04:05Z","Title":"t","Category":"Execution","Severity":"High","ServiceSource":"Microsoft Defender for Endpoint","DetectionSource":"EDR","AttackTechniques":"[\"PowerShell (T1059.001)\"]"}`
	second := strings.Replace(good, "%d", "2", 1)
	if dropped {
		second = strings.Replace(second, "2026-01-02T03:04:05Z", "not a time", 1)
	}
	path := filepath.Join(t.TempDir(), "three.ndjson")
	data := strings.Replace(good, "%d", "1", 1) + "\n" + second + "\n" + "{\"AlertId\":\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestIngestStrict(t *testing.T) {
	tests := []struct {
		name    string
		dropped bool
		json    bool
		out     string // substring of stdout
		err     string // substring of stderr
	}{
		{"text", false, false, "read 3 records from 1 inputs", "three.ndjson was not stored because of --strict"},
		{"json", false, true, `"location": "3: record 3"`, "3: record 3: line is not a complete JSON object"},
		{"dropped field", true, false, "three.ndjson:2: record 2: Timestamp: want an RFC 3339 timestamp", "2: record 2: Timestamp"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"ingest", "--strict", threeRecords(t, tc.dropped)}
			if tc.json {
				args = append(args, "--json")
			}
			out, errOut, code := cli(t, t.TempDir(), "", args...)
			if code != exitRejected || !strings.Contains(out, tc.out) || !strings.Contains(errOut, tc.err) {
				t.Errorf("exit %d, want %d; stdout lacks %q or stderr %q\nstdout: %s\nstderr: %s", code, exitRejected, tc.out, tc.err, out, errOut)
			}
			if strings.Contains(out+errOut, "kept") {
				t.Errorf("a strict stop keeps nothing:\n%s%s", out, errOut)
			}
			if tc.json {
				var sum struct {
					Files, Read   int
					RejectedTotal int `json:"rejected_total"`
				}
				if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Files != 1 || sum.Read != 3 || sum.RejectedTotal != 1 {
					t.Errorf("summary %+v %v\n%s", sum, err, out)
				}
			}
		})
	}
}

// TestIngestSummary owns testdata/TestIngestSummary.golden: what ingest
// prints, text and JSON, for the fixtures under testdata/ingest.
func TestIngestSummary(t *testing.T) {
	runs := [][]string{
		{"ingest", "testdata/ingest/one.good.ndjson", "--json"},
		{"ingest", "testdata/ingest/many.bad.ndjson"},
		{"ingest", "testdata/ingest/notes.txt", "testdata/ingest/one.good.ndjson", "--json"},
		{"ingest", "testdata/ingest/notes.txt", "testdata/ingest/one.good.ndjson"},
		{"ingest", "testdata/ingest/notes.txt"},
	}
	var b bytes.Buffer
	for _, args := range runs {
		out, errOut, code := cli(t, t.TempDir(), "", args...)
		fmt.Fprintf(&b, "$ debrief %s\n%s%sexit %d\n\n", strings.Join(args, " "), out, errOut, code)
	}
	testutil.Golden(t, "TestIngestSummary", b.Bytes())
}

// The text summary says how many rejects --json lists.
func TestIngestSummaryManyRejects(t *testing.T) {
	var b strings.Builder
	for i := range 1005 {
		fmt.Fprintf(&b, "{\"AlertId\":\"da%d\"}\n", i)
	}
	path := filepath.Join(t.TempDir(), "bad.ndjson")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := cli(t, t.TempDir(), "", "ingest", path, "--format", "defender-hunting")
	if want := "… and 995 more (--json lists the first 1000 of the 1005)"; code != exitRejected || !strings.Contains(out, want) {
		t.Errorf("exit %d, stdout lacks %q\nstdout: %s\nstderr: %s", code, want, out, errOut)
	}
}
