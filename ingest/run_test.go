package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/formats"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/sqlite"
)

func open(t *testing.T) debrief.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func options(t *testing.T, st debrief.Store, paths ...string) ingest.Options {
	t.Helper()
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return ingest.Options{Paths: paths, Decoders: formats.All(), Store: st, Knowledge: ingest.Catalog(cat)}
}

func TestRunRejectsAndKeepsTheRest(t *testing.T) {
	st := open(t)
	sum, err := ingest.Run(context.Background(), options(t, st, "testdata/mixed.bad.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	if sum.New.Alerts != 2 || sum.RejectedTotal != 2 || sum.Read != 4 {
		t.Fatalf("summary %+v", sum)
	}
	locs := []string{}
	for _, r := range sum.Rejected {
		locs = append(locs, r.Location+" "+r.Field)
	}
	if got := strings.Join(locs, "|"); !strings.Contains(got, "2: record 2") || !strings.Contains(got, "4: record 4") {
		t.Errorf("reject locations %q, want lines 2 and 4", got)
	}
	if sum.Revoked["T1086"] != "T1059.001" || sum.Unknown["T1685"] != 1 {
		t.Errorf("revoked %v unknown %v", sum.Revoked, sum.Unknown)
	}
	a, err := st.Alert(context.Background(), "defender:da102")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tq := range a.Techniques {
		got = append(got, string(tq.ID)+"/"+string(tq.Status)+"/"+tq.Original)
	}
	if strings.Join(got, " ") != "T1059/revoked/T1086 T1059.001/revoked/T1086 T1685/unknown/" &&
		strings.Join(got, " ") != "T1059// T1059.001/revoked/T1086 T1685/unknown/" {
		t.Errorf("techniques %v", got)
	}
	if strings.Join(a.Tactics, ",") != "execution" {
		t.Errorf("tactics %v", a.Tactics)
	}
}

func TestRunStrictStoresNothingOfABadFile(t *testing.T) {
	st := open(t)
	opts := options(t, st, "testdata/mixed.bad.ndjson")
	opts.Strict = true
	_, err := ingest.Run(context.Background(), opts)
	var re *debrief.RecordError
	if !errors.Is(err, ingest.ErrStrict) || !errors.As(err, &re) || re.Line != 2 {
		t.Fatalf("err = %v, want a strict stop at line 2", err)
	}
	if _, err := st.Alert(context.Background(), "defender:da100"); debrief.ErrorCode(err) != debrief.ENOTFOUND {
		t.Errorf("the good record before the bad one was stored: %v", err)
	}
}

func TestRunIsIdempotentAcrossGzipStdinAndFolders(t *testing.T) {
	data, err := os.ReadFile("testdata/mixed.bad.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	if err := os.MkdirAll(filepath.Join(dir, "day1"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "day1", "alerts.json.gz"), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("# exports\n"), 0o644)
	st := open(t)
	first, err := ingest.Run(context.Background(), options(t, st, dir))
	if err != nil || first.New.Alerts != 2 || len(first.Skipped) != 1 {
		t.Fatalf("folder: %+v %v", first, err)
	}
	opts := options(t, st, "-")
	opts.Stdin = bytes.NewReader(data)
	second, err := ingest.Run(context.Background(), opts)
	if err != nil || second.New.Alerts != 0 || second.Unchanged.Alerts != 2 {
		t.Fatalf("stdin again: %+v %v", second, err)
	}
	third, err := ingest.Run(context.Background(), options(t, st, filepath.Join(dir, "*", "*.gz")))
	if err != nil || third.Unchanged.Alerts != 2 || third.Files != 1 {
		t.Fatalf("glob again: %+v %v", third, err)
	}
}

func TestRunUnknownFormat(t *testing.T) {
	st := open(t)
	path := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(path, []byte("hello\n"), 0o644)
	sum, err := ingest.Run(context.Background(), options(t, st, path))
	if !errors.Is(err, ingest.ErrNothingRead) || sum.RejectedTotal != 1 || !strings.Contains(sum.Rejected[0].Reason, "tried defender, graph") {
		t.Fatalf("%+v %v", sum, err)
	}
	opts := options(t, st, path)
	opts.Format = "splunk"
	if _, err := ingest.Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Errorf("--format splunk: %v", err)
	}
}

// A byte order mark (PowerShell's Out-File, Excel) changes nothing: every
// format reads the same records, with the same lines, as without it.
func TestRunByteOrderMark(t *testing.T) {
	mixed, err := os.ReadFile("testdata/mixed.bad.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		sample string // under shared/data/samples, or "" for mixed
	}{
		{"ndjson with rejects", ""},
		{"defender", "m365d_incidents_api/list_incidents_response.json"},
		{"graph", "graph_security/list_incidents_expand_alerts.json"},
		{"graph alert", "graph_security/alert_v2_get_mde_hidden_file.json"},
		{"defender-hunting", "defender_advanced_hunting/streaming_api_alertinfo_alertevidence.ndjson"},
		{"sentinel", "sentinel/rest_incident_get_2024-03-01.json"},
		{"sentinel row", "sentinel/securityalert_row_eventhub_export.json"},
		{"ocsf", "ocsf/detection_finding_1.1.0_securityhub_guardduty.json"},
		{"elastic", "elastic/alert_8.1.0_threat_match_kibana_es_archive.json"},
		{"wazuh", "wazuh/alert_docs_sshd_bruteforce_T1110.json"},
		{"wazuh ndjson", "wazuh/alerts_logstash_lines_sshd_pam.ndjson"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := mixed
			if tc.sample != "" {
				if data, err = os.ReadFile(testutil.SharedData(t, filepath.Join("samples", tc.sample))); err != nil {
					t.Fatal(err)
				}
			}
			dir := t.TempDir()
			plain, marked := filepath.Join(dir, "plain.json"), filepath.Join(dir, "marked.json")
			os.WriteFile(plain, data, 0o644)
			os.WriteFile(marked, append([]byte("\xef\xbb\xbf"), data...), 0o644)
			want, err := ingest.Run(context.Background(), options(t, open(t), plain))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ingest.Run(context.Background(), options(t, open(t), marked))
			if err != nil {
				t.Fatal(err)
			}
			if got.Read != want.Read || got.New != want.New || got.RejectedTotal != want.RejectedTotal || len(got.Formats) != 1 {
				t.Fatalf("with the mark %+v\nwithout it  %+v", got, want)
			}
			for i := range want.Rejected {
				if w, g := want.Rejected[i], got.Rejected[i]; g.Location != w.Location || g.Field != w.Field || g.Reason != w.Reason {
					t.Errorf("reject %d with the mark %+v, without it %+v", i+1, g, w)
				}
			}
		})
	}
}

// A strict stop counts what was read before it and lists the record that
// stopped it, not kept: nothing of that input is stored.
func TestRunStrictSummary(t *testing.T) {
	data, err := os.ReadFile("testdata/mixed.bad.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n") // good, dropped field, good, truncated
	dir := t.TempDir()
	write := func(name string, ls ...int) string {
		var b strings.Builder
		for _, l := range ls {
			b.WriteString(lines[l-1])
		}
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(b.String()), 0o644)
		return path
	}
	good, third, dropped := write("good.ndjson", 1), write("third.ndjson", 1, 3, 4), write("dropped.ndjson", 1, 2, 3)
	tests := []struct {
		name                string
		paths               []string
		files, read, stored int
		location, field     string
	}{
		{"third record bad", []string{third}, 1, 3, 0, "3: record 3", ""},
		{"field dropped", []string{dropped}, 1, 2, 0, "2: record 2", "Timestamp"},
		{"after a good input", []string{good, third}, 2, 4, 1, "3: record 3", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := options(t, open(t), tc.paths...)
			opts.Strict = true
			sum, err := ingest.Run(context.Background(), opts)
			if !errors.Is(err, ingest.ErrStrict) || strings.Contains(err.Error(), "kept") {
				t.Errorf("err = %v, want a strict stop, no record kept", err)
			}
			if sum.Files != tc.files || sum.Read != tc.read || sum.New.Alerts != tc.stored || sum.RejectedTotal != 1 || len(sum.Rejected) != 1 {
				t.Fatalf("summary %+v", sum)
			}
			if r := sum.Rejected[0]; r.File != tc.paths[len(tc.paths)-1] || r.Location != tc.location || r.Field != tc.field || r.Reason == "" || r.Kept {
				t.Errorf("reject %+v, want at %s, field %q, not kept", r, tc.location, tc.field)
			}
		})
	}
}

// Rejects of stdin name it as Options.StdinName says, "-" by default, in
// strict mode too.
func TestRunStdinName(t *testing.T) {
	data, err := os.ReadFile("testdata/mixed.bad.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, stdinName, want string
		strict                bool
	}{
		{"default", "", "-", false},
		{"default strict", "", "-", true},
		{"named", "request body", "request body", false},
		{"named strict", "request body", "request body", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := options(t, open(t), "-")
			opts.Stdin, opts.StdinName, opts.Strict = bytes.NewReader(data), tc.stdinName, tc.strict
			sum, err := ingest.Run(context.Background(), opts)
			if sum == nil || len(sum.Rejected) == 0 {
				t.Fatalf("no rejects: %+v %v", sum, err)
			}
			for _, r := range sum.Rejected {
				if r.File != tc.want {
					t.Errorf("reject %+v, want file %q", r, tc.want)
				}
			}
			if err != nil && !strings.HasPrefix(strings.TrimPrefix(err.Error(), ingest.ErrStrict.Error()+": "), tc.want+":") {
				t.Errorf("err = %v, want it to name %q", err, tc.want)
			}
		})
	}
}

// Rejects name the field when it is known, never the parser, and are
// counted by a reason cut between words.
func TestRunRejectMessages(t *testing.T) {
	good, err := os.ReadFile("defender/testdata/incidents.good.json")
	if err != nil {
		t.Fatal(err)
	}
	surrogate := bytes.Replace(good, []byte(`"incidentName": "`), []byte(`"incidentName": "\ud800`), 1)
	tests := []struct {
		name, in, format   string
		field, reason, key string
	}{
		{"binary", "\x7fELF\x02\x01\x01\x00", "wazuh", "", "invalid JSON: invalid character '\\x7f' at start of value", "invalid JSON"},
		{"lone surrogate", string(surrogate), "", "incidentName", "invalid JSON: invalid surrogate pair", "incidentName"},
		{"cut after a good record", `[{"incidentId":1,"incidentName":"x"},{"incidentId":`, "defender", "", "invalid JSON: unexpected EOF (after byte 51)", "input ends in the middle of a record (truncated?)"},
		{"not a format", `{"hello":"world"}`, "", "", "not a format debrief reads: tried defender, graph, defender-hunting, sentinel, ocsf, elastic, wazuh; name one with --format if it is", "not a format debrief reads"},
		{"empty", "", "", "", "file is empty", "file is empty"},
		{"ocsf 2001 with finding_info", `{"class_uid":2001,"time":1718093742120,"finding_info":{"uid":"f1"}}`, "", "class_uid", "want 2004 (Detection Finding)", "class_uid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "in.json")
			os.WriteFile(path, []byte(tc.in), 0o644)
			opts := options(t, open(t), path)
			opts.Format = tc.format
			sum, _ := ingest.Run(context.Background(), opts)
			var last ingest.Reject
			if sum != nil && len(sum.Rejected) > 0 {
				last = sum.Rejected[len(sum.Rejected)-1]
			}
			if last.Field != tc.field || !strings.Contains(last.Reason, tc.reason) || sum.RejectedByReason[tc.key] != 1 {
				t.Errorf("reject %+v by reason %v\nwant field %q, reason %q, key %q", last, sum.RejectedByReason, tc.field, tc.reason, tc.key)
			}
			if strings.Contains(fmt.Sprint(sum), "jsontext") {
				t.Errorf("the parser named: %+v", sum)
			}
		})
	}
}

// A run that reads no input at all fails, saying why; an empty folder
// beside other paths is only a warning.
func TestRunNothingRead(t *testing.T) {
	dir := t.TempDir()
	empty, notes, readme := filepath.Join(dir, "empty"), filepath.Join(dir, "notes.txt"), filepath.Join(dir, "docs", "README.md")
	os.Mkdir(empty, 0o755)
	os.Mkdir(filepath.Dir(readme), 0o755)
	os.WriteFile(notes, []byte("hello\n"), 0o644)
	os.WriteFile(readme, []byte("# exports\n"), 0o644)
	tests := []struct {
		name      string
		paths     []string
		stdin     string
		stdinName string // Options.StdinName
		err       string // "" for a run that reads something
		warn      string
	}{
		{"empty folder", []string{empty}, "", "", "no files found under " + empty, ""},
		{"empty folder beside a file", []string{empty, "testdata/mixed.bad.ndjson"}, "", "", "", "no files found under " + empty},
		{"unrecognised file", []string{notes}, "", "", "nothing read: " + notes + ": not a format debrief reads", ""},
		{"empty stdin", []string{"-"}, "", "", "nothing read: stdin is empty", ""},
		{"empty stdin named", []string{"-"}, "", "request body", "nothing read: the request body is empty", ""},
		{"unrecognised stdin named", []string{"-"}, "hello", "request body", "nothing read: not a format debrief reads", ""},
		{"two unrecognised", []string{notes, "-"}, "", "", "nothing read: none of the 2 inputs could be read", ""},
		{"folder of other files", []string{filepath.Dir(readme)}, "", "", "nothing read: none of the 1 files found is in a format debrief reads", ""},
		{"unrecognised beside a good file", []string{notes, "testdata/mixed.bad.ndjson"}, "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := options(t, open(t), tc.paths...)
			opts.Stdin = strings.NewReader(tc.stdin)
			opts.StdinName = tc.stdinName
			var warned []string
			opts.Warn = func(msg string) { warned = append(warned, msg) }
			_, err := ingest.Run(context.Background(), opts)
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("err = %v, want %q", err, tc.err)
			}
			if strings.Join(warned, "; ") != tc.warn {
				t.Errorf("warnings %q, want %q", warned, tc.warn)
			}
		})
	}
}

// TestRunIncidentOwnLabels ingests a Sentinel incident exported without
// its alerts: the tactics its additionalData names ("InitialAccess") are
// normalised and stored, so that the incident is found by them.
func TestRunIncidentOwnLabels(t *testing.T) {
	st := open(t)
	path := filepath.Join(t.TempDir(), "incident.json")
	rec := `{"id":"/x/providers/Microsoft.SecurityInsights/incidents/i1","name":"i1","type":"Microsoft.SecurityInsights/incidents",
		"properties":{"title":"Alerts not exported","createdTimeUtc":"2025-03-01T10:00:00Z",
		"additionalData":{"alertsCount":0,"tactics":["InitialAccess","Persistence"],"techniques":["T1078","T1086","T9999"]}}}`
	if err := os.WriteFile(path, []byte(rec), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := ingest.Run(t.Context(), options(t, st, path))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Revoked["T1086"] != "T1059.001" || sum.Unknown["T9999"] != 1 {
		t.Errorf("summary counts revoked %v unknown %v, want T1086 → T1059.001 and T9999", sum.Revoked, sum.Unknown)
	}
	ins, err := st.Incidents(t.Context(), debrief.IncidentFilter{Tactic: "initial-access"})
	if err != nil || len(ins) != 1 {
		t.Fatalf("incidents by initial-access: %+v, %v; want the incident", ins, err)
	}
	if want := []debrief.TechniqueID{"T1059", "T1059.001", "T1078", "T9999"}; !slices.Equal(ins[0].Techniques, want) {
		t.Errorf("techniques %v, want %v", ins[0].Techniques, want)
	}
	if !slices.Contains(ins[0].Tactics, "persistence") || !slices.Contains(ins[0].Tactics, "execution") {
		t.Errorf("tactics %v, want initial-access, persistence and T1059.001's execution", ins[0].Tactics)
	}
}
