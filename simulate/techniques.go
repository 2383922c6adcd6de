package simulate

import (
	"fmt"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
)

const enterprise = "enterprise-attack"

// tactic is a kill-chain tactic of the Enterprise matrix.
type tactic struct {
	id    debrief.TacticID
	short string // "credential-access"
	name  string // "Credential Access"
	camel string // "CredentialAccess", as Defender's category writes it
	order int
	only  []string // []string{short}, shared by the alerts of the tactic
}

// technique is what the simulation knows of one ATT&CK technique.
type technique struct {
	id       debrief.TechniqueID
	name     string
	tactics  []*tactic // in matrix order
	coverage float64   // chance that a step with it raises an alert
	product  string
	title    string   // the alert title a product shows for it
	image    string   // the process an endpoint alert shows
	shorts   []string // tactic shortnames, shared by its alerts
	imageSHA string   // the stand-in hash of image
}

// techniques resolves technique ids against the catalog, once each.
type techniques struct {
	cat      *attack.Catalog
	sc       *Scenario
	seed     uint64
	tactics  []*tactic          // kill chain, matrix order
	byShort  map[string]*tactic // lookup only
	byID     map[debrief.TechniqueID]*technique
	seenList []*technique // in first-use order, for the ground truth
}

func newTechniques(cat *attack.Catalog, sc *Scenario, seed uint64) (*techniques, error) {
	ts := &techniques{cat: cat, sc: sc, seed: seed, byShort: map[string]*tactic{}, byID: map[debrief.TechniqueID]*technique{}}
	for _, t := range cat.Tactics(enterprise) {
		if !t.Active() || t.Order < 0 {
			continue
		}
		tt := &tactic{id: t.ID, short: t.Shortname, name: t.Name, camel: camel(t.Name), order: t.Order, only: []string{t.Shortname}}
		ts.tactics = append(ts.tactics, tt)
		ts.byShort[t.Shortname] = tt
	}
	if len(ts.tactics) == 0 {
		return nil, fmt.Errorf("the ATT&CK catalog has no Enterprise tactics")
	}
	for _, short := range sortedKeys(sc.Detection.Tactics) {
		if ts.byShort[short] == nil {
			return nil, sc.errorf("$.detection.tactics", "%q is not an Enterprise tactic shortname (e.g. credential-access)", short)
		}
	}
	return ts, nil
}

// tactic resolves a tactic spelling to the kill-chain tactic.
func (ts *techniques) tactic(spelling string) (*tactic, bool) {
	t, ok := ts.cat.TacticIn(enterprise, spelling)
	if !ok {
		return nil, false
	}
	tt := ts.byShort[t.Shortname]
	return tt, tt != nil
}

// get returns the technique with the id, or false when the catalog does
// not know it as a current Enterprise technique.
func (ts *techniques) get(id debrief.TechniqueID) (*technique, bool) {
	if t, ok := ts.byID[id]; ok {
		return t, t != nil
	}
	at, ok := ts.cat.Technique(string(id))
	if !ok || !at.Active() || at.Domain != enterprise {
		ts.byID[id] = nil
		return nil, false
	}
	t := &technique{id: at.ID, name: at.Name}
	for _, s := range at.Tactics {
		if tt := ts.byShort[s]; tt != nil {
			t.tactics = append(t.tactics, tt)
		}
	}
	if len(t.tactics) == 0 {
		ts.byID[id] = nil
		return nil, false
	}
	t.coverage = ts.coverage(t)
	t.product = productOf(t.id)
	t.title = titleOf(t)
	t.image = imageOf(t.id)
	t.imageSHA = lolbinHash(t.image)
	t.shorts = shortnames(t.tactics)
	ts.byID[id] = t
	ts.seenList = append(ts.seenList, t)
	return t, true
}

// must returns the technique with the id or an error naming path.
func (ts *techniques) must(id, path string) (*technique, error) {
	tid, err := debrief.ParseTechniqueID(id)
	if err != nil {
		return nil, ts.sc.errorf(path, "%v", err)
	}
	t, ok := ts.get(tid)
	if !ok {
		return nil, ts.sc.errorf(path, "%s is not a current Enterprise technique in ATT&CK %s", tid, attackVersion(ts.cat))
	}
	return t, nil
}

// coverage is the technique's true detection probability: the scenario's
// value for it (or its parent), else its first tactic's value moved by a
// deterministic per-technique offset within ±spread.
func (ts *techniques) coverage(t *technique) float64 {
	d := ts.sc.Detection
	if p, ok := d.Techniques[string(t.id)]; ok {
		return p
	}
	if p, ok := d.Techniques[string(t.id.Parent())]; ok {
		return p
	}
	base := d.Default
	if p, ok := d.Tactics[t.tactics[0].short]; ok {
		base = p
	}
	u := float64(mix64(ts.seed^hashString(string(t.id)))>>11) / (1 << 53)
	return round3(clamp(base+d.Spread*(2*u-1), 0.02, 0.98))
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

// hashString is FNV-1a, for deterministic per-name values.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func attackVersion(cat *attack.Catalog) string {
	for _, d := range cat.Domains() {
		if d.Name == enterprise && d.Version != "" {
			return "v" + d.Version
		}
	}
	return "(catalog in use)"
}

// camel writes a tactic name as Defender's category does: "Command and
// Control" → "CommandAndControl".
func camel(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// productOf says which product detects a technique: mail protection for
// phishing, the identity provider for sign-in and token abuse, the
// directory sensor for Active Directory attacks, the cloud-app monitor for
// mailbox and SaaS abuse, and the endpoint sensor for the rest.
func productOf(id debrief.TechniqueID) string {
	for _, k := range []string{string(id), string(id.Parent())} {
		if p, ok := productByTechnique[k]; ok {
			return p
		}
	}
	return productEndpoint
}

var productByTechnique = map[string]string{
	"T1566": productEmail, "T1534": productEmail, "T1598": productEmail,
	"T1114.002": productCloudApp, "T1114.003": productCloudApp, "T1564.008": productCloudApp, "T1530": productCloudApp,
	"T1213": productCloudApp, "T1567": productCloudApp, "T1098.002": productCloudApp,
	"T1110": productIdentity, "T1110.002": productEndpoint, "T1078.004": productIdentity, "T1621": productIdentity,
	"T1528": productIdentity, "T1550.001": productIdentity, "T1098.001": productIdentity, "T1098.003": productIdentity,
	"T1098.005": productIdentity, "T1136.003": productIdentity, "T1556": productIdentity, "T1606": productIdentity,
	"T1087.004": productIdentity, "T1069.003": productIdentity, "T1526": productIdentity, "T1538": productIdentity,
	"T1557": productIdentity, "T1539": productIdentity,
	"T1003.006": productDirectory, "T1558": productDirectory, "T1550.002": productDirectory, "T1550.003": productDirectory,
	"T1087.002": productDirectory, "T1069.002": productDirectory, "T1482": productDirectory, "T1207": productDirectory,
	"T1018": productDirectory, "T1046": productDirectory, "T1078.002": productDirectory, "T1484": productDirectory,
}

// Alert titles of the kind the products show, for the techniques they
// commonly detect; others get a title made from the technique's name.
var titles = map[string]string{
	"T1566.001": "Email messages containing malicious file removed after delivery",
	"T1566.002": "Email messages containing malicious URL removed after delivery",
	"T1566":     "Phishing email delivered to a user",
	"T1534":     "Internal phishing email sent from a compromised mailbox",
	"T1110.003": "Password spray",
	"T1110.001": "Password guessing against a user account",
	"T1110":     "Brute-force sign-in attempts",
	"T1078.004": "Unfamiliar sign-in properties",
	"T1621":     "Suspicious MFA request pattern (MFA fatigue)",
	"T1528":     "Suspicious OAuth app granted mailbox access",
	"T1550.001": "Anomalous token",
	"T1557":     "Sign-in from an adversary-in-the-middle phishing site",
	"T1098.003": "User added to a privileged directory role",
	"T1098.001": "Credentials added to an application",
	"T1098.005": "Suspicious device registration",
	"T1087.004": "Mass enumeration of directory users and roles",
	"T1564.008": "Suspicious inbox manipulation rule",
	"T1114.003": "Suspicious inbox forwarding rule",
	"T1114.002": "Suspicious email collection by an application",
	"T1530":     "Mass download by a single user",
	"T1567":     "Data exfiltration to an unsanctioned cloud app",
	"T1003.006": "Suspected DCSync attack (replication of directory services)",
	"T1558.003": "Suspected Kerberos SPN exposure (Kerberoasting)",
	"T1550.002": "Suspected identity theft (pass-the-hash)",
	"T1550.003": "Suspected identity theft (pass-the-ticket)",
	"T1087.002": "Account enumeration reconnaissance",
	"T1018":     "Network-mapping reconnaissance (DNS)",
	"T1482":     "Active Directory attributes reconnaissance (LDAP)",
	"T1003.001": "Suspicious access to LSASS service",
	"T1059.001": "Suspicious PowerShell command line",
	"T1059.003": "Suspicious command shell activity",
	"T1059.005": "Suspicious Visual Basic script execution",
	"T1204.001": "User clicked a malicious link",
	"T1204.002": "Suspicious process launched from an Office document",
	"T1486":     "Ransomware behavior detected in the file system",
	"T1490":     "File backups were deleted",
	"T1047":     "Suspicious WMI process creation",
	"T1053.005": "Suspicious scheduled task",
	"T1547.001": "Anomaly detected in ASEP registry",
	"T1105":     "Suspicious file download by a system utility",
	"T1071.001": "Connection to a known command and control server",
	"T1021.001": "Suspicious RDP session to a server",
	"T1021.002": "Remote execution over SMB admin shares",
	"T1027":     "Suspicious obfuscated script",
	"T1055":     "Suspicious process injection observed",
	"T1070.001": "Event log was cleared",
	"T1562.001": "Attempt to turn off Microsoft Defender Antivirus protection",
	"T1569.002": "Suspicious service launched remotely",
}

func titleOf(t *technique) string {
	for _, k := range []string{string(t.id), string(t.id.Parent())} {
		if s, ok := titles[k]; ok {
			return s
		}
	}
	switch t.product {
	case productIdentity, productCloudApp:
		return "Suspicious activity: " + t.name
	case productDirectory:
		return "Suspected " + t.name + " activity"
	case productEmail:
		return "Suspicious email: " + t.name
	}
	return "Suspicious " + t.name + " behavior"
}

// Process images endpoint alerts show for techniques that live off the
// land; others show the actor's software or a generic host process.
var images = map[string]string{
	"T1059.001": "powershell.exe", "T1059.003": "cmd.exe", "T1059.005": "wscript.exe", "T1059.007": "node.exe",
	"T1059": "cmd.exe", "T1047": "wmic.exe", "T1053.005": "schtasks.exe", "T1112": "reg.exe", "T1547.001": "reg.exe",
	"T1087": "net.exe", "T1069": "net.exe", "T1016": "ipconfig.exe", "T1033": "whoami.exe", "T1082": "systeminfo.exe",
	"T1490": "vssadmin.exe", "T1105": "certutil.exe", "T1140": "certutil.exe", "T1218.005": "mshta.exe",
	"T1218.010": "regsvr32.exe", "T1218.011": "rundll32.exe", "T1197": "bitsadmin.exe", "T1569.002": "services.exe",
	"T1021.002": "PsExec.exe", "T1021.001": "mstsc.exe", "T1003.001": "rundll32.exe", "T1070.001": "wevtutil.exe",
	"T1562.001": "powershell.exe", "T1204.002": "winword.exe", "T1204.001": "msedge.exe", "T1560.001": "7z.exe",
	"T1486": "svchost.exe", "T1071.001": "rundll32.exe", "T1057": "tasklist.exe", "T1083": "cmd.exe",
}

func imageOf(id debrief.TechniqueID) string {
	for _, k := range []string{string(id), string(id.Parent())} {
		if s, ok := images[k]; ok {
			return s
		}
	}
	return "rundll32.exe"
}

// severityOf gives the severity products give a step of a tactic.
func severityOf(t *tactic) debrief.Severity {
	switch t.short {
	case "impact":
		return debrief.SeverityHigh
	case "credential-access", "lateral-movement", "exfiltration", "command-and-control", "privilege-escalation":
		return debrief.SeverityHigh
	case "discovery":
		return debrief.SeverityLow
	}
	return debrief.SeverityMedium
}
