package defender

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
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

// decodeAll decodes r and splits what comes out; see decodertest.Decode.
func decodeAll(t testing.TB, r io.Reader, file string) ([]debrief.Record, []*debrief.RecordError) {
	t.Helper()
	res := decodertest.Decode(t, New(), r, file)
	return res.Recs, res.Errs
}

func decodeFile(t testing.TB, path string) ([]debrief.Record, []*debrief.RecordError) {
	t.Helper()
	res := decodertest.DecodeFile(t, New(), path)
	return res.Recs, res.Errs
}

func golden(t *testing.T, recs []debrief.Record) {
	t.Helper()
	decodertest.Golden(t, t.Name(), recs)
}

func findIncident(t *testing.T, recs []debrief.Record, id string) *debrief.Incident {
	t.Helper()
	for _, r := range recs {
		if r.Incident != nil && r.Incident.ID == id {
			return r.Incident
		}
	}
	t.Fatalf("incident %s not decoded", id)
	return nil
}

func TestDecodeSamples(t *testing.T) {
	dir := testutil.SharedData(t, "samples/m365d_incidents_api")
	t.Run("list_incidents_response.json", func(t *testing.T) {
		recs, errs := decodeFile(t, filepath.Join(dir, "list_incidents_response.json"))
		for _, e := range errs {
			t.Errorf("unexpected error: %v", e)
		}
		golden(t, recs)
		if len(recs) != 3 {
			t.Fatalf("got %d incidents, want 3", len(recs))
		}
		alerts := 0
		for _, r := range recs {
			alerts += len(r.Alerts())
		}
		if alerts != 3 {
			t.Errorf("got %d alerts, want 3", alerts)
		}
		ransom := findIncident(t, recs, "defender:924565")
		if got := ransom.Alerts[0].Category; got != "Impact" {
			t.Errorf("category = %q, want Impact (kept as the vendor wrote it)", got)
		}
		if len(ransom.Alerts[0].Techniques) != 0 || len(ransom.Alerts[0].Tactics) != 0 {
			t.Errorf("sample has no technique ids and no tactics, got %v %v", ransom.Alerts[0].Techniques, ransom.Alerts[0].Tactics)
		}
		wantCreated := time.Date(2020, 9, 6, 14, 46, 57, 73333300, time.UTC)
		if !ransom.Times.Created.Equal(wantCreated) {
			t.Errorf("created = %v, want %v", ransom.Times.Created, wantCreated)
		}
		if ransom.Times.FirstTriage.IsZero() || ransom.Comments[0].Author != "secop123@contoso.com" {
			t.Errorf("comment not read: %+v", ransom.Comments)
		}
		mimikatz := findIncident(t, recs, "defender:924521").Alerts[0]
		if !slices.Contains(mimikatz.ThreatNames, "Mimikatz") || mimikatz.Category != "Malware" {
			t.Errorf("threat names %v, category %q", mimikatz.ThreatNames, mimikatz.Category)
		}
		if !hasEntity(mimikatz.Entities, debrief.EntityDevice, "user5cx") {
			t.Errorf("device user5cx missing: %+v", mimikatz.Entities)
		}
		phish := findIncident(t, recs, "defender:924518").Alerts[0]
		if !hasEntity(phish.Entities, debrief.EntityMailbox, "test.user4@contoso.com") || !hasEntity(phish.Entities, debrief.EntityIP, "49.50.81.121") {
			t.Errorf("mailbox or ip missing: %+v", phish.Entities)
		}
	})
}

func hasEntity(es []debrief.Entity, kind debrief.EntityKind, id string) bool {
	return slices.ContainsFunc(es, func(e debrief.Entity) bool { return e.Kind == kind && e.ID == id })
}

func TestDecodeFixtures(t *testing.T) {
	decodertest.Fixtures(t, New(), "testdata/*.good.json")
}

// TestDecodeFixtureFacts checks by hand what the goldens of the fixtures
// hold, so that a wrongly regenerated golden fails.
func TestDecodeFixtureFacts(t *testing.T) {
	recs, _ := decodeFile(t, "testdata/incidents.good.json")
	in := findIncident(t, recs, "defender:31337")
	if in.Verdict != debrief.VerdictTruePositive || in.Status != debrief.StatusResolved || in.Severity != debrief.SeverityHigh {
		t.Errorf("verdict/status/severity = %q/%q/%q", in.Verdict, in.Status, in.Severity)
	}
	if !in.Times.Resolved.Equal(in.Times.Updated) || in.Times.Resolved.IsZero() {
		t.Errorf("resolved incident: resolved %v, want last update %v", in.Times.Resolved, in.Times.Updated)
	}
	if want := time.Date(2024, 3, 11, 9, 2, 11, 10000000, time.UTC); !in.Times.FirstActivity.Equal(want) {
		t.Errorf("first activity %v, want %v", in.Times.FirstActivity, want)
	}
	if want := time.Date(2024, 3, 11, 9, 40, 0, 0, time.UTC); !in.Times.FirstTriage.Equal(want) {
		t.Errorf("first triage %v, want %v", in.Times.FirstTriage, want)
	}
	if !slices.Equal(in.Tags, []string{"ransomware-drill"}) || in.Determination != "MultiStagedAttack" {
		t.Errorf("tags %v, determination %q", in.Tags, in.Determination)
	}
	if len(in.AlertIDs) != 2 || in.AlertIDs[1] != "defender:da638457100239876543_211334455" {
		t.Errorf("alert ids %v", in.AlertIDs)
	}
	ps := in.Alerts[0]
	if got := ps.Techniques; len(got) != 2 || got[0].ID != "T1059.001" || got[1].ID != "T1059" {
		t.Errorf("techniques %v, want T1059.001 and T1059 once each", got)
	}
	if ps.Product != "Microsoft Defender for Endpoint" || ps.RuleID != "7a1ad1f2-9f0e-4a57-9a8b-1b0f2c3d4e5f" {
		t.Errorf("product %q, rule id %q", ps.Product, ps.RuleID)
	}
	for _, want := range []struct {
		kind debrief.EntityKind
		id   string
	}{
		{debrief.EntityDevice, "wks-0042"},
		{debrief.EntityProcess, "wks-0042:7312:2024-03-11T09:02:11.0123456Z"},
		{debrief.EntityFile, "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"},
		{debrief.EntityUser, "jdoe@fabrikam.example"},
		{debrief.EntityIP, "2001:db8::1"},
	} {
		if !hasEntity(ps.Entities, want.kind, want.id) {
			t.Errorf("entity %s:%s missing from %+v", want.kind, want.id, ps.Entities)
		}
	}
	if n := len(ps.Entities); n != 5 {
		t.Errorf("got %d entities, want 5 (duplicate user dropped)", n)
	}
	reg := in.Alerts[1]
	if !hasEntity(reg.Entities, debrief.EntityRegistry, `HKEY_CURRENT_USER\SOFTWARE\Microsoft\Windows\CurrentVersion\Run\Updater`) ||
		!hasEntity(reg.Entities, debrief.EntityCloudApp, "20893") || !hasEntity(reg.Entities, debrief.EntityOther, "https://stfabrikam.blob.core.example/drop/x.bin") {
		t.Errorf("registry, cloud app or blob missing: %+v", reg.Entities)
	}
	if !slices.Equal(reg.ThreatNames, []string{"Storm-0000", "Qakbot"}) || reg.Category != "Persistence" {
		t.Errorf("threat names %v, category %q", reg.ThreatNames, reg.Category)
	}
	redirected := findIncident(t, recs, "defender:31338")
	if redirected.RedirectTo != "defender:31337" || redirected.Status != debrief.StatusRedirected || redirected.Determination != "" {
		t.Errorf("redirect %q, status %q, determination %q", redirected.RedirectTo, redirected.Status, redirected.Determination)
	}
	mail := redirected.Alerts[0]
	if want := time.Date(2024, 3, 11, 8, 58, 0, 0, time.UTC); !mail.Created.Equal(want) {
		t.Errorf("alert without creationTime: created %v, want first activity %v", mail.Created, want)
	}
	if !hasEntity(mail.Entities, debrief.EntityMailMessage, "1b2c3d4e-5f60-4718-293a-08dc41aa1234") || !hasEntity(mail.Entities, debrief.EntityMailbox, "jdoe@fabrikam.example") {
		t.Errorf("mail entities: %+v", mail.Entities)
	}
}

type wantErr = decodertest.WantErr

func TestDecodeBad(t *testing.T) {
	huge := `[{"incidentId": 71, "incidentName": "Huge", "alerts": [{"alertId": "h", "description": "` +
		strings.Repeat("A", 10<<20) + `"}]}, {"incidentId": 72, "incidentName": "Small", "status": "Active"}]`
	tests := []struct {
		name    string
		file    string // in testdata, or
		input   string // inline
		records int    // good records still yielded
		errs    []wantErr
	}{
		{name: "truncated", file: "truncated.bad.json", records: 1,
			errs: []wantErr{{Record: 2, Reason: "truncated"}}},
		{name: "wrong types", file: "wrong_types.bad.json", records: 2, errs: []wantErr{
			{Line: 2, Record: 2, Field: "alerts[0].mitreTechniques", Reason: "want an array of strings, got a string"},
			{Line: 3, Record: 3, Field: "incidentId", Reason: "want an integer id, got a boolean"},
			{Line: 4, Record: 4, Field: "incidentName", Reason: "want a string, got a number"},
			{Line: 5, Record: 5, Field: "incidentId", Reason: "want an integer id, got 15.5"},
			{Line: 6, Record: 6, Field: "alerts[0].entities[0].ipAddress", Kept: true, Reason: `want an IP address, got "999.1.1.1"`},
		}},
		{name: "missing ids", file: "missing_id.bad.json", records: 2, errs: []wantErr{
			{Line: 1, Record: 1, Field: "incidentId", Reason: "want an integer incident id"},
			{Line: 2, Record: 2, Field: "alerts[1].alertId", Kept: true, Reason: "left out"},
			{Line: 3, Record: 3, Field: "alerts[0].creationTime", Kept: true, Reason: "creation time"},
		}},
		{name: "ids that are not integers", input: `{"incidentId": "abc", "incidentName": "x"}
{"incidentId": " 84 ", "redirectIncidentId": "x9", "incidentName": "y", "alerts": [{"alertId": "a1", "incidentId": "zz", "creationTime": "2024-03-11T09:14:58Z"}]}
`, records: 1, errs: []wantErr{
			{Line: 1, Record: 1, Field: "incidentId", Reason: `want an integer incident id, got "abc"`},
			{Line: 2, Record: 2, Field: "redirectIncidentId", Kept: true, Reason: `want an integer incident id, got "x9"`},
			{Line: 2, Record: 2, Field: "alerts[0].incidentId", Kept: true, Reason: `want an integer incident id, got "zz"`},
		}},
		{name: "invalid UTF-8", input: "{\"incidentId\": 81, \"incidentName\": \"ok\"}\n{\"incidentId\": 82, \"incidentName\": \"bad \xff\xfe\"}\n{\"incidentId\": 83, \"incidentName\": \"ok\"}\n",
			records: 2, errs: []wantErr{{Line: 2, Record: 2, Reason: "UTF-8"}}},
		{name: "absurd timestamps", file: "absurd_time.bad.json", records: 2, errs: []wantErr{
			{Record: 1, Field: "createdTime", Kept: true, Reason: "outside 1990–2200"},
			{Record: 1, Field: "alerts[0].lastUpdatedTime", Kept: true, Reason: "outside 1990–2200"},
			{Record: 1, Field: "alerts[0].creationTime", Kept: true, Reason: "outside 1990–2200"},
		}},
		{name: "10 MB string", input: huge, records: 1, errs: []wantErr{{Record: 1, Reason: "MiB limit"}}},
		{name: "technique ids", file: "techniques.bad.json", records: 1, errs: []wantErr{
			{Record: 1, Field: "alerts[0].mitreTechniques[1]", Kept: true, Reason: `want T#### or T####.###, got "T1059.1"`},
			{Record: 1, Field: "alerts[0].mitreTechniques[2]", Kept: true, Reason: `want T#### or T####.###, got "CST0001"`},
		}},
		{name: "enums", file: "enums.bad.json", records: 1, errs: []wantErr{
			{Record: 1, Field: "severity", Kept: true, Reason: `got "Severe"`},
			{Record: 1, Field: "status", Kept: true, Reason: `got "Closedish"`},
			{Record: 1, Field: "classification", Kept: true, Reason: `got "Maybe"`},
			{Record: 1, Field: "alerts[0].severity", Kept: true, Reason: `got "Sev9"`},
		}},
		{name: "not JSON", file: "not_json.bad.json", errs: []wantErr{{Record: 1, Reason: "invalid character"}}},
		{name: "empty file", file: "empty.bad.json", errs: []wantErr{{Reason: "empty"}}},
		{name: "not an object", file: "not_object.bad.json", records: 1, errs: []wantErr{{Record: 1, Reason: "want a JSON object, got a number"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var recs []debrief.Record
			var errs []*debrief.RecordError
			if tc.file != "" {
				recs, errs = decodeFile(t, filepath.Join("testdata", tc.file))
			} else {
				recs, errs = decodeAll(t, strings.NewReader(tc.input), "inline.json")
			}
			if len(recs) != tc.records {
				t.Errorf("got %d records, want %d", len(recs), tc.records)
			}
			decodertest.CheckErrors(t, "", errs, tc.errs)
		})
	}
}

// TestDecodeKeptErrorsFollowRecord checks that a dropped field's error
// comes right after the record it was dropped from.
func TestDecodeKeptErrorsFollowRecord(t *testing.T) {
	f, err := os.Open("testdata/techniques.bad.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var order []string
	for rec, err := range New().Decode(context.Background(), f, "techniques.bad.json") {
		if err != nil {
			order = append(order, "error")
			continue
		}
		order = append(order, "record "+rec.Incident.ID)
	}
	if want := []string{"record defender:41", "error", "error"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
}

func TestDecodeCancelled(t *testing.T) {
	in, err := os.ReadFile("testdata/incidents.good.json")
	if err != nil {
		t.Fatal(err)
	}
	decodertest.Cancelled(t, New(), string(in))
}

func TestSniff(t *testing.T) {
	decodertest.Sniff(t, New(), "testdata/*.good.json", decodertest.In("m365d_incidents_api"))
}

// FuzzDecode feeds Decode arbitrary input (seeds in
// testdata/fuzz/FuzzDecode); see decodertest.Fuzz.
func FuzzDecode(f *testing.F) {
	decodertest.Fuzz(f, New())
}

// generate writes an incidents API response of n incidents with
// perIncident alerts each, shaped like a real tenant's export.
func generate(n, perIncident int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"@odata.context":"https://api.security.microsoft.com/api/$metadata#Incidents","value":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"incidentId":%d,"redirectIncidentId":null,"incidentName":"Multi-stage incident %d","createdTime":"2024-03-11T09:15:02.41Z","lastUpdateTime":"2024-03-12T17:40:10.0366667Z","assignedTo":"analyst%d@fabrikam.example","classification":"TruePositive","determination":"MultiStagedAttack","status":"Active","severity":"High","tags":["t%d"],"comments":[{"comment":"looking","createdBy":"a@fabrikam.example","createdTime":"2024-03-11T10:00:00Z"}],"alerts":[`, 100000+i, i, i%7, i%5)
		for j := range perIncident {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"alertId":"da6384571002%06d_%d","incidentId":%d,"serviceSource":"MicrosoftDefenderForEndpoint","detectionSource":"EDR","detectorId":"7a1ad1f2-9f0e-4a57-9a8b-1b0f2c3d4e5f","creationTime":"2024-03-11T09:14:58.1234567Z","lastUpdatedTime":"2024-03-12T17:40:09Z","resolvedTime":null,"firstActivity":"2024-03-11T09:02:11.01Z","lastActivity":"2024-03-11T09:05:44Z","title":"Suspicious PowerShell command line","description":"A process ran an encoded PowerShell command.","category":"Execution","status":"New","severity":"Medium","investigationId":null,"investigationState":"Running","classification":null,"determination":null,"assignedTo":null,"actorName":null,"threatFamilyName":null,"mitreTechniques":["T1059.001","T1027"],"devices":[{"mdatpDeviceId":"9f2c1e0d8b7a6f5e4d3c2b1a0f9e8d7c6b5a%04d","aadDeviceId":null,"deviceDnsName":"wks-%04d.corp.fabrikam.example","osPlatform":"Windows11","osBuild":22631,"healthStatus":"Active","riskScore":"High"}],"entities":[{"entityType":"Process","processId":%d,"processCommandLine":"powershell.exe -enc SQBFAFgA","processCreationTime":"2024-03-11T09:02:11.0123456Z","fileName":"powershell.exe","filePath":"C:\\Windows\\System32","deviceId":"9f2c1e0d8b7a6f5e4d3c2b1a0f9e8d7c6b5a%04d"},{"entityType":"User","accountName":"jdoe","domainName":"FABRIKAM","userSid":"S-1-5-21-1-2-3-1104","userPrincipalName":"jdoe@fabrikam.example"},{"entityType":"Ip","ipAddress":"203.0.113.%d"}]}`,
				i, j, 100000+i, i%1000, i%1000, 1000+j, i%1000, i%250)
		}
		b.WriteString(`]}`)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

func BenchmarkDecode(b *testing.B) {
	const incidents, perIncident = 2000, 5
	decodertest.Bench(b, New(), generate(incidents, perIncident), "alerts", incidents*perIncident, decodertest.Alerts)
}

// TestCanonicalIDs: an id re-exported as text with leading zeros names the
// same incident as the integer.
func TestCanonicalIDs(t *testing.T) {
	in := `{"incidentId": 12, "incidentName": "a"}
{"incidentId": "0012", "redirectIncidentId": "007", "incidentName": "b", "alerts": [{"alertId": "a1", "incidentId": "00012", "creationTime": "2024-03-11T09:14:58Z"}]}
{"incidentId": "000", "incidentName": "c"}
`
	recs, errs := decodeAll(t, strings.NewReader(in), "ids.json")
	if len(errs) != 0 || len(recs) != 3 {
		t.Fatalf("%d records, errors %v", len(recs), errs)
	}
	got := []string{recs[0].Incident.ID, recs[1].Incident.ID, recs[1].Incident.RedirectTo, recs[1].Incident.Alerts[0].IncidentID,
		recs[1].Incident.SourceID, recs[2].Incident.ID}
	want := []string{"defender:12", "defender:12", "defender:7", "defender:12", "12", "defender:0"}
	if !slices.Equal(got, want) {
		t.Errorf("ids %q, want %q", got, want)
	}
}
