package entity

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"net/netip"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// Set collects an alert's entities, merging those with the same kind and
// id: the first name wins, and attributes are added where missing.
type Set []debrief.Entity

// Merge adds e to the set, or merges it into the entity with its key. An
// entity without id is left out.
//
// Merge never writes to an attribute map it was given: an entity that
// gains attributes gets a map of its own first. So decoders may give the
// entities of several alerts one map (see the elastic decoder's memo of
// hosts and users).
func (es *Set) Merge(e debrief.Entity) {
	if e.ID == "" {
		return
	}
	for i := range *es {
		o := &(*es)[i]
		if o.Kind != e.Kind || o.ID != e.ID {
			continue
		}
		if o.Name == "" {
			o.Name = e.Name
		}
		own := false
		for k, v := range e.Attributes {
			if _, ok := o.Attributes[k]; !ok {
				if !own {
					o.Attributes, own = maps.Clone(o.Attributes), true
					if o.Attributes == nil {
						o.Attributes = map[string]string{}
					}
				}
				o.Attributes[k] = v
			}
		}
		return
	}
	*es = append(*es, e)
}

// AppendNew appends e to es unless es holds an equal entity.
func AppendNew(es []debrief.Entity, e debrief.Entity) []debrief.Entity {
	if Has(es, &e) {
		return es
	}
	return append(es, e)
}

// Has reports whether es holds an entity equal to *e.
func Has(es []debrief.Entity, e *debrief.Entity) bool {
	for i := range es {
		o := &es[i]
		if o.Kind == e.Kind && o.ID == e.ID && o.Name == e.Name && o.Role == e.Role && o.Verdict == e.Verdict &&
			maps.Equal(o.Attributes, e.Attributes) {
			return true
		}
	}
	return false
}

// Attrs builds an attribute map from key, value pairs, leaving out empty
// values; it returns nil when all are empty.
func Attrs(kv ...string) map[string]string {
	var m map[string]string
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		if m == nil {
			m = make(map[string]string, len(kv)/2)
		}
		m[kv[i]] = kv[i+1]
	}
	return m
}

// TrimmedAttrs is Attrs with each value trimmed of white space first.
func TrimmedAttrs(kv ...string) map[string]string {
	var m map[string]string
	for i := 0; i+1 < len(kv); i += 2 {
		v := wire.TrimSpace(kv[i+1])
		if v == "" {
			continue
		}
		if m == nil {
			m = make(map[string]string, (len(kv)-i)/2) // room for the rest
		}
		m[kv[i]] = v
	}
	return m
}

// With sets m[k] to v trimmed, unless that is empty; it makes m when nil.
func With(m map[string]string, k, v string) map[string]string {
	if v = wire.TrimSpace(v); v == "" {
		return m
	}
	if m == nil {
		m = make(map[string]string, 4)
	}
	m[k] = v
	return m
}

// SetAttr sets the attribute key of e to value trimmed, unless that is
// empty.
func SetAttr(e *debrief.Entity, key, value string) {
	e.Attributes = With(e.Attributes, key, value)
}

// FirstOf returns the first of ss that is not blank, trimmed.
func FirstOf(ss ...string) string {
	for _, s := range ss {
		if s = wire.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// JoinNonEmpty joins the non-blank ss, trimmed, with sep.
func JoinNonEmpty(sep string, ss ...string) string {
	var b strings.Builder
	for _, s := range ss {
		if s = wire.TrimSpace(s); s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s)
	}
	return b.String()
}

// Hash is the hex SHA-256 of s: the id of what has no better key, e.g. a
// process known only by its command line.
func Hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// HostID is the id of a device from its DNS name: lower case, without the
// domain; an IP address is kept whole.
func HostID(dns string) string {
	dns = wire.Lower(wire.TrimSpace(dns))
	if mayBeIP(dns) {
		if _, err := netip.ParseAddr(dns); err == nil {
			return dns
		}
	}
	host, _, _ := strings.Cut(dns, ".")
	return host
}

// mayBeIP reports whether netip.ParseAddr could read s: an IPv6 address
// has a colon, an IPv4 one only digits and dots. It spares host names
// the parse and its error, which allocates.
func mayBeIP(s string) bool {
	if strings.IndexByte(s, ':') >= 0 {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	return s != ""
}

// ProcessID is the id of a process: host, pid and start time when all are
// known, else the hash of its command line, else host and pid.
func ProcessID(host, pid string, created time.Time, cmd string) string {
	var buf [128]byte
	return string(AppendProcessID(buf[:0], host, pid, created, cmd))
}

// AppendProcessID appends ProcessID's id to dst, for a caller that makes
// the string itself.
func AppendProcessID(dst []byte, host, pid string, created time.Time, cmd string) []byte {
	return AppendProcessIDText(dst, host, pid, created, "", cmd)
}

// AppendProcessIDText is AppendProcessID given also createdText, created
// as time.RFC3339Nano writes it (see wire.ParseTimeText), or "" when not
// known: it is then written without formatting created again.
func AppendProcessIDText(dst []byte, host, pid string, created time.Time, createdText, cmd string) []byte {
	switch {
	case host != "" && pid != "" && !created.IsZero():
		dst = append(append(append(append(dst, host...), ':'), pid...), ':')
		if createdText != "" {
			return append(dst, createdText...)
		}
		return created.AppendFormat(dst, time.RFC3339Nano)
	case cmd != "":
		sum := sha256.Sum256([]byte(cmd))
		return hex.AppendEncode(dst, sum[:])
	case host != "" && pid != "":
		return append(append(append(append(dst, host...), ':'), pid...), ':')
	}
	return dst
}

// JoinPath joins a folder and a file name with the folder's separator (\
// unless it holds /); a folder that already ends with the name is the
// path.
func JoinPath(folder, name string) string {
	folder, name = wire.TrimSpace(folder), wire.TrimSpace(name)
	switch {
	case folder == "":
		return name
	case name == "" || strings.HasSuffix(strings.ToLower(folder), strings.ToLower(name)):
		return folder
	}
	sep := `\`
	if strings.Contains(folder, "/") {
		sep = "/"
	}
	return strings.TrimRight(folder, sep) + sep + name
}

// IP is the entity of an IP address in canonical form; it has no id when
// s is not an address.
func IP(s string) debrief.Entity {
	s = wire.TrimSpace(s)
	if DottedQuad(s) {
		return debrief.Entity{Kind: debrief.EntityIP, ID: s}
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return debrief.Entity{}
	}
	if a.Is4() {
		// netip reads IPv4 only in dotted decimal without leading zeros,
		// which is the canonical form: s is it already.
		return debrief.Entity{Kind: debrief.EntityIP, ID: s}
	}
	return debrief.Entity{Kind: debrief.EntityIP, ID: a.String()}
}

// LooseIP is the entity of an IP address, canonical when s parses, else
// the trimmed text as the vendor wrote it; ok is false when s is blank.
func LooseIP(s string) (debrief.Entity, bool) {
	s = wire.TrimSpace(s)
	if DottedQuad(s) {
		return debrief.Entity{Kind: debrief.EntityIP, ID: s}, true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		s = a.String()
	}
	return debrief.Entity{Kind: debrief.EntityIP, ID: s}, s != ""
}

// DottedQuad reports whether s is an IPv4 address in the form netip
// reads and writes: four numbers up to 255 in decimal, without leading
// zeros, between dots. It is what most IP addresses are, told in a loop
// shorter than netip.ParseAddr's.
func DottedQuad(s string) bool {
	i := 0
	for dots := 0; ; dots++ {
		// One to three digits, at most 255; a zero stands alone.
		if i >= len(s) {
			return false
		}
		v := int(s[i]) - '0'
		if uint(v) > 9 {
			return false
		}
		i++
		if v != 0 {
			for end := min(i+2, len(s)); i < end; i++ {
				d := int(s[i]) - '0'
				if uint(d) > 9 {
					break
				}
				v = v*10 + d
			}
			if v > 255 {
				return false
			}
		}
		switch {
		case dots == 3:
			return i == len(s)
		case i >= len(s) || s[i] != '.':
			return false
		}
		i++
	}
}

// IsIP reports whether s is an IP address.
func IsIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

// Domain is the entity of a DNS name: lower case, without the final dot.
func Domain(s string) debrief.Entity {
	s = strings.TrimSuffix(strings.ToLower(wire.TrimSpace(s)), ".")
	return debrief.Entity{Kind: debrief.EntityDomain, ID: s}
}

// Simple is an entity of kind whose id is id trimmed; ok is false when
// that is empty.
func Simple(kind debrief.EntityKind, id, name string) (debrief.Entity, bool) {
	id = wire.TrimSpace(id)
	return debrief.Entity{Kind: kind, ID: id, Name: name}, id != ""
}

// User is the entity of a user account, keyed by lower-case UPN, else
// domain\name, else SID, else object id; ok is false without any.
func User(upn, domain, name, sid, oid string) (debrief.Entity, bool) {
	upn, domain, name = strings.ToLower(wire.TrimSpace(upn)), wire.TrimSpace(domain), wire.TrimSpace(name)
	dn := name
	if domain != "" && name != "" {
		dn = domain + `\` + name
	}
	e := debrief.Entity{Kind: debrief.EntityUser, ID: FirstOf(upn, dn, sid, oid), Name: FirstOf(name, upn)}
	SetAttr(&e, "upn", upn)
	SetAttr(&e, "sid", sid)
	SetAttr(&e, "object_id", oid)
	SetAttr(&e, "name", name)
	SetAttr(&e, "domain", domain)
	return e, e.ID != ""
}

// NormTime writes a timestamp in RFC 3339 with nanoseconds, for ids; text
// that is not a time is kept, trimmed.
func NormTime(s string) string {
	t, err := wire.ParseTime(s)
	if err != nil || t.IsZero() {
		return wire.TrimSpace(s)
	}
	return t.Format(time.RFC3339Nano)
}

// Fold lower-cases ASCII letters and drops '-', '_' and ' ', to compare
// vendor spellings of a name.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		case c == '-' || c == '_' || c == ' ':
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
