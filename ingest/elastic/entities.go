package elastic

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"path"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// entities collects an alert's entities, merging those with the same key.
type entities []debrief.Entity

func (es *entities) add(e debrief.Entity) {
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
		for k, v := range e.Attributes {
			if _, ok := o.Attributes[k]; !ok {
				if o.Attributes == nil {
					o.Attributes = map[string]string{}
				}
				o.Attributes[k] = v
			}
		}
		return
	}
	*es = append(*es, e)
}

// attrs builds an attribute map from key, value pairs, leaving out empty
// values; it returns nil when all are empty.
func attrs(kv ...string) map[string]string {
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
func (d *doc) entities() []debrief.Entity {
	es := make(entities, 0, 8)
	name := d.hostName
	if name == "" {
		name = d.hostHostname
	}
	dev := device(name, d.hostID)
	if len(d.hostIPs) > 0 && dev.ID != "" {
		dev.Attributes = addAttr(dev.Attributes, "ip", d.hostIPs[0])
	}
	es.add(dev)
	es.add(user(d.userEmail, d.userDomain, d.userName, d.userID))
	for _, s := range d.srcIPs {
		es.add(ip(s))
	}
	for _, s := range d.dstIPs {
		es.add(ip(s))
	}
	es.add(d.process(dev.ID))
	es.add(file(d.fileSHA256, d.fileSHA1, d.fileMD5, d.filePath, d.fileName, d.fileSize))
	if d.urlFull != "" {
		es.add(debrief.Entity{Kind: debrief.EntityURL, ID: d.urlFull})
	}
	es.add(domain(d.dnsName))
	d.mail(&es)
	for _, e := range d.enrichments {
		es.add(matchedEntity(e.Matched, e.Feed.Name))
	}
	for _, in := range d.indicators {
		es.add(matchedEntity(in.Matched, in.Provider))
	}
	return es
}

// device keys a host by its lower-case name without domain, else by the
// vendor's id.
func device(name, vendorID string) debrief.Entity {
	e := debrief.Entity{Kind: debrief.EntityDevice, Name: name}
	host := strings.ToLower(strings.TrimSpace(name))
	var fqdn string
	if _, err := netip.ParseAddr(host); err != nil {
		if i := strings.IndexByte(host, '.'); i > 0 {
			fqdn, host = host, host[:i]
		}
	}
	e.ID = host
	if e.ID == "" {
		e.ID = vendorID
	}
	e.Attributes = attrs("device_id", vendorID, "fqdn", fqdn)
	return e
}

// user keys a user by e-mail address, else domain\name, else name, else id.
func user(email, domain, name, id string) debrief.Entity {
	e := debrief.Entity{Kind: debrief.EntityUser, Name: name}
	switch {
	case email != "":
		e.ID = strings.ToLower(email)
	case domain != "" && name != "":
		e.ID = strings.ToLower(domain + `\` + name)
	case name != "":
		e.ID = strings.ToLower(name)
	default:
		e.ID = id
	}
	idKey := "object_id"
	if strings.HasPrefix(id, "S-1-") {
		idKey = "sid"
	}
	e.Attributes = attrs("upn", strings.ToLower(email), "name", name, "domain", domain, idKey, id)
	return e
}

// ip keys an address as net/netip prints it; text that is no address
// gives no entity.
func ip(s string) debrief.Entity {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return debrief.Entity{}
	}
	return debrief.Entity{Kind: debrief.EntityIP, ID: a.String()}
}

func domain(s string) debrief.Entity {
	s = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	return debrief.Entity{Kind: debrief.EntityDomain, ID: s}
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
		e.ID = strings.ToLower(e.ID)
	}
	e.Attributes = attrs("sha256", strings.ToLower(sha256), "sha1", strings.ToLower(sha1),
		"md5", strings.ToLower(md5), "name", name, "path", path, "size", size)
	return e
}

// process keys a process by device, pid and start time; else by its
// Elastic entity id; else by a hash of its command line.
func (d *doc) process(dev string) debrief.Entity {
	e := debrief.Entity{Kind: debrief.EntityProcess, Name: d.procName}
	if e.Name == "" && d.procExe != "" {
		e.Name = path.Base(strings.ReplaceAll(d.procExe, `\`, "/"))
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
	e.Attributes = attrs("command_line", d.procCmd, "pid", d.procPID, "image", d.procExe,
		"entity_id", d.procEntity, "sha256", strings.ToLower(d.procSHA256))
	return e
}

// mail adds the message and the sender and recipient mailboxes.
func (d *doc) mail(es *entities) {
	from := strings.Join(d.mailFrom, ", ")
	to := strings.Join(d.mailTo, ", ")
	if d.mailMessageID != "" {
		es.add(debrief.Entity{Kind: debrief.EntityMailMessage, ID: d.mailMessageID, Name: d.mailSubject,
			Attributes: attrs("sender", from, "recipient", to, "subject", d.mailSubject)})
	}
	for _, a := range append(d.mailFrom[:len(d.mailFrom):len(d.mailFrom)], d.mailTo...) {
		es.add(debrief.Entity{Kind: debrief.EntityMailbox, ID: strings.ToLower(strings.TrimSpace(a))})
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
		e = ip(m.Atomic)
	case strings.HasPrefix(f, "url.") || strings.HasSuffix(f, ".url"):
		e = debrief.Entity{Kind: debrief.EntityURL, ID: m.Atomic}
	case strings.HasSuffix(f, ".domain") || f == "dns.question.name" || strings.HasSuffix(f, ".registered_domain"):
		e = domain(m.Atomic)
	case strings.Contains(f, ".hash."):
		e = debrief.Entity{Kind: debrief.EntityFile, ID: strings.ToLower(m.Atomic),
			Attributes: attrs(f[strings.LastIndexByte(f, '.')+1:], strings.ToLower(m.Atomic))}
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
