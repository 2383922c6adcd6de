package simulate

import (
	"math/bits"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/debrief-dev/debrief"
)

// determination is how each export spells a determination.
type determination struct {
	key      string
	defender string // incidents API
	graph    string
	sentinel string // ClassificationReason
}

var determinations = []determination{
	{"multi_staged_attack", "MultiStagedAttack", "multiStagedAttack", "SuspiciousActivity"},
	{"malware", "Malware", "malware", "SuspiciousActivity"},
	{"phishing", "Phishing", "phishing", "SuspiciousActivity"},
	{"compromised_account", "CompromisedUser", "compromisedAccount", "SuspiciousActivity"},
	{"security_testing", "SecurityTesting", "securityTesting", "SuspiciousButExpected"},
	{"confirmed_activity", "ConfirmedUserActivity", "confirmedUserActivity", "SuspiciousButExpected"},
	{"line_of_business", "LineOfBusinessApplication", "lineOfBusinessApplication", "SuspiciousButExpected"},
	{"clean", "Clean", "notMalicious", "IncorrectAlertLogic"},
	{"insufficient_data", "InsufficientData", "notEnoughDataToValidate", "InaccurateData"},
}

func determinationOf(key string) *determination {
	for i := range determinations {
		if determinations[i].key == key {
			return &determinations[i]
		}
	}
	return nil
}

// defenderDetermination maps a Defender spelling back to the key.
func detKey(defender string) string {
	for _, d := range determinations {
		if d.defender == defender {
			return d.key
		}
	}
	return ""
}

// incidentNames are an incident's Defender ids and URL.
type incidentNames struct{ id, sourceID, url string }

func newIncidentNames(seq int64) incidentNames {
	id := defenderIncidentID(seq)
	return incidentNames{debrief.QualifiedID(debrief.SourceDefender, id), id, "https://security.microsoft.com/incidents/" + id}
}

// qualifiedID is the incident's qualified Defender id: the one made
// when the generator processed the plan, else made now (a plan from a
// test).
func (p *plan) qualifiedID() string {
	if p.ids.id != "" {
		return p.ids.id
	}
	return debrief.QualifiedID(debrief.SourceDefender, defenderIncidentID(p.seq))
}

// snapshotAt is the incident as its export shows it at asOf: the alerts
// raised so far, the workflow state, comments and history. built holds
// the plan's alerts raised by then, or more. Without alertState the
// alerts are not copied and keep the state they were raised in.
func (g *gen) snapshotAt(p *plan, built []debrief.Alert, asOf time.Time, alertState bool) *debrief.Incident {
	return g.snapshotInto(nil, p, built, asOf, alertState)
}

// snapshotInto makes the snapshot in reuse, an incident nobody uses any
// more (its alert and id slices are reused), or in a new one when nil.
func (g *gen) snapshotInto(reuse *debrief.Incident, p *plan, built []debrief.Alert, asOf time.Time, alertState bool) *debrief.Incident {
	if p.ids.sourceID == "" { // a plan the generator did not process (tests)
		p.ids = newIncidentNames(p.seq)
	}
	var alerts []debrief.Alert
	var alertIDs []string
	in := reuse
	if in == nil {
		in = &debrief.Incident{}
	} else {
		alerts, alertIDs = in.Alerts[:0], in.AlertIDs[:0]
	}
	*in = debrief.Incident{ID: p.ids.id, Source: debrief.SourceDefender, SourceID: p.ids.sourceID, Status: debrief.StatusNew, URL: p.ids.url}
	n := 0
	for n < len(built) && !built[n].Created.After(asOf) {
		n++
	}
	room := n
	if reuse != nil { // room to spare: the incident is reused for others
		room = max(4, 1<<bits.Len(uint(n-1)))
	}
	in.Alerts = built[:n:n]
	if alertState {
		if cap(alerts) < n {
			alerts = make([]debrief.Alert, 0, room)
		}
		in.Alerts = append(alerts, built[:n]...)
	}
	if cap(alertIDs) < n {
		alertIDs = make([]string, 0, room)
	}
	in.AlertIDs = alertIDs[:n]
	t := &in.Times
	t.Created, t.Updated = p.created, p.created
	for i := range in.Alerts {
		a := &in.Alerts[i]
		in.AlertIDs[i] = a.ID
		t.FirstActivity = earliest(t.FirstActivity, a.FirstActivity)
		t.FirstAlert = earliest(t.FirstAlert, a.Created)
		t.LastActivity = latestOf(t.LastActivity, a.LastActivity)
		t.Updated = latestOf(t.Updated, a.Created)
		if a.Severity.Rank() > in.Severity.Rank() {
			in.Severity = a.Severity
		}
	}
	work := g.applyEvents(p, in, asOf, false)
	in.History = prefix(p.history, asOf, func(c debrief.Change) time.Time { return c.At })
	in.Comments = prefix(p.comments, asOf, func(c debrief.Comment) time.Time { return c.At })
	if alertState {
		g.alertStates(in, work)
	}
	in.Title = incidentTitle(in.Alerts)
	if d := determinationOf(in.Determination); d != nil {
		in.Determination = d.defender
	}
	return in
}

// record writes down the plan's whole history and comments once; each
// snapshot shows the part up to its time.
func (g *gen) record(p *plan) {
	in := &debrief.Incident{Status: debrief.StatusNew}
	g.applyEvents(p, in, g.end, true)
	var sev debrief.Severity
	var sevHist []debrief.Change
	for i := range p.built {
		a := &p.built[i]
		if a.Severity.Rank() > sev.Rank() {
			if sev != "" && a.Created.After(p.created) {
				sevHist = append(sevHist, debrief.Change{At: a.Created, Field: "severity", From: string(sev), To: string(a.Severity)})
			}
			sev = a.Severity
		}
	}
	p.history, p.comments = mergeHistory(in.History, sevHist), in.Comments
}

// prefix returns the leading elements of a time-ordered list up to t,
// capped so that appending to it cannot touch the rest.
func prefix[T any](s []T, t time.Time, at func(T) time.Time) []T {
	n := 0
	for n < len(s) && !at(s[n]).After(t) {
		n++
	}
	return s[:n:n]
}

// applyEvents plays the SOC's actions up to asOf onto the incident and
// returns the time work last (re)started on it. With record it also
// writes the history and comments.
func (g *gen) applyEvents(p *plan, in *debrief.Incident, asOf time.Time, record bool) time.Time {
	t := &in.Times
	if record {
		in.History = make([]debrief.Change, 0, 2*len(p.events))
		in.Comments = make([]debrief.Comment, 0, len(p.events))
	}
	var work time.Time
	change := func(at time.Time, by, field, from, to string) {
		if record && from != to {
			in.History = append(in.History, debrief.Change{At: at, By: by, Field: field, From: from, To: to})
		}
	}
	for _, ev := range p.events {
		if ev.at.After(asOf) {
			break
		}
		who := g.soc.analysts[ev.who]
		by := who.Email
		switch ev.kind {
		case evTriage, evReopen:
			change(ev.at, by, "status", string(in.Status), string(debrief.StatusInProgress))
			change(ev.at, by, "assignee", in.Assignee, by)
			if ev.kind == evReopen {
				change(ev.at, by, "verdict", string(in.Verdict), "")
				in.Verdict, in.Determination, t.Resolved = "", "", time.Time{}
			} else {
				t.FirstTriage = earliest(t.FirstTriage, ev.at)
			}
			in.Status, in.Assignee, work = debrief.StatusInProgress, by, ev.at
		case evEscalate:
			change(ev.at, by, "assignee", in.Assignee, by)
			in.Assignee, work = by, ev.at
		case evContain:
			t.Contained = earliest(t.Contained, ev.at)
		case evResolve:
			change(ev.at, by, "status", string(in.Status), string(debrief.StatusResolved))
			change(ev.at, by, "verdict", string(in.Verdict), string(ev.verdict))
			in.Status, in.Verdict, in.Determination, t.Resolved = debrief.StatusResolved, ev.verdict, ev.det, ev.at
		}
		if record {
			in.Comments = append(in.Comments, debrief.Comment{At: ev.at, Author: by, Text: g.note(p, &ev, who)})
		}
		t.Updated = latestOf(t.Updated, ev.at)
	}
	return work
}

// note is the comment an analyst leaves with an action.
func (g *gen) note(p *plan, ev *event, who *analyst) string {
	switch ev.kind {
	case evTriage:
		return who.triageNote
	case evReopen:
		return "Reopened: new evidence links this incident to ongoing activity."
	case evEscalate:
		return who.escalateNote
	case evContain:
		return g.containNote(p)
	}
	k := closeKey{ev.verdict, ev.det}
	n, ok := g.closeNotes[k]
	if !ok {
		n = "Closed as " + strings.ReplaceAll(string(ev.verdict), "_", " ") + " (" + strings.ReplaceAll(ev.det, "_", " ") + ")."
		if g.closeNotes == nil {
			g.closeNotes = map[closeKey]string{}
		}
		g.closeNotes[k] = n
	}
	return n
}

// closeKey is a closing comment's verdict and determination; there are
// few, so gen.closeNotes makes each comment once.
type closeKey struct {
	verdict debrief.Verdict
	det     string
}

func (g *gen) containNote(p *plan) string {
	o := g.org
	switch {
	case p.kind == KindNoise:
		return "Contained."
	case p.alerts[0].techs[0].product == productIdentity || p.alerts[0].techs[0].product == productEmail:
		return "Contained: revoked the sessions of " + o.users[p.victim].upn + " and reset the password."
	}
	return "Contained: isolated " + o.devices[o.users[p.victim].device].host + " from the network."
}

// alertStates gives each alert the incident's state: resolved with the
// incident, in progress when work on the incident started after it came,
// else new.
func (g *gen) alertStates(in *debrief.Incident, work time.Time) {
	for i := range in.Alerts {
		a := &in.Alerts[i]
		switch {
		case in.Status == debrief.StatusResolved:
			a.Status, a.Verdict, a.Resolved = debrief.StatusResolved, in.Verdict, in.Times.Resolved
			a.Updated = latestOf(a.Created, in.Times.Resolved)
			if d := determinationOf(in.Determination); d != nil {
				a.Determination = d.defender
			}
		case !work.IsZero() && !a.Created.After(work):
			a.Status, a.Updated = debrief.StatusInProgress, work
		default:
			a.Status = debrief.StatusNew
		}
	}
}

// mergeHistory merges two time-ordered change lists.
func mergeHistory(a, b []debrief.Change) []debrief.Change {
	if len(b) == 0 {
		return a
	}
	out := make([]debrief.Change, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if j == len(b) || i < len(a) && !a[i].At.After(b[j].At) {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	return out
}

// incidentTitle names an incident the way Defender does: the alert's
// title for one alert, the tactics involved for several.
func incidentTitle(alerts []debrief.Alert) string {
	if len(alerts) == 0 {
		return "Incident"
	}
	if len(alerts) == 1 {
		return alerts[0].Title
	}
	var tactics [2]string
	nt, devices, products := 0, 0, 0
	var device, product string
	for i := range alerts {
		a := &alerts[i]
		if a.Product != product {
			products, product = products+1, a.Product
		}
		for _, e := range a.Entities {
			if e.Kind == debrief.EntityDevice && e.ID != device {
				devices, device = devices+1, e.ID
			}
		}
		for _, t := range a.Tactics {
			if nt < 2 && (nt == 0 || tactics[0] != t) {
				tactics[nt] = t
				nt++
			}
		}
	}
	if nt < 2 {
		return alerts[0].Title + " involving multiple alerts"
	}
	// One string, made in a buffer on the stack.
	var buf [192]byte
	title := append(buf[:0], "Multi-stage incident involving "...)
	title = appendTacticTitle(title, tactics[0])
	title = appendTacticTitle(append(title, " & "...), tactics[1])
	switch devices {
	case 0:
		title = append(title, " involving one user"...)
	case 1:
		title = append(title, " on one endpoint"...)
	default:
		title = append(title, " on multiple endpoints"...)
	}
	if products > 1 {
		title = append(title, " reported by multiple sources"...)
	}
	return string(title)
}

// tacticTitle turns "command-and-control" into "Command and control".
func tacticTitle(short string) string {
	s := strings.ReplaceAll(short, "-", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// appendTacticTitle appends tacticTitle(short), without making it when
// short is ASCII (as ATT&CK's short names are).
func appendTacticTitle(b []byte, short string) []byte {
	for i := 0; i < len(short); i++ {
		if short[i] >= utf8.RuneSelf {
			return append(b, tacticTitle(short)...)
		}
	}
	for i := 0; i < len(short); i++ {
		c := short[i]
		switch {
		case c == '-':
			c = ' '
		case i == 0 && 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

func contains(ss []string, s string) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

func latestOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
