package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
