package sentinel

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/internal/decodertest"
	"github.com/debrief-dev/debrief/internal/testutil"
)

var _ ingest.Decoder = (*Decoder)(nil)

// result is what one decoding yielded.
type result = decodertest.Result

func decode(t testing.TB, data []byte, file string) result {
	t.Helper()
	return decodertest.Decode(t, New(), bytes.NewReader(data), file)
}

func decodeFile(t *testing.T, path string) result {
	t.Helper()
	return decodertest.DecodeFile(t, New(), path)
}

func golden(t *testing.T, name string, out []any) {
	t.Helper()
	decodertest.Golden(t, name, out)
}

func TestDecodeSamples(t *testing.T) {
	dir := testutil.SharedData(t, "samples/sentinel")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) != 3 {
		t.Fatalf("want the 3 Sentinel samples, got %v (%v)", files, err)
	}
	got := map[string]result{}
	for _, path := range files {
		res := decodeFile(t, path)
		if len(res.Errs) > 0 {
			t.Errorf("%s yields errors: %v", path, res.Errs)
		}
		golden(t, "TestDecodeSamples/"+filepath.Base(path), res.Out)
		got[filepath.Base(path)] = res
	}

	inc := got["rest_incident_get_2024-03-01.json"].Recs[0].Incident
	if inc.ID != "sentinel:73e01a99-5cd7-4139-a149-9f2736ff2ab5" || inc.Status != debrief.StatusResolved ||
		inc.Verdict != debrief.VerdictFalsePositive || inc.Determination != "InaccurateData" || inc.Assignee != "john doe" {
		t.Errorf("REST incident = %+v", inc)
	}
	if want := time.Date(2019, 1, 1, 13, 0, 30, 0, time.UTC); !inc.Times.FirstActivity.Equal(want) || !inc.Times.Resolved.Equal(inc.Times.Updated) {
		t.Errorf("REST incident times = %+v", inc.Times)
	}

	a := got["rest_incident_alerts_2024-03-01.json"].Recs[0].Alert
	if a.ID != "sentinel:baa8a239-6fde-4ab7-a093-d09f7b75c58c" || a.Severity != debrief.SeverityLow || a.Product != "Azure Security Center" {
		t.Errorf("REST alert = %+v", a)
	}

	row := got["securityalert_row_eventhub_export.json"].Recs[0].Alert
	if row.Severity != debrief.SeverityHigh || len(row.Tactics) != 0 || row.DetectionSource != "Scheduled Alerts" {
		t.Errorf("SecurityAlert row = %+v (Tactics \"Unknown\" must give none)", row)
	}
	if len(row.Entities) != 1 || row.Entities[0].Kind != debrief.EntityUser ||
		row.Entities[0].ID != "AWS:44512121212/us-east-1/ec2:i-42f44fdfvdf5d" {
		t.Errorf("SecurityAlert entities = %+v", row.Entities)
	}
	if want := time.Date(2024, 9, 26, 5, 23, 30, 43629500, time.UTC); !row.Created.Equal(want) {
		t.Errorf("created = %v, want ProcessingEndTime %v", row.Created, want)
	}
}

func TestDecodeFixtures(t *testing.T) {
	decodertest.Fixtures(t, New(), "testdata/*.good.*")
}

// TestIncidentUpdates reads one incident written three times (New, then
// Active with an owner, then Closed as a true positive): each row is a
// full incident, so the store can keep the latest and the history.
func TestIncidentUpdates(t *testing.T) {
	res := decodeFile(t, "testdata/securityincident_updates.good.ndjson")
	if len(res.Recs) != 3 {
		t.Fatalf("got %d records, want 3", len(res.Recs))
	}
	type state struct {
		status   debrief.Status
		verdict  debrief.Verdict
		assignee string
		severity debrief.Severity
		updated  string
		resolved string
		triage   string
		alerts   int
		tags     int
		comments int
	}
	want := []state{
		{debrief.StatusNew, "", "", debrief.SeverityMedium, "2025-06-10T08:02:10.987Z", "", "", 1, 0, 0},
		{debrief.StatusActive, "", "Priya Nair", debrief.SeverityMedium, "2025-06-10T08:19:46.551Z", "", "2025-06-10T08:19:46.551Z", 1, 1, 1},
		{debrief.StatusResolved, debrief.VerdictTruePositive, "Priya Nair", debrief.SeverityHigh, "2025-06-10T11:45:01.999Z", "2025-06-10T11:45:01.999Z", "2025-06-10T08:19:46.551Z", 2, 2, 3},
	}
	format := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339Nano)
	}
	for i, rec := range res.Recs {
		in := rec.Incident
		if in.ID != "sentinel:3c9a1f52-7d4e-4b8a-9e21-5f6a7b8c9d01" || rec.Line != i+1 {
			t.Errorf("row %d: id %q line %d", i+1, in.ID, rec.Line)
		}
		got := state{in.Status, in.Verdict, in.Assignee, in.Severity, format(in.Times.Updated), format(in.Times.Resolved),
			format(in.Times.FirstTriage), len(in.AlertIDs), len(in.Tags), len(in.Comments)}
		if got != want[i] {
			t.Errorf("row %d:\n got  %+v\n want %+v", i+1, got, want[i])
		}
	}
	last := res.Recs[2].Incident
	if last.Determination != "SuspiciousActivity" || last.AlertIDs[1] != "sentinel:e0f1a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b" {
		t.Errorf("closed row = %+v", last)
	}
	if c := last.Comments[2]; c.Text != "Confirmed spray; account j.lee reset, MFA enforced." || !c.At.Equal(last.Times.Resolved) {
		t.Errorf("classification comment = %+v", c)
	}
	if c := last.Comments[0]; c.Author != "Priya.Nair@contoso.com" || c.At.Format(time.RFC3339) != "2025-06-10T08:21:03Z" {
		t.Errorf("first comment = %+v", c)
	}
}

func findEntity(es []debrief.Entity, kind debrief.EntityKind, id string) *debrief.Entity {
	for i := range es {
		if es[i].Kind == kind && es[i].ID == id {
			return &es[i]
		}
	}
	return nil
}

// TestEntityReferences checks that {"$ref": id} resolves to the entity
// with that $id wherever it was defined, nested ones included.
func TestEntityReferences(t *testing.T) {
	res := decodeFile(t, "testdata/securityalert_entities.good.json")
	if len(res.Recs) != 2 || len(res.Errs) != 0 {
		t.Fatalf("got %d records and %v", len(res.Recs), res.Errs)
	}
	a := res.Recs[0].Alert
	checks := []struct {
		kind debrief.EntityKind
		id   string
		attr string // key=value that must be set, or ""
	}{
		{debrief.EntityDevice, "ws-hr-017", "fqdn=ws-hr-017.corp.contoso.com"},
		{debrief.EntityUser, `CORP\h.okafor`, "object_id=7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918"},
		{debrief.EntityProcess, "ws-hr-017:6120:2025-08-19T13:02:41.5511234Z", `image=C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`},
		{debrief.EntityProcess, "ws-hr-017:7344:2025-08-19T13:02:55Z", "pid=7344"},
		{debrief.EntityFile, "4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce", "sha1=3c8f1b2a4d5e6f708192a3b4c5d6e7f8091a2b3c"},
		{debrief.EntityFile, "3c8f1b2a4d5e6f708192a3b4c5d6e7f8091a2b3c", ""}, // the SHA-1 hash entity on its own
		{debrief.EntityFile, "9b74c9897bac770ffc029102a200c5de2a5e1b7d5b1f8c9e0a4b2c6d8e0f1a2b", `path=C:\Users\h.okafor\Downloads\Offer_Letter.docm`},
		{debrief.EntityFile, `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, "name=powershell.exe"}, // nested, no hashes
		{debrief.EntityIP, "203.0.113.77", ""},
		{debrief.EntityURL, "https://cdn-offers.example/payload.bin", ""},
		{debrief.EntityDomain, "cdn-offers.example", ""},
		{debrief.EntityRegistry, `HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run`, ""},
		{debrief.EntityRegistry, `HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run\OfficeUpdate`, `value_data=C:\Users\h.okafor\AppData\Roaming\upd.exe`},
	}
	for _, c := range checks {
		e := findEntity(a.Entities, c.kind, c.id)
		if e == nil {
			t.Errorf("no %s entity %q in %+v", c.kind, c.id, a.Entities)
			continue
		}
		if k, v, ok := strings.Cut(c.attr, "="); ok && e.Attributes[k] != v {
			t.Errorf("%s %s: %s = %q, want %q", c.kind, c.id, k, e.Attributes[k], v)
		}
	}
	if n := len(a.Entities); n != len(checks) {
		t.Errorf("got %d entities, want %d (each once): %+v", n, len(checks), a.Entities)
	}
	if !slices.Equal(a.ThreatNames, []string{"TrojanDownloader:O97M/Obfuse"}) {
		t.Errorf("threat names = %v", a.ThreatNames)
	}
	if !slices.Equal(a.Tactics, []string{"InitialAccess", "Execution", "Persistence"}) || len(a.Techniques) != 8 || a.Techniques[4].ID != "T1566.001" {
		t.Errorf("tactics %v techniques %v", a.Tactics, a.Techniques)
	}
	if a.RuleID != "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d" || a.RuleName != "Office spawning encoded PowerShell" {
		t.Errorf("rule = %q %q", a.RuleID, a.RuleName)
	}

	mail := res.Recs[1].Alert
	for _, c := range []struct {
		kind debrief.EntityKind
		id   string
	}{
		{debrief.EntityMailbox, "h.okafor@contoso.com"},
		{debrief.EntityMailMessage, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"},
		{debrief.EntityFile, "9b74c9897bac770ffc029102a200c5de2a5e1b7d5b1f8c9e0a4b2c6d8e0f1a2b"},
		{debrief.EntityCloudApp, "20893"},
		{debrief.EntityCloudResource, "/subscriptions/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/resourceGroups/rg-mail/providers/Microsoft.Web/sites/mail-relay"},
		{debrief.EntityOther, "NetworkMessageId:0A1B2C3D"},
	} {
		if findEntity(mail.Entities, c.kind, c.id) == nil {
			t.Errorf("no %s entity %q in %+v", c.kind, c.id, mail.Entities)
		}
	}
	if !mail.Created.Equal(time.Date(2025, 8, 19, 13, 6, 12, 0, time.UTC)) || mail.Status != debrief.StatusInProgress {
		t.Errorf("mail alert created %v status %q, want TimeGenerated when ProcessingEndTime is null", mail.Created, mail.Status)
	}
}

func TestDecodeMixedTables(t *testing.T) {
	res := decodeFile(t, "testdata/mixed_export.good.json")
	if len(res.Recs) != 2 || res.Recs[0].Incident == nil || res.Recs[1].Alert == nil {
		t.Fatalf("got %d records, want the incident and the alert (the OfficeActivity row skipped)", len(res.Recs))
	}
	in := res.Recs[0].Incident
	if in.Assignee != "SOC Tier 1" || in.Verdict != debrief.VerdictBenignPositive || !in.Times.Resolved.Equal(in.Times.Updated) ||
		in.AlertIDs[0] != res.Recs[1].Alert.ID || in.Times.FirstTriage.Format(time.RFC3339) != "2025-07-02T19:04:30Z" {
		t.Errorf("incident with JSON dynamic columns = %+v", in)
	}
	if a := res.Recs[1].Alert; a.Category != "Exfiltration" || a.RuleID != "OfficeATP_ForwardingRule" || a.DetectionSource != "OATP" {
		t.Errorf("alert = %+v", a)
	}
}

func TestDecodeREST(t *testing.T) {
	list := decodeFile(t, "testdata/rest_incidents_list.good.json")
	if len(list.Recs) != 2 {
		t.Fatalf("got %d incidents, want 2", len(list.Recs))
	}
	if in := list.Recs[0].Incident; in.Assignee != "Priya.Nair@contoso.com" || !slices.Equal(in.Tags, []string{"travel", "VIP"}) || !in.Times.Resolved.IsZero() {
		t.Errorf("active incident = %+v", in)
	}
	if in := list.Recs[1].Incident; in.Verdict != debrief.VerdictFalsePositive || in.Assignee != "" || len(in.Comments) != 1 {
		t.Errorf("closed incident = %+v", in)
	}
	alerts := decodeFile(t, "testdata/rest_incident_alerts.good.json")
	if len(alerts.Recs) != 2 {
		t.Fatalf("got %d alerts, want 2", len(alerts.Recs))
	}
	a := alerts.Recs[0].Alert
	if a.ProviderID != "ca1f0e9d8c7b6a5948372615" || len(a.Techniques) != 2 || a.Techniques[1].ID != "T1078.004" || a.Status != debrief.StatusInProgress {
		t.Errorf("REST alert = %+v", a)
	}
	if b := alerts.Recs[1].Alert; !slices.Equal(b.Tactics, []string{"Persistence", "DefenseEvasion"}) || b.Created.IsZero() {
		t.Errorf("REST alert 2 = %+v", b)
	}
}

// wantErr is one expected record error: where and which field.
type wantErr = decodertest.WantErr

const (
	goodIncident = `{"Type":"SecurityIncident","IncidentName":"11111111-2222-4333-8444-555555555555","Title":"t","Severity":"Low","Status":"New","LastModifiedTime":"2025-01-02T03:04:05Z"}`
	goodAlert    = `{"Type":"SecurityAlert","SystemAlertId":"aaaaaaaa-2222-4333-8444-555555555555","DisplayName":"a","AlertSeverity":"Low","TimeGenerated":"2025-01-02T03:04:05Z","Techniques":"[\"T1078\"]"}`
)

func TestDecodeBad(t *testing.T) {
	huge := `{"Type":"SecurityAlert","SystemAlertId":"b","TimeGenerated":"2025-01-02T03:04:05Z","Description":"` + strings.Repeat("x", 10<<20) + `"}`
	tests := []struct {
		name  string
		input string
		recs  int
		errs  []wantErr
	}{
		{"empty file", "", 0, nil},
		{"not JSON", "IncidentName,Title\nabc,def\n", 0, []wantErr{{Record: 1}}},
		{"truncated array", "[" + goodIncident + `,{"IncidentName":"x","Tit`, 1, []wantErr{{Record: 2}}},
		{"truncated line", goodIncident + "\n" + `{"Type":"SecurityAlert","SystemAl` + "\n" + goodAlert, 2, []wantErr{{Line: 2, Record: 2}}},
		{"title is a number", goodAlert + "\n" + `{"Type":"SecurityIncident","IncidentName":"x","Title":7}`, 1, []wantErr{{Line: 2, Record: 2, Field: "Title"}}},
		{"properties.tactics is a number", `{"kind":"SecurityAlert","properties":{"systemAlertId":"x","timeGenerated":"2025-01-02T03:04:05Z","tactics":42}}` + "\n" + goodAlert, 1,
			[]wantErr{{Line: 1, Record: 1, Field: "properties.tactics"}}},
		{"REST title is an array", `{"name":"x","type":"Microsoft.SecurityInsights/incidents","properties":{"title":["a"]}}` + "\n" + goodIncident, 1,
			[]wantErr{{Line: 1, Record: 1, Field: "properties.title"}}},
		{"missing incident name", `{"Type":"SecurityIncident","Title":"no id"}` + "\n" + goodAlert, 1, []wantErr{{Line: 1, Record: 1, Field: "IncidentName"}}},
		{"missing alert id", `{"Type":"SecurityAlert","DisplayName":"no id","TimeGenerated":"2025-01-02T03:04:05Z"}`, 0, []wantErr{{Line: 1, Record: 1, Field: "SystemAlertId"}}},
		{"neither table", `{"foo":"bar"}` + "\n" + goodIncident, 1, []wantErr{{Line: 1, Record: 1}}},
		{"invalid UTF-8", goodIncident + "\n{\"Type\":\"SecurityAlert\",\"SystemAlertId\":\"\xff\"}\n" + goodAlert, 2, []wantErr{{Line: 2, Record: 2}}},
		{"year 0001 on an alert", `{"Type":"SecurityAlert","SystemAlertId":"b","TimeGenerated":"0001-01-01T00:00:00Z"}` + "\n" + goodAlert, 1,
			[]wantErr{{Line: 1, Record: 1, Field: "TimeGenerated"}}},
		{"year 9999 on an incident", `{"Type":"SecurityIncident","IncidentName":"x","ClosedTime":"9999-12-31T23:59:59Z","Status":"Closed"}`, 1,
			[]wantErr{{Line: 1, Record: 1, Field: "ClosedTime", Kept: true}}},
		{"alert without any time", `{"Type":"SecurityAlert","SystemAlertId":"b"}`, 0, []wantErr{{Line: 1, Record: 1, Field: "TimeGenerated"}}},
		{"10 MB description", goodIncident + "\n" + huge + "\n" + goodAlert, 2, []wantErr{{Line: 2, Record: 2}}},
		{"malformed technique ids", `{"Type":"SecurityAlert","SystemAlertId":"b","TimeGenerated":"2025-01-02T03:04:05Z","Techniques":"[\"T1059.1\",\"T1059\",\"CST0001\"]"}`, 1,
			[]wantErr{{Line: 1, Record: 1, Field: "Techniques[0]", Kept: true}, {Line: 1, Record: 1, Field: "Techniques[2]", Kept: true}}},
		{"malformed incident technique ids", `{"Type":"SecurityIncident","IncidentName":"x","AdditionalData":"{\"techniques\":[\"T1078\",\"Valid Accounts\"]}"}`, 1,
			[]wantErr{{Line: 1, Record: 1, Field: "AdditionalData.techniques[1]", Kept: true}}},
		{"incident additionalData not an object", `{"id":"/x/incidents/y","name":"y","properties":{"title":"t","additionalData":[1]}}`, 1,
			[]wantErr{{Line: 1, Record: 1, Field: "properties.additionalData", Kept: true}}},
		{"entities not JSON", `{"Type":"SecurityAlert","SystemAlertId":"b","TimeGenerated":"2025-01-02T03:04:05Z","Entities":"[{\"$id\":\"1\",\"Type\":\"ip\""}`, 1,
			[]wantErr{{Line: 1, Record: 1, Field: "Entities[0]", Kept: true, Reason: "not valid JSON"}}},
		{"entity host is a string", `{"Type":"SecurityAlert","SystemAlertId":"b","TimeGenerated":"2025-01-02T03:04:05Z","Entities":"[{\"Type\":\"process\",\"Host\":\"h\"}]"}`, 1,
			[]wantErr{{Line: 1, Record: 1, Field: "Entities[0].Host", Kept: true}}},
		{"owner not an object", `{"Type":"SecurityIncident","IncidentName":"x","Owner":"[1]"}`, 1, []wantErr{{Line: 1, Record: 1, Field: "Owner", Kept: true}}},
		{"unknown status and classification", `{"Type":"SecurityIncident","IncidentName":"x","Status":"Pondering","Classification":"Maybe"}`, 1,
			[]wantErr{{Line: 1, Record: 1, Field: "Status", Kept: true}, {Line: 1, Record: 1, Field: "Classification", Kept: true}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := decode(t, []byte(tc.input), "bad.json")
			if len(res.Recs) != tc.recs {
				t.Errorf("got %d records, want %d", len(res.Recs), tc.recs)
			}
			decodertest.CheckErrors(t, "bad.json", res.Errs, tc.errs)
		})
	}
}

func TestDecodeBadReasons(t *testing.T) {
	tests := []struct {
		input, want string
	}{
		{`{"Type":"SecurityIncident","IncidentName":"x","Title":7}`, "bad.json:1: record 1: Title: want a string, got a number"},
		{`{"kind":"SecurityAlert","properties":{"systemAlertId":"x","timeGenerated":"2025-01-02T03:04:05Z","tactics":[1]}}`,
			"bad.json:1: record 1: properties.tactics[0]: want a string, got a number"},
		{`{"Type":"SecurityAlert","SystemAlertId":"b","TimeGenerated":"2025-01-02T03:04:05Z","SubTechniques":"[\"T1566.1\"]"}`,
			`bad.json:1: record 1: SubTechniques[0]: want T#### or T####.###, got "T1566.1" (field dropped, record kept)`},
	}
	for _, tc := range tests {
		res := decode(t, []byte(tc.input), "bad.json")
		if len(res.Errs) != 1 || res.Errs[0].Error() != tc.want {
			t.Errorf("errors = %v, want %q", res.Errs, tc.want)
		}
	}
}

func TestDecodeStopsOnCancel(t *testing.T) {
	decodertest.Cancelled(t, New(), goodIncident+"\n"+goodAlert)
}

func TestSniff(t *testing.T) {
	decodertest.Sniff(t, New(), "testdata/*.good.*", decodertest.In("sentinel"))
}

// FuzzDecode feeds Decode arbitrary input; see decodertest.Fuzz.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{goodIncident, goodAlert} {
		f.Add([]byte(s))
	}
	decodertest.Fuzz(f, New())
}
