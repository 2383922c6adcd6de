package elastic

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/internal/decodertest"
	"github.com/debrief-dev/debrief/internal/testutil"
)

var _ ingest.Decoder = (*Decoder)(nil)

// decodeAll collects what Decode yields: the records, and the errors.
func decodeAll(t testing.TB, in []byte, file string) ([]debrief.Record, []*debrief.RecordError) {
	t.Helper()
	res := decodertest.Decode(t, New(), bytes.NewReader(in), file)
	return res.Recs, res.Errs
}

func TestDecodeSamples(t *testing.T) {
	dir := testutil.SharedData(t, "samples/elastic")
	name := "alert_8.1.0_threat_match_kibana_es_archive.json"
	in, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := decodeAll(t, in, name)
	for _, e := range errs {
		t.Errorf("unexpected error: %v", e)
	}
	if len(recs) != 1 || recs[0].Alert == nil {
		t.Fatalf("got %d records, want 1 alert", len(recs))
	}
	a := recs[0].Alert
	if a.ID != "elastic:30a75fe46d3dbdfab55982036f77a8d60e2d1112e96f277c3b8c22f9bb57817a" {
		t.Errorf("id = %q", a.ID)
	}
	if a.Title != "threat-match-rule" || a.Severity != debrief.SeverityLow || a.Status != debrief.StatusNew {
		t.Errorf("title, severity, status = %q, %q, %q", a.Title, a.Severity, a.Status)
	}
	if got := a.Created.Format("2006-01-02T15:04:05.000Z07:00"); got != "2022-03-19T02:48:12.634Z" {
		t.Errorf("created = %s", got)
	}
	if len(a.Entities) != 1 || a.Entities[0].Key() != "device:security-linux-1" || a.Entities[0].Attributes["matched_field"] != "host.name" {
		t.Errorf("entities = %+v, want the matched host", a.Entities)
	}
	if len(a.Techniques) != 0 {
		t.Errorf("techniques = %v, want none (the rule has no threat mapping)", a.Techniques)
	}
	decodertest.Golden(t, "TestDecodeSamples/"+name, recs)
}

func TestDecodeFixtures(t *testing.T) {
	decodertest.Fixtures(t, New(), "testdata/*.good.json")
}

// TestDecodeFixtureFacts checks by hand what the goldens hold, so that a
// golden rewritten from wrong output does not pass unnoticed.
func TestDecodeFixtureFacts(t *testing.T) {
	alerts := map[string]*debrief.Alert{}
	for _, f := range []string{"docs_ndjson", "source_nested", "search_response", "es_archive"} {
		in, err := os.ReadFile("testdata/" + f + ".good.json")
		if err != nil {
			t.Fatal(err)
		}
		recs, errs := decodeAll(t, in, f)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", f, errs[0])
		}
		for _, r := range recs {
			alerts[r.Alert.SourceID] = r.Alert
		}
	}
	if len(alerts) != 8 {
		t.Fatalf("got %d alerts, want 8", len(alerts))
	}
	lsass := alerts["8f1e0c4b5a2d4e7f9c3b1a0d2e4f6a8b"]
	if lsass == nil {
		t.Fatal("the LSASS alert is missing")
	}
	wantTech := []debrief.Technique{
		{ID: "T1003", Name: "OS Credential Dumping", Tactics: []string{"Credential Access", "Defense Evasion"}},
		{ID: "T1003.001", Name: "LSASS Memory", Tactics: []string{"Credential Access"}},
	}
	if !sameJSON(lsass.Techniques, wantTech) {
		t.Errorf("techniques = %+v, want %+v", lsass.Techniques, wantTech)
	}
	if !sameJSON(lsass.Tactics, []string{"Credential Access", "Defense Evasion"}) {
		t.Errorf("tactics = %v", lsass.Tactics)
	}
	if lsass.Status != debrief.StatusResolved || lsass.Verdict != debrief.VerdictFalsePositive || lsass.Resolved.IsZero() {
		t.Errorf("status, verdict, resolved = %q, %q, %v", lsass.Status, lsass.Verdict, lsass.Resolved)
	}
	keys := entityKeys(lsass)
	for _, k := range []string{"device:ws-0142", `user:corp\jdoe`, "process:ws-0142:7712:2024-06-11T08:14:59.65Z",
		`file:C:\Users\jdoe\AppData\Local\Temp\ls.dmp`} {
		if !keys[k] {
			t.Errorf("LSASS alert lacks entity %s; has %v", k, keys)
		}
	}
	if got := alerts["c03d9a17e6b24f8e8d5a4b3c2d1e0f99"]; got.Severity != debrief.SeverityMedium ||
		got.FirstActivity.Format("15:04:05") != "08:41:10" || len(got.Techniques) != 3 {
		t.Errorf("suppressed alert: severity %q, first activity %v, %d techniques", got.Severity, got.FirstActivity, len(got.Techniques))
	}
	c2 := alerts["5e8b7c6d-aaaa-4bbb-8ccc-0d1e2f3a4b5c"]
	if !sameJSON(c2.ThreatNames, []string{"QakBot", "QakBot C2"}) || !entityKeys(c2)["domain:cdn-update.example.net"] {
		t.Errorf("C2 alert: threat names %v, entities %v", c2.ThreatNames, entityKeys(c2))
	}
	mixed := alerts["71c0ffee-0000-4000-8000-000000000001"]
	if mixed.Title != "Suspicious Email Attachment" || !entityKeys(mixed)["mail_message:<CAFx1@mail.example.com>"] ||
		!entityKeys(mixed)["user:ana.silva@corp.example.org"] {
		t.Errorf("mixed-key alert: title %q, entities %v", mixed.Title, entityKeys(mixed))
	}
	legacy := alerts["3b0a9f7c1d2e4b5a6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b"]
	if legacy.Status != debrief.StatusInProgress || legacy.RuleID != "f036953a-4615-4707-a1ca-dc53bf69dcd5" ||
		len(legacy.Techniques) != 2 || legacy.Techniques[1].ID != "T1218.011" {
		t.Errorf("7.x signal: status %q, rule %q, techniques %+v", legacy.Status, legacy.RuleID, legacy.Techniques)
	}
	if ml := alerts["e5d4c3b2-f6a7-4b8c-9d0e-1f2a3b4c5d6e"]; ml.Severity != debrief.SeverityLow ||
		ml.Created.UnixMilli() != 1700462400000 || !sameJSON(ml.Tactics, []string{"Discovery"}) ||
		!entityKeys(ml)["device:10.1.2.3"] {
		t.Errorf("ML alert: severity %q, created %v, tactics %v, entities %v", ml.Severity, ml.Created, ml.Tactics, entityKeys(ml))
	}
}

func entityKeys(a *debrief.Alert) map[string]bool {
	m := map[string]bool{}
	for _, e := range a.Entities {
		m[e.Key()] = true
	}
	return m
}

func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// wantErr is a record error a bad input must yield.
type wantErr = decodertest.WantErr

const goodLine = `{"@timestamp":"2024-01-01T00:00:00Z","kibana.alert.uuid":"good-1","kibana.alert.rule.name":"r"}`

func TestDecodeBad(t *testing.T) {
	huge := `{"@timestamp":"2024-01-01T00:00:00Z","kibana.alert.uuid":"big","kibana.alert.reason":"` + strings.Repeat("a", 10<<20) + `"}`
	tests := []struct {
		name   string
		in     string
		alerts int
		errs   []wantErr
	}{
		{"empty file", "", 0, nil},
		{"not JSON", "this is not JSON at all\n", 0, []wantErr{{Record: 1, Reason: "invalid character"}}},
		{"a line not JSON", goodLine + "\nnot JSON\n" + goodLine + "\n", 2, []wantErr{{Line: 2, Record: 2, Reason: "not a complete JSON object"}}},
		{"truncated archive", "{\n \"type\": \"doc\",\n \"value\": {\"id\": \"x\", \"source\": {\"@timestamp\": \"2024-", 0,
			[]wantErr{{Record: 1, Reason: "truncated"}}},
		{"truncated line", goodLine + "\n" + `{"kibana.alert.uuid":"cut","@timesta` + "\n", 1, []wantErr{{Line: 2, Record: 2}}},
		{"invalid UTF-8", goodLine + "\n" + "{\"kibana.alert.uuid\":\"u\",\"kibana.alert.rule.name\":\"bad \xff\xfe\",\"@timestamp\":\"2024-01-01T00:00:00Z\"}\n", 1,
			[]wantErr{{Line: 2, Record: 2, Reason: "UTF-8"}}},
		{"10 MB field", huge + "\n" + goodLine + "\n", 1, []wantErr{{Line: 1, Record: 1, Reason: "limit"}}},
		{"missing id", `{"@timestamp":"2024-01-01T00:00:00Z","kibana.alert.rule.name":"no id"}` + "\n" + goodLine + "\n", 1,
			[]wantErr{{Line: 1, Record: 1, Field: "kibana.alert.uuid"}}},
		{"missing time", `{"kibana.alert.uuid":"t0","kibana.alert.rule.name":"no time"}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "@timestamp"}}},
		{"year 0001", `{"@timestamp":"0001-01-01T00:00:00Z","kibana.alert.uuid":"old"}` + "\n" + goodLine + "\n", 1,
			[]wantErr{{Line: 1, Record: 1, Field: "@timestamp", Reason: "1990"}}},
		{"year 9999", goodLine + "\n" + `{"kibana":{"alert":{"uuid":"late","original_time":"9999-12-31T23:59:59Z"}},"@timestamp":"2024-01-01T00:00:00Z"}` + "\n", 1,
			[]wantErr{{Line: 2, Record: 2, Field: "kibana.alert.original_time"}}},
		{"name is an object", `{"@timestamp":"2024-01-01T00:00:00Z","kibana.alert.uuid":"o","kibana.alert.rule.name":{"x":1}}` + "\n" + goodLine + "\n", 1,
			[]wantErr{{Line: 1, Record: 1, Field: "kibana.alert.rule.name", Reason: "want a string, got an object"}}},
		{"threat is a string", `{"@timestamp":"2024-01-01T00:00:00Z","kibana.alert.uuid":"s","kibana":{"alert":{"rule":{"threat":"T1059"}}}}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "kibana.alert.rule.threat", Reason: "want an array"}}},
		{"technique id is a boolean", `{"@timestamp":"2024-01-01T00:00:00Z","kibana.alert.uuid":"b","kibana.alert.rule.threat":[{"tactic":{"name":"Execution"},"technique":[{"id":"T1059"},{"id":true}]}]}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "kibana.alert.rule.threat[0].technique[1].id", Reason: "want a string, got a boolean"}}},
		{"enrichments of the wrong shape", `{"@timestamp":"2024-01-01T00:00:00Z","kibana.alert.uuid":"e","threat":{"enrichments":[{"matched":{"atomic":["a"]}}]}}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "threat.enrichments[0].matched.atomic"}}},
		{"unknown severity", `{"@timestamp":"2024-01-01T00:00:00Z","kibana.alert.uuid":"sev","kibana.alert.severity":"urgent"}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "kibana.alert.severity", Reason: `"urgent"`}}},
		{"unknown status", `{"@timestamp":"2024-01-01T00:00:00Z","kibana.alert.uuid":"st","kibana.alert.workflow_status":"pondering"}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "kibana.alert.workflow_status"}}},
		{"malformed technique ids", `{"@timestamp":"2024-01-01T00:00:00Z","kibana.alert.uuid":"ids","kibana.alert.rule.threat":[{"framework":"MITRE ATT&CK","tactic":{"name":"Execution"},"technique":[{"id":"T1059.1","subtechnique":[{"id":"CST0001"}]},{"id":"T1059"}]}]}` + "\n", 1,
			[]wantErr{
				{Line: 1, Record: 1, Field: "kibana.alert.rule.threat[0].technique[0].id", Kept: true, Reason: `"T1059.1"`},
				{Line: 1, Record: 1, Field: "kibana.alert.rule.threat[0].technique[0].subtechnique[0].id", Kept: true, Reason: `"CST0001"`},
			}},
		{"array element not an object", `[` + goodLine + `, 42]`, 1, []wantErr{{Record: 2, Reason: "want a JSON object"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, errs := decodeAll(t, []byte(tt.in), "bad.json")
			if len(recs) != tt.alerts {
				t.Errorf("got %d alerts, want %d", len(recs), tt.alerts)
			}
			decodertest.CheckErrors(t, "bad.json", errs, tt.errs)
		})
	}
}

// TestDecodeKeptTechniques checks that a record with a malformed id keeps
// its good techniques.
func TestDecodeKeptTechniques(t *testing.T) {
	in := `{"@timestamp":"2024-01-01T00:00:00Z","kibana.alert.uuid":"ids","kibana.alert.rule.threat":[{"tactic":{"name":"Execution"},"technique":[{"id":"T1059.1"},{"id":"t1059"}]}]}`
	recs, errs := decodeAll(t, []byte(in), "x")
	if len(recs) != 1 || len(errs) != 1 {
		t.Fatalf("got %d records, %d errors", len(recs), len(errs))
	}
	want := []debrief.Technique{{ID: "T1059", Tactics: []string{"Execution"}}}
	if !sameJSON(recs[0].Alert.Techniques, want) {
		t.Errorf("techniques = %+v, want %+v", recs[0].Alert.Techniques, want)
	}
}

func TestDecodeCancel(t *testing.T) {
	decodertest.Cancelled(t, New(), goodLine+"\n"+goodLine+"\n")
}

func TestSniff(t *testing.T) {
	decodertest.Sniff(t, New(), "testdata/*.good.json", func(rel string) bool {
		return strings.HasPrefix(rel, "elastic/") && strings.HasSuffix(rel, ".json")
	})
}

// FuzzDecode feeds Decode arbitrary input (seeds in
// testdata/fuzz/FuzzDecode); see decodertest.Fuzz.
func FuzzDecode(f *testing.F) {
	decodertest.Fuzz(f, New())
}

// FuzzSinglePass checks that reading documents in the pass that checks
// them (walker.parse) yields what checking first and walking after does:
// the same alerts, the same errors, for any input.
func FuzzSinglePass(f *testing.F) {
	f.Add([]byte(goodLine))
	f.Add([]byte(goodLine + "\n" + `{"_id":"x","@timestamp":"2024-05-01T10:00:00Z","host":{"name":01}}` + "\n" + `{"_id":"y","@timestamp":1.5e12,"user":{"name":"a\u00e9"}}`))
	f.Add([]byte(`[{"_id":"a","@timestamp":"2024-05-01T10:00:00Z","kibana.alert.severity":"high\u0000"},{"_id":"b","@timestamp":"2024-05-01T10:00:00Z","x":"\ud800"}]`))
	f.Add([]byte(`{"hits":{"hits":[{"_id":"a","_source":{"@timestamp":"2024-05-01T10:00:00Z","kibana.alert.rule.threat":[{"tactic":{"name":"Execution"},"technique":[{"id":"T1059","x":tru}]}]}}]}}`))
	// Search responses one per line, a document whose top level names
	// hits without holding them, one that names hits below it (with
	// white space), and one whose hits name is escaped.
	f.Add([]byte(`{"hits":{"hits":[{"_id":"a","_source":{"@timestamp":"2024-05-01T10:00:00Z"}}]}}` + "\n" + `{"hits":{"hits":[{"_id":"b","_source":{"@timestamp":"2024-05-01T10:00:00Z","hits":1}}]}}` + "\n"))
	f.Add([]byte(goodLine + "\n" + `{"_id":"c","@timestamp":"2024-05-01T10:00:00Z","hits":7}` + "\n" + `{"_id" : "d", "@timestamp":"2024-05-01T10:00:00Z", "x": {"hits": {"hits": []}}}` + "\n" + `{"_id":"e","@timestamp":"2024-05-01T10:00:00Z","hit\u0073":{"hits":[]}}` + "\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		decode := func(single bool) string {
			singlePass = single
			defer func() { singlePass = true }()
			var b strings.Builder
			for rec, err := range New().Decode(t.Context(), bytes.NewReader(in), "fuzz") {
				out, _ := json.Marshal(rec)
				var raw []byte
				if rec.Alert != nil {
					raw = rec.Alert.Raw
				}
				fmt.Fprintf(&b, "%s %v %q\n", out, err, raw)
			}
			return b.String()
		}
		if one, two := decode(true), decode(false); one != two {
			t.Fatalf("single pass:\n%s\ntwo passes:\n%s", one, two)
		}
	})
}

// FuzzWalk feeds the document walker bytes that wire.Records would never
// pass it (it validates JSON first): the walker must still not panic.
func FuzzWalk(f *testing.F) {
	f.Add([]byte(goodLine))
	f.Add([]byte(`{"kibana":{"alert":{"rule":{"threat":[{"technique":[{"id":"T1059","subtechnique":[{"id":"\"x\\"}]}]}]}}}}`))
	f.Add([]byte(`{"a":"\\\\\"","_source":{"host":{"name":["h",1]}},"value":{"source":{"@timestamp":17e11}}}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var w walker
		if w.walk(in, nil) == nil {
			w.d.alert(&w.memos, &w.text)
		}
	})
}

// TestAlertsOutliveDecoding checks that an alert's strings and Raw stay as
// they were yielded while the decoder goes on (they are views of buffers
// the decoder reuses or shares), for NDJSON and for a search response.
func TestAlertsOutliveDecoding(t *testing.T) {
	lines := genAlerts(3000, false)
	hits := []byte(`{"hits":{"hits":[` + strings.ReplaceAll(strings.TrimSpace(string(lines)), "\n", ",") + `]}}`)
	for name, in := range map[string][]byte{"ndjson": lines, "search response": hits} {
		t.Run(name, func(t *testing.T) {
			var alerts []*debrief.Alert
			var then []string
			for rec, err := range New().Decode(t.Context(), bytes.NewReader(in), "x") {
				if err != nil {
					t.Fatal(err)
				}
				out, _ := json.Marshal(rec.Alert)
				alerts, then = append(alerts, rec.Alert), append(then, string(out)+string(rec.Alert.Raw))
			}
			if len(alerts) != 3000 {
				t.Fatalf("got %d alerts, want 3000", len(alerts))
			}
			for i, a := range alerts {
				if out, _ := json.Marshal(a); string(out)+string(a.Raw) != then[i] {
					t.Fatalf("alert %d changed after it was yielded:\nthen %s\nnow  %s%s", i, then[i], out, a.Raw)
				}
			}
		})
	}
}
