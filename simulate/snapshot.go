package simulate

import (
	"strings"
	"time"

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

// snapshot is the incident as its export shows it at asOf: the alerts
// raised so far, the workflow state, comments and history.
func (g *gen) snapshot(p *plan, asOf time.Time) *debrief.Incident { return g.snapshotAt(p, asOf, true) }

// snapshotAt is snapshot; without alertState the alerts are not copied
// and keep the state they were raised in.
func (g *gen) snapshotAt(p *plan, asOf time.Time, alertState bool) *debrief.Incident {
	id := defenderIncidentID(p.seq)
	in := &debrief.Incident{ID: debrief.QualifiedID(debrief.SourceDefender, id), Source: debrief.SourceDefender,
		SourceID: id, Status: debrief.StatusNew, URL: "https://security.microsoft.com/incidents/" + id}
	n := 0
	for n < len(p.built) && !p.built[n].Created.After(asOf) {
		n++
	}
	in.Alerts = p.built[:n:n]
	if alertState {
		in.Alerts = make([]debrief.Alert, n)
		copy(in.Alerts, p.built[:n])
	}
	in.AlertIDs = make([]string, n)
	t := &in.Times
	t.Created, t.Updated = p.created, p.created
	var sevHist []debrief.Change
	for i := range in.Alerts {
		a := &in.Alerts[i]
		in.AlertIDs[i] = a.ID
		t.FirstActivity = earliest(t.FirstActivity, a.FirstActivity)
		t.FirstAlert = earliest(t.FirstAlert, a.Created)
		t.LastActivity = latestOf(t.LastActivity, a.LastActivity)
		t.Updated = latestOf(t.Updated, a.Created)
		if a.Severity.Rank() > in.Severity.Rank() {
			if in.Severity != "" && a.Created.After(p.created) {
				sevHist = append(sevHist, debrief.Change{At: a.Created, Field: "severity", From: string(in.Severity), To: string(a.Severity)})
			}
			in.Severity = a.Severity
		}
	}
	work := g.applyEvents(p, in, asOf)
	in.History = mergeHistory(in.History, sevHist)
	if alertState {
		g.alertStates(in, work)
	}
	in.Title = incidentTitle(in.Alerts)
	if d := determinationOf(in.Determination); d != nil {
		in.Determination = d.defender
	}
	return in
}

// applyEvents plays the SOC's actions up to asOf onto the incident and
// returns the time work last (re)started on it.
func (g *gen) applyEvents(p *plan, in *debrief.Incident, asOf time.Time) time.Time {
	t := &in.Times
	in.History = make([]debrief.Change, 0, 2*len(p.events))
	in.Comments = make([]debrief.Comment, 0, len(p.events))
	var work time.Time
	change := func(at time.Time, by, field, from, to string) {
		if from != to {
			in.History = append(in.History, debrief.Change{At: at, By: by, Field: field, From: from, To: to})
		}
	}
	for _, ev := range p.events {
		if ev.at.After(asOf) {
			break
		}
		who := g.soc.analysts[ev.who]
		by := who.Email
		comment := ""
		switch ev.kind {
		case evTriage, evReopen:
			change(ev.at, by, "status", string(in.Status), string(debrief.StatusInProgress))
			change(ev.at, by, "assignee", in.Assignee, by)
			if ev.kind == evReopen {
				change(ev.at, by, "verdict", string(in.Verdict), "")
				in.Verdict, in.Determination, t.Resolved = "", "", time.Time{}
				comment = "Reopened: new evidence links this incident to ongoing activity."
			} else {
				t.FirstTriage = earliest(t.FirstTriage, ev.at)
				comment = "Triage started by " + who.Name + "."
			}
			in.Status, in.Assignee, work = debrief.StatusInProgress, by, ev.at
		case evEscalate:
			change(ev.at, by, "assignee", in.Assignee, by)
			in.Assignee, work = by, ev.at
			comment = "Escalated to tier " + itoa(who.Tier) + " (" + who.Name + ")."
		case evContain:
			t.Contained = earliest(t.Contained, ev.at)
			comment = g.containNote(p)
		case evResolve:
			change(ev.at, by, "status", string(in.Status), string(debrief.StatusResolved))
			change(ev.at, by, "verdict", string(in.Verdict), string(ev.verdict))
			in.Status, in.Verdict, in.Determination, t.Resolved = debrief.StatusResolved, ev.verdict, ev.det, ev.at
			comment = "Closed as " + strings.ReplaceAll(string(ev.verdict), "_", " ") + " (" + strings.ReplaceAll(ev.det, "_", " ") + ")."
		}
		in.Comments = append(in.Comments, debrief.Comment{At: ev.at, Author: by, Text: comment})
		t.Updated = latestOf(t.Updated, ev.at)
	}
	return work
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
	var tactics []string
	products, devices := map[string]bool{}, map[string]bool{}
	for i := range alerts {
		a := &alerts[i]
		products[a.Product] = true
		for _, e := range a.Entities {
			if e.Kind == debrief.EntityDevice {
				devices[e.ID] = true
			}
		}
		for _, t := range a.Tactics {
			if name := tacticTitle(t); !contains(tactics, name) {
				tactics = append(tactics, name)
			}
		}
	}
	if len(alerts) == 1 || len(tactics) < 2 {
		if len(alerts) == 1 {
			return alerts[0].Title
		}
		return alerts[0].Title + " involving multiple alerts"
	}
	title := "Multi-stage incident involving " + tactics[0] + " & " + tactics[1]
	switch len(devices) {
	case 0:
		title += " involving one user"
	case 1:
		title += " on one endpoint"
	default:
		title += " on multiple endpoints"
	}
	if len(products) > 1 {
		title += " reported by multiple sources"
	}
	return title
}

// tacticTitle turns "command-and-control" into "Command and control".
func tacticTitle(short string) string {
	s := strings.ReplaceAll(short, "-", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
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
