package ocsf

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// Class uids debrief reads.
const (
	classSecurityFinding  = 2001
	classDetectionFinding = 2004
)

// alert maps a finding to a debrief alert. It returns the fields it had to
// drop (malformed technique ids), or the error that rejects the record.
func (f *finding) alert() (*debrief.Alert, []dropped, *fieldError) {
	info, infoField := f.FindingInfo, "finding_info"
	switch f.ClassUID {
	case classDetectionFinding:
		if f.FindingInfo == nil && f.Finding != nil {
			return nil, nil, &fieldError{field: "class_uid",
				reason: "want 2001 (Security Finding) for a finding in finding, got 2004 (Detection Finding, which has finding_info)"}
		}
	case classSecurityFinding:
		info, infoField = f.Finding, "finding"
		if f.Finding == nil && f.FindingInfo != nil {
			return nil, nil, &fieldError{field: "class_uid",
				reason: "want 2004 (Detection Finding) for a finding in finding_info, got 2001 (Security Finding, which has finding)"}
		}
	default:
		return nil, nil, &fieldError{field: "class_uid",
			reason: fmt.Sprintf("want 2004 (Detection Finding) or 2001 (Security Finding), got %d", f.ClassUID)}
	}
	if info == nil {
		info = &findingInfo{}
	}
	id := info.UID
	if id == "" {
		id = f.Metadata.UID
	}
	if id == "" {
		return nil, nil, &fieldError{field: infoField + ".uid", reason: "want the finding id (or metadata.uid), got none"}
	}
	a := &debrief.Alert{
		ID:          debrief.QualifiedID(debrief.SourceOCSF, id),
		Source:      debrief.SourceOCSF,
		SourceID:    id,
		Product:     product(f.Metadata.Product.VendorName, f.Metadata.Product.Name),
		Title:       info.Title,
		Description: info.Desc,
		Category:    strings.Join(info.Types, ", "),
		URL:         info.SrcURL,
	}
	an := info.Analytic
	if an == nil {
		an = f.Analytic
	}
	if an != nil {
		a.RuleID, a.RuleName, a.DetectionSource = an.UID, an.Name, an.Type
	}
	for _, m := range f.Malware {
		if m.Name != "" && !contains(a.ThreatNames, m.Name) {
			a.ThreatNames = append(a.ThreatNames, m.Name)
		}
	}
	f.text(a, id)
	if fe := f.times(a, info, infoField); fe != nil {
		return nil, nil, fe
	}
	if fe := f.enums(a); fe != nil {
		return nil, nil, fe
	}
	drops := attacks(a, info.Attacks, infoField+".attacks")
	drops = append(drops, attacks(a, f.Attacks, "attacks")...)
	a.Entities = f.entities()
	return a, drops, nil
}

// text fills in the title and description from the message or the rule
// when the finding has none.
func (f *finding) text(a *debrief.Alert, id string) {
	if a.Title == "" {
		a.Title = a.RuleName
	}
	if a.Title == "" && f.Message != "" {
		a.Title = f.Message
	}
	if a.Title == "" {
		a.Title = "OCSF finding " + id
	}
	if a.Description == "" && f.Message != a.Title {
		a.Description = f.Message
	}
}

// product joins vendor and product name, unless the name starts with the
// vendor already.
func product(vendor, name string) string {
	switch {
	case vendor == "":
		return name
	case name == "":
		return vendor
	case strings.HasPrefix(strings.ToLower(name), strings.ToLower(vendor)):
		return name
	}
	return vendor + " " + name
}

func (f *finding) times(a *debrief.Alert, info *findingInfo, infoField string) *fieldError {
	var fe *fieldError
	get := func(field string, v jsontext.Value, dt string) time.Time {
		t, err := when(v, dt)
		if err != nil && fe == nil {
			fe = &fieldError{field: field, reason: err.Error()}
		}
		return t
	}
	created := get(infoField+".created_time", info.CreatedTime, info.CreatedTimeDT)
	event := get("time", f.Time, f.TimeDT)
	first := get(infoField+".first_seen_time", info.FirstSeenTime, info.FirstSeenTimeDT)
	last := get(infoField+".last_seen_time", info.LastSeenTime, info.LastSeenTimeDT)
	start := get("start_time", f.StartTime, f.StartTimeDT)
	end := get("end_time", f.EndTime, f.EndTimeDT)
	a.Updated = get(infoField+".modified_time", info.ModifiedTime, info.ModifiedTimeDT)
	if fe != nil {
		return fe
	}
	a.Created = firstSet(created, event, first)
	if a.Created.IsZero() {
		return &fieldError{field: "time", reason: "want the finding time (time or " + infoField + ".created_time), got none"}
	}
	a.FirstActivity = firstSet(first, start)
	a.LastActivity = firstSet(last, end)
	if f.ActivityID == 3 { // Close: the event is the closing.
		a.Resolved = event
	}
	return nil
}

// when reads an OCSF timestamp: epoch time as a number (or a numeric
// string), else the RFC 3339 *_dt twin.
func when(v jsontext.Value, dt string) (time.Time, error) {
	switch v.Kind() {
	case '0':
		n, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("want a Unix time, got %s", v)
		}
		return wire.Epoch(n)
	case '"':
		s := string(v[1 : len(v)-1])
		if n, err := strconv.ParseFloat(s, 64); err == nil {
			return wire.Epoch(n)
		}
		return wire.ParseTime(s)
	case 0, 'n':
		return wire.ParseTime(dt)
	}
	return time.Time{}, fmt.Errorf("want a Unix time, got %s", wire.KindName(v.Kind()))
}

func firstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// enums fills severity, status and verdict as the package documentation
// says.
func (f *finding) enums(a *debrief.Alert) *fieldError {
	var ok bool
	switch id := f.SeverityID; {
	case id >= 1 && id <= 5:
		a.Severity = debrief.Severities[id-1]
	case id == 6:
		a.Severity = debrief.SeverityCritical
	case id == 99:
		a.Severity, _ = debrief.ParseSeverity(f.Severity)
	case id == 0:
		if a.Severity, ok = debrief.ParseSeverity(f.Severity); !ok {
			return &fieldError{field: "severity", reason: fmt.Sprintf("want Informational, Low, Medium, High, Critical or Fatal, got %q", f.Severity)}
		}
	default:
		return &fieldError{field: "severity_id", reason: fmt.Sprintf("want 0–6 or 99, got %d", id)}
	}
	field, id, text := "status_id", f.StatusID, f.Status
	if f.ClassUID == classSecurityFinding && id == 0 && text == "" {
		field, id, text = "state_id", f.StateID, f.State
	}
	switch {
	case id == 1:
		a.Status = debrief.StatusNew
	case id == 2:
		a.Status = debrief.StatusInProgress
	case id >= 3 && id <= 6:
		a.Status = debrief.StatusResolved
	case id == 99:
		a.Status, _ = debrief.ParseStatus(text)
	case id == 0:
		if a.Status, ok = debrief.ParseStatus(text); !ok {
			return &fieldError{field: strings.TrimSuffix(field, "_id"), reason: fmt.Sprintf("want New, In Progress, Suppressed or Resolved, got %q", text)}
		}
	default:
		return &fieldError{field: field, reason: fmt.Sprintf("want 0–6 or 99, got %d", id)}
	}
	switch f.VerdictID {
	case 1:
		a.Verdict = debrief.VerdictFalsePositive
	case 2:
		a.Verdict = debrief.VerdictTruePositive
	case 5:
		a.Verdict = debrief.VerdictBenignPositive
	case 0, 99:
		a.Verdict, _ = debrief.ParseVerdict(f.Verdict)
	}
	a.Determination = f.Verdict
	if a.Status.Closed() && a.Resolved.IsZero() {
		a.Resolved = a.Updated
	}
	return nil
}

// attacks adds the techniques and tactics of ATT&CK objects; field is
// their path, for the errors of malformed ids.
func attacks(a *debrief.Alert, list []attack, field string) []dropped {
	var drops []dropped
	for i, at := range list {
		var tactics []string
		if at.Tactic != nil {
			tactics = appendRef(tactics, *at.Tactic)
		}
		for _, t := range at.Tactics {
			tactics = appendRef(tactics, t)
		}
		for _, t := range tactics {
			if !contains(a.Tactics, t) {
				a.Tactics = append(a.Tactics, t)
			}
		}
		for _, tr := range []struct {
			ref  *ref
			name string
		}{{at.Technique, "technique"}, {at.SubTechnique, "sub_technique"}} {
			if tr.ref == nil || tr.ref.UID == "" {
				continue
			}
			id, err := debrief.ParseTechniqueID(tr.ref.UID)
			if err != nil {
				drops = append(drops, dropped{fmt.Sprintf("%s[%d].%s.uid", field, i, tr.name),
					fmt.Sprintf("want T#### or T####.###, got %q", tr.ref.UID)})
				continue
			}
			addTechnique(a, debrief.Technique{ID: id, Name: tr.ref.Name}, tactics)
		}
	}
	return drops
}

func appendRef(list []string, r ref) []string {
	name := r.Name
	if name == "" {
		name = r.UID
	}
	if name == "" || contains(list, name) {
		return list
	}
	return append(list, name)
}

// addTechnique adds t with its tactics, merging the tactics of a technique
// that several attack objects name.
func addTechnique(a *debrief.Alert, t debrief.Technique, tactics []string) {
	for i := range a.Techniques {
		o := &a.Techniques[i]
		if o.ID != t.ID {
			continue
		}
		if o.Name == "" {
			o.Name = t.Name
		}
		for _, tac := range tactics {
			if !contains(o.Tactics, tac) {
				o.Tactics = append(o.Tactics, tac)
			}
		}
		return
	}
	if len(tactics) > 0 {
		t.Tactics = append([]string(nil), tactics...)
	}
	a.Techniques = append(a.Techniques, t)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
