package wazuh

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"path"
	"strings"

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

// entities builds the alert's entities: the agent's device, addresses and
// users of the decoded event, the Windows event's process, and the file of
// a file integrity alert.
func (d *alertDoc) entities() []debrief.Entity {
	var es entities
	dev := device(string(d.Agent.Name), string(d.Agent.ID))
	dev.Attributes = attrs("device_id", string(d.Agent.ID), "fqdn", dev.Attributes["fqdn"],
		"ip", string(d.Agent.IP), "manager", string(d.Manager.Name))
	es.add(dev)
	ev := d.Data.Win.EventData
	es.add(device(string(d.Data.Win.System.Computer), ""))
	es.add(ip(string(d.Data.SrcIP)))
	es.add(ip(string(d.Data.DstIP)))
	es.add(ip(string(ev.IPAddress)))
	es.add(user("", string(d.Data.SrcUser)))
	es.add(user("", string(d.Data.DstUser)))
	es.add(user(string(ev.TargetDomainName), string(ev.TargetUserName)))
	es.add(user(string(ev.SubjectDomainName), string(ev.SubjectUserName)))
	es.add(process(dev.ID, string(ev.ProcessID), string(ev.CommandLine), string(ev.Image)))
	if u := string(d.Data.URL); strings.Contains(u, "://") {
		es.add(debrief.Entity{Kind: debrief.EntityURL, ID: u})
	}
	es.add(d.Syscheck.file())
	return es
}

// device keys a host by its lower-case name without domain, else by the
// agent id.
func device(name, agentID string) debrief.Entity {
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
		e.ID = agentID
	}
	e.Attributes = attrs("device_id", agentID, "fqdn", fqdn)
	return e
}

// user keys a user by domain\name, else name, lower-cased. Wazuh events
// rarely carry more than a name.
func user(domain, name string) debrief.Entity {
	name = strings.TrimSpace(name)
	if name == "" || name == "-" {
		return debrief.Entity{}
	}
	e := debrief.Entity{Kind: debrief.EntityUser, ID: strings.ToLower(name), Name: name}
	if domain != "" && domain != "-" {
		e.ID = strings.ToLower(domain + `\` + name)
	}
	e.Attributes = attrs("name", name, "domain", domain)
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

// process keys a Windows event's process by a hash of its command line
// (Wazuh gives no start time to key it by device, pid and time).
func process(dev, pid, cmd, image string) debrief.Entity {
	if cmd == "" {
		return debrief.Entity{}
	}
	sum := sha256.Sum256([]byte(cmd))
	e := debrief.Entity{Kind: debrief.EntityProcess, ID: hex.EncodeToString(sum[:])}
	if image != "" {
		e.Name = path.Base(strings.ReplaceAll(image, `\`, "/"))
	}
	e.Attributes = attrs("command_line", cmd, "pid", pid, "image", image, "device", dev)
	return e
}

// file keys the file of a file integrity alert by its new SHA-256, else
// SHA-1, else MD5, else path.
func (s syscheck) file() debrief.Entity {
	p := string(s.Path)
	e := debrief.Entity{Kind: debrief.EntityFile}
	for _, id := range []text{s.SHA256After, s.SHA1After, s.MD5After} {
		if id != "" {
			e.ID = strings.ToLower(string(id))
			break
		}
	}
	if e.ID == "" {
		e.ID = p
	}
	if e.ID == "" {
		return e
	}
	if p != "" {
		e.Name = path.Base(strings.ReplaceAll(p, `\`, "/"))
	}
	e.Attributes = attrs("sha256", strings.ToLower(string(s.SHA256After)), "sha1", strings.ToLower(string(s.SHA1After)),
		"md5", strings.ToLower(string(s.MD5After)), "name", e.Name, "path", p, "size", string(s.SizeAfter),
		"owner", string(s.UnameAfter), "event", string(s.Event))
	return e
}
