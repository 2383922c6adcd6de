package wire

import (
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// both splits in with and without fastElements, and with a ParseFunc
// (strictWalk); they must agree on every record, error (wording, offsets)
// and position.
func both(t *testing.T, in string, containers ...string) string {
	t.Helper()
	var sc Scanner
	parse := func(b []byte) (int, bool) {
		sc.ResetStrict(b)
		if strictWalk(&sc) != nil {
			return 0, false
		}
		return sc.Pos(), true
	}
	run := func(fast, oneByte, parsed bool) string {
		fastArrays = fast
		defer func() { fastArrays = true }()
		var out []string
		r := strings.NewReader(in)
		var rd = iotestReader(r, oneByte)
		p := parse
		if !parsed {
			p = nil
		}
		for it := range RecordsParsed(rd, p, containers...) {
			if it.Err != nil {
				out = append(out, fmt.Sprintf("%d/%d!%v/%v", it.Line, it.Index, it.Fatal, it.Err))
				continue
			}
			if it.Parsed && !parsed {
				t.Errorf("record %d parsed without a ParseFunc", it.Index)
			}
			out = append(out, fmt.Sprintf("%d/%d:%s", it.Line, it.Index, it.Raw))
		}
		return strings.Join(out, " | ")
	}
	slow, fast, fastOne := run(false, false, false), run(true, false, false), run(true, true, false)
	parsed, parsedOne := run(true, false, true), run(true, true, true)
	if norm(fast) != norm(slow) || norm(fastOne) != norm(slow) || norm(parsed) != norm(slow) || norm(parsedOne) != norm(slow) {
		t.Errorf("input %.200q:\nfast      %.500s\nfast, 1B  %.500s\nparsed    %.500s\nparsed 1B %.500s\njsontext  %.500s",
			in, fast, fastOne, parsed, parsedOne, slow)
	}
	return fast
}

// strictWalk reads the next value with a strict Scanner the way decoders
// do: objects member by member, arrays element by element, strings
// unquoted, arrays of strings whole, other values skipped.
func strictWalk(s *Scanner) error {
	switch s.Peek() {
	case '{':
		return s.Object(func(name []byte) error {
			if len(name) > 0 && name[0] == 's' {
				var ss []string
				if s.Peek() == '[' || s.Peek() == 'n' {
					return s.Strings(&ss)
				}
			}
			return strictWalk(s)
		})
	case '[':
		return s.Elements(func(int) error { return strictWalk(s) })
	case '"':
		var str string
		return s.String(&str)
	case 'n':
		var str string
		return s.String(&str)
	case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var n string
		return Integer(s, &n)
	}
	return s.Skip()
}

func iotestReader(r *strings.Reader, oneByte bool) interface{ Read([]byte) (int, error) } {
	if oneByte {
		return iotest.OneByteReader(r)
	}
	return r
}

func TestFastElements(t *testing.T) {
	big := `{"title":"` + strings.Repeat("x", 9<<20) + `"}`
	for _, tc := range []struct {
		in         string
		containers []string
	}{
		{`[{"a":1},{"a":2}]`, nil},
		{` [ {"a":1} , {"a":"é"} ] [{"b":3}]`, nil},
		{`[]`, nil},
		{`[ ]`, nil},
		{`[{"a":1},7,"x",null,[1],{"b":2}]`, nil},
		{`[{"a":1},{"a":`, nil},
		{`[{"a":1},{"a":2}`, nil},
		{`[{"a":1},{"a":2},`, nil},
		{`[{"a":1},{"a":2},]`, nil},
		{`[,{"a":1}]`, nil},
		{`[{"a":1} {"a":2}]`, nil},
		{`[{"a":1},{"a":01}]`, nil},
		{`[{"a":1},{"a":"\ud83d\ude00"},{"a":3}]`, nil},
		{"[{\"a\":\"\xff\"},{\"a\":2}]", nil},
		{`[{"a":1},{"a":2}] x`, nil},
		{`{"@odata.context":"x","value":[{"a":1},{"a":2}],"@odata.nextLink":"y"}`, []string{"value"}},
		{`{"value":[{"a":1},{"a":2}]}{"value":[{"a":3}]}`, []string{"value"}},
		{`{"value":[{"a":1},{"a":2},{"a":tru}]}`, []string{"value"}},
		{`{"value":[{"a":1},{"a":2}],"x":]}`, []string{"value"}},
		{`{"took":1,"hits":{"total":2,"hits":[{"_id":"x"},{"_id":"y"}],"max":1},"z":2}`, []string{"hits.hits"}},
		{`{"took":1,"hits":{"total":2,"hits":[{"_id":"x"},{"_id":`, []string{"hits.hits"}},
		{"{\"value\":[{\"a\":1}]}\n{\"value\":[{\"a\":2},{\"a\":3}]}\n", []string{"value"}},
		{"{\"value\":[{\"a\":1}]}\n{\"value\":[{\"a\":2},{\"a\":3]}\n{\"value\":[{\"a\":4}]}\n", []string{"value"}},
		{"[" + big + `,{"a":1}]`, nil},
		{"[" + strings.Repeat(`{"a":[`, 70) + strings.Repeat(`]}`, 70) + `,{"a":1}]`, nil},
		{`[{"a":nul},{"a":1}]`, nil},
		{`[{"a":nullx},{"a":1}]`, nil},
		{`[{"a":007},{"a":1}]`, nil},
		{`[{"a":[1,]},{"a":1}]`, nil},
		{`[{"a":{"b":1,}},{"a":1}]`, nil},
		{`[{"a":1,},{"a":1}]`, nil},
		{`[{"a" 1},{"a":1}]`, nil},
		{`[{"s":["x",]},{"a":1}]`, nil},
		{`[{"s":["x" "y"]},{"a":1}]`, nil},
		{"[{\"a\":\"\x01\"},{\"a\":1}]", nil},
		{`[{"a":"\x"},{"a":1}]`, nil},
		{`[{"a\u0062":"\u00e9\n"},{"a":tRue}]`, nil},
		{`[{"a":12,"b":-1.5e3,"c":true,"d":false,"s":null},{"a":1}]`, nil},
		{`{"value":[{"a":1},{"a":"é","b":[{"c":{"d":[null]}}]}]}`, []string{"value"}},
		{"{\"a\":1}\n{\"a\":nul}\n{\"a\":\"\xff\"}\n{\"s\":[\"x\"]}\n", nil},
		// White space before a bad element: jsontext places the error
		// at the comma, or the bracket, before it.
		{`[{},0,0, }000`, nil},
		{"[{\"a\":1},\n\t }]", nil},
		{"[ \n }]", nil},
		{`{"value":[{"a":1} ,   }]}`, []string{"value"}},
		{"[{\"a\":1}," + strings.Repeat(" ", 300<<10) + "}]", nil},
	} {
		both(t, tc.in, tc.containers...)
	}
}

func FuzzFastElements(f *testing.F) {
	f.Add(`{"value":[{"a":1},{"a":"é"},7]}`)
	f.Add(`[{"a":1},{"a":[1,2,{"b":null}]}] [{"c":true}]`)
	f.Add(`{"hits":{"hits":[{"_id":"x"}]}}`)
	f.Fuzz(func(t *testing.T, in string) {
		both(t, in, "value", "hits.hits")
	})
}

// eofPointer matches the pointer of an unexpected-EOF error, whose
// member names jsontext itself gives or leaves out depending on how reads
// split the input ("/1/a" or "/1/" for [{"a":1},{"a":), so the fast path
// cannot promise them; the offset is compared.
var eofPointer = regexp.MustCompile(`(unexpected EOF within )"[^"]*"`)

func norm(s string) string { return eofPointer.ReplaceAllString(s, `$1…`) }

// TestRecordsParsed: records the ParseFunc decodes come with Parsed set,
// the others (it gave up, or the record is not an object) without.
func TestRecordsParsed(t *testing.T) {
	var sc Scanner
	parse := func(b []byte) (int, bool) {
		sc.ResetStrict(b)
		if strictWalk(&sc) != nil || b[sc.Pos()-2] == '0' { // gives up on records ending in 0
			return 0, false
		}
		return sc.Pos(), true
	}
	for _, in := range []string{`{"value":[{"a":1},{"a":0},7,{"a":"x"}]}`, "{\"a\":1}\n{\"a\":0}\n7\n{\"a\":\"x\"}\n"} {
		var got []string
		for it := range RecordsParsed(strings.NewReader(in), parse, "value") {
			if it.Err != nil {
				got = append(got, "error")
				continue
			}
			got = append(got, fmt.Sprintf("%s:%v", it.Raw, it.Parsed))
		}
		if s := strings.Join(got, " "); s != `{"a":1}:true {"a":0}:false error {"a":"x"}:true` {
			t.Errorf("%q: %s", in, s)
		}
	}
}

// TestRecordsParsedRoot: with a parse that refuses records naming a
// container at their top level, the splitter hands it every line of
// NDJSON, and reads the lines it refuses as RecordsParsed would; a line
// that names a container only below its top level is the record, as
// written, whichever path reads it.
func TestRecordsParsedRoot(t *testing.T) {
	var sc Scanner
	var offered []string
	parse := func(b []byte) (int, bool) {
		offered = append(offered, string(b))
		sc.ResetStrict(b)
		if sc.Peek() == '{' && strings.HasPrefix(string(b[1:]), `"value"`) {
			return 0, false // a top-level container (only the first member, in this test)
		}
		if strictWalk(&sc) != nil {
			return 0, false
		}
		return sc.Pos(), true
	}
	in := "{\"a\":1}\n{\"value\":[{\"a\":2},{\"a\":3}]}\n{\"a\" : 4, \"b\": {\"value\":[5]}}\n"
	for _, root := range []bool{false, true} {
		offered = nil
		records := RecordsParsed
		if root {
			records = RecordsParsedRoot
		}
		var got []string
		for it := range records(strings.NewReader(in), parse, "value") {
			if it.Err != nil {
				t.Fatal(it.Err)
			}
			got = append(got, fmt.Sprintf("%s:%v", it.Raw, it.Parsed))
		}
		want := `{"a":1}:true {"a":2}:true {"a":3}:true {"a" : 4, "b": {"value":[5]}}:` + fmt.Sprint(root)
		if s := strings.Join(got, " "); s != want {
			t.Errorf("root %v: got  %s\nwant %s", root, s, want)
		}
		if n := len(offered); root && n != 5 || !root && n != 3 {
			t.Errorf("root %v: parse was offered %d records: %q", root, n, offered)
		}
	}
}

// TestRecordsParsedKept: a KeptParseFunc is told kept for the records of
// arrays, whose buffers fastElements never writes to again, and not for
// lines of NDJSON, which share one buffer.
func TestRecordsParsedKept(t *testing.T) {
	var sc Scanner
	for _, tc := range []struct {
		in   string
		kept bool
	}{
		{`{"value":[{"id":"a"},{"id":"b"}]}`, true},
		{`[{"id":"a"},{"id":"b"}]`, true},
		{"{\"id\":\"a\"}\n{\"id\":\"b\"}\n", false},
	} {
		calls := 0
		parse := func(b []byte, kept bool) (int, bool) {
			calls++
			if kept != tc.kept {
				t.Errorf("%q: parse told kept %v, want %v", tc.in, kept, tc.kept)
			}
			sc.ResetStrict(b)
			if strictWalk(&sc) != nil {
				return 0, false
			}
			return sc.Pos(), true
		}
		n := 0
		for it := range RecordsParsedKept(strings.NewReader(tc.in), parse, "value") {
			if it.Err != nil || !it.Parsed || it.Kept != tc.kept {
				t.Errorf("%q: record %d: err %v, parsed %v, kept %v", tc.in, it.Index, it.Err, it.Parsed, it.Kept)
			}
			n++
		}
		if n != 2 || calls != 2 {
			t.Errorf("%q: %d records, %d calls to parse; want 2 and 2", tc.in, n, calls)
		}
	}
}

// TestRecycledBuffers: a buffer that nothing refers to any more is read
// into again, so that reading an array of records needs little new
// memory; and a buffer is never read into while a record kept from it is
// alive, however often the collector runs.
func TestRecycledBuffers(t *testing.T) {
	const records = 8000
	var in strings.Builder
	in.WriteString(`{"value":[`)
	for i := range records {
		if i > 0 {
			in.WriteString(",\n")
		}
		fmt.Fprintf(&in, `{"id":"r%d","pad":%q}`, i, strings.Repeat(string(rune('a'+i%26)), 600+i*37%900))
	}
	in.WriteString("]}")
	input := in.String()

	type kept struct {
		raw  []byte
		want string
	}
	var keep []kept
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n := 0
	for it := range Records(strings.NewReader(input), "value") {
		if it.Err != nil {
			t.Fatal(it.Err)
		}
		if n%4000 == 0 { // two records outlive their buffers
			keep = append(keep, kept{it.Raw, string(it.Raw)})
		}
		if n%300 == 0 { // about once a buffer, let the collector find those no record holds
			runtime.GC()
			time.Sleep(time.Millisecond) // for the finalizers
		}
		n++
	}
	runtime.ReadMemStats(&after)
	if n != records {
		t.Fatalf("%d records, want %d", n, records)
	}
	for _, k := range keep {
		if string(k.raw) != k.want {
			t.Fatalf("a kept record changed after its buffer was read on:\n got %.80s\nwant %.80s", k.raw, k.want)
		}
	}
	// Without recycling, reading allocates about the input's size. The
	// pool drops some buffers (at every other collection, and a quarter
	// of them at random under the race detector), so ask for a third.
	if got := after.TotalAlloc - before.TotalAlloc; got > uint64(len(input))*2/3 {
		t.Errorf("reading %d KiB allocated %d KiB: buffers nothing refers to were not read into again", len(input)>>10, got>>10)
	}
	runtime.KeepAlive(keep)
}
