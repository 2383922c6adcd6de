package wire

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// testNames are the names the ObjectNamed tests number: some short, one
// of exactly 29 bytes (32 with its quotes and colon, the longest
// ObjectNamed expects), one longer.
var testNames = NewNames([]string{"id", "title", "evidence", "roles", "s", "parentProcessCreationDateTime", "aNameLongerThanThirtyTwoBytesInAll"})

// walkTrace reads the next value strictly, as strictWalk does, and
// appends the member names it meets that names holds, in order, skipping
// the values of the others: with Object when sh is nil, else with
// ObjectNamed, which numbers them.
func walkTrace(s *Scanner, names *Names, sh *Shape, trace *[]string) error {
	switch s.Peek() {
	case '{':
		if sh == nil {
			return s.Object(func(name []byte) error {
				if _, ok := names.ids[string(name)]; !ok {
					return s.Skip()
				}
				*trace = append(*trace, string(name))
				return walkTrace(s, names, sh, trace)
			})
		}
		return s.ObjectNamed(sh, func(id int) error {
			*trace = append(*trace, sh.nameOf(id))
			if sh.nameOf(id) == "s" && s.Peek() == '"' { // a member naming the layout
				var str string
				err := s.String(&str)
				sh.Layout(str)
				return err
			}
			return walkTrace(s, names, sh, trace)
		})
	case '[':
		return s.Elements(func(int) error { return walkTrace(s, names, sh, trace) })
	case '"', 'n':
		var str string
		return s.String(&str)
	}
	return s.Skip()
}

// nameOf is the name sh numbers id.
func (sh *Shape) nameOf(id int) string {
	q := sh.quoted[id].text
	return q[1 : len(q)-2]
}

// checkObjectNamed: with one shape read again and again (so that it
// expects names), ObjectNamed accepts what Object accepts, stops where it
// stops, and numbers the names Object reads that the shape's Names hold.
// tail is appended after the record, so that ObjectNamed matches names
// near the end of its bytes and away from it.
func checkObjectNamed(t *testing.T, sh *Shape, in, tail string) {
	t.Helper()
	b := []byte(in + tail)
	var want, got []string
	var s Scanner
	s.ResetStrict(b)
	wantErr := walkTrace(&s, sh.Names, nil, &want)
	wantEnd := s.Pos()
	s.ResetStrict(b)
	gotErr := walkTrace(&s, sh.Names, sh, &got)
	if (gotErr == nil) != (wantErr == nil) || wantErr == nil && s.Pos() != wantEnd {
		t.Fatalf("%q: ObjectNamed error %v at %d; Object error %v at %d", in, gotErr, s.Pos(), wantErr, wantEnd)
	}
	if wantErr != nil {
		return // Object may read a name, and ObjectNamed not, before the error
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%q: ObjectNamed read names %q, want %q", in, got, want)
	}
}

func TestObjectNamed(t *testing.T) {
	records := []string{
		`{"id":"a1","title":"x","evidence":[{"roles":["r"],"id":"e1"}],"extra":1}`,
		`{"id":"a2","title":"y","evidence":[{"roles":[],"id":"e2"},{"id":"e3","roles":null}],"extra":2}`,
		`{"title":"reordered","id":"a3","extra":3,"evidence":[]}`,
		`{ "id" : "spaced" , "title":"t" }`,
		`{"\u0069d":"escaped name","ti\u0074le":"t"}`,
		`{"parentProcessCreationDateTime":"2024-01-01T00:00:00Z","aNameLongerThanThirtyTwoBytesInAll":1,"s":""}`,
		`{"parentProcessCreationDateTime":"2024-01-01T00:00:00Z","aNameLongerThanThirtyTwoBytesInAll":2,"s":"é"}`,
		`{}`, `{"id":{}}`, `{"i":1,"id":2,"idx":3}`,
		// Bad records, some with names the shape expects.
		`{"id":"a1","title":"x"`, `{"id":"a1","title"}`, `{"id":"a1","title":}`, `{"id":"a1" "title":"x"}`,
		`{"id":"a1","title":"x",}`, `{"id":"a1","title":"x"]`, "{\"id\":\"a1\",\"tit\x01le\":\"x\"}", "{\"id\":\"\xff\"}",
		`{"id":"a1","tit`, `{"id"`, `{"id":`, `{`, `{"id":"a1","title":"x"}}`,
	}
	sh := Shape{Names: testNames}
	for range 3 {
		for _, in := range records {
			for _, tail := range []string{"", strings.Repeat(" ", 40), `,"id":"next record"}`} {
				checkObjectNamed(t, &sh, in, tail)
			}
		}
	}
	if len(sh.quoted) == sh.Names.Len() || sh.nameOf(sh.Names.Len()) != "extra" {
		t.Errorf("the first name learned is %q, want extra", sh.nameOf(sh.Names.Len()))
	}
}

// TestObjectNamedLearnsBounded: a shape learns at most maxLearned names,
// however many a record names, and still numbers the names it knows.
func TestObjectNamedLearnsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 3 * maxLearned {
		fmt.Fprintf(&b, `"n%d":%d,`, i, i)
	}
	b.WriteString(`"id":"x"}`)
	sh := Shape{Names: testNames}
	for range 2 {
		var s Scanner
		s.ResetStrict([]byte(b.String()))
		var ids []int
		if err := s.ObjectNamed(&sh, func(id int) error { ids = append(ids, id); return s.Skip() }); err != nil {
			t.Fatal(err)
		}
		if len(sh.learned) != maxLearned || len(sh.quoted) != testNames.Len()+maxLearned {
			t.Fatalf("learned %d names, want %d", len(sh.learned), maxLearned)
		}
		if !slices.Equal(ids, []int{0}) {
			t.Fatalf("ObjectNamed gave ids %v, want [0] (id): it skips the names its Names lack", ids)
		}
	}
}

// TestShapeLayouts: a shape keeps what follows each member apart for
// objects of different layouts, as Layout names them, so that objects of
// two types read in turn are each expected as their own type.
func TestShapeLayouts(t *testing.T) {
	sh := Shape{Names: testNames}
	var probe Shape
	probe.Layout("#microsoft.graph.security.deviceEvidence")
	device := probe.layout
	probe.Layout("#microsoft.graph.security.fileEvidence")
	if probe.layout == device {
		t.Fatal("the two evidence types share a layout: pick other keys")
	}
	records := []string{
		`{"s":"#microsoft.graph.security.deviceEvidence","id":"d","title":"t"}`,
		`{"s":"#microsoft.graph.security.fileEvidence","title":"t","id":"f"}`,
	}
	for range 3 {
		for _, in := range records {
			checkObjectNamed(t, &sh, in, "")
		}
	}
	afterS := (testNames.ids["s"] + 1) * shapeLayouts
	if q := sh.next[afterS+device]; q == nil || q.text != `"id":` {
		t.Errorf("after s in the device layout, the shape expects %v, want id", q)
	}
	if q := sh.next[afterS+probe.layout]; q == nil || q.text != `"title":` {
		t.Errorf("after s in the file layout, the shape expects %v, want title", q)
	}
}

func TestNewNamesRefuses(t *testing.T) {
	for _, names := range [][]string{{"a", "a"}, {""}, {`a"b`}, {`a\b`}, {"a\x01"}, {"é"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewNames(%q) did not panic", names)
				}
			}()
			NewNames(names)
		}()
	}
}

func FuzzObjectNamed(f *testing.F) {
	for _, in := range []string{
		`{"id":"a","title":"b","evidence":[{"roles":["x"]}]}`,
		`{"id":"a","x":{"id":1,"s":[true]},"parentProcessCreationDateTime":null}`,
		`{"\u0069d":1}`,
	} {
		f.Add(in, `{"id":"a","title":"b"}`)
	}
	f.Fuzz(func(t *testing.T, in, other string) {
		sh := Shape{Names: testNames}
		for _, r := range []string{in, other, in, in} {
			checkObjectNamed(t, &sh, r, "")
			checkObjectNamed(t, &sh, r, strings.Repeat(" ", 32))
		}
	})
}
