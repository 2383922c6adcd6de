package elasticv0

import (
	"fmt"
	"time"
)

// doc holds the fields of one alert document that debrief maps.
type doc struct {
	uuid, docID string

	ruleName, ruleUUID, ruleID, ruleType, ruleCategory, ruleDesc string
	severity, ruleSeverity                                       string
	riskScore                                                    float64
	status, workflowReason, reason, url                          string

	timestamp, start, originalTime, lastDetected time.Time
	statusUpdated, suppStart, suppEnd            time.Time

	ruleThreat   []threat // kibana.alert.rule.threat, else signal.rule.threat
	signalThreat []threat
	ecsTechs     []string // threat.technique.id and .subtechnique.id
	ecsTactics   []string // threat.tactic.name
	threatNames  []string // threat.software.name, threat.group.name
	enrichments  []enrichment
	indicators   indicators

	hostName, hostHostname, hostID string
	hostIPs                        []string

	userName, userDomain, userEmail, userID string

	srcIPs, dstIPs []string

	procPID, procCmd, procExe, procName, procEntity, procSHA256 string
	procStart                                                   time.Time

	filePath, fileName, fileSHA256, fileSHA1, fileMD5, fileSize string

	urlFull, dnsName string

	mailFrom, mailTo           []string
	mailSubject, mailMessageID string
}

// threat is one element of kibana.alert.rule.threat: a tactic and the
// techniques and sub-techniques a rule maps to it.
type threat struct {
	Framework string
	Tactic    attackRef
	Technique []technique
}

type technique struct {
	attackRef
	Subtechnique []attackRef
}

type attackRef struct {
	ID, Name string
}

// threats reads kibana.alert.rule.threat: it is on every alert, so it is
// walked by hand rather than unmarshalled by reflection.
func (w *walker) threats(dst *[]threat) error {
	return w.array(func() error {
		var t threat
		err := w.fields(func(name []byte) error {
			switch string(name) {
			case "framework":
				return w.setStr(&t.Framework)
			case "tactic":
				return w.ref(&t.Tactic)
			case "technique":
				return w.array(func() error {
					var tech technique
					err := w.fields(func(name []byte) error {
						if string(name) == "subtechnique" {
							return w.array(func() error {
								var sub attackRef
								err := w.ref(&sub)
								tech.Subtechnique = append(tech.Subtechnique, sub)
								return err
							})
						}
						return w.refField(&tech.attackRef, name)
					})
					t.Technique = append(t.Technique, tech)
					return err
				})
			}
			_, err := w.value()
			return err
		})
		*dst = append(*dst, t)
		return err
	})
}

// ref reads a {id, name, reference} object.
func (w *walker) ref(r *attackRef) error {
	return w.fields(func(name []byte) error { return w.refField(r, name) })
}

func (w *walker) refField(r *attackRef, name []byte) error {
	switch string(name) {
	case "id":
		return w.setStr(&r.ID)
	case "name":
		return w.setStr(&r.Name)
	}
	_, err := w.value()
	return err
}

// array calls fn for each element of an array; null is an empty array.
func (w *walker) array(fn func() error) error {
	switch c := w.s.Peek(); c {
	case '[':
		return elems(&w.s, fn)
	case 'n':
		_, err := w.value()
		return err
	default:
		_, err := w.value()
		if err != nil {
			return err
		}
		return fmt.Errorf("want an array, got %s", kindName(c))
	}
}

// fields calls fn for each member of an object, with its unquoted name;
// null is an empty object. Errors are prefixed with the member's name.
func (w *walker) fields(fn func(name []byte) error) error {
	switch c := w.s.Peek(); c {
	case '{':
		return w.s.RawObject(func(raw []byte, esc bool) error {
			var err error
			if w.name, err = unquoteName(w.name[:0], raw, esc); err != nil {
				return err
			}
			if err := fn(w.name); err != nil {
				return within("."+string(raw[1:len(raw)-1]), err)
			}
			return nil
		})
	case 'n':
		_, err := w.value()
		return err
	default:
		_, err := w.value()
		if err != nil {
			return err
		}
		return fmt.Errorf("want an object, got %s", kindName(c))
	}
}

// enrichment is one element of threat.enrichments: an indicator a rule
// matched and where it matched.
type enrichment struct {
	Indicator indicator `json:"indicator"`
	Matched   matched   `json:"matched"`
	Feed      struct {
		Name string `json:"name"`
	} `json:"feed"`
}

// indicator is an ECS threat.indicator object (7.x indicator match alerts
// carry the match inside it).
type indicator struct {
	Name     string  `json:"name"`
	Type     string  `json:"type"`
	Provider string  `json:"provider"`
	IP       string  `json:"ip"`
	Matched  matched `json:"matched"`
	URL      struct {
		Full   string `json:"full"`
		Domain string `json:"domain"`
	} `json:"url"`
	File struct {
		Name string `json:"name"`
		Hash struct {
			SHA256 string `json:"sha256"`
			SHA1   string `json:"sha1"`
			MD5    string `json:"md5"`
		} `json:"hash"`
	} `json:"file"`
}

type matched struct {
	Atomic string `json:"atomic"`
	Field  string `json:"field"`
	Type   string `json:"type"`
}

// indicators reads threat.indicator, which is an object or an array.
type indicators []indicator

func (w *walker) setIndicators(dst *indicators) error {
	if w.s.Peek() == '{' {
		var one indicator
		if err := w.setJSON(&one); err != nil {
			return err
		}
		*dst = append(*dst, one)
		return nil
	}
	return w.setJSON((*[]indicator)(dst))
}

type handler func(w *walker, d *doc) error

// handlers maps the dotted path of each field debrief reads to the code
// that stores it. Paths the table does not name are skipped unread.
var handlers = map[string]handler{
	"_id":      func(w *walker, d *doc) error { return w.setStr(&d.docID) },
	"value.id": func(w *walker, d *doc) error { return w.setStr(&d.docID) },

	"@timestamp":                              func(w *walker, d *doc) error { return w.setTime(&d.timestamp) },
	"kibana.alert.uuid":                       func(w *walker, d *doc) error { return w.setStr(&d.uuid) },
	"kibana.alert.start":                      func(w *walker, d *doc) error { return w.setTime(&d.start) },
	"kibana.alert.original_time":              func(w *walker, d *doc) error { return w.setTime(&d.originalTime) },
	"kibana.alert.last_detected":              func(w *walker, d *doc) error { return w.setTime(&d.lastDetected) },
	"kibana.alert.workflow_status_updated_at": func(w *walker, d *doc) error { return w.setTime(&d.statusUpdated) },
	"kibana.alert.suppression.start":          func(w *walker, d *doc) error { return w.setTime(&d.suppStart) },
	"kibana.alert.suppression.end":            func(w *walker, d *doc) error { return w.setTime(&d.suppEnd) },
	"kibana.alert.severity":                   func(w *walker, d *doc) error { return w.setStr(&d.severity) },
	"kibana.alert.risk_score":                 func(w *walker, d *doc) error { return w.setFloat(&d.riskScore) },
	"kibana.alert.workflow_status":            func(w *walker, d *doc) error { return w.setStr(&d.status) },
	"kibana.alert.workflow_reason":            func(w *walker, d *doc) error { return w.setStr(&d.workflowReason) },
	"kibana.alert.reason":                     func(w *walker, d *doc) error { return w.setStr(&d.reason) },
	"kibana.alert.url":                        func(w *walker, d *doc) error { return w.setStr(&d.url) },
	"kibana.alert.rule.name":                  func(w *walker, d *doc) error { return w.setStr(&d.ruleName) },
	"kibana.alert.rule.uuid":                  func(w *walker, d *doc) error { return w.setStr(&d.ruleUUID) },
	"kibana.alert.rule.rule_id":               func(w *walker, d *doc) error { return w.setStr(&d.ruleID) },
	"kibana.alert.rule.type":                  func(w *walker, d *doc) error { return w.setStr(&d.ruleType) },
	"kibana.alert.rule.category":              func(w *walker, d *doc) error { return w.setStr(&d.ruleCategory) },
	"kibana.alert.rule.description":           func(w *walker, d *doc) error { return w.setStr(&d.ruleDesc) },
	"kibana.alert.rule.severity":              func(w *walker, d *doc) error { return w.setStr(&d.ruleSeverity) },
	"kibana.alert.rule.risk_score":            func(w *walker, d *doc) error { return w.setFloat(&d.riskScore) },
	"kibana.alert.rule.threat":                func(w *walker, d *doc) error { return w.threats(&d.ruleThreat) },

	"signal.rule.name":        func(w *walker, d *doc) error { return w.setStr(&d.ruleName) },
	"signal.rule.id":          func(w *walker, d *doc) error { return w.setStr(&d.ruleUUID) },
	"signal.rule.rule_id":     func(w *walker, d *doc) error { return w.setStr(&d.ruleID) },
	"signal.rule.type":        func(w *walker, d *doc) error { return w.setStr(&d.ruleType) },
	"signal.rule.description": func(w *walker, d *doc) error { return w.setStr(&d.ruleDesc) },
	"signal.rule.severity":    func(w *walker, d *doc) error { return w.setStr(&d.ruleSeverity) },
	"signal.rule.risk_score":  func(w *walker, d *doc) error { return w.setFloat(&d.riskScore) },
	"signal.rule.threat":      func(w *walker, d *doc) error { return w.threats(&d.signalThreat) },
	"signal.status":           func(w *walker, d *doc) error { return w.setStr(&d.status) },
	"signal.reason":           func(w *walker, d *doc) error { return w.setStr(&d.reason) },
	"signal.original_time":    func(w *walker, d *doc) error { return w.setTime(&d.originalTime) },

	"threat.enrichments":               func(w *walker, d *doc) error { return w.setJSON(&d.enrichments) },
	"threat.indicator":                 func(w *walker, d *doc) error { return w.setIndicators(&d.indicators) },
	"threat.technique.id":              func(w *walker, d *doc) error { return w.addStrs(&d.ecsTechs) },
	"threat.technique.subtechnique.id": func(w *walker, d *doc) error { return w.addStrs(&d.ecsTechs) },
	"threat.tactic.name":               func(w *walker, d *doc) error { return w.addStrs(&d.ecsTactics) },
	"threat.software.name":             func(w *walker, d *doc) error { return w.addStrs(&d.threatNames) },
	"threat.group.name":                func(w *walker, d *doc) error { return w.addStrs(&d.threatNames) },

	"host.name":     func(w *walker, d *doc) error { return w.setStr(&d.hostName) },
	"host.hostname": func(w *walker, d *doc) error { return w.setStr(&d.hostHostname) },
	"host.id":       func(w *walker, d *doc) error { return w.setStr(&d.hostID) },
	"host.ip":       func(w *walker, d *doc) error { return w.addStrs(&d.hostIPs) },

	"user.name":   func(w *walker, d *doc) error { return w.setStr(&d.userName) },
	"user.domain": func(w *walker, d *doc) error { return w.setStr(&d.userDomain) },
	"user.email":  func(w *walker, d *doc) error { return w.setStr(&d.userEmail) },
	"user.id":     func(w *walker, d *doc) error { return w.setStr(&d.userID) },

	"source.ip":      func(w *walker, d *doc) error { return w.addStrs(&d.srcIPs) },
	"destination.ip": func(w *walker, d *doc) error { return w.addStrs(&d.dstIPs) },

	"process.pid":          func(w *walker, d *doc) error { return w.setStr(&d.procPID) },
	"process.command_line": func(w *walker, d *doc) error { return w.setStr(&d.procCmd) },
	"process.executable":   func(w *walker, d *doc) error { return w.setStr(&d.procExe) },
	"process.name":         func(w *walker, d *doc) error { return w.setStr(&d.procName) },
	"process.entity_id":    func(w *walker, d *doc) error { return w.setStr(&d.procEntity) },
	"process.hash.sha256":  func(w *walker, d *doc) error { return w.setStr(&d.procSHA256) },
	"process.start":        func(w *walker, d *doc) error { return w.setTime(&d.procStart) },

	"file.path":        func(w *walker, d *doc) error { return w.setStr(&d.filePath) },
	"file.name":        func(w *walker, d *doc) error { return w.setStr(&d.fileName) },
	"file.size":        func(w *walker, d *doc) error { return w.setStr(&d.fileSize) },
	"file.hash.sha256": func(w *walker, d *doc) error { return w.setStr(&d.fileSHA256) },
	"file.hash.sha1":   func(w *walker, d *doc) error { return w.setStr(&d.fileSHA1) },
	"file.hash.md5":    func(w *walker, d *doc) error { return w.setStr(&d.fileMD5) },

	"url.full":          func(w *walker, d *doc) error { return w.setStr(&d.urlFull) },
	"url.original":      func(w *walker, d *doc) error { return w.setStr(&d.urlFull) },
	"dns.question.name": func(w *walker, d *doc) error { return w.setStr(&d.dnsName) },

	"email.from.address": func(w *walker, d *doc) error { return w.addStrs(&d.mailFrom) },
	"email.to.address":   func(w *walker, d *doc) error { return w.addStrs(&d.mailTo) },
	"email.subject":      func(w *walker, d *doc) error { return w.setStr(&d.mailSubject) },
	"email.message_id":   func(w *walker, d *doc) error { return w.setStr(&d.mailMessageID) },
}

// field is what the walker knows of a path: the handler of a field debrief
// reads, and whether objects at the path hold such fields below them.
type field struct {
	h      handler
	parent bool
}

// known indexes the handled paths and their proper prefixes ("kibana",
// "kibana.alert" …); knownBits is a filter over the same paths that turns
// most unknown members away before they are hashed (see mayBeKnown).
var known, knownBits = index(handlers)

func index(hs map[string]handler) (map[string]field, *[64]uint64) {
	m := map[string]field{"value": {parent: true}}
	for p, h := range hs {
		f := m[p]
		f.h = h
		m[p] = f
		for i := 1; i < len(p); i++ {
			if p[i] == '.' {
				f := m[p[:i]]
				f.parent = true
				m[p[:i]] = f
			}
		}
	}
	var bits [64]uint64
	for p := range m {
		i := filterBit(p)
		bits[i>>6] |= 1 << (i & 63)
	}
	return m, &bits
}

// filterBit hashes a path's length, middle byte and last byte to one of
// 4096 bits.
func filterBit[S ~string | ~[]byte](p S) uint {
	n := len(p)
	return (uint(n)*131 + uint(p[n-1])*31 + uint(p[n/2])) & 4095
}

// lookup returns what is known of a path.
func lookup(p []byte) field {
	if len(p) == 0 {
		return field{}
	}
	if i := filterBit(p); knownBits[i>>6]&(1<<(i&63)) == 0 {
		return field{}
	}
	return known[string(p)]
}
