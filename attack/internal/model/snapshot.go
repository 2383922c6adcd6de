package model

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The snapshot format, every number a uvarint:
//
//	magic "debrief-attack" + format version byte
//	sizes: strings, list elements, refs, log sources, relation citations
//	  (so that the reader allocates each once)
//	string table: each string's length, then all bytes
//	domains, objects, relations and warnings; strings as table indices
//	  (a campaign's citations follow its log sources; a uses or
//	  attributed-to relation's follow its target)
//
// It is not compressed: inflating costs more time than reading (the
// target is a ready catalog in a few milliseconds), and the reader takes
// its strings straight out of the snapshot without copying. Strings are
// numbered in order of first use, so the same Data always gives the same
// bytes.
const (
	magic         = "debrief-attack"
	formatVersion = 4
)

// Object flags.
const (
	flagRevoked    = 1 << iota
	flagDeprecated // x_mitre_deprecated
	flagSub        // sub-technique
	flagSTIXPacked // STIX id is the kind's type + "--" + a lower-case UUID, stored as 16 bytes
	flagURLDerived // URL is DerivedURL(kind, id)
	flagURLOnSite  // URL starts with Site, which is not stored
)

// WriteSnapshot writes d, which must be canonical, as a snapshot.
func (d *Data) WriteSnapshot(w io.Writer) error {
	e := encoder{strs: map[string]uint64{}}
	e.data(d)
	var head []byte
	head = append(head, magic...)
	head = append(head, formatVersion)
	for _, n := range []int{len(e.table), e.nList, e.nRefs, e.nSources, e.nCites} {
		head = binary.AppendUvarint(head, uint64(n))
	}
	for _, s := range e.table {
		head = binary.AppendUvarint(head, uint64(len(s)))
	}
	for _, s := range e.table {
		head = append(head, s...)
	}
	for _, b := range [][]byte{head, e.body} {
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("write snapshot: %w", err)
		}
	}
	return nil
}

type encoder struct {
	strs                   map[string]uint64
	table                  []string
	body                   []byte
	nList, nRefs, nSources int
	nCites                 int
}

func (e *encoder) uint(v uint64) { e.body = binary.AppendUvarint(e.body, v) }

func (e *encoder) str(s string) {
	i, ok := e.strs[s]
	if !ok {
		i = uint64(len(e.table))
		e.strs[s] = i
		e.table = append(e.table, s)
	}
	e.uint(i)
}

func (e *encoder) list(ss []string) {
	e.nList += len(ss)
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *encoder) data(d *Data) {
	e.uint(uint64(len(d.Domains)))
	for _, dm := range d.Domains {
		for _, s := range []string{dm.Name, dm.Title, dm.Version, dm.Modified, dm.STIXVersion} {
			e.str(s)
		}
	}
	e.uint(uint64(len(d.Objects)))
	for i := range d.Objects {
		e.object(&d.Objects[i])
	}
	e.uint(uint64(len(d.Relations)))
	for _, r := range d.Relations {
		e.uint(uint64(r.Type))
		e.uint(uint64(r.Source))
		e.uint(uint64(r.Target))
		if r.Type.KeepsCites() {
			cs := d.CitesOf(r)
			e.nCites += len(cs)
			e.uint(uint64(len(cs)))
			for _, s := range cs {
				e.str(s)
			}
		}
	}
	e.uint(uint64(d.NWarnings))
	e.list(d.Warnings)
}

func (e *encoder) object(o *Object) {
	var flags uint64
	for i, b := range []bool{o.Revoked, o.Deprecated, o.Sub} {
		if b {
			flags |= 1 << i
		}
	}
	uuid, packed := packUUID(o.Kind, o.STIXID)
	if packed {
		flags |= flagSTIXPacked
	}
	url := o.URL
	switch {
	case url != "" && url == DerivedURL(o.Kind, o.ID):
		flags |= flagURLDerived
		url = ""
	case strings.HasPrefix(url, Site):
		flags |= flagURLOnSite
		url = url[len(Site):]
	}
	e.uint(uint64(o.Kind))
	e.uint(flags)
	if packed {
		e.body = append(e.body, uuid[:]...)
	} else {
		e.str(o.STIXID)
	}
	for _, s := range []string{o.ID, o.Name, url, o.Shortname, o.FirstSeen, o.LastSeen} {
		e.str(s)
	}
	e.list(o.Domains)
	e.list(o.Aliases)
	e.list(o.Platforms)
	e.list(o.Phases)
	e.nRefs += len(o.Refs)
	e.uint(uint64(len(o.Refs)))
	for _, r := range o.Refs {
		e.uint(uint64(r))
	}
	e.nSources += len(o.LogSources)
	e.uint(uint64(len(o.LogSources)))
	for _, l := range o.LogSources {
		e.uint(uint64(l.DataComponent + 1))
		e.str(l.Name)
		e.str(l.Channel)
	}
	if o.Kind == Campaign {
		e.list(o.Cites)
	}
}

// ReadSnapshot decodes a snapshot written by WriteSnapshot.
func ReadSnapshot(r io.Reader) (*Data, error) {
	var b strings.Builder
	if _, err := io.Copy(&b, r); err != nil {
		return nil, fmt.Errorf("read snapshot: %w", err)
	}
	return DecodeSnapshot(b.String())
}

// DecodeSnapshot decodes a snapshot held in a string. The Data's strings
// share s's memory.
func DecodeSnapshot(s string) (*Data, error) {
	dec := decoder{buf: s}
	d := dec.data()
	if dec.err != nil {
		return nil, fmt.Errorf("read snapshot: %w", dec.err)
	}
	return d, nil
}

// errCorrupt says a snapshot does not decode.
var errCorrupt = errors.New("corrupt snapshot")

type decoder struct {
	buf   string // the snapshot; only pos moves (no pointer writes while GC marks)
	pos   int
	table []string
	err   error
	// Slabs that every object's lists are cut from.
	list    []string
	refs    []int32
	sources []LogSource
	cites   []string // Data.Cites, filled in relation order
	// Rebuilt STIX ids and URLs are written one after the other into
	// arena, whose one string they are cut from once all are read.
	arena strings.Builder
	tmp   []byte
	later []pending
}

// pending is a rebuilt string waiting in the arena.
type pending struct {
	dst        *string
	start, end int
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.pos = len(d.buf)
}

// left is the number of bytes not read yet.
func (d *decoder) left() int { return len(d.buf) - d.pos }

func (d *decoder) uint() uint64 {
	var v uint64
	buf, pos := d.buf, d.pos
	for shift := uint(0); shift < 64 && pos < len(buf); shift += 7 {
		c := buf[pos]
		pos++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			d.pos = pos
			return v
		}
	}
	d.fail()
	return 0
}

// count reads a length and checks it against the bytes left (every
// element takes at least one byte).
func (d *decoder) count() int {
	n := d.uint()
	if n > uint64(d.left()) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) index(limit int) int32 {
	v := d.uint()
	if v >= uint64(limit) {
		d.fail()
		return 0
	}
	return int32(v)
}

func (d *decoder) str() string {
	i := d.uint()
	if i >= uint64(len(d.table)) {
		d.fail()
		return ""
	}
	return d.table[i]
}

// cut takes n elements off the front of a slab; nil when n is 0.
func cut[T any](slab *[]T, n int, d *decoder) []T {
	if n == 0 {
		return nil
	}
	if n > len(*slab) {
		d.fail()
		return nil
	}
	s := (*slab)[:n:n]
	*slab = (*slab)[n:]
	return s
}

func (d *decoder) strs() []string {
	ss := cut(&d.list, d.count(), d)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *decoder) header() {
	if !strings.HasPrefix(d.buf, magic) || len(d.buf) <= len(magic) {
		d.err = errors.New("not a debrief ATT&CK snapshot")
		d.pos = len(d.buf)
		return
	}
	if v := d.buf[len(magic)]; v != formatVersion {
		d.err = fmt.Errorf("snapshot format %d, want %d", v, formatVersion)
		d.pos = len(d.buf)
		return
	}
	d.pos = len(magic) + 1
	nStr := d.count()
	d.list = make([]string, d.count())
	d.refs = make([]int32, d.count())
	d.sources = make([]LogSource, d.count())
	d.cites = make([]string, 0, d.count())
	// The lengths are read twice: to find where the bytes start, then to
	// cut the strings.
	again := decoder{buf: d.buf, pos: d.pos}
	total := 0
	for range nStr {
		total += d.count()
	}
	if d.err != nil || total > d.left() {
		d.fail()
		return
	}
	d.table = make([]string, nStr)
	for i := range d.table {
		n := again.count()
		d.table[i] = d.buf[d.pos : d.pos+n]
		d.pos += n
	}
}

func (d *decoder) data() *Data {
	d.header()
	out := &Data{}
	out.Domains = make([]Domain, d.count())
	for i := range out.Domains {
		out.Domains[i] = Domain{d.str(), d.str(), d.str(), d.str(), d.str()}
	}
	out.Objects = make([]Object, d.count())
	d.arena.Grow(len(out.Objects) * 128)
	d.later = make([]pending, 0, 2*len(out.Objects))
	for i := range out.Objects {
		d.object(&out.Objects[i])
	}
	all := d.arena.String()
	for _, p := range d.later {
		*p.dst = all[p.start:p.end]
	}
	n := len(out.Objects)
	out.Relations = make([]Relation, d.count())
	for i := range out.Relations {
		t := RelType(d.uint())
		if !t.Valid() {
			d.fail()
		}
		r := Relation{Type: t, Source: d.index(n), Target: d.index(n)}
		if t.KeepsCites() {
			k := d.count()
			if k > cap(d.cites)-len(d.cites) {
				d.fail()
				break
			}
			if k > 0 {
				r.Cites = Span{int32(len(d.cites)), int32(k)}
			}
			for range k {
				d.cites = append(d.cites, d.str())
			}
		}
		out.Relations[i] = r
	}
	out.NWarnings = int(d.uint())
	out.Warnings = d.strs()
	if d.left() != 0 {
		d.fail()
	}
	if d.err == nil {
		d.checkRefs(out)
	}
	out.Domains = nilIfEmpty(out.Domains)
	out.Objects = nilIfEmpty(out.Objects)
	out.Relations = nilIfEmpty(out.Relations)
	out.Cites = nilIfEmpty(d.cites)
	return out
}

func (d *decoder) object(o *Object) {
	o.Kind = Kind(d.uint())
	if !o.Kind.Valid() {
		d.fail()
		return
	}
	flags := d.uint()
	o.Revoked, o.Deprecated, o.Sub = flags&flagRevoked != 0, flags&flagDeprecated != 0, flags&flagSub != 0
	if flags&flagSTIXPacked != 0 {
		d.stixID(o)
	} else {
		o.STIXID = d.str()
	}
	o.ID, o.Name, o.URL = d.str(), d.str(), d.str()
	switch {
	case flags&flagURLDerived != 0:
		d.rebuilt(&o.URL, appendDerivedURL(d.tmp[:0], o.Kind, o.ID))
	case flags&flagURLOnSite != 0:
		d.rebuilt(&o.URL, append(append(d.tmp[:0], Site...), o.URL...))
	}
	o.Shortname, o.FirstSeen, o.LastSeen = d.str(), d.str(), d.str()
	o.Domains, o.Aliases, o.Platforms, o.Phases = d.strs(), d.strs(), d.strs(), d.strs()
	o.Refs = cut(&d.refs, d.count(), d)
	for i := range o.Refs {
		o.Refs[i] = int32(d.uint())
	}
	o.LogSources = cut(&d.sources, d.count(), d)
	for i := range o.LogSources {
		o.LogSources[i] = LogSource{int32(d.uint()) - 1, d.str(), d.str()}
	}
	if o.Kind == Campaign {
		o.Cites = d.strs()
	}
}

func (d *decoder) stixID(o *Object) {
	if d.left() < 16 {
		d.fail()
		return
	}
	d.rebuilt(&o.STIXID, appendSTIXID(d.tmp[:0], o.Kind, d.buf[d.pos:d.pos+16]))
	d.pos += 16
}

// rebuilt adds b to the arena, to become *dst.
func (d *decoder) rebuilt(dst *string, b []byte) {
	start := d.arena.Len()
	d.arena.Write(b)
	d.later = append(d.later, pending{dst, start, d.arena.Len()})
	d.tmp = b
}

// checkRefs checks the references inside objects, which could not be
// checked while objects were still being read.
func (d *decoder) checkRefs(out *Data) {
	n := int32(len(out.Objects))
	for i := range out.Objects {
		o := &out.Objects[i]
		for _, r := range o.Refs {
			if r < 0 || r >= n {
				d.fail()
			}
		}
		for _, l := range o.LogSources {
			if l.DataComponent < -1 || l.DataComponent >= n {
				d.fail()
			}
		}
	}
}

// String describes d briefly, for logs and test failures.
func (d *Data) String() string {
	return fmt.Sprintf("%d domains, %d objects, %d relations, %d warnings", len(d.Domains), len(d.Objects), len(d.Relations), d.NWarnings)
}
