package hunting

import (
	"bytes"
	"os"
	"path/filepath"
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

func golden(t *testing.T, name string, out []any) {
	t.Helper()
	decodertest.Golden(t, filepath.Join(t.Name(), name), out)
}

func TestDecodeSamples(t *testing.T) {
	dir := testutil.SharedData(t, "samples/defender_advanced_hunting")
	name := "streaming_api_alertinfo_alertevidence.ndjson"
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	res := decode(t, data, name)
	if len(res.Errs) > 0 {
		t.Fatalf("sample yields errors: %v", res.Errs)
	}
	golden(t, name, res.Out)

	if len(res.Recs) != 3 {
		t.Fatalf("got %d records, want 3 (1 evidence, 2 info)", len(res.Recs))
	}
	ev, info := res.Recs[0], res.Recs[1]
	if !ev.Partial || ev.Alert.ID != "defender:da638034938542195558_2006612345" {
		t.Errorf("record 1 = partial %v id %q, want the evidence partial", ev.Partial, ev.Alert.ID)
	}
	if e := ev.Alert.Entities; len(e) != 1 || e[0].Kind != debrief.EntityFile ||
		e[0].ID != "bd914e55d55a31b7bdc95fa617f9925ff3eba703afd7a8b70cea18dcae512345" || e[0].Role != "related" {
		t.Errorf("evidence entities = %+v", e)
	}
	a := info.Alert
	if info.Partial || a.Category != "Persistence" || a.Severity != debrief.SeverityMedium || a.DetectionSource != "EDR" {
		t.Errorf("info alert = %+v", a)
	}
	if len(a.Techniques) != 2 || a.Techniques[1].ID != "T1078.004" || a.Techniques[1].Name != "Cloud Accounts" {
		t.Errorf("techniques = %+v, want T1078 and T1078.004 Cloud Accounts", a.Techniques)
	}
	if want := time.Date(2022, 11, 8, 8, 42, 17, 295405100, time.UTC); !a.Created.Equal(want) {
		t.Errorf("created = %v, want %v", a.Created, want)
	}
	if len(res.Recs[2].Alert.Techniques) != 0 {
		t.Errorf("empty AttackTechniques gave %v", res.Recs[2].Alert.Techniques)
	}
	if !bytes.Contains(a.Raw, []byte(`"AdvancedHunting-AlertInfo"`)) {
		t.Errorf("raw is not the record: %s", a.Raw)
	}
}

func TestDecodeFixtures(t *testing.T) {
	decodertest.Fixtures(t, New(), "testdata/*.good.*")
}

// entityOfKind finds the entity of a kind among partial records of an alert.
func entityOfKind(recs []debrief.Record, kind debrief.EntityKind) []debrief.Entity {
	var out []debrief.Entity
	for _, r := range recs {
		for _, e := range r.Alert.Entities {
			if e.Kind == kind {
				out = append(out, e)
			}
		}
	}
	return out
}

func TestDecodeFixtureFacts(t *testing.T) {
	data, err := os.ReadFile("testdata/rows.good.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	res := decode(t, data, "rows.good.ndjson")
	full := 0
	for _, r := range res.Recs {
		if !r.Partial {
			full++
		}
	}
	if full != 3 || len(res.Recs) != 18 {
		t.Errorf("got %d records, %d full; want 18 and 3", len(res.Recs), full)
	}
	checks := []struct {
		kind debrief.EntityKind
		id   string
	}{
		{debrief.EntityDevice, "ws-fin-042"},
		{debrief.EntityUser, "m.brandt@contoso.com"},
		{debrief.EntityUser, "svc-sync"}, // a name without domain comes before the object id
		{debrief.EntityProcess, "ws-fin-042:7412:2025-03-04T09:11:58Z"},
		{debrief.EntityFile, "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"},
		{debrief.EntityIP, "198.51.100.23"},
		{debrief.EntityRegistry, `HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run\updater`},
		{debrief.EntityMailMessage, "5e0b1c2d-3a4f-4b5c-8d9e-0f1a2b3c4d5e"},
		{debrief.EntityMailbox, "m.brandt@contoso.com"},
		{debrief.EntityCloudApp, "9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d"},
		{debrief.EntityCloudApp, "20893"},
		{debrief.EntityCloudResource, "/subscriptions/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/resourceGroups/rg-payroll/providers/Microsoft.KeyVault/vaults/kv-payroll-prod"},
	}
	for _, c := range checks {
		found := false
		for _, e := range entityOfKind(res.Recs, c.kind) {
			found = found || e.ID == c.id
		}
		if !found {
			t.Errorf("no %s entity %q", c.kind, c.id)
		}
	}
	var threats []string
	for _, r := range res.Recs {
		threats = append(threats, r.Alert.ThreatNames...)
	}
	if strings.Join(threats, "|") != "Downloader:PowerShell/Mocdow|Trojan:Win32/Mocdow.A" {
		t.Errorf("threat names = %v", threats)
	}
}

func TestDecodeJoinedRows(t *testing.T) {
	data, err := os.ReadFile("testdata/results.good.json")
	if err != nil {
		t.Fatal(err)
	}
	res := decode(t, data, "results.good.json")
	if len(res.Recs) != 4 {
		t.Fatalf("got %d records, want a full alert and a partial per joined row", len(res.Recs))
	}
	if res.Recs[0].Partial || !res.Recs[1].Partial || res.Recs[0].Alert.Category != "Impact" {
		t.Errorf("joined row gave %+v, %+v", res.Recs[0].Alert, res.Recs[1].Alert)
	}
	if got := res.Recs[1].Alert.Entities[0].ID; got != "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" {
		t.Errorf("file id = %q", got)
	}
}

func TestDecodeStreamSkipsOtherTables(t *testing.T) {
	data, err := os.ReadFile("testdata/eventhubs.good.json")
	if err != nil {
		t.Fatal(err)
	}
	res := decode(t, data, "eventhubs.good.json")
	if len(res.Recs) != 4 || len(res.Errs) != 0 {
		t.Fatalf("got %d records and %v, want 4 and no errors", len(res.Recs), res.Errs)
	}
	if got := res.Recs[2].Alert.Entities[0].ID; got != "2001:db8::42" {
		t.Errorf("ip = %q, want netip form", got)
	}
	if got := res.Recs[3].Index; got != 5 {
		t.Errorf("last record index = %d, want 5 (the DeviceEvents row counts)", got)
	}
}

// wantErr is one expected record error: where and which field.
type wantErr = decodertest.WantErr

const (
	goodInfo = `{"Timestamp":"2025-01-02T03:04:05Z","AlertId":"da1_1","Title":"t","Category":"Execution","Severity":"Low","AttackTechniques":"[\"PowerShell (T1059.001)\"]"}`
	goodEv   = `{"Timestamp":"2025-01-02T03:04:05Z","AlertId":"da1_1","EntityType":"Ip","EvidenceRole":"Related","RemoteIP":"192.0.2.7"}`
)

func TestDecodeBad(t *testing.T) {
	huge := `{"Timestamp":"2025-01-02T03:04:05Z","AlertId":"da1_2","Title":"` + strings.Repeat("x", 10<<20) + `"}`
	tests := []struct {
		name  string
		input string
		recs  int // good records still yielded
		errs  []wantErr
	}{
		{"empty file", "", 0, nil},
		{"not JSON", "Timestamp,AlertId,Title\n2025-01-02,da1,x\n", 0, []wantErr{{Record: 1}}},
		{"truncated array", "[" + goodInfo + `,{"AlertId":"da1_2","Title":"cut`, 1, []wantErr{{Record: 2}}},
		{"truncated line", goodInfo + "\n" + `{"AlertId":"da1_2","Ti` + "\n" + goodEv, 2, []wantErr{{Line: 2, Record: 2}}},
		{"title is a number", goodInfo + "\n" + `{"Timestamp":"2025-01-02T03:04:05Z","AlertId":"da1_2","Title":42}` + "\n" + goodEv, 2,
			[]wantErr{{Line: 2, Record: 2, Field: "Title"}}},
		{"alert id is an object", `{"category":"AdvancedHunting-AlertInfo","properties":{"AlertId":{"id":1},"Timestamp":"2025-01-02T03:04:05Z"}}` + "\n" + goodEv, 1,
			[]wantErr{{Line: 1, Record: 1, Field: "properties.AlertId"}}},
		{"missing alert id", `{"Timestamp":"2025-01-02T03:04:05Z","Title":"no id"}` + "\n" + goodInfo, 1, []wantErr{{Line: 1, Record: 1, Field: "AlertId"}}},
		{"evidence without alert id", `{"EntityType":"Ip","RemoteIP":"192.0.2.1"}` + "\n" + goodInfo, 1, []wantErr{{Line: 1, Record: 1, Field: "AlertId"}}},
		{"invalid UTF-8", goodInfo + "\n" + "{\"AlertId\":\"da1_2\",\"Title\":\"\xff\xfe\"}" + "\n" + goodEv, 2, []wantErr{{Line: 2, Record: 2}}},
		{"year 0001", `{"Timestamp":"0001-01-01T00:00:00Z","AlertId":"da1_2","Title":"old"}` + "\n" + goodInfo, 1, []wantErr{{Line: 1, Record: 1, Field: "Timestamp"}}},
		{"year 9999", goodInfo + "\n" + `{"Timestamp":"9999-12-31T23:59:59Z","AlertId":"da1_2","Title":"late"}`, 1, []wantErr{{Line: 2, Record: 2, Field: "Timestamp"}}},
		{"no time at all", `{"AlertId":"da1_2","Title":"when?"}`, 0, []wantErr{{Line: 1, Record: 1, Field: "Timestamp"}}},
		{"10 MB title", goodInfo + "\n" + huge + "\n" + goodEv, 2, []wantErr{{Line: 2, Record: 2}}},
		{"malformed technique ids", `{"Timestamp":"2025-01-02T03:04:05Z","AlertId":"da1_2","Title":"t","AttackTechniques":"[\"Command and Scripting Interpreter (T1059.1)\",\"PowerShell (T1059.001)\",\"Cloud Admin Command (CST0001)\"]"}`,
			1, []wantErr{{Line: 1, Record: 1, Field: "AttackTechniques[0]", Kept: true}, {Line: 1, Record: 1, Field: "AttackTechniques[2]", Kept: true}}},
		{"techniques not an array", `{"Timestamp":"2025-01-02T03:04:05Z","AlertId":"da1_2","AttackTechniques":"[1,2]"}`, 1,
			[]wantErr{{Line: 1, Record: 1, Field: "AttackTechniques[0]", Kept: true}}},
		{"unknown severity", `{"Timestamp":"2025-01-02T03:04:05Z","AlertId":"da1_2","Severity":"Apocalyptic"}`, 1, []wantErr{{Line: 1, Record: 1, Field: "Severity", Kept: true}}},
		{"additional fields not JSON", `{"Timestamp":"2025-01-02T03:04:05Z","AlertId":"da1_2","EntityType":"Process","ProcessCommandLine":"cmd","AdditionalFields":"{oops"}`, 1,
			[]wantErr{{Line: 1, Record: 1, Field: "AdditionalFields", Kept: true}}},
		{"a number, not a record", "[" + goodInfo + ",17]", 1, []wantErr{{Record: 2}}},
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
		{`{"Timestamp":"2025-01-02T03:04:05Z","AlertId":"a","Title":42}`, "bad.json:1: record 1: Title: want a string, got a number"},
		{`{"Timestamp":"2025-01-02T03:04:05Z","AlertId":"a","AttackTechniques":"[\"X (T1059.1)\"]"}`,
			`bad.json:1: record 1: AttackTechniques[0]: want T#### or T####.###, got "T1059.1" (field dropped, record kept)`},
		{`{"category":"AdvancedHunting-AlertEvidence","properties":{"AlertId":"a","EntityType":"File","FileSize":[1]}}`,
			"bad.json:1: record 1: properties.FileSize: want a string or number, got an array"},
	}
	for _, tc := range tests {
		res := decode(t, []byte(tc.input), "bad.json")
		if len(res.Errs) != 1 || res.Errs[0].Error() != tc.want {
			t.Errorf("errors = %v, want %q", res.Errs, tc.want)
		}
	}
}

func TestDecodeStopsOnCancel(t *testing.T) {
	decodertest.Cancelled(t, New(), goodInfo+"\n"+goodEv)
}

func TestSniff(t *testing.T) {
	decodertest.Sniff(t, New(), "testdata/*.good.*", decodertest.In("defender_advanced_hunting"))
}

// FuzzDecode feeds Decode arbitrary input; see decodertest.Fuzz.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{goodInfo, goodEv} {
		f.Add([]byte(s))
	}
	decodertest.Fuzz(f, New())
}
