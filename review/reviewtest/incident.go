package reviewtest

import (
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
)

// Now is the clock of the fixed reviews: two days after the intrusion.
func Now() time.Time { return time.Date(2024, 3, 6, 9, 0, 0, 0, time.UTC) }

// at is a time on the morning of the intrusion.
func at(hour, minute int) time.Time { return time.Date(2024, 3, 4, hour, minute, 0, 0, time.UTC) }

func tech(id string, tactics ...string) debrief.Technique {
	return debrief.Technique{ID: debrief.TechniqueID(id), Tactics: tactics}
}

var (
	alice   = debrief.Entity{Kind: debrief.EntityUser, ID: "alice@contoso.com", Name: "Alice Moreau", Role: "impacted"}
	mailbox = debrief.Entity{Kind: debrief.EntityMailbox, ID: "alice@contoso.com", Name: "Alice Moreau", Role: "impacted"}
	ws      = debrief.Entity{Kind: debrief.EntityDevice, ID: "d1a7f0", Name: "ws-alice-01", Role: "impacted"}
	fs      = debrief.Entity{Kind: debrief.EntityDevice, ID: "f5b2c9", Name: "fs-02", Role: "impacted"}
	sender  = debrief.Entity{Kind: debrief.EntityIP, ID: "203.0.113.7", Role: "attacker"}
	c2      = debrief.Entity{Kind: debrief.EntityIP, ID: "198.51.100.23", Role: "attacker"}
	domain  = debrief.Entity{Kind: debrief.EntityDomain, ID: "invoice-update.example", Role: "attacker"}
	payload = debrief.Entity{Kind: debrief.EntityFile, ID: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Name: "Invoice_0324.docm", Attributes: map[string]string{"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}}
)

func alert(n int, created time.Time, title string, sev debrief.Severity, src string, techs []debrief.Technique, ents ...debrief.Entity) debrief.Alert {
	id := fmt.Sprintf("da6380%02d", n)
	tactics := []string{}
	for _, t := range techs {
		tactics = append(tactics, t.Tactics...)
	}
	return debrief.Alert{
		ID: debrief.QualifiedID(debrief.SourceDefender, id), Source: debrief.SourceDefender, SourceID: id,
		IncidentID: "defender:4242", Product: "Microsoft Defender XDR", DetectionSource: src,
		Title: title, Description: "Defender raised " + title + ".", Severity: sev, Status: debrief.StatusResolved,
		Verdict: debrief.VerdictTruePositive, Techniques: techs, Tactics: tactics, Entities: ents,
		FirstActivity: created.Add(-4 * time.Minute), LastActivity: created.Add(-time.Minute),
		Created: created, Updated: created.Add(30 * time.Hour),
	}
}

// Incident is a phishing intrusion on one workstation that moves to a
// file server: initial access, execution, persistence, credential access,
// lateral movement and command and control seen; defense evasion,
// discovery and collection missing in between. Triage was slow.
func Incident() *debrief.Incident {
	alerts := []debrief.Alert{
		alert(1, at(9, 20), "Email messages containing malicious file removed after delivery", debrief.SeverityMedium,
			"Microsoft Defender for Office 365", []debrief.Technique{tech("T1566.001", "initial-access"), tech("T1566", "initial-access")},
			mailbox, alice, sender, payload),
		alert(2, at(9, 41), "Suspicious PowerShell command line", debrief.SeverityHigh, "EDR",
			[]debrief.Technique{tech("T1059.001", "execution"), tech("T1059", "execution")}, ws, alice, payload),
		alert(3, at(10, 5), "Anomaly detected in ASEP registry", debrief.SeverityMedium, "EDR",
			[]debrief.Technique{tech("T1547.001", "persistence", "privilege-escalation"), tech("T1547", "persistence", "privilege-escalation")}, ws, alice),
		alert(4, at(10, 30), "Possible credential dumping from LSASS memory", debrief.SeverityHigh, "EDR",
			[]debrief.Technique{tech("T1003.001", "credential-access"), tech("T1003", "credential-access")}, ws, alice),
		alert(5, at(11, 15), "Suspicious RDP session to a file server", debrief.SeverityHigh, "Microsoft Defender for Identity",
			[]debrief.Technique{tech("T1021.001", "lateral-movement"), tech("T1021", "lateral-movement")}, ws, fs, alice),
		alert(6, at(12, 0), "Connection to a known command and control server", debrief.SeverityHigh, "EDR",
			[]debrief.Technique{tech("T1071.001", "command-and-control"), tech("T1071", "command-and-control")}, fs, c2, domain),
	}
	return &debrief.Incident{
		ID: "defender:4242", Source: debrief.SourceDefender, SourceID: "4242",
		Title:    "Multi-stage incident involving Initial access & Lateral movement on one endpoint",
		Severity: debrief.SeverityHigh, Status: debrief.StatusResolved, Verdict: debrief.VerdictTruePositive,
		Determination: "MultiStagedAttack", Assignee: "sam.analyst@contoso.com", Tags: []string{"phishing", "ransomware-precursor"},
		URL: "https://security.microsoft.com/incidents/4242",
		Times: debrief.Times{
			Created: at(9, 21), FirstTriage: at(15, 30), Contained: at(16, 40),
			Resolved: at(9, 0).Add(24 * time.Hour), Updated: at(10, 0).Add(24 * time.Hour),
		},
		Alerts: alerts,
		History: []debrief.Change{
			{At: at(15, 30), By: "sam.analyst@contoso.com", Field: "assignee", From: "", To: "sam.analyst@contoso.com"},
			{At: at(15, 31), By: "sam.analyst@contoso.com", Field: "status", From: "new", To: "in_progress"},
			{At: at(9, 0).Add(24 * time.Hour), By: "sam.analyst@contoso.com", Field: "verdict", From: "", To: "true_positive"},
			{At: at(9, 0).Add(24 * time.Hour), By: "sam.analyst@contoso.com", Field: "status", From: "in_progress", To: "resolved"},
		},
		Comments: []debrief.Comment{
			{At: at(16, 40), Author: "sam.analyst@contoso.com", Text: "Isolated ws-alice-01 and fs-02; reset Alice's password and revoked her sessions."},
		},
	}
}

// History is 40 incidents over the 90 days before Now: the team usually
// acknowledges within an hour and contains within four.
func History() []debrief.Incident {
	var out []debrief.Incident
	base := Now().Add(-89 * 24 * time.Hour)
	for i := range 40 {
		created := base.Add(time.Duration(i) * 53 * time.Hour)
		spread := time.Duration(i%10) * time.Minute
		out = append(out, debrief.Incident{
			ID: fmt.Sprintf("defender:%d", 3000+i), Source: debrief.SourceDefender, SourceID: fmt.Sprint(3000 + i),
			Status: debrief.StatusResolved, Techniques: historyTechniques(i),
			Times: debrief.Times{
				FirstActivity: created.Add(-20*time.Minute - spread), FirstAlert: created.Add(-time.Minute),
				Created: created, FirstTriage: created.Add(25*time.Minute + 4*spread),
				Contained: created.Add(2*time.Hour + 10*spread), Resolved: created.Add(20*time.Hour + 30*spread),
			},
		})
	}
	return out
}

// historyTechniques are the techniques of the i-th incident of History:
// phishing in every other one, PowerShell in every fifth, and credential
// dumping only in the last ten (a rise before the incident).
func historyTechniques(i int) []debrief.TechniqueID {
	var ts []debrief.TechniqueID
	if i%2 == 0 {
		ts = append(ts, "T1566", "T1566.001")
	}
	if i%5 == 0 {
		ts = append(ts, "T1059.001")
	}
	if i >= 30 {
		ts = append(ts, "T1003.001")
	}
	return ts
}
