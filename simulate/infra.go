package simulate

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/debrief-dev/debrief"
)

// cluster is one of our own campaign clusters: one actor (or script wave)
// over a stretch of days, with its own infrastructure, reused by each of
// its intrusions and by no other cluster.
type cluster struct {
	id       string // "SC-0001"
	actor    *actor
	script   *script
	first    int // first and last day (inclusive)
	last     int
	victims  []int // user indexes it targets
	ips      []string
	domains  []string
	senders  []string
	subjects []string
	app      string // a malicious OAuth app name
	appID    string
	files    []*artefact // by order of first use
	r        *rng
	replay   bool // a copy rebuilding alerts: files' last use stays
}

// artefact is a file the actor drops, with hashes fixed within the
// cluster.
type artefact struct {
	name                string
	sha256, sha1, md5   string
	size                int
	software            *software
	path                string // folder
	entity              debrief.Entity
	threatFamily        string
	firstUsed, lastUsed time.Time
}

// infra hands out infrastructure that no two clusters share.
type infra struct {
	r       *rng
	ips     map[netip.Addr]bool
	domains map[string]bool
	n       int
}

var domainWords = []string{"cloud", "secure", "update", "office", "portal", "login", "docs", "share", "mail", "sync",
	"cdn", "files", "auth", "account", "verify", "online", "service", "support", "data", "net", "web", "app", "micro",
	"soft", "global", "link", "box", "drive", "team", "meet", "pay", "bill", "invoice", "hr", "benefit", "notice"}

var tlds = []string{"com", "net", "org", "info", "online", "site", "top", "xyz", "io", "co", "live", "cloud"}

var lures = []string{"Invoice %d overdue", "Updated benefits enrolment %d", "Shared document: Q%d budget",
	"Voicemail received (%d s)", "Action required: password expires in %d days", "Purchase order %d",
	"Payroll adjustment %d", "Your package %d could not be delivered", "Meeting notes %d", "Contract draft v%d"}

func newInfra(r *rng) *infra {
	return &infra{r: r, ips: map[netip.Addr]bool{}, domains: map[string]bool{}}
}

// newCluster makes a cluster with fresh infrastructure.
func (in *infra) newCluster(o *org, first, last int) *cluster {
	in.n++
	r := newRNG(in.r.Uint64(), uint64(in.n))
	c := &cluster{id: fmt.Sprintf("SC-%04d", in.n), first: first, last: last, r: r}
	for range 2 + r.IntN(4) {
		c.ips = append(c.ips, in.ip(r))
	}
	for range 2 + r.IntN(3) {
		c.domains = append(c.domains, in.domain(r))
	}
	for i := range 1 + r.IntN(3) {
		local := pick(r, []string{"billing", "no-reply", "hr", "it-support", "docs", "notify", "accounts", "payroll"})
		c.senders = append(c.senders, local+"@"+c.domains[i%len(c.domains)])
	}
	for range 2 + r.IntN(3) {
		c.subjects = append(c.subjects, fmt.Sprintf(pick(r, lures), 10+r.IntN(9000)))
	}
	c.app = pick(r, []string{"Mail Sync", "Doc Viewer", "PDF Converter", "Calendar Helper", "Secure Share"}) +
		fmt.Sprintf(" %d", 1+r.IntN(99))
	c.appID = fmt.Sprint(100000 + r.IntN(900000))
	nv := min(len(o.users), 3+r.IntN(10))
	for range nv {
		c.victims = append(c.victims, r.IntN(len(o.users)))
	}
	return c
}

// ip draws a public IPv4 address no cluster has had.
func (in *infra) ip(r *rng) string {
	for {
		a := netip.AddrFrom4([4]byte{byte(1 + r.IntN(222)), byte(r.IntN(256)), byte(r.IntN(256)), byte(1 + r.IntN(254))})
		if a.IsPrivate() || a.IsLoopback() || a.IsMulticast() || a.IsLinkLocalUnicast() || reserved(a) || in.ips[a] {
			continue
		}
		in.ips[a] = true
		return a.String()
	}
}

func reserved(a netip.Addr) bool {
	b := a.As4()
	return b[0] == 0 || b[0] == 100 && b[1] >= 64 && b[1] < 128 || b[0] == 169 || b[0] == 192 && b[1] == 0 ||
		b[0] == 198 && (b[1] == 18 || b[1] == 19 || b[1] == 51) || b[0] == 203 && b[1] == 0
}

// domain draws a domain name no cluster has had.
func (in *infra) domain(r *rng) string {
	for {
		d := pick(r, domainWords) + "-" + pick(r, domainWords) + fmt.Sprintf("%d", r.IntN(100)) + "." + pick(r, tlds)
		if !in.domains[d] {
			in.domains[d] = true
			return d
		}
	}
}

// file returns the cluster's artefact for a software (or a generic
// payload when sw is nil), making it on first use.
func (c *cluster) file(sw *software, at time.Time) *artefact {
	for _, f := range c.files {
		if f.software == sw {
			if !c.replay {
				f.lastUsed = at
			}
			return f
		}
	}
	r := c.r
	f := &artefact{software: sw, sha256: r.hex(32), sha1: r.hex(20), md5: r.hex(16), size: 20000 + r.IntN(4000000),
		firstUsed: at, lastUsed: at}
	switch {
	case sw != nil:
		f.name = sw.file
		if sw.kind == "malware" {
			f.threatFamily = sw.name
		}
	default:
		f.name = pick(r, []string{"update", "invoice", "setup", "report", "helper", "svc"}) + fmt.Sprintf("%d", r.IntN(100)) +
			pick(r, []string{".exe", ".dll", ".js", ".docm", ".iso"})
	}
	f.path = pick(r, []string{`C:\Users\Public`, `C:\ProgramData`, `C:\Windows\Temp`, `C:\Users\Public\Downloads`})
	f.entity = debrief.Entity{Kind: debrief.EntityFile, ID: f.sha256, Name: f.name,
		Attributes: map[string]string{"sha256": f.sha256, "sha1": f.sha1, "md5": f.md5, "name": f.name,
			"path": f.path + `\` + f.name, "dir": f.path, "size": fmt.Sprint(f.size)}}
	c.files = append(c.files, f)
	return f
}

// ipEntity, urlEntity and domainEntity render infrastructure as entities.
func ipEntity(ip, role string) debrief.Entity {
	return debrief.Entity{Kind: debrief.EntityIP, ID: ip, Role: role}
}

func urlEntity(u string) debrief.Entity {
	return debrief.Entity{Kind: debrief.EntityURL, ID: u, Role: "attacker"}
}

func (c *cluster) url() string {
	return "https://" + pick(c.r, c.domains) + "/" + pick(c.r, []string{"login", "doc", "share", "view", "invoice", "auth"}) +
		"/" + c.r.hex(4)
}
