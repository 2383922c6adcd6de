package defender

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json"
)

// scanAll decodes every record of data with the scanner alone and with
// json.Unmarshal, each into an incident reused across records, and fails
// unless the scanner either gives up or decodes exactly what
// json.Unmarshal does. It returns how many records the scanner decoded
// and how many there were.
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
	})
}
