package wire_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json/jsontext"
)

type scanUser struct {
	Name string
}

type scanRec struct {
	ID    string
	PID   string
	Tags  []string
	Users []scanUser
	Owner *scanUser
}

// scanRecord decodes the members of scanRec by hand, the way decoders use
// a Scanner.
func scanRecord(s *wire.Scanner, r *scanRec) error {
	user := func(u *scanUser, name []byte) error {
		if string(name) == "name" {
			return s.String(&u.Name)
		}
		return s.Skip()
	}
	return s.Object(func(name []byte) error {
		switch string(name) {
		case "id":
			return s.String(&r.ID)
		case "pid":
			return wire.Integer(s, &r.PID)
		case "tags":
			return s.Strings(&r.Tags)
		case "users":
			return wire.Elems(s, &r.Users, func(u *scanUser) error { return wire.Members(s, u, user) })
		case "owner":
			return wire.Pointer(s, &r.Owner, user)
		}
		return s.Skip()
	})
}

func TestScanner(t *testing.T) {
	tests := []struct {
		name, in string
		want     scanRec
		slow     bool // the scanner must give up
	}{
		{name: "members", in: ` { "id" : "a\"b\\c\u00e9", "pid": 42, "tags": ["x", null], "other": {"id": [1, "]"]}, "users": [{"name": "u"}, null], "owner": {"name": "o"} } `,
			want: scanRec{ID: `a"b\cé`, PID: "42", Tags: []string{"x", ""}, Users: []scanUser{{Name: "u"}, {}}, Owner: &scanUser{Name: "o"}}},
		{name: "nulls and empties", in: `{"id": null, "pid": null, "tags": [], "users": null, "owner": null}`,
			want: scanRec{Tags: []string{}}},
		{name: "integer as string", in: `{"pid": " 7 "}`, want: scanRec{PID: "7"}},
		{name: "escaped name", in: `{"\u0069d": "x"}`, want: scanRec{ID: "x"}},
		{name: "duplicate pointer merges", in: `{"owner": {"name": "a"}, "owner": {"other": 1}}`, want: scanRec{Owner: &scanUser{Name: "a"}}},
		{name: "number for string", in: `{"id": 1}`, slow: true},
		{name: "fraction for integer", in: `{"pid": 1.5}`, slow: true},
		{name: "negative integer", in: `{"pid": -1}`, slow: true},
		{name: "zero", in: `{"pid":0}`, want: scanRec{PID: "0"}},
		{name: "integer then space", in: `{"pid": 450560 , "id": "x"}`, want: scanRec{PID: "450560", ID: "x"}},
		{name: "leading zero", in: `{"pid": 012}`, slow: true},
		{name: "exponent", in: `{"pid": 1e3}`, slow: true},
		{name: "integer then garbage", in: `{"pid": 12x}`, slow: true},
		{name: "string for array", in: `{"tags": "x"}`, slow: true},
		{name: "array for object", in: `{"owner": []}`, slow: true},
		{name: "lone surrogate", in: `{"id": "\ud800"}`, slow: true},
		{name: "not an object", in: `[1]`, slow: true},
		{name: "truncated", in: `{"id": "abc`, slow: true},
	}
	for _, tc := range tests {
		// With the string spans the splitter finds, when it takes the
		// record, and without.
		var spans []uint32
		for it := range wire.Records(strings.NewReader(tc.in)) {
			spans = it.Strings
		}
		for _, withSpans := range []bool{false, true} {
			if withSpans && spans == nil {
				continue
			}
			t.Run(fmt.Sprintf("%s/spans=%v", tc.name, withSpans), func(t *testing.T) {
				var s wire.Scanner
				if withSpans {
					s.ResetStrings([]byte(tc.in), spans)
				} else {
					s.Reset([]byte(tc.in))
				}
				var got scanRec
				err := scanRecord(&s, &got)
				if tc.slow {
					if !errors.Is(err, wire.ErrSlow) {
						t.Errorf("got %v, %+v; want wire.ErrSlow", err, got)
					}
					return
				}
				if err != nil || !reflect.DeepEqual(got, tc.want) {
					t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
				}
			})
		}
	}
}

func TestSpares(t *testing.T) {
	var p wire.Spares[int]
	if p.Get() != nil {
		t.Fatal("Get on an empty Spares returned a slice")
	}
	p.Put(nil)
	p.Put(make([]int, 3, 8))
	got := p.Get()
	if len(got) != 0 || cap(got) != 8 {
		t.Errorf("got len %d cap %d, want an empty slice with room for 8", len(got), cap(got))
	}
	if p.Get() != nil {
		t.Error("Spares kept a nil slice or gave one array twice")
	}
}

// TestScannerWalk covers the primitives of decoders that walk records
// themselves: RawObject, Value, Elements, Peek and Pos.
func TestScannerWalk(t *testing.T) {
	var s wire.Scanner
	s.Reset([]byte(` {"a" : "x\"y", "b\u0062": [1, {"c": "]"}, -2.5e3], "d": null, "e": true} `))
	var got []string
	err := s.RawObject(func(name []byte, esc bool) error {
		if string(name) == `"bb"` || string(name) == `"b\u0062"` && !esc {
			t.Errorf("name %s: esc = %v", name, esc)
		}
		if s.Peek() == '[' {
			return s.Elements(func(i int) error {
				start := s.Pos()
				v, _, err := s.Value()
				got = append(got, fmt.Sprintf("%s[%d]=%s@%d", name, i, v, start))
				return err
			})
		}
		v, esc, err := s.Value()
		got = append(got, fmt.Sprintf("%s=%s esc=%v", name, v, esc))
		return err
	})
	want := []string{`"a"="x\"y" esc=true`, `"b\u0062"[0]=1@28`, `"b\u0062"[1]={"c": "]"}@31`,
		`"b\u0062"[2]=-2.5e3@43`, `"d"=null esc=false`, `"e"=true esc=false`}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, %v\nwant %q", got, err, want)
	}
	s.Reset([]byte(`{"a": "unterminated`))
	if err := s.RawObject(func([]byte, bool) error { _, _, err := s.Value(); return err }); !errors.Is(err, wire.ErrSlow) {
		t.Errorf("unterminated string: got %v, want ErrSlow", err)
	}
}

// TestScannerStringsStay: the strings a scanner makes (and Concat joins)
// neither alias the record, whose buffer the splitter reuses, nor change
// as later records fill the scanner's chunks.
func TestScannerStringsStay(t *testing.T) {
	var s wire.Scanner
	var got, joined []string
	want := func(i int) string { return fmt.Sprintf("value %d %s", i, strings.Repeat("é", i%700)) }
	buf := make([]byte, 0, 4096)
	for i := range 3000 {
		buf = fmt.Appendf(buf[:0], `{"a":%q,"n":%d}`, want(i), i)
		s.ResetStrict(buf)
		err := s.Object(func(name []byte) error {
			if string(name) == "n" {
				var n string
				err := wire.Integer(&s, &n)
				got = append(got, n)
				return err
			}
			var v string
			err := s.String(&v)
			got = append(got, v)
			return err
		})
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		clear(buf[:cap(buf)])
		joined = append(joined, s.Concat(got[2*i], "|", got[2*i+1]))
	}
	for i := range 3000 {
		if got[2*i] != want(i) || got[2*i+1] != fmt.Sprint(i) {
			t.Fatalf("record %d: got %q, %q", i, got[2*i], got[2*i+1])
		}
		if j := want(i) + "|" + fmt.Sprint(i); joined[i] != j {
			t.Fatalf("record %d: Concat gave %q, want %q", i, joined[i], j)
		}
	}
	if got := s.Concat(strings.Repeat("x", 3000), "y"); got != strings.Repeat("x", 3000)+"y" {
		t.Errorf("Concat of a long string: got %d bytes", len(got))
	}
	if got := s.Text([]byte("abc")); got != "abc" {
		t.Errorf("Text: got %q", got)
	}
	if got := s.Concat("", ""); got != "" {
		t.Errorf("Concat of nothing: got %q", got)
	}
}

// TestScannerPools: StringsIn and PointerIn decode as Strings and
// Pointer do, the slab's values of one record stay put while it hands out
// more, and Reset lets the next record reuse them.
func TestScannerPools(t *testing.T) {
	type rec struct {
		A, B   []string
		P, Q   *scanUser
		Others []string
	}
	var (
		s     wire.Scanner
		slab  wire.Slab[scanUser]
		pool  []string
		users int
	)
	decode := func(in string) (rec, error) {
		var r rec
		slab.Reset()
		pool = pool[:0]
		s.Reset([]byte(in))
		user := func(u *scanUser, name []byte) error {
			if string(name) == "name" {
				users++
				return s.String(&u.Name)
			}
			return s.Skip()
		}
		err := s.Object(func(name []byte) error {
			switch string(name) {
			case "a":
				return s.StringsIn(&r.A, &pool)
			case "b":
				return s.StringsIn(&r.B, &pool)
			case "p":
				return wire.PointerIn(&s, &r.P, &slab, user)
			case "q":
				return wire.PointerIn(&s, &r.Q, &slab, user)
			}
			return s.Skip()
		})
		return r, err
	}
	tests := []struct {
		name, in string
		want     rec
	}{
		{"values", `{"a": ["x", "y"], "b": ["z"], "p": {"name": "u"}, "q": {"name": "v"}}`,
			rec{A: []string{"x", "y"}, B: []string{"z"}, P: &scanUser{Name: "u"}, Q: &scanUser{Name: "v"}}},
		{"null and empty", `{"a": null, "b": [], "p": null}`, rec{B: []string{}}},
		{"duplicate pointer merges", `{"p": {"name": "a"}, "p": {"other": 1}}`, rec{P: &scanUser{Name: "a"}}},
		{"many", `{"a": ["1","2","3","4","5","6","7","8","9"], "p": {"name": "a"}, "p": {"name": "b"}, "q": {}}`,
			rec{A: strings.Split("1 2 3 4 5 6 7 8 9", " "), P: &scanUser{Name: "b"}, Q: &scanUser{}}},
	}
	for _, tc := range tests {
		got, err := decode(tc.in)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, %v; want %+v", tc.name, got, err, tc.want)
		}
		if len(got.A) > 0 && cap(got.A) != len(got.A) {
			t.Errorf("%s: StringsIn left capacity %d past the %d strings", tc.name, cap(got.A), len(got.A))
		}
	}
	// Within a record, more strings and values than the pool and the slab
	// hold at first: those handed out early are not overwritten.
	in := `{"a": ["first"], "p": {"name": "first"}`
	for i := range 40 {
		in += fmt.Sprintf(`, "b": ["s%d"], "q": null, "q": {"name": "u%d"}`, i, i)
	}
	got, err := decode(in + "}")
	if err != nil || !reflect.DeepEqual(got.A, []string{"first"}) || got.P.Name != "first" || got.Q.Name != "u39" || got.B[0] != "s39" {
		t.Errorf("growing: got A %q P %+v Q %+v B %q, %v", got.A, got.P, got.Q, got.B, err)
	}
	if users != 2+1+2+41 {
		t.Errorf("decoded %d user names, want 46", users)
	}
}

// TestScannerUnquote: the scanner's own unquoting of checked strings gives
// what jsontext gives, in each of its modes.
func TestScannerUnquote(t *testing.T) {
	lits := []string{`"C:\\Windows\\System32"`, `"\\\\server\\share\\"`, `"a\"b\/c"`, `"\b\f\n\r\t"`, `"\\"`,
		`"x\u00e9y\\z"`, `"\u0041\\\n"`, `"é\\ü\"ß"`, `"\"\"\""`, `"tab\there, \\u0041 not an escape"`}
	for _, lit := range lits {
		want, err := jsontext.AppendUnquote(nil, []byte(lit))
		if err != nil {
			t.Fatalf("%s: %v", lit, err)
		}
		in := `{"a":` + lit + `}`
		var spans []uint32
		for it := range wire.Records(strings.NewReader(in)) {
			spans = it.Strings
		}
		for mode := range 3 {
			var s wire.Scanner
			switch mode {
			case 0:
				s.ResetStrict([]byte(in))
			case 1:
				s.ResetStrings([]byte(in), spans)
			case 2:
				s.Reset([]byte(in))
			}
			var got string
			err := s.Object(func([]byte) error { return s.String(&got) })
			if err != nil || got != string(want) {
				t.Errorf("%s, mode %d: got %q, %v; want %q", lit, mode, got, err, want)
			}
		}
	}
}
