package graph

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// checkScan decodes raw with the scanner alone and with json.Unmarshal,
// each into a record reused from earlier calls, and fails unless the
// scanner either gives up or decodes exactly what json.Unmarshal does. It
// reports whether the scanner decoded raw. kept lets the scanner decode
// views of raw (wire.Item.Kept).
func checkScan(t testing.TB, raw []byte, spans []uint32, kept bool, s *scanner, fast, slow *record) bool {
	t.Helper()
	fast.reset()
	slow.reset()
	fastErr := s.fast(raw, spans, kept, fast)
	slowErr := json.Unmarshal(raw, slow, unmarshalOptions)
	if fastErr != nil {
		return false
	}
	if slowErr != nil {
		t.Fatalf("scanner decoded what json.Unmarshal rejects (%v): %s", slowErr, raw)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("scanner and json.Unmarshal differ on %s:\nscanner %+v\nunmarshal %+v", raw, fast, slow)
	}
	return true
}

// checkParse decodes the record at the start of b with the strict
// scanner (scanner.parse, which checks as it decodes), and fails unless
// it either gives up or accepts exactly one JSON object that jsontext
// accepts too, valid UTF-8, decoded as json.Unmarshal decodes it. It
// reports whether parse decoded a record. It parses b twice: the
// strings copied, then as views of b (a KeptParseFunc told kept).
func checkParse(t testing.TB, b []byte, s *scanner, fast, slow *record) bool {
	t.Helper()
	n, ok := s.parse(b, false, fast)
	if !ok {
		return false
	}
	raw := b[:n]
	if obj := bytes.TrimLeft(raw, " \t\r\n"); len(obj) == 0 || obj[0] != '{' || !utf8.Valid(raw) || !jsontext.Value(raw).IsValid(jsontext.AllowDuplicateNames(true)) {
		t.Fatalf("strict scanner accepted %q of %q", raw, b)
	}
	slow.reset()
	if err := json.Unmarshal(raw, slow, unmarshalOptions); err != nil {
		t.Fatalf("strict scanner decoded what json.Unmarshal rejects (%v): %s", err, raw)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("strict scanner and json.Unmarshal differ on %s:\nscanner %+v\nunmarshal %+v", raw, fast, slow)
	}
	if viewN, viewOK := s.parse(b, true, fast); viewOK != ok || viewN != n {
		t.Fatalf("strict scanner with views: %d, %v; without: %d, %v, on %q", viewN, viewOK, n, ok, b)
	}
	// A record parsed twice keeps the capacity of its alerts (whether
	// spareAlerts is nil), which json.Unmarshal's did not have.
	viewed, want := *fast, *slow
	viewed.spareAlerts, want.spareAlerts = nil, nil
	if !reflect.DeepEqual(viewed, want) {
		t.Fatalf("strict scanner with views and json.Unmarshal differ on %s:\nscanner %+v\nunmarshal %+v", raw, viewed, want)
	}
	return true
}

// scanAll runs checkScan on every record of data and returns how many the
// scanner decoded and how many records there were. The strict scanner
// must decode the same records, and give up on any of them cut short.
func scanAll(t testing.TB, data []byte) (decoded, records int) {
	t.Helper()
	var s scanner
	var fast, slow record
	for it := range wire.Records(bytes.NewReader(data), "value") {
		if it.Err != nil {
			continue
		}
		records++
		scanned := checkScan(t, it.Raw, it.Strings, it.Kept, &s, &fast, &slow)
		if scanned {
			decoded++
		}
		raw := bytes.Clone(it.Raw)
		if parsed := checkParse(t, append(raw, `,{"id":"next"}`...), &s, &fast, &slow); parsed != scanned {
			t.Fatalf("strict scanner decoded: %v, scanner: %v, on %s", parsed, scanned, raw)
		}
		for _, cut := range []int{len(raw) - 1, len(raw) / 2} {
			if checkParse(t, raw[:cut], &s, &fast, &slow) {
				t.Fatalf("strict scanner decoded %s cut to %d bytes", raw, cut)
			}
		}
	}
	return decoded, records
}

func TestScanMatchesUnmarshal(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	corpus, _ := filepath.Glob("testdata/fuzz/FuzzDecode/*")
	for _, f := range append(files, corpus...) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			decoded, records := scanAll(t, data)
			if filepath.Ext(filepath.Base(f[:len(f)-len(".json")])) == ".good" && decoded != records {
				t.Errorf("scanner decoded %d of %d records of a good fixture", decoded, records)
			}
		})
	}
	for name, data := range map[string][]byte{"alerts_v2": generateAlerts(50), "incidents": generateIncidents(10, 5)} {
		if decoded, records := scanAll(t, data); decoded != records || records == 0 {
			t.Errorf("%s: scanner decoded %d of %d records", name, decoded, records)
		}
	}
}

// TestScanGivesUp checks that the scanner leaves to json.Unmarshal what
// it cannot decode as json.Unmarshal would.
func TestScanGivesUp(t *testing.T) {
	for _, raw := range []string{
		`{"id": 7}`,
		`{"mitreTechniques": "T1059"}`,
		`{"evidence": {"@odata.type": "x"}}`,
		`{"evidence": [{"processId": true}]}`,
		`{"evidence": [{"processId": 1.5}]}`,
		`{"evidence": [{"processId": -1}]}`,
		`{"evidence": [{"userAccount": "me"}]}`,
		`{"alerts": "none"}`,
		`{"title": "\ud800"}`,
	} {
		var s scanner
		var w record
		if s.fast([]byte(raw), nil, false, &w) == nil {
			t.Errorf("scanner decoded %s", raw)
		}
	}
}

// FuzzScan checks the scanner against json.Unmarshal on any object
// wire.Records accepts (seeds: the FuzzDecode corpus and fixtures).
func FuzzScan(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"id":"a","evidence":[{"userAccount":{"upn":"x"},"userAccount":{"domainName":"d"}}],"evidence":[null,{}],"alerts":[]}`))
	f.Add([]byte(`{"\u0069d":"a\n\"b","tags":null,"customTags":[],"mitreTechniques":[null,"T1"],"evidence":[{"processId":"  12 ","appId":null,"fileDetails":null}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		scanAll(t, data)
		var s scanner
		var fast, slow record
		checkParse(t, data, &s, &fast, &slow)
	})
}

// TestLoneAlertAfterIncident: an alert without @odata.type that follows an
// incident in the same input is an alert, not an incident.
func TestLoneAlertAfterIncident(t *testing.T) {
	in := `{"id":"7","displayName":"Incident 7","createdDateTime":"2026-01-02T03:04:05Z","alerts":[{"id":"a1","title":"first","createdDateTime":"2026-01-02T03:04:05Z"}]}
{"id":"a2","title":"lone","incidentId":"8","createdDateTime":"2026-01-02T04:04:05Z"}
`
	var kinds []string
	for rec, err := range New().Decode(context.Background(), strings.NewReader(in), "mixed.ndjson") {
		if err != nil {
			t.Fatal(err)
		}
		if rec.Incident != nil {
			kinds = append(kinds, "incident "+rec.Incident.ID)
		} else {
			kinds = append(kinds, "alert "+rec.Alert.ID)
		}
	}
	if got := strings.Join(kinds, ", "); got != "incident defender:7, alert defender:a2" {
		t.Errorf("records: %s", got)
	}
}
