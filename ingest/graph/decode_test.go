package graph

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
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

func hasEntity(es []debrief.Entity, kind debrief.EntityKind, id string) bool {
	return slices.ContainsFunc(es, func(e debrief.Entity) bool { return e.Kind == kind && e.ID == id })
}

func findAlert(t *testing.T, recs []debrief.Record, id string) *debrief.Alert {
	t.Helper()
	for _, r := range recs {
		for _, a := range r.Alerts() {
			if a.ID == id {
				return a
			}
		}
	}
	t.Fatalf("alert %s not decoded", id)
	return nil
}

func TestDecodeSamples(t *testing.T) {
	dir := testutil.SharedData(t, "samples/graph_security")
	t.Run("list_incidents_expand_alerts.json", func(t *testing.T) {
		recs, errs := decodeFile(t, filepath.Join(dir, "list_incidents_expand_alerts.json"))
		for _, e := range errs {
			t.Errorf("unexpected error: %v", e)
		}
		golden(t, recs)
		if len(recs) != 1 || recs[0].Incident == nil || len(recs[0].Incident.Alerts) != 1 {
			t.Fatalf("want 1 incident with 1 alert, got %d records", len(recs))
		}
		in := findIncident(t, recs, "defender:2972395")
		if in.Verdict != debrief.VerdictTruePositive || in.Determination != "multiStagedAttack" || in.Assignee != "KaiC@contoso.onmicrosoft.com" {
			t.Errorf("verdict %q, determination %q, assignee %q", in.Verdict, in.Determination, in.Assignee)
		}
		if !slices.Equal(in.Tags, []string{"Demo", "Defender Experts"}) || len(in.Comments) != 1 || in.Comments[0].Author != "DavidS@contoso.onmicrosoft.com" {
			t.Errorf("tags %v, comments %+v", in.Tags, in.Comments)
		}
		if want := time.Date(2021, 4, 26, 7, 45, 50, 116000000, time.UTC); !in.Times.FirstActivity.Equal(want) {
			t.Errorf("first activity %v, want %v", in.Times.FirstActivity, want)
		}
		a := &in.Alerts[0]
		if a.ID != "defender:da637551227677560813_-961444813" || a.IncidentID != in.ID {
			t.Errorf("alert id %q, incident id %q", a.ID, a.IncidentID)
		}
		checkHiddenFileAlert(t, a)
	})
	t.Run("alert_v2_get_mde_hidden_file.json", func(t *testing.T) {
		recs, errs := decodeFile(t, filepath.Join(dir, "alert_v2_get_mde_hidden_file.json"))
		for _, e := range errs {
			t.Errorf("unexpected error: %v", e)
		}
		golden(t, recs)
		if len(recs) != 1 || recs[0].Alert == nil {
			t.Fatalf("want 1 lone alert, got %+v", recs)
		}
		a := recs[0].Alert
		if a.IncidentID != "defender:28282" || a.ProviderID != "da637578995287051192_756343937" || len(a.Raw) == 0 {
			t.Errorf("incident id %q, provider id %q, raw %d bytes", a.IncidentID, a.ProviderID, len(a.Raw))
		}
		checkHiddenFileAlert(t, a)
	})
}

// checkHiddenFileAlert checks the facts both samples share about the
// "Suspicious execution of hidden file" alert.
func checkHiddenFileAlert(t *testing.T, a *debrief.Alert) {
	t.Helper()
	if len(a.Techniques) != 1 || a.Techniques[0].ID != "T1564.001" || len(a.Tactics) != 0 {
		t.Errorf("techniques %v, tactics %v; want T1564.001 and no tactics", a.Techniques, a.Tactics)
	}
	if a.Category != "DefenseEvasion" || a.Product != "Microsoft Defender for Endpoint" || a.DetectionSource != "antivirus" {
		t.Errorf("category %q, product %q, detection source %q", a.Category, a.Product, a.DetectionSource)
	}
	if want := time.Date(2021, 4, 27, 12, 19, 27, 721130500, time.UTC); !a.Created.Equal(want) {
		t.Errorf("created %v, want %v", a.Created, want)
	}
	for _, want := range []struct {
		kind debrief.EntityKind
		id   string
	}{
		{debrief.EntityDevice, "tempdns"},
		{debrief.EntityFile, "8963a19fb992ad9a76576c5638fd68292cffb9aaac29eb8285f9abf6196a7dec"},
		{debrief.EntityProcess, "tempdns:4780:2021-08-12T12:43:19.0772577Z"},
		{debrief.EntityRegistry, `HKEY_LOCAL_MACHINE\SYSTEM\CONTROLSET001\CONTROL\WMI\AUTOLOGGER\SENSEAUDITLOGGER`},
	} {
		if !hasEntity(a.Entities, want.kind, want.id) {
			t.Errorf("entity %s:%s missing from %+v", want.kind, want.id, a.Entities)
		}
	}
	if a.Entities[0].Role != "compromised" {
		t.Errorf("device role %q, want compromised", a.Entities[0].Role)
	}
}

func TestDecodeFixtures(t *testing.T) {
	decodertest.Fixtures(t, New(), "testdata/*.good.json")
}

// TestDecodeFixtureFacts checks by hand what the goldens of the fixtures
// hold, so that a wrongly regenerated golden fails.
func TestDecodeFixtureFacts(t *testing.T) {
	recs, _ := decodeFile(t, "testdata/incidents.good.json")
	if len(recs) != 3 {
		t.Fatalf("got %d incidents from two concatenated pages, want 3", len(recs))
	}
	bec := findIncident(t, recs, "defender:41001")
	if bec.Verdict != debrief.VerdictTruePositive || bec.Status != debrief.StatusResolved || !bec.Times.Resolved.Equal(bec.Times.Updated) {
		t.Errorf("verdict %q (from PascalCase TruePositive), status %q, resolved %v", bec.Verdict, bec.Status, bec.Times.Resolved)
	}
	if !slices.Equal(bec.Tags, []string{"BEC", "finance", "Defender Experts"}) || bec.URL == "" {
		t.Errorf("tags %v, url %q", bec.Tags, bec.URL)
	}
	if want := time.Date(2024, 2, 20, 8, 15, 0, 0, time.UTC); !bec.Times.FirstTriage.Equal(want) || bec.Comments[0].Author != "SOC Lead" {
		t.Errorf("first triage %v, comments %+v", bec.Times.FirstTriage, bec.Comments)
	}
	signin := findAlert(t, recs, "defender:ad41001-1")
	if signin.Product != "Microsoft Entra ID Protection" || signin.Status != debrief.StatusResolved || signin.Resolved.IsZero() {
		t.Errorf("product %q, status %q, resolved %v", signin.Product, signin.Status, signin.Resolved)
	}
	user := entityOf(t, signin.Entities, debrief.EntityUser, "mrossi@fabrikam.example")
	if user.Role != "compromised" || user.Attributes["roles"] != "compromised,source" || user.Name != "Maria Rossi" || user.Attributes["remediation_status"] != "remediated" {
		t.Errorf("user entity %+v", user)
	}
	if ip := entityOf(t, signin.Entities, debrief.EntityIP, "203.0.113.77"); ip.Role != "attacker" || ip.Verdict != "malicious" {
		t.Errorf("ip entity %+v", ip)
	}
	entityOf(t, signin.Entities, debrief.EntityCloudApp, "20893")
	entityOf(t, signin.Entities, debrief.EntityCloudApp, "1b2c3d4e-0000-4000-8000-00000000abcd")
	mail := findAlert(t, recs, "defender:fa41001-2")
	if want := time.Date(2024, 2, 20, 7, 10, 0, 0, time.UTC); !mail.Created.Equal(want) {
		t.Errorf("alert with null createdDateTime: created %v, want first activity %v", mail.Created, want)
	}
	entityOf(t, mail.Entities, debrief.EntityMailbox, "mrossi@fabrikam.example")
	if msg := entityOf(t, mail.Entities, debrief.EntityMailMessage, "5c6d7e8f-1111-4222-8333-08dc31aa0002"); msg.Attributes["sender"] != "mrossi@fabrikam.example" {
		t.Errorf("message entity %+v", msg)
	}
	entityOf(t, mail.Entities, debrief.EntityURL, "https://pay-portal.example/x")
	entityOf(t, mail.Entities, debrief.EntityOther, "Subject;SenderIp:Updated bank details;198.51.100.9")
	if n := len(mail.Entities); n != 4 {
		t.Errorf("got %d entities, want 4 (duplicate mail cluster dropped)", n)
	}
	if r := findIncident(t, recs, "defender:41002"); r.RedirectTo != "defender:41001" || r.Status != debrief.StatusRedirected {
		t.Errorf("redirect %q, status %q", r.RedirectTo, r.Status)
	}
	cloud := findIncident(t, recs, "defender:41003")
	if cloud.Status != debrief.StatusActive || cloud.Verdict != debrief.VerdictBenignPositive || cloud.Description == "" {
		t.Errorf("awaitingAction incident: status %q, verdict %q, description %q", cloud.Status, cloud.Verdict, cloud.Description)
	}
	res := cloud.Alerts[0]
	entityOf(t, res.Entities, debrief.EntityCloudResource, "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/stfabrikam")
	if g := entityOf(t, res.Entities, debrief.EntityOther, "5a6b7c8d-0000-4000-8000-00000000beef"); g.Attributes["type"] != "securityGroupEvidence" {
		t.Errorf("security group %+v", g)
	}
	if pod := entityOf(t, res.Entities, debrief.EntityOther, "frontend-7d9f8-abcde"); pod.Attributes["type"] != "kubernetesPodEvidence" {
		t.Errorf("unknown evidence type: %+v", pod)
	}
	entityOf(t, res.Entities, debrief.EntityOther, "somethingNewEvidence:dc41003-1#3")
	entityOf(t, res.Entities, debrief.EntityRegistry, `HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\svc1\ImagePath`)
}

// TestDecodeLoneAlertFacts does the same for the alerts_v2 and single
// object fixtures.
func TestDecodeLoneAlertFacts(t *testing.T) {
	lone, _ := decodeFile(t, "testdata/alerts_v2.good.json")
	if len(lone) != 3 || lone[0].Alert == nil || lone[0].Line != 1 || lone[2].Line != 2 {
		t.Fatalf("want 3 lone alerts over 2 lines, got %+v", lone)
	}
	ransom := lone[0].Alert
	if ransom.IncidentID != "defender:52001" || !slices.Equal(ransom.ThreatNames, []string{"Storm-0000", "Ransom:Win32/Example", "Example"}) {
		t.Errorf("incident id %q, threat names %v", ransom.IncidentID, ransom.ThreatNames)
	}
	if got := ransom.Techniques; len(got) != 2 || got[0].ID != "T1486" || got[1].ID != "T1490" {
		t.Errorf("techniques %v, want T1486 (once, canonical case) and T1490", got)
	}
	entityOf(t, ransom.Entities, debrief.EntityDevice, "srv-file01")
	if p := entityOf(t, ransom.Entities, debrief.EntityProcess, "srv-file01:9120:2024-01-15T02:58:30.25Z"); p.Attributes["user"] != `FABRIKAM\svc-backup` {
		t.Errorf("process %+v", p)
	}
	entityOf(t, ransom.Entities, debrief.EntityFile, "abcdef0123456789abcdef0123456789abcdef01")
	if fp := lone[1].Alert; fp.Verdict != debrief.VerdictFalsePositive || fp.Determination != "notMalicious" {
		t.Errorf("verdict %q, determination %q", fp.Verdict, fp.Determination)
	}
	entityOf(t, lone[2].Alert.Entities, debrief.EntityIP, "::ffff:192.0.2.10")

	single, _ := decodeFile(t, "testdata/incident.good.json")
	if len(single) != 1 || single[0].Incident == nil || single[0].Incident.Alerts != nil {
		t.Errorf("incident without @odata.type and alerts: %+v", single)
	}
}

func entityOf(t *testing.T, es []debrief.Entity, kind debrief.EntityKind, id string) debrief.Entity {
	t.Helper()
	for _, e := range es {
		if e.Kind == kind && e.ID == id {
			return e
		}
	}
	t.Errorf("entity %s:%s missing from %+v", kind, id, es)
	return debrief.Entity{}
}

type wantErr = decodertest.WantErr

func TestDecodeBad(t *testing.T) {
	huge := `[{"id": "h1", "title": "Huge", "createdDateTime": "2024-01-01T00:00:00Z", "description": "` +
		strings.Repeat("A", 10<<20) + `"}, {"id": "h2", "title": "Small", "createdDateTime": "2024-01-01T00:00:00Z"}]`
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
			{Line: 2, Record: 2, Field: "mitreTechniques", Reason: "want an array of strings, got a string"},
			{Line: 3, Record: 3, Field: "id", Reason: "want a string, got a number"},
			{Line: 4, Record: 4, Field: "evidence", Reason: "want an array of objects, got an object"},
			{Line: 5, Record: 5, Field: "evidence[0].processId", Reason: "want an integer, got a boolean"},
			{Line: 6, Record: 6, Field: "alerts", Reason: "want an array of objects, got a string"},
			{Line: 7, Record: 7, Field: "evidence[0].ipAddress", Kept: true, Reason: `want an IP address, got "10.0.0.300"`},
		}},
		{name: "missing ids", file: "missing_id.bad.json", records: 1, errs: []wantErr{
			{Line: 1, Record: 1, Field: "id", Reason: "want the alert id"},
			{Line: 2, Record: 2, Field: "alerts[1].id", Kept: true, Reason: "left out"},
			{Line: 3, Record: 3, Field: "createdDateTime", Reason: "creation time"},
			{Line: 4, Record: 4, Field: "id", Reason: "want the incident id"},
		}},
		{name: "invalid UTF-8", input: "{\"id\": \"u1\", \"title\": \"ok\", \"createdDateTime\": \"2024-01-01T00:00:00Z\"}\n{\"id\": \"u2\", \"title\": \"bad \xff\xfe\"}\n{\"id\": \"u3\", \"title\": \"ok\", \"createdDateTime\": \"2024-01-01T00:00:00Z\"}\n",
			records: 2, errs: []wantErr{{Line: 2, Record: 2, Reason: "UTF-8"}}},
		{name: "absurd timestamps", file: "absurd_time.bad.json", records: 2, errs: []wantErr{
			{Record: 1, Field: "lastUpdateDateTime", Kept: true, Reason: "outside 1990–2200"},
			{Record: 1, Field: "createdDateTime", Kept: true, Reason: "outside 1990–2200"},
		}},
		{name: "10 MB string", input: huge, records: 1, errs: []wantErr{{Record: 1, Reason: "MiB limit"}}},
		{name: "technique ids", file: "techniques.bad.json", records: 1, errs: []wantErr{
			{Line: 1, Record: 1, Field: "mitreTechniques[0]", Kept: true, Reason: `want T#### or T####.###, got "T1059.1"`},
			{Line: 1, Record: 1, Field: "mitreTechniques[1]", Kept: true, Reason: `want T#### or T####.###, got "CST0001"`},
		}},
		{name: "enums", file: "enums.bad.json", records: 1, errs: []wantErr{
			{Record: 1, Field: "severity", Kept: true, Reason: `got "Severe"`},
			{Record: 1, Field: "status", Kept: true, Reason: `got "Closedish"`},
			{Record: 1, Field: "classification", Kept: true, Reason: `got "Maybe"`},
			{Record: 1, Field: "alerts[0].status", Kept: true, Reason: `got "sleeping"`},
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
		order = append(order, "record "+rec.Alert.ID)
		if got := rec.Alert.Techniques; len(got) != 1 || got[0].ID != "T1059.001" {
			t.Errorf("kept techniques %v, want T1059.001 only", got)
		}
	}
	if want := []string{"record defender:x1", "error", "error"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
}

// TestDecodeDroppedAlertsLeaveNoTrace: an alert left out of its incident
// or rejected on its own (after part of it was mapped) is gone, and the
// alerts mapped after it, into the same chunks, are as they are alone.
func TestDecodeDroppedAlertsLeaveNoTrace(t *testing.T) {
	const (
		good     = `{"@odata.type": "#microsoft.graph.security.alert", "id": "g1", "title": "Good", "severity": "high", "createdDateTime": "2024-01-01T00:00:00Z", "mitreTechniques": ["T1059.001"], "evidence": [{"@odata.type": "#microsoft.graph.security.ipEvidence", "ipAddress": "203.0.113.7", "roles": ["destination"]}]}`
		rejected = `{"@odata.type": "#microsoft.graph.security.alert", "id": "r1", "title": "No time", "severity": "low", "description": "mapped until its time", "evidence": [{"@odata.type": "#microsoft.graph.security.ipEvidence", "ipAddress": "198.51.100.1"}]}`
		incident = `{"@odata.type": "#microsoft.graph.security.incident", "id": "i1", "displayName": "Two alerts", "alerts": [{"title": "no id", "createdDateTime": "2024-01-01T00:00:00Z"}, {"id": "a2", "title": "kept", "createdDateTime": "2024-01-02T00:00:00Z"}, {"id": "a3", "title": "no time"}]}`
	)
	alone, _ := decodeAll(t, strings.NewReader(good+"\n"), "alone.json")
	recs, errs := decodeAll(t, strings.NewReader(rejected+"\n"+incident+"\n"+good+"\n"), "mixed.json")
	if len(recs) != 2 || len(errs) != 3 || len(alone) != 1 {
		t.Fatalf("got %d records and %d errors (%v), want 2 and 3; %d alone, want 1", len(recs), len(errs), errs, len(alone))
	}
	in := recs[0].Incident
	if in == nil || len(in.Alerts) != 1 || in.Alerts[0].ID != "defender:a2" || !slices.Equal(in.AlertIDs, []string{"defender:a2"}) {
		t.Fatalf("incident = %+v, want only alert a2", in)
	}
	got, want := *recs[1].Alert, *alone[0].Alert
	got.Raw, want.Raw = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("alert after the dropped ones:\n got %+v\nwant %+v", got, want)
	}
}

func TestDecodeCancelled(t *testing.T) {
	decodertest.Cancelled(t, New(), `{"value":[{"id":"a"},{"id":"b"}]}`)
}

func TestSniff(t *testing.T) {
	// A Sentinel REST alert carries a providerAlertId as well.
	sentinelAlert := `{"value":[{"type":"Microsoft.SecurityInsights/Entities","kind":"SecurityAlert",` +
		`"properties":{"systemAlertId":"1f2e","providerAlertId":"ca1f","alertDisplayName":"Impossible travel activity"}}]}`
	if New().Sniff([]byte(sentinelAlert)) {
		t.Errorf("Sniff claims a Sentinel REST alert list")
	}
	decodertest.Sniff(t, New(), "testdata/*.good.json", decodertest.In("graph_security"))
}

// FuzzDecode feeds Decode arbitrary input (seeds in
// testdata/fuzz/FuzzDecode); see decodertest.Fuzz.
func FuzzDecode(f *testing.F) {
	decodertest.Fuzz(f, New())
}

// alertJSON writes one alerts_v2 alert shaped like the Graph reference's
// example: every documented member, a device, process, file and IP
// evidence, compact as the API sends it.
func alertJSON(b *bytes.Buffer, i int) {
	dev := fmt.Sprintf("%040x", 7000+i%500)
	fmt.Fprintf(b, `{"@odata.type":"#microsoft.graph.security.alert","id":"da63857899528%07d_%d","providerAlertId":"da63857899528%07d_%d","incidentId":"%d","status":"new","severity":"medium","classification":"unknown","determination":"unknown","serviceSource":"microsoftDefenderForEndpoint","detectionSource":"microsoftDefenderForEndpoint","detectorId":"e0da400f-affd-43ef-b1d5-afc2eb6f2756","tenantId":"b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c",`, i, -i, i, -i, 60000+i/5)
	b.WriteString(`"title":"Suspicious PowerShell command line","description":"A suspicious PowerShell activity was observed on the machine. This behavior may indicate that PowerShell was used during installation, exploration, or in some cases in lateral movement activities.","recommendedActions":"Examine the PowerShell command line to understand what commands were executed. Check the parent process and the user account that launched it. Review the machine timeline for related activity and isolate the device if the activity is confirmed malicious.","category":"Execution","assignedTo":null,`)
	fmt.Fprintf(b, `"alertWebUrl":"https://security.microsoft.com/alerts/da63857899528%07d_%d?tid=b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c","incidentWebUrl":"https://security.microsoft.com/incidents/%d?tid=b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c","actorDisplayName":null,"threatDisplayName":null,"threatFamilyName":null,"mitreTechniques":["T1059.001","T1027"],"createdDateTime":"2024-04-27T12:19:27.7211305Z","lastUpdateDateTime":"2024-05-02T14:19:01.3266667Z","resolvedDateTime":null,"firstActivityDateTime":"2024-04-26T07:45:50.116Z","lastActivityDateTime":"2024-05-02T07:56:58.222Z","comments":[],"evidence":[`, i, -i, 60000+i/5)
	fmt.Fprintf(b, `{"@odata.type":"#microsoft.graph.security.deviceEvidence","createdDateTime":"2024-04-27T12:19:27.7211305Z","verdict":"unknown","remediationStatus":"none","remediationStatusDetails":null,"firstSeenDateTime":"2023-09-12T07:28:32.4321753Z","mdeDeviceId":"%s","azureAdDeviceId":null,"deviceDnsName":"wks-%04d.corp.fabrikam.example","osPlatform":"Windows11","osBuild":22631,"version":"23H2","healthStatus":"active","riskScore":"medium","rbacGroupId":75,"rbacGroupName":"Workstations","onboardingStatus":"onboarded","defenderAvStatus":"updated","ipInterfaces":["10.1.%d.%d"],"loggedOnUsers":[],"roles":["compromised"],"detailedRoles":["Main device"],"tags":[]},`, dev, i%500, i%250, i%200)
	fmt.Fprintf(b, `{"@odata.type":"#microsoft.graph.security.processEvidence","createdDateTime":"2024-04-27T12:19:27.7211305Z","verdict":"suspicious","remediationStatus":"none","remediationStatusDetails":null,"processId":%d,"parentProcessId":668,"processCommandLine":"powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA","processCreationDateTime":"2024-04-26T07:45:50.1234567Z","parentProcessCreationDateTime":"2024-04-26T07:39:09.0909239Z","detectionStatus":"detected","mdeDeviceId":"%s","roles":[],"detailedRoles":[],"tags":[],"imageFile":{"sha1":"04c5d2b4da9a0f3fa8a45702d4256cee42d8c48d","sha256":"9785001b0dcf755eddb8af294a373c0b87b2498660f724e76c4d53f9c217c7a3","fileName":"powershell.exe","filePath":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0","fileSize":450560,"filePublisher":"Microsoft Corporation","signer":null,"issuer":null},"parentProcessImageFile":{"sha1":null,"sha256":null,"fileName":"explorer.exe","filePath":"C:\\Windows","fileSize":4825136,"filePublisher":"Microsoft Corporation","signer":null,"issuer":null},"userAccount":{"accountName":"user%d","domainName":"FABRIKAM","userSid":"S-1-5-21-1111111111-2222222222-3333333333-%d","azureAdUserId":null,"userPrincipalName":"user%d@fabrikam.example","displayName":"User %d"}},`, 4000+i%3000, dev, i%800, 1000+i%800, i%800, i%800)
	fmt.Fprintf(b, `{"@odata.type":"#microsoft.graph.security.fileEvidence","createdDateTime":"2024-04-27T12:19:27.7211305Z","verdict":"unknown","remediationStatus":"none","remediationStatusDetails":null,"detectionStatus":"detected","mdeDeviceId":"%s","roles":[],"detailedRoles":["Referred in command line"],"tags":[],"fileDetails":{"sha1":"5f1e8acedc065031aad553b710838eb366cfee9a","sha256":"%064x","fileName":"payload%d.ps1","filePath":"C:\\Users\\user%d\\AppData\\Local\\Temp","fileSize":6136,"filePublisher":null,"signer":null,"issuer":null}},`, dev, i%2000, i%2000, i%800)
	fmt.Fprintf(b, `{"@odata.type":"#microsoft.graph.security.ipEvidence","createdDateTime":"2024-04-27T12:19:27.7211305Z","verdict":"suspicious","remediationStatus":"none","remediationStatusDetails":null,"ipAddress":"203.0.113.%d","countryLetterCode":"ZZ","roles":["destination"],"detailedRoles":[],"tags":[]}],"systemTags":[]}`, i%250)
}

// generateAlerts writes an alerts_v2 response of n alerts.
func generateAlerts(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#security/alerts_v2","value":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		alertJSON(&b, i)
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

// generateIncidents writes an incidents?$expand=alerts response of n
// incidents with perIncident alerts each.
func generateIncidents(n, perIncident int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#security/incidents(alerts())","value":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"@odata.type":"#microsoft.graph.security.incident","id":"%d","incidentWebUrl":"https://security.microsoft.com/incidents/%d?tid=b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c","redirectIncidentId":null,"tenantId":"b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c","displayName":"Multi-stage incident involving Execution on one endpoint","createdDateTime":"2024-04-27T12:20:00.5533333Z","lastUpdateDateTime":"2024-05-02T14:20:00.1133333Z","assignedTo":"analyst%d@fabrikam.example","classification":"truePositive","determination":"multiStagedAttack","status":"active","severity":"medium","tags":[],"customTags":["t%d"],"systemTags":[],"comments":[{"comment":"Looking into it","createdByDisplayName":"Analyst","createdDateTime":"2024-04-27T13:00:00Z"}],"description":"","alerts":[`, 60000+i, 60000+i, i%7, i%5)
		for j := range perIncident {
			if j > 0 {
				b.WriteByte(',')
			}
			alertJSON(&b, i*perIncident+j)
		}
		b.WriteString(`]}`)
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

func BenchmarkDecode(b *testing.B) {
	const alerts = 10000
	for _, bc := range []struct {
		name string
		data []byte
	}{
		{"alerts_v2", generateAlerts(alerts)},
		{"incidents", generateIncidents(alerts/5, 5)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			decodertest.Bench(b, New(), bc.data, "alerts", alerts, decodertest.Alerts)
		})
	}
}

// TestJoinedStrings: the ids and paths mapping makes in the scanner's
// chunks are those debrief.QualifiedID and plain joining make.
func TestJoinedStrings(t *testing.T) {
	var s scanner
	for _, p := range []*problems{{text: &s.Scanner}, {}} {
		for _, id := range []string{"da638578995283", "1", "x:y"} {
			if got, want := p.qualified(id), debrief.QualifiedID(debrief.SourceDefender, id); got != want {
				t.Errorf("qualified(%q) = %q, want %q", id, got, want)
			}
		}
		for _, tc := range []struct{ dir, name, want string }{
			{`C:\Windows\System32\`, "cmd.exe", `C:\Windows\System32\cmd.exe`},
			{"/usr/bin", "sh", "/usr/bin/sh"},
			{`C:\Tools\X.EXE`, "x.exe", `C:\Tools\X.EXE`},
			{"", " a.exe ", "a.exe"},
		} {
			if got := fullPath(tc.dir, tc.name, p); got != tc.want {
				t.Errorf("fullPath(%q, %q) = %q, want %q", tc.dir, tc.name, got, tc.want)
			}
		}
	}
}

// TestAlertPrefix: the prefixes made once are those made for each alert.
func TestAlertPrefix(t *testing.T) {
	for _, i := range []int{0, 1, 9, 10, len(alertPrefixes) - 1, len(alertPrefixes), 1000} {
		if got, want := alertPrefix(i), fmt.Sprintf("alerts[%d].", i); got != want {
			t.Errorf("alertPrefix(%d) = %q, want %q", i, got, want)
		}
	}
}

// TestTypeName: the evidence type without its namespace, whichever
// namespace, first letter lower-case.
func TestTypeName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"#microsoft.graph.security.deviceEvidence", "deviceEvidence"},
		{"#microsoft.graph.security.AzureResourceEvidence", "azureResourceEvidence"},
		{"#microsoft.graph.security.beta.ipEvidence", "ipEvidence"},
		{"#microsoft.graph.other.userEvidence", "userEvidence"},
		{"fileEvidence", "fileEvidence"},
		{"#microsoft.graph.security.", ""},
		{"", ""},
	} {
		if got := typeName(tc.in); got != tc.want {
			t.Errorf("typeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestDecodeKeepsNoReusedBuffer: the strings of decoded records may be
// views of the input's buffers (wire.Scanner.Keep) only where nothing
// reuses them. Records decoded in one pass over an input read a few
// bytes at a time, and kept until the end, must equal those decoded
// one by one from a copy of their own: a view of a buffer that a later
// read overwrote (the lines of NDJSON share one) would differ.
func TestDecodeKeepsNoReusedBuffer(t *testing.T) {
	var lines [][]byte
	for i := range 60 {
		var b bytes.Buffer
		alertJSON(&b, i)
		lines = append(lines, b.Bytes())
	}
	var inc bytes.Buffer
	inc.Write(generateIncidents(3, 4))
	incidents := bytes.TrimSuffix(bytes.TrimPrefix(inc.Bytes()[bytes.IndexByte(inc.Bytes(), '['):], []byte("[")), []byte("]}\n"))
	var want []debrief.Record
	for _, l := range lines {
		recs, errs := decodeAll(t, bytes.NewReader(bytes.Clone(l)), "one.json")
		if len(recs) != 1 || len(errs) != 0 {
			t.Fatalf("alone: %d records, errors %v", len(recs), errs)
		}
		want = append(want, recs[0])
	}
	ndjson := bytes.Join(lines, []byte("\n"))
	array := append(append([]byte(`{"value":[`), bytes.Join(lines, []byte(","))...), "]}"...)
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"ndjson", ndjson},
		{"array", array},
		{"incidents then alerts", append(append(append([]byte(`{"value":[`), incidents...), ','), array[len(`{"value":[`):]...)},
	} {
		for _, chunk := range []int{1, 7, 4096} {
			got, errs := decodeAll(t, &chunkReader{b: bytes.Clone(tc.in), n: chunk}, tc.name)
			if len(errs) != 0 {
				t.Fatalf("%s, %d-byte reads: errors %v", tc.name, chunk, errs)
			}
			got = slices.DeleteFunc(got, func(r debrief.Record) bool { return r.Incident != nil })
			if len(got) != len(want) {
				t.Fatalf("%s, %d-byte reads: %d alerts, want %d", tc.name, chunk, len(got), len(want))
			}
			for i := range got {
				if !reflect.DeepEqual(got[i].Alert, want[i].Alert) {
					t.Fatalf("%s, %d-byte reads: alert %d differs from the alert decoded alone:\n got %+v\nwant %+v", tc.name, chunk, i, got[i].Alert, want[i].Alert)
				}
			}
		}
	}
}

// chunkReader reads b at most n bytes at a time, into the caller's
// buffer as a network connection would.
type chunkReader struct {
	b []byte
	n int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), r.n)], r.b)
	r.b = r.b[n:]
	return n, nil
}

// TestSharedEntities checks the memo of device and user evidence: alerts
// that name the same device, file and user get equal entities;
// what one alert adds to a remembered entity (a remediation status,
// several roles) stays on that alert; and the remembered entities are
// copies, not views of a record, whose buffer the memo would keep alive.
// (The file's entity is not remembered, but must not change either.)
func TestSharedEntities(t *testing.T) {
	const (
		device = `{"@odata.type":"#microsoft.graph.security.deviceEvidence","deviceDnsName":"WKS-1.corp.example","mdeDeviceId":"d1","osPlatform":"Windows11"`
		file   = `{"@odata.type":"#microsoft.graph.security.fileEvidence","mdeDeviceId":"d1","fileDetails":{"sha256":"AB12","fileName":"x.ps1","filePath":"C:\\Temp","fileSize":12}`
		user   = `{"@odata.type":"#microsoft.graph.security.userEvidence","userAccount":{"accountName":"bob","domainName":"CORP","userPrincipalName":"Bob@corp.example"}`
	)
	alert := func(id, extra string) string {
		return `{"@odata.type":"#microsoft.graph.security.alert","id":"` + id + `","createdDateTime":"2024-01-01T00:00:00Z","evidence":[` +
			device + extra + `},` + file + extra + `},` + user + extra + `}]}`
	}
	in := `{"value":[` + alert("a", "") + "," + alert("b", `,"remediationStatus":"remediated","roles":["attacker","source"]`) + "," + alert("c", "") + `]}`
	recs, errs := decodeAll(t, strings.NewReader(in), "shared.json")
	if len(errs) != 0 || len(recs) != 3 {
		t.Fatalf("got %d alerts and errors %v, want 3 alerts", len(recs), errs)
	}
	for _, i := range []int{0, 2} {
		for j, e := range recs[i].Alert.Entities {
			if _, ok := e.Attributes["remediation_status"]; ok || e.Attributes["roles"] != "" {
				t.Errorf("alert %d, entity %d: attributes %v, want no remediation status or roles", i, j, e.Attributes)
			}
			if o := recs[1].Alert.Entities[j]; o.Attributes["remediation_status"] != "remediated" || o.Attributes["roles"] != "attacker,source" {
				t.Errorf("alert 1, entity %d: attributes %v, want its remediation status and roles", j, o.Attributes)
			}
		}
	}
	if !reflect.DeepEqual(recs[0].Alert.Entities, recs[2].Alert.Entities) {
		t.Errorf("alerts naming the same evidence differ:\n%+v\n%+v", recs[0].Alert.Entities, recs[2].Alert.Entities)
	}
	// Alerts a and c have only what the memo gives (b adds its own
	// roles and status, to a copy).
	decodertest.NoRememberedViews(t, []debrief.Record{recs[0], recs[2]}, recs)
}
