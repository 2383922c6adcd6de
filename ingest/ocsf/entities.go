package ocsf

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/entity"
)

// entities builds the alert's entities from the finding's device, actor,
// resources, evidences and observables.
func (f *finding) entities() []debrief.Entity {
	var es entity.Set
	dev := f.Device.entity()
	es.Merge(dev)
	if f.Actor != nil {
		es.Merge(f.Actor.User.entity())
		f.Actor.Process.entities(&es, dev.ID)
	}
	f.Process.entities(&es, dev.ID)
	for _, r := range f.Resources {
		es.Merge(r.entity(f.Cloud.Account.UID, f.Cloud.Provider))
	}
	for _, ev := range f.Evidences {
		ev.entities(&es, dev.ID, f)
	}
	for _, o := range f.Observables {
		es.Merge(o.entity())
	}
	return es
}

func (ev *evidence) entities(es *entity.Set, dev string, f *finding) {
	for _, ep := range []*endpoint{ev.SrcEndpoint, ev.DstEndpoint} {
		if ep == nil {
			continue
		}
		es.Merge(entity.IP(ep.IP))
		name := ep.Hostname
		if name == "" {
			name = ep.Name
		}
		if name != "" {
			es.Merge(deviceEntity(name, ep.UID))
		}
	}
	if d := ev.Device.entity(); d.ID != "" {
		es.Merge(d)
		dev = d.ID
	}
	ev.Process.entities(es, dev)
	es.Merge(ev.File.entity())
	if ev.Actor != nil {
		es.Merge(ev.Actor.User.entity())
		ev.Actor.Process.entities(es, dev)
	}
	es.Merge(ev.User.entity())
	if ev.API != nil {
		svc := ev.API.Service.Name
		if svc == "" {
			svc = ev.API.Service.UID
		}
		es.Merge(debrief.Entity{Kind: debrief.EntityCloudApp, ID: svc, Name: ev.API.Service.Name,
			Attributes: entity.Attrs("operation", ev.API.Operation)})
	}
	if ev.URL != nil && ev.URL.URLString != "" {
		es.Merge(debrief.Entity{Kind: debrief.EntityURL, ID: ev.URL.URLString})
	}
	if ev.Query != nil {
		es.Merge(entity.Domain(ev.Query.Hostname))
	}
	ev.Email.entities(es)
	for _, r := range ev.Resources {
		es.Merge(r.entity(f.Cloud.Account.UID, f.Cloud.Provider))
	}
}

func (d *device) entity() debrief.Entity {
	if d == nil {
		return debrief.Entity{}
	}
	name := d.Hostname
	if name == "" {
		name = d.Name
	}
	e := deviceEntity(name, d.UID)
	if e.ID == "" {
		e.ID = d.InstanceUID
	}
	for k, v := range entity.Attrs("ip", d.IP, "instance_uid", d.InstanceUID) {
		if e.Attributes == nil {
			e.Attributes = map[string]string{}
		}
		e.Attributes[k] = v
	}
	return e
}

// deviceEntity keys a host by its lower-case name without domain, else by
// the vendor's id.
func deviceEntity(name, vendorID string) debrief.Entity {
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
	e.Attributes = entity.Attrs("device_id", vendorID, "fqdn", fqdn)
	return e
}

// entity keys a user by e-mail address, else domain\name, else name, else
// uid.
func (u *user) entity() debrief.Entity {
	if u == nil {
		return debrief.Entity{}
	}
	e := debrief.Entity{Kind: debrief.EntityUser, Name: u.Name}
	switch {
	case u.EmailAddr != "":
		e.ID = strings.ToLower(u.EmailAddr)
	case u.Domain != "" && u.Name != "":
		e.ID = strings.ToLower(u.Domain + `\` + u.Name)
	case u.Name != "":
		e.ID = strings.ToLower(u.Name)
	default:
		e.ID = u.UID
	}
	idKey := "object_id"
	if strings.HasPrefix(u.UID, "S-1-") {
		idKey = "sid"
	}
	e.Attributes = entity.Attrs("upn", strings.ToLower(u.EmailAddr), "name", u.Name, "domain", u.Domain, idKey, u.UID)
	return e
}

// entities adds the process and the file it runs.
func (p *process) entities(es *entity.Set, dev string) {
	if p == nil {
		return
	}
	es.Merge(p.entity(dev))
	es.Merge(p.File.entity())
}

// entity keys a process by device, pid and creation time, else by its
// uid, else by a hash of its command line.
func (p *process) entity(dev string) debrief.Entity {
	if p == nil {
		return debrief.Entity{}
	}
	e := debrief.Entity{Kind: debrief.EntityProcess, Name: p.Name}
	pid := ""
	if p.PID != 0 {
		pid = strconv.Itoa(p.PID)
	}
	created, _ := when(p.CreatedTime, "")
	switch {
	case pid != "" && !created.IsZero():
		e.ID = pid + ":" + created.Format(time.RFC3339Nano)
		if dev != "" {
			e.ID = dev + ":" + e.ID
		}
	case p.UID != "":
		e.ID = p.UID
	case p.CmdLine != "":
		sum := sha256.Sum256([]byte(p.CmdLine))
		e.ID = hex.EncodeToString(sum[:])
	default:
		return debrief.Entity{}
	}
	var image string
	if p.File != nil {
		image = p.File.Path
	}
	e.Attributes = entity.Attrs("command_line", p.CmdLine, "pid", pid, "image", image, "uid", p.UID)
	return e
}

// entity keys a file by its SHA-256, else SHA-1, else MD5, else path.
func (f *file) entity() debrief.Entity {
	if f == nil {
		return debrief.Entity{}
	}
	var sums [4]string // by algorithm_id: 1 MD5, 2 SHA-1, 3 SHA-256
	for _, h := range f.Hashes {
		if h.AlgorithmID >= 1 && h.AlgorithmID <= 3 && sums[h.AlgorithmID] == "" {
			sums[h.AlgorithmID] = strings.ToLower(h.Value)
		}
	}
	e := debrief.Entity{Kind: debrief.EntityFile, Name: f.Name}
	for _, id := range []string{sums[3], sums[2], sums[1], f.Path} {
		if id != "" {
			e.ID = id
			break
		}
	}
	var size string
	if f.Size > 0 {
		size = strconv.FormatInt(f.Size, 10)
	}
	e.Attributes = entity.Attrs("sha256", sums[3], "sha1", sums[2], "md5", sums[1], "name", f.Name, "path", f.Path, "size", size)
	return e
}

func (r resource) entity(account, provider string) debrief.Entity {
	id := r.UID
	if id == "" {
		id = r.Name
	}
	return debrief.Entity{Kind: debrief.EntityCloudResource, ID: id, Name: r.Name,
		Attributes: entity.Attrs("type", r.Type, "region", r.Region, "account", account, "provider", provider)}
}

func (m *email) entities(es *entity.Set) {
	if m == nil {
		return
	}
	id := m.MessageUID
	if id == "" {
		id = m.UID
	}
	to := strings.Join(m.To, ", ")
	es.Merge(debrief.Entity{Kind: debrief.EntityMailMessage, ID: id, Name: m.Subject,
		Attributes: entity.Attrs("sender", m.From, "recipient", to, "subject", m.Subject)})
	for _, a := range append([]string{m.From}, m.To...) {
		es.Merge(debrief.Entity{Kind: debrief.EntityMailbox, ID: strings.ToLower(strings.TrimSpace(a))})
	}
}

// entity turns an observable into an entity by its type_id; types debrief
// has no kind for give none.
func (o observable) entity() debrief.Entity {
	v := strings.TrimSpace(o.Value)
	if v == "" {
		return debrief.Entity{}
	}
	switch o.TypeID {
	case 1:
		return deviceEntity(v, "")
	case 2:
		return entity.IP(v)
	case 4:
		return debrief.Entity{Kind: debrief.EntityUser, ID: strings.ToLower(v), Name: v}
	case 5:
		if strings.Contains(o.Name, "user") {
			return debrief.Entity{Kind: debrief.EntityUser, ID: strings.ToLower(v)}
		}
		return debrief.Entity{Kind: debrief.EntityMailbox, ID: strings.ToLower(v)}
	case 6:
		return debrief.Entity{Kind: debrief.EntityURL, ID: v}
	case 8:
		return hashEntity(v)
	case 10:
		return debrief.Entity{Kind: debrief.EntityCloudResource, ID: v}
	}
	return debrief.Entity{}
}

// hashEntity keys a file by a hash of unknown algorithm, named by length.
func hashEntity(v string) debrief.Entity {
	v = strings.ToLower(v)
	alg := map[int]string{32: "md5", 40: "sha1", 64: "sha256"}[len(v)]
	if alg == "" {
		return debrief.Entity{}
	}
	return debrief.Entity{Kind: debrief.EntityFile, ID: v, Attributes: entity.Attrs(alg, v)}
}
