package elastic

import (
	"crypto/sha256"
	"encoding/hex"
	"hash/maphash"
	"net/netip"
	"path"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/entity"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// entityMemo remembers the entities of recent documents by the fields
// they are built from: the alerts of an export name the same hosts and
// users again and again, and each entity, its attribute map included, is
// built once and shared. Nothing writes to an alert's attribute maps
// after decoding (entity.Set.Merge gives an entity that gains attributes a
// map of its own), so sharing them is safe.
type entityMemo struct {
	// Pairs of slots: a key new to the pair of its hash takes the first,
	// moving the one there to the second, so that two keys of one hash
	// do not evict each other at every document.
	slots [1024]*memoEntry
}

type memoEntry struct {
	key [4]string
	e   debrief.Entity
}

// get returns the entity of key, building it with build from a copy of
// key the first time: the entity then holds no view of the document's
// buffer, which the memo would keep alive.
func (m *entityMemo) get(key [4]string, build func(key [4]string) debrief.Entity) debrief.Entity {
	var h uint64
	for _, s := range key {
		h = h*31 + maphash.String(memoSeed, s)
	}
	i := h % uint64(len(m.slots)) &^ 1
	pair := m.slots[i : i+2 : i+2]
	for _, e := range pair {
		if e != nil && e.key == key {
			return e.e
		}
	}
	for i := range key {
		key[i] = strings.Clone(key[i])
	}
	pair[1], pair[0] = pair[0], &memoEntry{key: key, e: build(key)}
	return pair[0].e
}

var memoSeed = maphash.MakeSeed()

func addAttr(m map[string]string, k, v string) map[string]string {
	if v == "" {
		return m
	}
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}

// entities builds the alert's entities from the ECS fields of the document.
func (d *doc) entities(t *text, m *memos) []debrief.Entity {
	es := entity.Set(t.entities.take(d.entityBound()))
	name := d.hostName
	if name == "" {
		name = d.hostHostname
	}
	var ip string
	if len(d.hostIPs) > 0 {
		ip = d.hostIPs[0]
	}
	dev := m.devices.get([4]string{name, d.hostID, ip}, func(k [4]string) debrief.Entity {
		dev := device(k[0], k[1])
		if k[2] != "" && dev.ID != "" {
			dev.Attributes = addAttr(dev.Attributes, "ip", k[2])
		}
		return dev
	})
	es.Merge(dev)
	es.Merge(m.users.get([4]string{d.userEmail, d.userDomain, d.userName, d.userID}, func(k [4]string) debrief.Entity {
		return user(k[0], k[1], k[2], k[3])
	}))
	for _, s := range d.srcIPs {
		es.Merge(entity.IP(s))
	}
	for _, s := range d.dstIPs {
		es.Merge(entity.IP(s))
	}
	es.Merge(d.process(dev.ID))
	es.Merge(file(d.fileSHA256, d.fileSHA1, d.fileMD5, d.filePath, d.fileName, d.fileSize))
	if d.urlFull != "" {
		es.Merge(debrief.Entity{Kind: debrief.EntityURL, ID: d.urlFull})
	}
	es.Merge(entity.Domain(d.dnsName))
	d.mail(&es)
	for _, e := range d.enrichments {
		es.Merge(matchedEntity(e.Matched, e.Feed.Name))
	}
	for _, in := range d.indicators {
		es.Merge(matchedEntity(in.Matched, in.Provider))
	}
	return es
}

// entityBound is the most entities the document can give.
func (d *doc) entityBound() int {
	n := len(d.srcIPs) + len(d.dstIPs) + len(d.mailFrom) + len(d.mailTo) + len(d.enrichments) + len(d.indicators)
	for _, some := range []bool{
		d.hostName != "" || d.hostHostname != "" || d.hostID != "",
		d.userEmail != "" || d.userDomain != "" || d.userName != "" || d.userID != "",
		d.procPID != "" || d.procEntity != "" || d.procCmd != "",
		d.fileSHA256 != "" || d.fileSHA1 != "" || d.fileMD5 != "" || d.filePath != "",
		d.urlFull != "", d.dnsName != "", d.mailMessageID != "",
	} {
		if some {
			n++
		}
	}
	return n
}

// device keys a host by its lower-case name without domain, else by the
// vendor's id.
func device(name, vendorID string) debrief.Entity {
	e := debrief.Entity{Kind: debrief.EntityDevice, Name: name}
	host := strings.ToLower(strings.TrimSpace(name))
	var fqdn string
	if i := strings.IndexByte(host, '.'); i > 0 && !isIP(host) {
		fqdn, host = host, host[:i]
	}
	e.ID = host
	if e.ID == "" {
		e.ID = vendorID
	}
	e.Attributes = entity.Attrs("device_id", vendorID, "fqdn", fqdn)
	return e
}

// isIP reports whether a host name is an IP address; only one that
// starts with a digit or holds a colon can be.
func isIP(host string) bool {
	if host == "" || (host[0] < '0' || host[0] > '9') && !strings.Contains(host, ":") {
		return false
	}
	_, err := netip.ParseAddr(host)
	return err == nil
}

// user keys a user by e-mail address, else domain\name, else name, else id.
func user(email, domain, name, id string) debrief.Entity {
	e := debrief.Entity{Kind: debrief.EntityUser, Name: name}
	switch {
	case email != "":
		e.ID = strings.ToLower(email)
	case domain != "" && name != "":
		e.ID = lowerJoin(domain, name)
	case name != "":
		e.ID = strings.ToLower(name)
	default:
		e.ID = id
	}
	idKey := "object_id"
	if strings.HasPrefix(id, "S-1-") {
		idKey = "sid"
	}
	e.Attributes = entity.Attrs("upn", strings.ToLower(email), "name", name, "domain", domain, idKey, id)
	return e
}

// lowerJoin is strings.ToLower(domain + `\` + name) in one allocation
// for ASCII names.
func lowerJoin(domain, name string) string {
	b := make([]byte, 0, len(domain)+1+len(name))
	b = append(append(append(b, domain...), '\\'), name...)
	for i, c := range b {
		switch {
		case c >= utf8.RuneSelf:
			return strings.ToLower(string(b))
		case c >= 'A' && c <= 'Z':
			b[i] = c + 'a' - 'A'
		}
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// file keys a file by its SHA-256, else SHA-1, else MD5, else path.
func file(sha256, sha1, md5, path, name, size string) debrief.Entity {
	e := debrief.Entity{Kind: debrief.EntityFile, Name: name}
	for _, id := range []string{sha256, sha1, md5, path} {
		if id != "" {
			e.ID = id
			break
		}
	}
	if e.ID != path {
		e.ID = wire.Lower(e.ID)
	}
	e.Attributes = entity.Attrs("sha256", wire.Lower(sha256), "sha1", wire.Lower(sha1),
		"md5", wire.Lower(md5), "name", name, "path", path, "size", size)
	return e
}

// process keys a process by device, pid and start time; else by its
// Elastic entity id; else by a hash of its command line.
func (d *doc) process(dev string) debrief.Entity {
	e := debrief.Entity{Kind: debrief.EntityProcess, Name: d.procName}
	if e.Name == "" && d.procExe != "" {
		e.Name = baseName(d.procExe)
	}
	switch {
	case d.procPID != "" && !d.procStart.IsZero():
		e.ID = d.procPID + ":" + d.procStart.Format(time.RFC3339Nano)
		if dev != "" {
			e.ID = dev + ":" + e.ID
		}
	case d.procEntity != "":
		e.ID = d.procEntity
	case d.procCmd != "":
		sum := sha256.Sum256([]byte(d.procCmd))
		e.ID = hex.EncodeToString(sum[:])
	default:
		return debrief.Entity{}
	}
	e.Attributes = entity.Attrs("command_line", d.procCmd, "pid", d.procPID, "image", d.procExe,
		"entity_id", d.procEntity, "sha256", wire.Lower(d.procSHA256))
	return e
}

// baseName is path.Base of a Windows or Unix path, without its copy of
// the path when the path does not end with a separator.
func baseName(p string) string {
	if c := p[len(p)-1]; c != '/' && c != '\\' {
		return p[strings.LastIndexAny(p, `/\`)+1:]
	}
	return path.Base(strings.ReplaceAll(p, `\`, "/"))
}

// mail adds the message and the sender and recipient mailboxes.
func (d *doc) mail(es *entity.Set) {
	from := strings.Join(d.mailFrom, ", ")
	to := strings.Join(d.mailTo, ", ")
	if d.mailMessageID != "" {
		es.Merge(debrief.Entity{Kind: debrief.EntityMailMessage, ID: d.mailMessageID, Name: d.mailSubject,
			Attributes: entity.Attrs("sender", from, "recipient", to, "subject", d.mailSubject)})
	}
	for _, a := range append(d.mailFrom[:len(d.mailFrom):len(d.mailFrom)], d.mailTo...) {
		es.Merge(debrief.Entity{Kind: debrief.EntityMailbox, ID: strings.ToLower(strings.TrimSpace(a))})
	}
}

// matchedEntity turns the value an indicator match rule matched into an
// entity of the kind its ECS field names.
func matchedEntity(m matched, feed string) debrief.Entity {
	if m.Atomic == "" {
		return debrief.Entity{}
	}
	var e debrief.Entity
	f := m.Field
	switch {
	case f == "host.name" || f == "host.hostname":
		e = device(m.Atomic, "")
	case strings.HasSuffix(f, ".ip") || f == "ip":
		e = entity.IP(m.Atomic)
	case strings.HasPrefix(f, "url.") || strings.HasSuffix(f, ".url"):
		e = debrief.Entity{Kind: debrief.EntityURL, ID: m.Atomic}
	case strings.HasSuffix(f, ".domain") || f == "dns.question.name" || strings.HasSuffix(f, ".registered_domain"):
		e = entity.Domain(m.Atomic)
	case strings.Contains(f, ".hash."):
		e = debrief.Entity{Kind: debrief.EntityFile, ID: strings.ToLower(m.Atomic),
			Attributes: entity.Attrs(f[strings.LastIndexByte(f, '.')+1:], strings.ToLower(m.Atomic))}
	case strings.HasPrefix(f, "user."):
		e = debrief.Entity{Kind: debrief.EntityUser, ID: strings.ToLower(m.Atomic)}
	case strings.HasPrefix(f, "email.") && strings.HasSuffix(f, ".address"):
		e = debrief.Entity{Kind: debrief.EntityMailbox, ID: strings.ToLower(m.Atomic)}
	default:
		e = debrief.Entity{Kind: debrief.EntityOther, ID: m.Atomic}
	}
	if e.ID == "" {
		return e
	}
	e.Attributes = addAttr(e.Attributes, "matched_field", f)
	e.Attributes = addAttr(e.Attributes, "indicator_feed", feed)
	return e
}
