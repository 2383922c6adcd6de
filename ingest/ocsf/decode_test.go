package ocsf

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

const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func TestDecodeSamples(t *testing.T) {
	dir := testutil.SharedData(t, "samples/ocsf")
	name := "detection_finding_1.1.0_securityhub_guardduty.json"
	in, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	recs, errs := decodeAll(t, in, name)
	for _, e := range errs {
		t.Errorf("unexpected error: %v", e)
	}
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1", len(recs))
	}
	a := recs[0].Alert
	if a.SourceID != "arn:aws:guardduty:us-east-2:111111111111:detector/1ac1bfceda6679698215d5d0EXAMPLE/finding/a6c556fcbc9bea427a19f8b787099a0b" {
		t.Errorf("source id = %q", a.SourceID)
	}
	if a.Product != "Amazon GuardDuty" || a.Severity != debrief.SeverityLow || a.Status != debrief.StatusNew {
		t.Errorf("product, severity, status = %q, %q, %q", a.Product, a.Severity, a.Status)
	}
	if a.Created.Format(timeLayout) != "2023-09-19T15:05:22.487Z" || a.FirstActivity.Format(timeLayout) != "2023-09-19T14:55:09.000Z" {
		t.Errorf("created %v, first activity %v", a.Created, a.FirstActivity)
	}
	if a.Category != "TTPs/Defense Evasion/Stealth:IAMUser-CloudTrailLoggingDisabled" || len(a.Techniques) != 0 {
		t.Errorf("category %q, techniques %v", a.Category, a.Techniques)
	}
	keys := entityKeys(a)
	for _, k := range []string{"ip:52.94.133.131", "cloud_resource:AWS::IAM::AccessKey:ASIATMJPC7EXAMPLE", "cloud_app:cloudtrail.amazonaws.com"} {
		if !keys[k] {
			t.Errorf("lacks entity %s: has %v", k, keys)
		}
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
	for _, f := range []string{"detection_findings", "mixed_versions", "single_email"} {
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
	if len(alerts) != 5 {
		t.Fatalf("got %d alerts, want 5", len(alerts))
	}
	edr := alerts["ldt:6c1f8a7e2b3d4c5e:81604378192"]
	wantTech := []debrief.Technique{
		{ID: "T1003", Name: "OS Credential Dumping", Tactics: []string{"Credential Access"}},
		{ID: "T1003.001", Name: "LSASS Memory", Tactics: []string{"Credential Access"}},
	}
	if edr.Product != "CrowdStrike Falcon Insight" || edr.Severity != debrief.SeverityHigh || edr.Status != debrief.StatusInProgress ||
		edr.Verdict != debrief.VerdictTruePositive || edr.RuleID != "CST0418" || !sameJSON(edr.Techniques, wantTech) {
		t.Errorf("EDR finding: %+v", edr)
	}
	for _, k := range []string{"device:ws-0142", `user:corp\jdoe`, "process:ws-0142:7712:2024-06-11T08:14:59.65Z",
		"file:05732e84de58a3cc142535431b3aa04efbe034cc96e837f93c360a6387d8faad", `file:C:\Users\jdoe\AppData\Local\Temp\ls.dmp`} {
		if !entityKeys(edr)[k] {
			t.Errorf("EDR finding lacks %s: has %v", k, entityKeys(edr))
		}
	}
	ndr := alerts["ndr-2024-06-12-0001"]
	if ndr.Severity != debrief.SeverityCritical || ndr.Status != debrief.StatusResolved || ndr.Verdict != debrief.VerdictBenignPositive ||
		ndr.Created.Format(timeLayout) != "2024-06-12T11:00:00.000Z" || ndr.Resolved.Format(timeLayout) != "2024-06-12T12:30:00.000Z" ||
		!sameJSON(ndr.ThreatNames, []string{"Cobalt Strike"}) || !sameJSON(ndr.Tactics, []string{"Command and Control", "Exfiltration"}) {
		t.Errorf("NDR finding: %+v", ndr)
	}
	if t1071 := ndr.Techniques[0]; t1071.ID != "T1071" || !sameJSON(t1071.Tactics, []string{"Command and Control", "Exfiltration"}) {
		t.Errorf("T1071 should carry both tactics: %+v", t1071)
	}
	if !entityKeys(ndr)["domain:cdn-update.example.net"] || !entityKeys(ndr)["file:d41d8cd98f00b204e9800998ecf8427e"] ||
		!entityKeys(ndr)["device:cdn-update"] || len(ndr.Entities) != 7 {
		t.Errorf("NDR entities: %v", entityKeys(ndr))
	}
	sf := alerts["arn:aws:securityhub:us-east-1:123456789012:finding/0f1e2d3c"]
	if sf.Status != debrief.StatusResolved || sf.Severity != debrief.SeverityMedium || sf.Product != "AWS Security Hub" ||
		!sameJSON(sf.Techniques, []debrief.Technique{{ID: "T1496", Name: "Resource Hijacking", Tactics: []string{"Impact"}}}) ||
		!entityKeys(sf)["cloud_resource:arn:aws:ec2:us-east-1:123456789012:instance/i-0abc123def4567890"] {
		t.Errorf("1.0 Security Finding: %+v", sf)
	}
	closed := alerts["evt-99-0001"]
	if closed.Severity != debrief.SeverityMedium || closed.Status != debrief.StatusUnknown || closed.Verdict != debrief.VerdictBenignPositive ||
		closed.Determination != "Expected" || closed.Created.Format(timeLayout) != "2024-08-01T06:10:00.000Z" ||
		closed.Resolved.Format(timeLayout) != "2024-08-01T07:00:00.000Z" || !entityKeys(closed)["user:admin@corp.example.org"] {
		t.Errorf("closed finding with source-specific labels: %+v", closed)
	}
	mail := alerts["mail-1722502800-42"]
	for _, k := range []string{"mail_message:<CAFx1@mail.example.com>", "mailbox:billing@example-invoices.com", "user:ana.silva@corp.example.org"} {
		if !entityKeys(mail)[k] {
			t.Errorf("mail finding lacks %s: has %v", k, entityKeys(mail))
		}
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

const goodLine = `{"class_uid":2004,"time":1718093742120,"severity_id":2,"finding_info":{"uid":"good","title":"ok"}}`

func TestDecodeBad(t *testing.T) {
	huge := `{"class_uid":2004,"time":1718093742120,"finding_info":{"uid":"big","desc":"` + strings.Repeat("a", 10<<20) + `"}}`
	tests := []struct {
		name   string
		in     string
		alerts int
		errs   []wantErr
	}{
		{"empty file", "", 0, nil},
		{"not JSON", "class_uid,time\n2004,1718093742120\n", 0, []wantErr{{Record: 1, Reason: "invalid character"}}},
		{"a line not JSON", goodLine + "\nnot JSON\n" + goodLine + "\n", 2, []wantErr{{Line: 2, Record: 2, Reason: "not a complete JSON object"}}},
		{"truncated array", `[` + goodLine + `, {"class_uid": 2004, "time": 17180`, 1, []wantErr{{Record: 2, Reason: "truncated"}}},
		{"invalid UTF-8", goodLine + "\n" + "{\"class_uid\":2004,\"time\":1718093742120,\"finding_info\":{\"uid\":\"u\",\"title\":\"\xff\"}}\n", 1,
			[]wantErr{{Line: 2, Record: 2, Reason: "UTF-8"}}},
		{"10 MB field", huge + "\n" + goodLine + "\n", 1, []wantErr{{Line: 1, Record: 1, Reason: "limit"}}},
		{"missing id", `{"class_uid":2004,"time":1718093742120,"finding_info":{"title":"no id"}}` + "\n" + goodLine + "\n", 1,
			[]wantErr{{Line: 1, Record: 1, Field: "finding_info.uid"}}},
		{"missing time", `{"class_uid":2004,"finding_info":{"uid":"t"}}` + "\n", 0, []wantErr{{Line: 1, Record: 1, Field: "time"}}},
		{"year 0001", `{"class_uid":2004,"time_dt":"0001-01-01T00:00:00Z","finding_info":{"uid":"old"}}` + "\n" + goodLine + "\n", 1,
			[]wantErr{{Line: 1, Record: 1, Field: "time", Reason: "1990"}}},
		{"year 9999", goodLine + "\n" + `{"class_uid":2004,"time":1718093742120,"finding_info":{"uid":"late","last_seen_time":253402300799000}}` + "\n", 1,
			[]wantErr{{Line: 2, Record: 2, Field: "finding_info.last_seen_time", Reason: "1990"}}},
		{"other class", `{"class_uid":2002,"time":1718093742120,"finding_info":{"uid":"vuln"}}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "class_uid", Reason: "got 2002"}}},
		{"2001 with finding_info", `{"class_uid":2001,"time":1718093742120,"finding_info":{"uid":"df"}}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "class_uid", Reason: "want 2004 (Detection Finding) for a finding in finding_info, got 2001"}}},
		{"2004 with finding", `{"class_uid":2004,"time":1718093742120,"finding":{"uid":"sf"}}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "class_uid", Reason: "want 2001 (Security Finding) for a finding in finding, got 2004"}}},
		{"severity_id a string", `{"class_uid":2004,"time":1718093742120,"severity_id":"High","finding_info":{"uid":"s"}}` + "\n" + goodLine + "\n", 1,
			[]wantErr{{Line: 1, Record: 1, Field: "severity_id", Reason: "want a number, got a string"}}},
		{"severity_id out of range", `{"class_uid":2004,"time":1718093742120,"severity_id":7,"finding_info":{"uid":"s7"}}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "severity_id", Reason: "got 7"}}},
		{"unknown severity text", `{"class_uid":2004,"time":1718093742120,"severity":"Spicy","finding_info":{"uid":"st"}}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "severity", Reason: `"Spicy"`}}},
		{"attacks not an array", `{"class_uid":2004,"time":1718093742120,"finding_info":{"uid":"a","attacks":{"technique":{"uid":"T1059"}}}}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "finding_info.attacks", Reason: "want an array, got an object"}}},
		{"technique uid a number", `{"class_uid":2004,"time":1718093742120,"finding_info":{"uid":"n","attacks":[{"technique":{"uid":1059}}]}}` + "\n", 0,
			[]wantErr{{Line: 1, Record: 1, Field: "finding_info.attacks[0].technique.uid", Reason: "want a string"}}},
		{"malformed technique ids", `{"class_uid":2004,"time":1718093742120,"finding_info":{"uid":"ids","attacks":[{"tactic":{"name":"Execution"},"technique":{"uid":"T1059"},"sub_technique":{"uid":"T1059.1"}},{"technique":{"uid":"CST0001"}}]}}` + "\n", 1,
			[]wantErr{
				{Line: 1, Record: 1, Field: "finding_info.attacks[0].sub_technique.uid", Kept: true, Reason: `"T1059.1"`},
				{Line: 1, Record: 1, Field: "finding_info.attacks[1].technique.uid", Kept: true, Reason: `"CST0001"`},
			}},
		{"array element not an object", `[` + goodLine + `, 2004]`, 1, []wantErr{{Record: 2, Reason: "want a JSON object"}}},
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
	in := `{"class_uid":2004,"time":1718093742120,"finding_info":{"uid":"ids","attacks":[{"tactics":[{"name":"Execution"}],"technique":{"uid":"t1059"},"sub_technique":{"uid":"T1059.1"}}]}}`
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
	decodertest.Sniff(t, New(), "testdata/*.good.json", decodertest.In("ocsf"))
}

// FuzzDecode feeds Decode arbitrary input (seeds in
// testdata/fuzz/FuzzDecode); see decodertest.Fuzz.
func FuzzDecode(f *testing.F) {
	decodertest.Fuzz(f, New())
}
