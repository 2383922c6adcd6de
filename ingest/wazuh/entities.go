package wazuh

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"path"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/entity"
)

// entities builds the alert's entities: the agent's device, addresses and
// users of the decoded event, the Windows event's process, and the file of
// a file integrity alert.
func (d *alertDoc) entities() []debrief.Entity {
	var es entity.Set
	dev := device(string(d.Agent.Name), string(d.Agent.ID))
	dev.Attributes = entity.Attrs("device_id", string(d.Agent.ID), "fqdn", dev.Attributes["fqdn"],
		"ip", string(d.Agent.IP), "manager", string(d.Manager.Name))
	es.Merge(dev)
	ev := d.Data.Win.EventData
	es.Merge(device(string(d.Data.Win.System.Computer), ""))
	es.Merge(entity.IP(string(d.Data.SrcIP)))
	es.Merge(entity.IP(string(d.Data.DstIP)))
	es.Merge(entity.IP(string(ev.IPAddress)))
	es.Merge(user("", string(d.Data.SrcUser)))
	es.Merge(user("", string(d.Data.DstUser)))
	es.Merge(user(string(ev.TargetDomainName), string(ev.TargetUserName)))
	es.Merge(user(string(ev.SubjectDomainName), string(ev.SubjectUserName)))
	es.Merge(process(dev.ID, string(ev.ProcessID), string(ev.CommandLine), string(ev.Image)))
	if u := string(d.Data.URL); strings.Contains(u, "://") {
		es.Merge(debrief.Entity{Kind: debrief.EntityURL, ID: u})
	}
	es.Merge(d.Syscheck.file())
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
	e.Attributes = entity.Attrs("device_id", agentID, "fqdn", fqdn)
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
	e.Attributes = entity.Attrs("name", name, "domain", domain)
	return e
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
	e.Attributes = entity.Attrs("command_line", cmd, "pid", pid, "image", image, "device", dev)
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
	e.Attributes = entity.Attrs("sha256", strings.ToLower(string(s.SHA256After)), "sha1", strings.ToLower(string(s.SHA1After)),
		"md5", strings.ToLower(string(s.MD5After)), "name", e.Name, "path", p, "size", string(s.SizeAfter),
		"owner", string(s.UnameAfter), "event", string(s.Event))
	return e
}
