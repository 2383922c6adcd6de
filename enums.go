package debrief

import "strings"

// Severity is the seriousness a product or analyst gave an incident or alert.
type Severity string

// Severities, lowest first. SeverityUnknown is the zero value.
const (
	SeverityUnknown       Severity = ""
	SeverityInformational Severity = "informational"
	SeverityLow           Severity = "low"
	SeverityMedium        Severity = "medium"
	SeverityHigh          Severity = "high"
	SeverityCritical      Severity = "critical"
)

// Severities lists the known severities, lowest first.
var Severities = []Severity{SeverityInformational, SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}

// Rank orders severities: 0 for unknown, 1 informational … 5 critical.
func (s Severity) Rank() int {
	for i, v := range Severities {
		if v == s {
			return i + 1
		}
	}
	return 0
}

// ParseSeverity maps vendor spellings ("High", "informational", "Info",
// "UnSpecified", "sev3") to a Severity; unrecognised text gives SeverityUnknown
// and false.
func ParseSeverity(s string) (Severity, bool) {
	if v, ok := severity(s); ok { // already folded, as many sources write it
		return v, true
	}
	var buf [32]byte
	return severity(string(appendFold(buf[:0], s)))
}

// severity maps a folded spelling (see appendFold) to a Severity.
func severity(folded string) (Severity, bool) {
	switch folded {
	case "informational", "info", "information", "informative":
		return SeverityInformational, true
	case "low":
		return SeverityLow, true
	case "medium", "moderate", "med":
		return SeverityMedium, true
	case "high":
		return SeverityHigh, true
	case "critical", "fatal":
		return SeverityCritical, true
	case "", "unknown", "unspecified", "unknownfuturevalue", "other":
		return SeverityUnknown, true
	}
	return SeverityUnknown, false
}

// Status is where an incident or alert stands in the team's workflow.
type Status string

// Statuses. StatusUnknown is the zero value.
const (
	StatusUnknown    Status = ""
	StatusNew        Status = "new"
	StatusActive     Status = "active"
	StatusInProgress Status = "in_progress"
	StatusResolved   Status = "resolved"
	StatusRedirected Status = "redirected"
)

// Statuses lists the known statuses.
var Statuses = []Status{StatusNew, StatusActive, StatusInProgress, StatusResolved, StatusRedirected}

// ParseStatus maps vendor spellings ("Active", "inProgress", "Closed",
// "Resolved") to a Status.
func ParseStatus(s string) (Status, bool) {
	if v, ok := status(s); ok { // already folded
		return v, true
	}
	var buf [32]byte
	return status(string(appendFold(buf[:0], s)))
}

// status maps a folded spelling to a Status.
func status(folded string) (Status, bool) {
	switch folded {
	case "new", "open", "unassigned":
		return StatusNew, true
	case "active", "acknowledged":
		return StatusActive, true
	case "inprogress", "investigating", "assigned":
		return StatusInProgress, true
	case "resolved", "closed", "dismissed", "done":
		return StatusResolved, true
	case "redirected", "merged":
		return StatusRedirected, true
	case "", "unknown", "unknownfuturevalue", "other":
		return StatusUnknown, true
	}
	return StatusUnknown, false
}

// Closed reports whether the status ends the team's work on it.
func (s Status) Closed() bool { return s == StatusResolved || s == StatusRedirected }

// Verdict is the team's classification of an incident or alert.
type Verdict string

// Verdicts. VerdictUndetermined is the zero value: nobody has decided.
const (
	VerdictUndetermined   Verdict = ""
	VerdictTruePositive   Verdict = "true_positive"
	VerdictBenignPositive Verdict = "benign_positive"
	VerdictFalsePositive  Verdict = "false_positive"
)

// Verdicts lists the known decided verdicts.
var Verdicts = []Verdict{VerdictTruePositive, VerdictBenignPositive, VerdictFalsePositive}

// ParseVerdict maps vendor classifications ("truePositive", "TruePositive",
// "InformationalExpectedActivity", "BenignPositive", "FalsePositive",
// "Unknown", "Undetermined") to a Verdict.
func ParseVerdict(s string) (Verdict, bool) {
	if v, ok := verdict(s); ok { // already folded
		return v, true
	}
	var buf [32]byte
	return verdict(string(appendFold(buf[:0], s)))
}

// verdict maps a folded spelling to a Verdict.
func verdict(folded string) (Verdict, bool) {
	switch folded {
	case "truepositive", "tp", "malicious":
		return VerdictTruePositive, true
	case "benignpositive", "informationalexpectedactivity", "bp", "benign", "expected":
		return VerdictBenignPositive, true
	case "falsepositive", "fp":
		return VerdictFalsePositive, true
	case "", "unknown", "undetermined", "notavailable", "unknownfuturevalue", "none", "other":
		return VerdictUndetermined, true
	}
	return VerdictUndetermined, false
}

// EntityKind is what an entity is.
type EntityKind string

// Entity kinds.
const (
	EntityDevice        EntityKind = "device"
	EntityUser          EntityKind = "user"
	EntityMailbox       EntityKind = "mailbox"
	EntityMailMessage   EntityKind = "mail_message"
	EntityIP            EntityKind = "ip"
	EntityURL           EntityKind = "url"
	EntityDomain        EntityKind = "domain"
	EntityFile          EntityKind = "file"
	EntityProcess       EntityKind = "process"
	EntityRegistry      EntityKind = "registry"
	EntityCloudApp      EntityKind = "cloud_app"
	EntityCloudResource EntityKind = "cloud_resource"
	EntityOther         EntityKind = "other"
)

// EntityKinds lists every entity kind.
var EntityKinds = []EntityKind{EntityDevice, EntityUser, EntityMailbox, EntityMailMessage, EntityIP, EntityURL,
	EntityDomain, EntityFile, EntityProcess, EntityRegistry, EntityCloudApp, EntityCloudResource, EntityOther}

func (k EntityKind) valid() bool {
	for _, v := range EntityKinds {
		if v == k {
			return true
		}
	}
	return false
}

// appendFold appends s to dst lower-cased and without spaces, hyphens and
// underscores, so that "In Progress", "inProgress" and "in_progress"
// compare equal. The parsers look up string(appendFold(buf[:0], s))
// with a small array as buf: the conversion does not escape, so a
// vendor's value is matched without an allocation. They look up s itself
// first: a spelling that matches is its own fold (the folded spellings
// have no capital, space, hyphen or underscore), and folding costs more
// than a look-up.
func appendFold(dst []byte, s string) []byte {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-' || c == '_':
		case c >= 'A' && c <= 'Z':
			dst = append(dst, c+'a'-'A')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
