package elastic

import (
	"encoding/binary"
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

// reset empties d for the next document, keeping the arrays of its
// lists: the alert copies what it keeps of them (threat names are the
// alert's own, so they are not kept).
func (d *doc) reset() {
	rt, st := d.ruleThreat[:0], d.signalThreat[:0]
	techs, tactics := d.ecsTechs[:0], d.ecsTactics[:0]
	hostIPs, src, dst := d.hostIPs[:0], d.srcIPs[:0], d.dstIPs[:0]
	from, to := d.mailFrom[:0], d.mailTo[:0]
	*d = doc{ruleThreat: rt, signalThreat: st, ecsTechs: techs, ecsTactics: tactics,
		hostIPs: hostIPs, srcIPs: src, dstIPs: dst, mailFrom: from, mailTo: to}
}

// grow extends s by one zero element, reusing the memory of one an
// earlier document left there, and returns it; clear empties an element
// while keeping its own lists' arrays.
func grow[T any](s *[]T, clear func(*T)) *T {
	n := len(*s)
	if n < cap(*s) {
		*s = (*s)[:n+1]
		clear(&(*s)[n])
	} else {
		var zero T
		*s = append(*s, zero)
	}
	return &(*s)[n]
}

func clearThreat(t *threat) { *t = threat{Technique: t.Technique[:0]} }

func clearTechnique(t *technique) { *t = technique{Subtechnique: t.Subtechnique[:0]} }

func clearRef(r *attackRef) { *r = attackRef{} }

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
		t := grow(dst, clearThreat)
		return w.fields(func(name []byte) error {
			switch string(name) {
			case "framework":
				return w.setStr(&t.Framework)
			case "tactic":
				return w.ref(&t.Tactic)
			case "technique":
				return w.array(func() error {
					tech := grow(&t.Technique, clearTechnique)
					return w.fields(func(name []byte) error {
						if string(name) == "subtechnique" {
							return w.array(func() error {
								return w.ref(grow(&tech.Subtechnique, clearRef))
							})
						}
						return w.refField(&tech.attackRef, name)
					})
				})
			}
			_, err := w.value()
			return err
		})
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
// reads, whether objects at the path hold such fields below them, and
// whether they hold the document's root members (_source).
type field struct {
	h      handler
	parent bool
	source bool
}

// known holds the handled paths, their proper prefixes ("kibana",
// "kibana.alert" …) and the paths of _source. It is looked up at every
// member of every document, so it is an open-addressed table hashed from a
// path's length and outer eight bytes, at most a quarter full: most
// unknown members meet an empty slot at once.
var known = index(handlers, "_source", "value.source")

const (
	tableBits = 9
	tableMask = 1<<tableBits - 1
)

type slot struct {
	path string
	f    field
}

type table [1 << tableBits]slot

func index(hs map[string]handler, sources ...string) *table {
	m := map[string]field{}
	parents := func(p string) {
		for i := 1; i < len(p); i++ {
			if p[i] == '.' {
				f := m[p[:i]]
				f.parent = true
				m[p[:i]] = f
			}
		}
	}
	for p, h := range hs {
		f := m[p]
		f.h = h
		m[p] = f
		parents(p)
	}
	for _, p := range sources {
		f := m[p]
		f.source = true
		m[p] = f
		parents(p)
	}
	var t table
	for p, f := range m {
		i := hashPath([]byte(p))
		for t[i].path != "" {
			i = (i + 1) & tableMask
		}
		t[i] = slot{p, f}
	}
	return &t
}

// lookup returns what is known of a path.
func (t *table) lookup(p []byte) field {
	if len(p) == 0 {
		return field{}
	}
	for i := hashPath(p); ; i = (i + 1) & tableMask {
		s := &t[i]
		if s.path == string(p) {
			return s.f
		}
		if s.path == "" {
			return field{}
		}
	}
}

// hashPath hashes a path's length and its first and last eight bytes.
func hashPath(p []byte) uint {
	n := len(p)
	var a, b uint64
	if n >= 8 {
		a, b = binary.LittleEndian.Uint64(p), binary.LittleEndian.Uint64(p[n-8:])
	} else {
		for i := range n {
			a |= uint64(p[i]) << (8 * i)
		}
		b = a
	}
	h := a*0x9e3779b97f4a7c15 ^ (b+uint64(n))*0xc2b2ae3d27d4eb4f
	return uint(h >> (64 - tableBits))
}
