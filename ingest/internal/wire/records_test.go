package wire_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// collect renders each item as "line/index:raw" or "line/index!error".
func collect(in string, containers ...string) []string {
	var out []string
	for it := range wire.Records(strings.NewReader(in), containers...) {
		if it.Err != nil {
			mark := "!"
			if it.Fatal {
				mark = "!!"
			}
			out = append(out, fmt.Sprintf("%d/%d%s%v", it.Line, it.Index, mark, it.Err))
			continue
		}
		out = append(out, fmt.Sprintf("%d/%d:%s", it.Line, it.Index, it.Raw))
	}
	return out
}

func TestRecords(t *testing.T) {
	tests := []struct {
		name, in   string
		containers []string
		want       string
	}{
		{"ndjson", "{\"a\":1}\n\n{\"a\":2}\n", nil, `1/1:{"a":1} | 3/2:{"a":2}`},
		{"ndjson bad line in the middle", "{\"a\":1}\n{\"a\":\n{\"a\":3}", nil,
			`1/1:{"a":1} | 2/2!line is not a complete JSON object (truncated or not JSON) | 3/3:{"a":3}`},
		{"array", `[{"a":1},{"a":2}]`, nil, `0/1:{"a":1} | 0/2:{"a":2}`},
		{"array with a non-object", `[{"a":1},7]`, nil, `0/1:{"a":1} | 0/2!want a JSON object, got a number`},
		{"value envelope", `{"@odata.context":"x","value":[{"a":1},{"a":2}],"@odata.nextLink":"y"}`, []string{"value"},
			`1/1:{"a":1} | 1/2:{"a":2}`},
		{"envelope per line", "{\"records\":[{\"a\":1}]}\n{\"records\":[{\"a\":2}]}\n", []string{"records"},
			`1/1:{"a":1} | 2/2:{"a":2}`},
		{"search response", `{"took":1,"hits":{"total":2,"hits":[{"_id":"x"}]}}`, []string{"hits.hits"}, `1/1:{"_id":"x"}`},
		{"line naming a container below its top level is the record as written", "{\"a\" : 1, \"b\": {\"value\": [2]}}\n{\"a\":3}\n", []string{"value"},
			`1/1:{"a" : 1, "b": {"value": [2]}} | 2/2:{"a":3}`},
		{"single pretty object is one record", "{\n \"a\": 1,\n \"value\": {\"b\": 2}\n}", []string{"value"},
			`0/1:{"a":1,"value":{"b": 2}}`},
		{"concatenated pretty documents", "{\n\"a\": 1\n}\n\n{\n\"a\": 2\n}", nil, `0/1:{"a":1} | 0/2:{"a":2}`},
		{"truncated array", `[{"a":1},{"a":`, nil, `0/1:{"a":1} | 0/2!!input ends in the middle of a record (truncated?): invalid JSON: unexpected EOF (after byte 14)`},
		{"invalid utf-8 in ndjson", "{\"a\":\"\xff\"}\n{\"a\":2}\n", nil, `1/1!record is not valid UTF-8 | 2/2:{"a":2}`},
		{"invalid utf-8 in array", "[{\"a\":\"\xff\"},{\"a\":2}]", nil, `0/1!record is not valid UTF-8 | 0/2:{"a":2}`},
		{"empty", "", nil, ``},
		{"not json", "hello", nil, `0/1!!invalid JSON: invalid character 'h' at start of value`},
		{"byte order mark before ndjson", "\xef\xbb\xbf{\"a\":1}\n{\"a\":2}\n", nil, `1/1:{"a":1} | 2/2:{"a":2}`},
		{"byte order mark before an envelope", "\xef\xbb\xbf{\"value\":[{\"a\":1}]}", []string{"value"}, `1/1:{"a":1}`},
		{"byte order mark before pretty documents", "\xef\xbb\xbf{\n\"a\": 1\n}\n\n{\n\"a\": 2\n}", nil, `0/1:{"a":1} | 0/2:{"a":2}`},
		{"offsets count the byte order mark", "\xef\xbb\xbf[{\"a\":1},{\"a\":", nil, `0/1:{"a":1} | 0/2!!input ends in the middle of a record (truncated?): invalid JSON: unexpected EOF (after byte 17)`},
		{"byte order mark alone", "\xef\xbb\xbf", nil, ``},
		{"byte order mark twice", "\xef\xbb\xbf\xef\xbb\xbf{}", nil, `0/1!!invalid JSON: invalid character '\ufeff' at start of value (after byte 3)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(collect(tc.in, tc.containers...), " | ")
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestRecordsTooLarge(t *testing.T) {
	big := `{"title":"` + strings.Repeat("x", 10<<20) + `"}`
	got := collect(big + "\n{\"a\":1}\n")
	if len(got) != 2 || !strings.Contains(got[0], "limit") || got[1] != `2/2:{"a":1}` {
		t.Errorf("got %.200q", got)
	}
	got = collect("[" + big + `,{"a":1}]`)
	if len(got) != 2 || !strings.Contains(got[0], "limit") || got[1] != `0/2:{"a":1}` {
		t.Errorf("array: got %.200q", got)
	}
}

// A whole API response on one line, larger than MaxRecord, is read record
// by record rather than rejected as one over-long line.
func TestRecordsLongEnvelopeLine(t *testing.T) {
	rec := `{"title":"` + strings.Repeat("x", 1<<20) + `"}`
	in := `{"@odata.context":"x","value":[` + strings.Repeat(rec+",", 9) + rec + `]}` + "\n" + `{"value":[{"a":1}]}`
	got := collect(in, "value")
	if len(got) != 11 || !strings.HasPrefix(got[0], `0/1:{"title":"xxx`) || got[10] != `0/11:{"a":1}` {
		t.Errorf("got %d items: %.200q", len(got), got)
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2020-09-06T14:46:57.0733333Z", "2020-09-06T14:46:57.0733333Z"},
		{"2023-05-22T10:40:43.395+0000", "2023-05-22T10:40:43.395Z"},
		{"2024-02-15T16:07:34.606-0300", "2024-02-15T19:07:34.606Z"},
		{"2021-01-26 01:00:37", "2021-01-26T01:00:37Z"},
		{"2021-01-26T01:00:37", "2021-01-26T01:00:37Z"},
		{"", "0001-01-01T00:00:00Z"},
		{"0001-01-01T00:00:00Z", "error"},
		{"9999-12-31T23:59:59Z", "error"},
		{"yesterday", "error"},
	}
	for _, tc := range tests {
		got, err := wire.ParseTime(tc.in)
		s := got.Format(time.RFC3339Nano)
		if err != nil {
			s = "error"
		}
		if s != tc.want {
			t.Errorf("ParseTime(%q) = %s (%v), want %s", tc.in, s, err, tc.want)
		}
	}
}

func TestEpoch(t *testing.T) {
	want := time.Date(2023, 9, 19, 15, 5, 22, 0, time.UTC)
	for _, v := range []float64{1695135922, 1695135922000, 1695135922000000, 1695135922000000000} {
		got, err := wire.Epoch(v)
		if err != nil || !got.Equal(want) {
			t.Errorf("Epoch(%v) = %v, %v; want %v", v, got, err, want)
		}
	}
	if _, err := wire.Epoch(-5); err == nil {
		t.Error("Epoch(-5): want an error")
	}
}

// TestKeptStays: the Raw of a Kept item is unchanged when the input has
// been read to the end (the splitter reads each buffer's rest into a new
// one), with a ParseFunc and without, for records of many lengths that
// the buffers cut.
func TestKeptStays(t *testing.T) {
	var in strings.Builder
	in.WriteString(`{"value":[`)
	var want []string
	for i := range 3000 {
		rec := fmt.Sprintf(`{"id":"r%d","pad":%q}`, i, strings.Repeat("x", i*37%900))
		if i > 0 {
			in.WriteString(" ,\n")
		}
		in.WriteString(rec)
		want = append(want, rec)
	}
	in.WriteString("]}")
	for _, withParse := range []bool{false, true} {
		var parse wire.ParseFunc
		if withParse {
			var s wire.Scanner
			parse = func(b []byte) (int, bool) {
				s.ResetStrict(b)
				if s.Skip() != nil {
					return 0, false
				}
				return s.Pos(), true
			}
		}
		var kept [][]byte
		for it := range wire.RecordsParsed(strings.NewReader(in.String()), parse, "value") {
			if it.Err != nil {
				t.Fatal(it.Err)
			}
			if !it.Kept {
				t.Fatalf("parse %v: record %d not Kept", withParse, it.Index)
			}
			if cap(it.Raw) != len(it.Raw) {
				t.Fatalf("parse %v: record %d: Raw has room to append into the buffer", withParse, it.Index)
			}
			kept = append(kept, it.Raw)
		}
		if len(kept) != len(want) {
			t.Fatalf("parse %v: %d records, want %d", withParse, len(kept), len(want))
		}
		for i := range want {
			if string(kept[i]) != want[i] {
				t.Fatalf("parse %v: record %d changed: %.60s", withParse, i+1, kept[i])
			}
		}
	}
}

// TestParseTimeText: the text ParseTimeText gives back is exactly what
// formatting its time with time.RFC3339Nano writes, and it gives one for
// the usual UTC forms.
func TestParseTimeText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		text bool
	}{
		{"2024-04-26T07:45:50.1234567Z", true},
		{" 2024-04-26T07:45:50Z ", true},
		{"2024-04-26T07:45:50.5Z", true},
		{"2024-04-26T07:45:50.120Z", false},
		{"2024-04-26T07:45:50.0Z", false},
		{"2024-04-26T07:45:50.000000000Z", false},
		{"2024-04-26T07:45:50+00:00", false},
		{"2024-04-26T09:45:50.1+02:00", false},
		{"2024-04-26 07:45:50Z", false},
		{"", false},
		{"yesterday", false},
	} {
		got, text, err := wire.ParseTimeText(tc.in)
		want, wantErr := wire.ParseTime(tc.in)
		if !got.Equal(want) || (err == nil) != (wantErr == nil) {
			t.Errorf("ParseTimeText(%q) = %v, %v; ParseTime: %v, %v", tc.in, got, err, want, wantErr)
		}
		if (text != "") != tc.text || text != "" && text != got.Format(time.RFC3339Nano) {
			t.Errorf("ParseTimeText(%q) text %q, want text %v (formatted: %q)", tc.in, text, tc.text, got.Format(time.RFC3339Nano))
		}
	}
}

// FuzzRecordsBOM checks that a byte order mark before an input changes
// nothing of the records found in it: lines, indexes, bytes and errors
// (but the offsets errors give, which count the mark).
func FuzzRecordsBOM(f *testing.F) {
	for _, seed := range []string{"{\"a\":1}\n{\"a\":\n", `[{"a":1},{"a":2}]`, `{"value":[{"a":1}]}`, "\n\n{\n\"a\":1}", `[{"a":1},`, "hello"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if strings.HasPrefix(in, wire.BOM) {
			return // the mark skipped is the one in
		}
		plain, marked := items(in), items(wire.BOM+in)
		if len(plain) != len(marked) {
			t.Fatalf("%d records without the mark, %d with it", len(plain), len(marked))
		}
		for i := range plain {
			if plain[i] != marked[i] {
				t.Errorf("record %d: %s without the mark, %s with it", i+1, plain[i], marked[i])
			}
		}
	})
}

var afterByte = regexp.MustCompile(` \(after byte [0-9]+\)`)

// items renders each item as collect does, with errors' offsets left out.
func items(in string) []string {
	var out []string
	for it := range wire.Records(strings.NewReader(in), "value") {
		s := fmt.Sprintf("%d/%d:%s fatal=%t", it.Line, it.Index, it.Raw, it.Fatal)
		if it.Err != nil {
			s += " err=" + afterByte.ReplaceAllString(it.Err.Error(), "")
		}
		out = append(out, s)
	}
	return out
}
