package wire

import (
	"encoding/binary"
	"fmt"
)

// Names numbers the member names of one kind of object a decoder reads,
// for ObjectNamed: the decoder's member switch is then on small numbers
// (a jump table) rather than on text, and the scanner recognises most
// names without reading them (see Shape).
type Names struct {
	quoted []*quoted      // by id
	ids    map[string]int // name → id
}

// quoted is a member name as a record writes it, with its quotes and its
// colon, to be matched 32 bytes at a time.
type quoted struct {
	id    int // its number in its Names or Shape
	text  string
	words [4]uint64 // text in little-endian words, padded with zeros
	masks [4]uint64 // the bytes of text in each word; all zero when text is longer than 32 bytes
}

func newQuoted(id int, name string) *quoted {
	q := &quoted{id: id, text: `"` + name + `":`}
	if len(q.text) > 32 {
		return q
	}
	var pad, ones [32]byte
	copy(pad[:], q.text)
	for k := range len(q.text) {
		ones[k] = 0xff
	}
	for k := range q.words {
		q.words[k] = binary.LittleEndian.Uint64(pad[8*k:])
		q.masks[k] = binary.LittleEndian.Uint64(ones[8*k:])
	}
	return q
}

// at reports whether b[i:] starts with q, which must be at most 32
// bytes long (see predictable): where 32 bytes remain, by comparing four
// words under their masks, with no branch but one.
func (q *quoted) at(b []byte, i int) bool {
	if len(b)-i < 32 {
		return len(b)-i >= len(q.text) && string(b[i:i+len(q.text)]) == q.text
	}
	w := b[i : i+32 : i+32]
	return (binary.LittleEndian.Uint64(w)^q.words[0])&q.masks[0]|
		(binary.LittleEndian.Uint64(w[8:])^q.words[1])&q.masks[1]|
		(binary.LittleEndian.Uint64(w[16:])^q.words[2])&q.masks[2]|
		(binary.LittleEndian.Uint64(w[24:])^q.words[3])&q.masks[3] == 0
}

// predictable reports whether ObjectNamed may expect q: whether at can
// match it.
func (q *quoted) predictable() bool { return q.masks[0] != 0 }

// NewNames numbers names by their index. Write them as an indexed
// composite literal of the decoder's constants, []string{fieldID: "id",
// …}, so that a constant and its name cannot drift apart. Every name must
// be printable ASCII with no quote or backslash, and appear once: the
// names are a decoder's own, so anything else panics.
func NewNames(names []string) *Names {
	n := &Names{quoted: make([]*quoted, len(names)), ids: make(map[string]int, len(names))}
	for id, name := range names {
		if !plainName(name) {
			panic(fmt.Sprintf("wire.NewNames: %q is not printable ASCII without quotes or backslashes", name))
		}
		if _, dup := n.ids[name]; dup {
			panic(fmt.Sprintf("wire.NewNames: %q is named twice", name))
		}
		n.ids[name] = id
		n.quoted[id] = newQuoted(id, name)
	}
	return n
}

// Len is how many names n numbers: ObjectNamed gives every other name an
// id of Len or more.
func (n *Names) Len() int { return len(n.quoted) }

// plainName reports whether name can be matched byte for byte in a
// record: printable ASCII, no quote, no backslash, not empty.
func plainName(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return false
		}
	}
	return name != ""
}

// maxLearned bounds the names a Shape learns beyond its Names: records of
// one kind name a few dozen members; a record that names thousands (an
// attack on the decoder, or a map written as an object) must not make the
// shape grow with it.
const maxLearned = 64

// Shape is what a Scanner learns, record after record, of the objects of
// one Names: the member that followed each member last time (and the
// three before that, for objects of one kind with several layouts), and
// the names the Names lack. Exports write the members of one kind of
// object in one order, so ObjectNamed can compare the bytes where a name
// is expected with that name, quotes and colon included, and skip
// reading it. A Shape belongs to one scanner (it is not safe for
// concurrent use); set Names before its first use.
type Shape struct {
	Names *Names

	// next holds the name expected after each member in each layout,
	// or nil: next[slot*shapeLayouts+layout], where slot is the member's id+1
	// (slot 0 is an object's start). others holds the names that came
	// there before, latest first.
	next    []*quoted
	others  [][3]*quoted
	quoted  []*quoted      // by id: the known names, then the learned ones
	learned map[string]int // learned name → id
	layout  int            // of the object being read (see Layout)
}

// shapeLayouts is how many layouts of its objects a Shape tells apart.
const shapeLayouts = 8

// Layout tells sh the layout of the object being read, while its fn
// reads a member that names it (Graph's @odata.type, say): sh then
// expects the members that follow as they came in objects of that
// layout, rather than as they came in the last object of any layout.
// key is any text; keys with the same hash share their expectations,
// which costs only misses. An object starts in the first layout.
func (sh *Shape) Layout(key string) {
	var h uint64
	if n := len(key); n >= 16 {
		// The last sixteen bytes: where types that share a namespace
		// differ.
		h = binary.LittleEndian.Uint64([]byte(key[n-16:])) ^ binary.LittleEndian.Uint64([]byte(key[n-8:]))*0x9e3779b97f4a7c15
	} else {
		for i := 0; i < n; i++ {
			h = h*31 + uint64(key[i])
		}
	}
	sh.layout = int((h * 0x9e3779b97f4a7c15) >> 61) // top three bits: one of eight
}

// init readies sh for its Names.
func (sh *Shape) init() {
	sh.quoted = append([]*quoted(nil), sh.Names.quoted...)
	slots := len(sh.quoted) + 1
	sh.next = make([]*quoted, slots*shapeLayouts, (slots+maxLearned)*shapeLayouts)
	sh.others = make([][3]*quoted, len(sh.next), cap(sh.next))
	sh.learned = map[string]int{}
}

// lookup returns the id of name, learning it when it is new and can be
// matched byte for byte (raw: it was written without escapes); -1 when
// the shape has learned all it may.
func (sh *Shape) lookup(name []byte, raw bool) int {
	if id, ok := sh.Names.ids[string(name)]; ok {
		return id
	}
	if id, ok := sh.learned[string(name)]; ok {
		return id
	}
	if !raw || len(sh.learned) == maxLearned {
		return -1
	}
	id := len(sh.quoted)
	sh.learned[string(name)] = id
	sh.quoted = append(sh.quoted, newQuoted(id, string(name)))
	sh.next = append(sh.next, make([]*quoted, shapeLayouts)...)
	sh.others = append(sh.others, make([][3]*quoted, shapeLayouts)...)
	return id
}

// ObjectNamed is Object for a decoder that numbers its members' names
// with sh.Names: it calls fn with the id of each member whose name the
// Names hold, and skips the others' values itself; fn must consume the
// member's value (Skip it, at least). Where sh expects a name and the
// record writes it there as expected (no escapes, no white space before
// its colon), the scanner matches its bytes, which checks it as strictly
// as reading it would; elsewhere it reads the name as Object does.
func (s *Scanner) ObjectNamed(sh *Shape, fn func(id int) error) error {
	if sh.next == nil {
		sh.init()
	}
	i, empty, err := s.openObject()
	if empty || err != nil {
		return err
	}
	b := s.b
	slot, known := 0, sh.Names.Len()
	sh.layout = 0
	for {
		id := -1
		at := slot*shapeLayouts + sh.layout
		if q := sh.next[at]; q != nil {
			var match bool
			if len(b)-i >= 32 {
				// q.at, written out: a call for each member costs
				// Graph 5% more instructions.
				w := b[i : i+32 : i+32]
				match = (binary.LittleEndian.Uint64(w)^q.words[0])&q.masks[0]|
					(binary.LittleEndian.Uint64(w[8:])^q.words[1])&q.masks[1]|
					(binary.LittleEndian.Uint64(w[16:])^q.words[2])&q.masks[2]|
					(binary.LittleEndian.Uint64(w[24:])^q.words[3])&q.masks[3] == 0
			} else {
				match = q.at(b, i)
			}
			if match {
				i += len(q.text)
				id = q.id
			}
		}
		if id < 0 {
			if id, i, err = s.unexpected(sh, at, i); err != nil {
				return err
			}
		}
		s.i = skipSpace(b, i)
		if uint(id) < uint(known) {
			err = fn(id)
		} else {
			err = s.Skip()
		}
		if err != nil {
			return err
		}
		slot = id + 1
		i = s.i
		if i < len(b)-1 && binary.LittleEndian.Uint16(b[i:]) == '"'<<8|',' {
			i++
			continue
		}
		var more bool
		if i, more, err = s.memberEnd(i); !more {
			return err
		}
	}
}

// unexpected finds the name of the member at b[i] when it is not the one
// sh expected (at: the index of the expectation in sh.next): first among
// the others that came after the same member in the same layout
// before (objects of one kind with several shapes, such as evidence of
// several types, differ at a few members), else by reading it
// (namedMember). The name found becomes the one expected next time, the
// one it displaces the first of the others. It returns the id and the
// index past the colon, as namedMember.
func (s *Scanner) unexpected(sh *Shape, at, i int) (id, next int, err error) {
	others := &sh.others[at]
	for k, o := range others {
		if o != nil && o.at(s.b, i) {
			copy(others[1:k+1], others[:k])
			others[0], sh.next[at] = sh.next[at], o
			return o.id, i + len(o.text), nil
		}
	}
	if id, next, err = s.namedMember(sh, i); err != nil || id < 0 || !sh.quoted[id].predictable() {
		return id, next, err
	}
	if sh.next[at] != nil {
		copy(others[1:], others[:2])
		others[0] = sh.next[at]
	}
	sh.next[at] = sh.quoted[id]
	return id, next, nil
}

// namedMember reads the name of the member at b[i] and its colon (see
// memberName) and returns the name's id in sh and the index past the
// colon. The id is -1 for a name sh neither knows nor may learn.
func (s *Scanner) namedMember(sh *Shape, i int) (id, next int, err error) {
	name, esc, next, err := s.memberName(i)
	if err != nil {
		return 0, 0, err
	}
	return sh.lookup(name, !esc), next, nil
}
