package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/ingest"
)

// sortedDefender is a Defender export whose one incident is larger than
// the first window and written with sorted keys, as some tools re-export
// it: "alerts" comes first, "incidentName" last.
func sortedDefender(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("defender/testdata/incidents.good.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var export struct{ Value []map[string]any }
	if err := dec.Decode(&export); err != nil {
		t.Fatal(err)
	}
	in := export.Value[0]
	alert := in["alerts"].([]any)[0].(map[string]any)
	var alerts []any
	for i := range 200 {
		a := map[string]any{}
		for k, v := range alert {
			a[k] = v
		}
		a["alertId"] = fmt.Sprintf("da%d", i) // and values that differ, as they do
		a["title"] = fmt.Sprintf("Suspicious PowerShell command line %d", i)
		a["creationTime"] = fmt.Sprintf("2024-03-11T09:%02d:%02d.%dZ", i/60, i%60, i)
		a["detectorId"] = fmt.Sprintf("7a1ad1f2-9f0e-4a57-9a8b-%012d", i)
		alerts = append(alerts, a)
	}
	in["alerts"] = alerts
	out, err := json.Marshal(map[string]any{"value": []any{in}}) // sorts keys
	if err != nil {
		t.Fatal(err)
	}
	if i := bytes.Index(out, []byte(`"incidentName"`)); i < 1<<16 {
		t.Fatalf("incidentName at %d, within the first window", i)
	}
	return out
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// Identification reads on, streaming, when the first window does not tell.
func TestRunIdentifiesBeyondTheFirstWindow(t *testing.T) {
	sorted := sortedDefender(t)
	spaces := strings.Repeat(" ", 1<<16)
	var unknown bytes.Buffer // an array of records no decoder knows, all alike
	unknown.WriteString("[")
	for unknown.Len() < 5<<20 {
		unknown.WriteString(`{"note":"hello","n":1},`)
	}
	unknown.WriteString(`{"note":"hello"}]`)
	var distinct bytes.Buffer // records no decoder knows, with names all different
	distinct.WriteString("[")
	for i := 0; distinct.Len() < 1<<20; i++ {
		fmt.Fprintf(&distinct, `{"note":"hello","n%d":1},`, i)
	}
	distinct.WriteString(`{"note":"hello"}]`)
	d := distinct.Bytes()
	tests := []struct {
		name       string
		in         []byte
		stdin      bool
		wantFormat string // or the reject's reason:
		wantReason string
	}{
		{"sorted keys", sorted, false, "defender", ""},
		{"sorted keys on stdin", sorted, true, "defender", ""},
		{"sorted keys gzipped", gzipped(sorted), false, "defender", ""},
		{"sorted keys after a byte order mark and spaces", append([]byte("\xef\xbb\xbf"+spaces), sorted...), false, "defender", ""},
		{"leading spaces", append([]byte(spaces+"\n"), mustRead(t, "testdata/mixed.bad.ndjson")...), false, "defender-hunting", ""},
		{"leading spaces on stdin", append([]byte(spaces+"\n"), mustRead(t, "testdata/mixed.bad.ndjson")...), true, "defender-hunting", ""},
		{"empty", nil, false, "", "file is empty"},
		{"empty stdin", nil, true, "", "stdin is empty"},
		{"byte order mark and white space", []byte("\xef\xbb\xbf \r\n\t"), false, "", "file is empty"},
		{"white space beyond the first window", []byte(spaces + spaces + "\n"), false, "", "file is empty"},
		{"not a format", []byte(`{"hello":"world"}`), false, "", "not a format debrief reads: tried defender, graph"},
		{"not a format beyond the first window", []byte(spaces + `{"hello":"world"}`), false, "", "not a format debrief reads: tried defender"},
		{"not a format, records beyond the first window", []byte("[" + strings.Repeat(`{"note":"hello","n":1},`, 50000) + "{}]"), false, "", "not a format debrief reads"},
		{"not JSON beyond the first window", []byte(spaces + "hello"), false, "", "not a format debrief reads"},
		{"unidentified within the limit", unknown.Bytes(), false, "", "could not identify the format within the first 4 MiB (tried defender, "},
		{"unidentified, names all different", d, false, "", "could not identify the format within the first "},
		{"unidentified on stdin", unknown.Bytes(), true, "", "could not identify the format within the first 4 MiB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := open(t)
			path := filepath.Join(t.TempDir(), "export.json")
			os.WriteFile(path, tc.in, 0o644)
			opts := options(t, st, path)
			if tc.stdin {
				opts = options(t, st, "-")
				opts.Stdin = bytes.NewReader(tc.in)
			}
			sum, _ := ingest.Run(context.Background(), opts)
			if sum == nil {
				t.Fatal("no summary")
			}
			if tc.wantFormat != "" {
				if sum.Formats[tc.wantFormat] != 1 || sum.Read == 0 {
					t.Errorf("formats %v, read %d, rejected %+v; want %s", sum.Formats, sum.Read, sum.Rejected, tc.wantFormat)
				}
				return
			}
			if len(sum.Rejected) != 1 || !strings.Contains(sum.Rejected[0].Reason, tc.wantReason) {
				t.Errorf("rejected %+v, want %q", sum.Rejected, tc.wantReason)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
