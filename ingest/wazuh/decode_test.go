package wazuh

import (
	"bytes"
	"encoding/json"
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
	dir := testutil.SharedData(t, "samples/wazuh")
	byID := map[string]*debrief.Alert{}
	for _, name := range []string{"alert_docs_sshd_bruteforce_T1110.json", "alerts_logstash_lines_sshd_pam.ndjson"} {
		in, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		recs, errs := decodeAll(t, in, name)
		for _, e := range errs {
			t.Errorf("unexpected error: %v", e)
		}
		for _, r := range recs {
			byID[r.Alert.ID] = r.Alert
		}
		decodertest.Golden(t, "TestDecodeSamples/"+name, recs)
	}
	if len(byID) != 4 {
		t.Fatalf("got %d alerts, want 4", len(byID))
	}
	brute := byID["wazuh:003:1684752043.76892"]
	if brute == nil {
		t.Fatalf("the brute-force alert is missing: have %v", keys(byID))
	}
	if brute.Severity != debrief.SeverityMedium || brute.RuleID != "100003" ||
		brute.Created.Format("2006-01-02T15:04:05.000Z07:00") != "2023-05-22T10:40:43.395Z" {
		t.Errorf("brute force: severity %q, rule %q, created %v", brute.Severity, brute.RuleID, brute.Created)
	}
	if !sameJSON(brute.Techniques, []debrief.Technique{{ID: "T1110", Name: "Brute Force"}}) ||
		!sameJSON(brute.Tactics, []string{"Credential Access"}) {
		t.Errorf("brute force: techniques %+v, tactics %v", brute.Techniques, brute.Tactics)
	}
	for _, k := range []string{"device:ubuntu-22", "ip:192.168.121.127", "user:attacker"} {
		if !entityKeys(brute)[k] {
			t.Errorf("brute force lacks entity %s: has %v", k, entityKeys(brute))
		}
	}
	ssh := byID["wazuh:000:1708024054.185097"]
	if ssh == nil || ssh.Created.Format(timeLayout) != "2024-02-15T19:07:34.606Z" || len(ssh.Techniques) != 2 ||
		len(ssh.Tactics) != 5 || ssh.Techniques[0].Tactics != nil || ssh.Severity != debrief.SeverityInformational {
		t.Errorf("ssh login (-0300 offset, unpaired tactics): %+v", ssh)
	}
	if vuln := byID["wazuh:000:1708023911.181468"]; vuln == nil || len(vuln.Techniques) != 0 {
		t.Errorf("the alert without rule.mitre: %+v", vuln)
	}
}

const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func keys(m map[string]*debrief.Alert) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestDecodeFixtures(t *testing.T) {
	decodertest.Fixtures(t, New(), "testdata/*.good.json")
}

// TestDecodeFixtureFacts checks by hand what the goldens hold, so that a
// golden rewritten from wrong output does not pass unnoticed.
func TestDecodeFixtureFacts(t *testing.T) {
	alerts := map[string][]*debrief.Alert{}
	n := 0
	for _, f := range []string{"alerts", "pretty", "indexer_search", "logstash"} {
		in, err := os.ReadFile("testdata/" + f + ".good.json")
		if err != nil {
			t.Fatal(err)
		}
		recs, errs := decodeAll(t, in, f)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", f, errs[0])
		}
		for _, r := range recs {
			alerts[r.Alert.SourceID] = append(alerts[r.Alert.SourceID], r.Alert)
			n++
		}
	}
	if n != 10 {
		t.Fatalf("got %d alerts, want 10", n)
	}
	// The same alert from alerts.json and from the indexer has one id.
	dc := alerts["012:1709543564.8812391"]
	if len(dc) != 2 {
		t.Fatalf("the DC alert should come from alerts.json and from the indexer, got %d", len(dc))
	}
	for _, a := range dc {
		if a.Severity != debrief.SeverityMedium || len(a.Techniques) != 2 || a.Techniques[1].ID != "T1078.002" ||
			a.Techniques[1].Name != "Domain Accounts" || len(a.Tactics) != 5 {
			t.Errorf("DC alert: %+v", a)
		}
		for _, k := range []string{"device:win-dc01", `user:corp\administrator`, "ip:203.0.113.99"} {
			if !entityKeys(a)[k] {
				t.Errorf("DC alert lacks %s: has %v", k, entityKeys(a))
			}
		}
	}
	fim := alerts["021:1709563202.9920114"][0]
	if fim.Created.Format(timeLayout) != "2024-03-04T14:40:02.511Z" ||
		!entityKeys(fim)["file:b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c"] {
		t.Errorf("FIM alert: created %v, entities %v", fim.Created, entityKeys(fim))
	}
	if a := alerts["033:1709553931.10223"][0]; a.Severity != debrief.SeverityCritical || !entityKeys(a)["user:svc_files"] {
		t.Errorf("level 15 alert: %+v", a)
	}
	if a := alerts["021:1709553600.9941207"][0]; a.Severity != debrief.SeverityLow || len(a.Techniques) != 0 {
		t.Errorf("alert without mitre: %+v", a)
	}
	if a := alerts["r8K2Bo4BbX2tYc0aR1Qp"]; len(a) != 1 || a[0].Severity != debrief.SeverityMedium || a[0].Created.Format(timeLayout) != "2024-03-04T13:01:10.250Z" {
		t.Errorf("indexer doc without id and timestamp: %+v", a)
	}
	if a := alerts["044:1716244267.44120911"][0]; a.Severity != debrief.SeverityHigh || !entityKeys(a)["device:laptop-1138"] || len(a.Entities) != 2 {
		t.Errorf("sysmon alert: severity %q, entities %v", a.Severity, entityKeys(a))
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

const goodLine = `{"timestamp":"2024-01-01T00:00:00.000+0000","rule":{"level":5,"id":"1","description":"ok"},"agent":{"id":"001","name":"a"},"id":"1.1"}`

func TestDecodeBad(t *testing.T) {
	huge := `{"timestamp":"2024-01-01T00:00:00+0000","id":"big","full_log":"` + strings.Repeat("a", 10<<20) + `"}`
	tests := []struct {
		name   string
		in     string
		alerts int
		errs   []wantErr
	}{
		{"empty file", "", 0, nil},
		{"not JSON", "Mar  4 09:12:44 wazuh-manager ossec: Alert Level: 10\n", 0, []wantErr{{Record: 1, Reason: "invalid character"}}},
		{"a line not JSON", goodLine + "\n** Alert 1709543564.8812391: - windows,\n" + goodLine + "\n", 2, []wantErr{{Line: 2, Record: 2, Reason: "not a complete JSON object"}}},
		{"truncated pretty alert", "{\n  \"timestamp\": \"2024-01-01T00:00:00+0000\",\n  \"rule\": {\"level\": 3", 0, []wantErr{{Record: 1, Reason: "truncated"}}},
		{"truncated line", goodLine + "\n" + `{"timestamp":"2024-01-01T00:00:00+0000","rule":{"le` + "\n", 1, []wantErr{{Line: 2, Record: 2}}},
		{"invalid UTF-8", "{\"timestamp\":\"2024-01-01T00:00:00+0000\",\"id\":\"u\",\"rule\":{\"description\":\"bad \xc3\x28\"}}\n" + goodLine + "\n", 1,
			[]wantErr{{Line: 1, Record: 1, Reason: "UTF-8"}}},
		{"10 MB field", huge + "\n" + goodLine + "\n", 1, []wantErr{{Line: 1, Record: 1, Reason: "limit"}}},
		{"missing id", `{"timestamp":"2024-01-01T00:00:00+0000","rule":{"level":3}}` + "\n" + goodLine + "\n", 1,
			[]wantErr{{Line: 1, Record: 1, Field: "id"}}},
		{"missing id in _source", `{"@version":"1","_source":{"timestamp":"2024-01-01T00:00:00+0000","rule":{"level":3}}}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "_source.id"}}},
		{"missing time", `{"id":"9.9","rule":{"level":3}}` + "\n", 0, []wantErr{{Line: 1, Record: 1, Field: "timestamp"}}},
		{"year 0001", `{"timestamp":"0001-01-01T00:00:00.000+0000","id":"1.2"}` + "\n" + goodLine + "\n", 1,
			[]wantErr{{Line: 1, Record: 1, Field: "timestamp", Reason: "1990"}}},
		{"year 9999", goodLine + "\n" + `{"@timestamp":"9999-12-31T23:59:59Z","id":"1.3"}` + "\n", 1,
			[]wantErr{{Line: 2, Record: 2, Field: "@timestamp", Reason: "1990"}}},
		{"level out of range", `{"timestamp":"2024-01-01T00:00:00+0000","id":"1.4","rule":{"level":16}}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "rule.level", Reason: "0 to 15"}}},
		{"level not a number", `{"_id":"x","_source":{"timestamp":"2024-01-01T00:00:00+0000","id":"1.5","rule":{"level":"high"}}}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "_source.rule.level", Reason: `"high"`}}},
		{"mitre ids not an array", `{"timestamp":"2024-01-01T00:00:00+0000","id":"1.6","rule":{"mitre":{"id":"T1110"}}}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "rule.mitre.id", Reason: "want an array, got a string"}}},
		{"mitre id a number", `{"timestamp":"2024-01-01T00:00:00+0000","id":"1.7","rule":{"mitre":{"id":["T1110",1110]}}}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "rule.mitre.id[1]", Reason: "want a string, got a number"}}},
		{"description an object", `{"timestamp":"2024-01-01T00:00:00+0000","id":"1.8","rule":{"description":{"en":"x"}}}` + "\n" + goodLine + "\n", 1,
			[]wantErr{{Line: 1, Record: 1, Field: "rule.description", Reason: "want a string, got an object"}}},
		{"malformed technique ids", `{"timestamp":"2024-01-01T00:00:00+0000","id":"1.9","rule":{"level":9,"mitre":{"id":["T1059.1","T1059","CST0001"],"technique":["a","b","c"]}}}` + "\n", 1,
			[]wantErr{
				{Line: 1, Record: 1, Field: "rule.mitre.id[0]", Kept: true, Reason: `"T1059.1"`},
				{Line: 1, Record: 1, Field: "rule.mitre.id[2]", Kept: true, Reason: `"CST0001"`},
			}},
		{"array element not an object", `[` + goodLine + `, "x"]`, 1, []wantErr{{Record: 2, Reason: "want a JSON object"}}},
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
// its good techniques, named by position in rule.mitre.technique.
func TestDecodeKeptTechniques(t *testing.T) {
	in := `{"timestamp":"2024-01-01T00:00:00+0000","id":"1.9","rule":{"mitre":{"id":["T1059.1","t1059"],"technique":["x","Command and Scripting Interpreter"]}}}`
	recs, errs := decodeAll(t, []byte(in), "x")
	if len(recs) != 1 || len(errs) != 1 {
		t.Fatalf("got %d records, %d errors", len(recs), len(errs))
	}
	want := []debrief.Technique{{ID: "T1059", Name: "Command and Scripting Interpreter"}}
	if !sameJSON(recs[0].Alert.Techniques, want) {
		t.Errorf("techniques = %+v, want %+v", recs[0].Alert.Techniques, want)
	}
}

func TestDecodeCancel(t *testing.T) {
	decodertest.Cancelled(t, New(), goodLine+"\n"+goodLine+"\n")
}

func TestSniff(t *testing.T) {
	decodertest.Sniff(t, New(), "testdata/*.good.json", decodertest.In("wazuh"))
}

// FuzzDecode feeds Decode arbitrary input (seeds in
// testdata/fuzz/FuzzDecode); see decodertest.Fuzz.
func FuzzDecode(f *testing.F) {
	decodertest.Fuzz(f, New())
}
