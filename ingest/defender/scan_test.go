package defender

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// checkParse decodes the record at the start of b with the strict
// scanner (scanner.parse, which checks as it decodes), and fails unless
// it either gives up or accepts exactly one JSON object that jsontext
// accepts too, valid UTF-8, decoded as json.Unmarshal decodes it. It
// reports whether parse decoded a record.
func checkParse(t testing.TB, b []byte, s *scanner, fast, slow *incident) bool {
	t.Helper()
	n, ok := s.parse(b, fast)
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
	return true
}

// scanAll decodes every record of data with the scanner alone and with
// json.Unmarshal, each into an incident reused across records, and fails
// unless the scanner either gives up or decodes exactly what
// json.Unmarshal does; the strict scanner must decode the same records,
// and give up on any of them cut short. It returns how many records the
// scanner decoded and how many there were.
func scanAll(t testing.TB, data []byte) (decoded, records int) {
	t.Helper()
	var s scanner
	var fast, slow incident
	for it := range wire.Records(bytes.NewReader(data), "value") {
		if it.Err != nil {
			continue
		}
		records++
		fast.reset()
		slow.reset()
		fastErr := s.fast(it.Raw, it.Strings, &fast)
		slowErr := json.Unmarshal(it.Raw, &slow, unmarshalOptions)
		var pfast, pslow incident
		raw := bytes.Clone(it.Raw)
		if parsed := checkParse(t, append(raw, `,{"incidentId":1}`...), &s, &pfast, &pslow); parsed != (fastErr == nil) {
			t.Fatalf("strict scanner decoded: %v, scanner: %v, on %s", parsed, fastErr == nil, raw)
		}
		for _, cut := range []int{len(raw) - 1, len(raw) / 2} {
			if checkParse(t, raw[:cut], &s, &pfast, &pslow) {
				t.Fatalf("strict scanner decoded %s cut to %d bytes", raw, cut)
			}
		}
		if fastErr != nil {
			continue
		}
		decoded++
		if slowErr != nil {
			t.Fatalf("scanner decoded what json.Unmarshal rejects (%v): %s", slowErr, it.Raw)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("scanner and json.Unmarshal differ on %s:\nscanner %+v\nunmarshal %+v", it.Raw, fast, slow)
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
	if decoded, records := scanAll(t, generate(20, 5)); decoded != records || records == 0 {
		t.Errorf("generated: scanner decoded %d of %d records", decoded, records)
	}
}

// FuzzScan checks the scanner against json.Unmarshal on any object
// wire.Records accepts (seeds: the fixtures and two odd records).
func FuzzScan(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"incidentId":"7","alerts":[null,{"alertId":"a","devices":[{}],"entities":[{"processId":" 12 "}]}],"alerts":[{"entities":null}],"tags":[]}`))
	f.Add([]byte(`{"\u0069ncidentId":7,"incidentName":"a\n\"b","tags":null,"comments":[{"comment":"x"},null]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		scanAll(t, data)
		var s scanner
		var fast, slow incident
		checkParse(t, data, &s, &fast, &slow)
	})
}
