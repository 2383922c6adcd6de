package storetest

import (
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
)

// t0 is when the fixtures' story starts.
var t0 = time.Date(2025, 3, 4, 9, 12, 7, 123456789, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

// phishing is a Defender XDR incident: a spearphishing attachment delivered
// to a mailbox, opened by the user on their device.
func phishing() debrief.Incident {
	const id = "924565"
	inc := debrief.QualifiedID(debrief.SourceDefender, id)
	return debrief.Incident{
		ID: inc, Source: debrief.SourceDefender, SourceID: id,
		Title:         "Multi-stage incident involving Initial access & Execution on one endpoint",
		Description:   "A user opened a malicious attachment from an external sender.",
		Severity:      debrief.SeverityHigh,
		Status:        debrief.StatusActive,
		Verdict:       debrief.VerdictTruePositive,
		Determination: "MultiStagedAttack",
		Assignee:      "amy.lee@contoso.com",
		Tags:          []string{"phishing", "finance"},
		Comments: []debrief.Comment{
			{At: at(40 * time.Minute), Author: "amy.lee@contoso.com", Text: "Isolated DESKTOP-7Q2; resetting credentials."},
			{At: at(25 * time.Minute), Author: "amy.lee@contoso.com", Text: "Taking this one."},
		},
		URL: "https://security.microsoft.com/incidents/924565",
		Times: debrief.Times{
			FirstActivity: at(-3 * time.Minute), FirstAlert: at(0), Created: at(time.Minute),
			FirstTriage: at(25 * time.Minute), Contained: at(40 * time.Minute), LastActivity: at(9 * time.Minute),
			Updated: at(41 * time.Minute),
		},
		History: []debrief.Change{
			{At: at(25 * time.Minute), By: "amy.lee@contoso.com", Field: "assignee", From: "", To: "amy.lee@contoso.com"},
			{At: at(25 * time.Minute), By: "amy.lee@contoso.com", Field: "status", From: "new", To: "active"},
		},
		Alerts: []debrief.Alert{phishingMail(inc), phishingExec(inc)},
		Raw:    []byte(`{"incidentId":924565,"redirectIncidentId":null,"incidentName":"Multi-stage incident involving Initial access & Execution on one endpoint"}`),
	}
}

func phishingMail(inc string) debrief.Alert {
	const id = "fa3a5b7e8e-1c1b-4c2b-8e0e-6c4b0f9d7a11"
	return debrief.Alert{
		ID: debrief.QualifiedID(debrief.SourceDefender, id), Source: debrief.SourceDefender, SourceID: id,
		ProviderID: "a3a5b7e8-1c1b-4c2b-8e0e-6c4b0f9d7a11", IncidentID: inc,
		Product: "Microsoft Defender for Office 365", DetectionSource: "microsoftDefenderForOffice365",
		RuleID: "cc4d7a09-4e33-4f2d-9c7e-1f0b5d0c2a61", RuleName: "Email messages containing malicious file removed after delivery",
		Title:    "Email messages containing malicious file removed after delivery",
		Category: "InitialAccess", Severity: debrief.SeverityMedium, Status: debrief.StatusResolved,
		Verdict: debrief.VerdictTruePositive, Determination: "Malware",
		Techniques: []debrief.Technique{
			{ID: "T1566.001", Name: "Spearphishing Attachment", Tactics: []string{"initial-access"}},
		},
		Tactics:     []string{"initial-access"},
		ThreatNames: []string{"Qakbot"},
		Entities: []debrief.Entity{
			{Kind: debrief.EntityMailbox, ID: "jon.doe@contoso.com", Name: "Jon Doe", Role: "impacted", Verdict: "suspicious"},
			{Kind: debrief.EntityMailMessage, ID: "b5f2c1e0-8a44-4b7e-9f3d-08dd1e6a2c55", Name: "Invoice 4471 overdue",
				Attributes: map[string]string{"sender": "billing@fabrikam-invoices.example", "recipient": "jon.doe@contoso.com",
					"delivery_action": "Delivered", "subject": "Invoice 4471 overdue"}},
			{Kind: debrief.EntityFile, ID: "1c5cd5b8e2f6a33b1a90f5e6b2b8a1f2c7d9e0a4b6c8d0e2f4a6b8c0d2e4f6a8", Name: "Invoice_4471.xlsm",
				Role: "attacker", Attributes: map[string]string{"sha1": "8f14e45fceea167a5a36dedd4bea2543d1b2c3e4"}},
			{Kind: debrief.EntityURL, ID: "https://fabrikam-invoices.example/pay?id=4471", Role: "attacker"},
		},
		FirstActivity: at(-3 * time.Minute), LastActivity: at(-3 * time.Minute), Created: at(0),
		Updated: at(30 * time.Minute), Resolved: at(30 * time.Minute),
		URL: "https://security.microsoft.com/alerts/fa3a5b7e8e-1c1b-4c2b-8e0e-6c4b0f9d7a11",
		Raw: []byte(`{"alertId":"fa3a5b7e8e-1c1b-4c2b-8e0e-6c4b0f9d7a11","serviceSource":"MicrosoftDefenderForOffice365"}`),
	}
}

func phishingExec(inc string) debrief.Alert {
	const id = "da638471234567890123_-1593826375"
	return debrief.Alert{
		ID: debrief.QualifiedID(debrief.SourceDefender, id), Source: debrief.SourceDefender, SourceID: id,
		IncidentID: inc, Product: "Microsoft Defender for Endpoint", DetectionSource: "microsoftDefenderForEndpoint",
		Title:       "Suspicious process launched by Excel",
		Description: "EXCEL.EXE started a PowerShell process with an encoded command line.",
		Category:    "Execution", Severity: debrief.SeverityHigh, Status: debrief.StatusInProgress,
		Techniques: []debrief.Technique{
			{ID: "T1204.002", Name: "Malicious File", Tactics: []string{"execution"}},
			{ID: "T1059.001", Name: "PowerShell", Tactics: []string{"execution"}},
			{ID: "T1027", Name: "Obfuscated Files or Information", Tactics: []string{"defense-evasion"},
				Original: "T1140", Status: debrief.TechniqueRevoked},
		},
		Tactics: []string{"execution", "defense-evasion"},
		Entities: []debrief.Entity{
			{Kind: debrief.EntityDevice, ID: "4f1c2b7d9e0a3c5b7d9f1e3a5c7b9d1f3e5a7c9b", Name: "desktop-7q2.contoso.com", Role: "impacted",
				Attributes: map[string]string{"os": "Windows11", "rbac_group": "Finance"}},
			{Kind: debrief.EntityUser, ID: "S-1-5-21-1004336348-1177238915-682003330-512", Name: "jon.doe", Role: "impacted",
				Attributes: map[string]string{"upn": "jon.doe@contoso.com"}},
			{Kind: debrief.EntityProcess, ID: "7332", Name: "powershell.exe", Attributes: map[string]string{
				"command_line": `powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA`,
				"parent":       "EXCEL.EXE"}},
			{Kind: debrief.EntityIP, ID: "203.0.113.77", Role: "attacker", Verdict: "malicious"},
		},
		FirstActivity: at(5 * time.Minute), LastActivity: at(9 * time.Minute), Created: at(6 * time.Minute),
		Updated: at(40 * time.Minute),
		Raw:     []byte(`{"alertId":"da638471234567890123_-1593826375","serviceSource":"MicrosoftDefenderForEndpoint"}`),
	}
}

// identity is an identity attack seen by Entra ID Protection and Defender
// for Cloud Apps: a password spray, then a token replayed from a new place.
func identity() debrief.Incident {
	const id = "924600"
	inc := debrief.QualifiedID(debrief.SourceDefender, id)
	return debrief.Incident{
		ID: inc, Source: debrief.SourceDefender, SourceID: id,
		Title:    "Password spray followed by anomalous token use",
		Severity: debrief.SeverityMedium, Status: debrief.StatusNew,
		Times:  debrief.Times{FirstAlert: at(2 * time.Hour), Created: at(2*time.Hour + time.Minute), Updated: at(2*time.Hour + time.Minute)},
		Alerts: []debrief.Alert{spray(inc), token(inc)},
	}
}

func spray(inc string) debrief.Alert {
	const id = "aad1f0e2c3-5b7d-4e9f-8a1c-3e5f7a9b1d30"
	return debrief.Alert{
		ID: debrief.QualifiedID(debrief.SourceDefender, id), Source: debrief.SourceDefender, SourceID: id,
		IncidentID: inc, Product: "Microsoft Entra ID Protection", DetectionSource: "azureAdIdentityProtection",
		Title: "Password spray", Severity: debrief.SeverityMedium, Status: debrief.StatusNew,
		Techniques: []debrief.Technique{{ID: "T1110.003", Name: "Password Spraying", Tactics: []string{"credential-access"}}},
		Entities: []debrief.Entity{
			{Kind: debrief.EntityUser, ID: "kim.ng@contoso.com", Name: "Kim Ng", Role: "impacted"},
			{Kind: debrief.EntityIP, ID: "198.51.100.23", Role: "attacker", Attributes: map[string]string{"country": "NL"}},
		},
		Created: at(2 * time.Hour),
	}
}

func token(inc string) debrief.Alert {
	const id = "ca2e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b"
	return debrief.Alert{
		ID: debrief.QualifiedID(debrief.SourceDefender, id), Source: debrief.SourceDefender, SourceID: id,
		IncidentID: inc, Product: "Microsoft Defender for Cloud Apps", DetectionSource: "microsoftCloudAppSecurity",
		Title: "Suspicious token use from an unfamiliar location", Severity: debrief.SeverityHigh, Status: debrief.StatusNew,
		Techniques: []debrief.Technique{
			{ID: "T1550.001", Name: "Application Access Token", Tactics: []string{"defense-evasion", "lateral-movement"}},
			{ID: "T1078.004", Name: "Cloud Accounts", Tactics: []string{"defense-evasion", "persistence", "privilege-escalation", "initial-access"}},
		},
		Entities: []debrief.Entity{
			{Kind: debrief.EntityUser, ID: "kim.ng@contoso.com", Name: "Kim Ng", Role: "impacted"},
			{Kind: debrief.EntityCloudApp, ID: "20893", Name: "Microsoft Exchange Online"},
			{Kind: debrief.EntityIP, ID: "198.51.100.23", Role: "attacker"},
		},
		Created: at(2*time.Hour + 30*time.Second),
	}
}

// sentinelVersions are three rows of one Sentinel incident, one per update:
// created, then assigned and triaged, then closed as a true positive.
func sentinelVersions() [3]debrief.Incident {
	const id = "6d2f8c1e-4b7a-4e2d-9c5f-1a3b5d7f9e20"
	base := debrief.Incident{
		ID: debrief.QualifiedID(debrief.SourceSentinel, id), Source: debrief.SourceSentinel, SourceID: id,
		Title:    "Suspicious inbox forwarding rule",
		Severity: debrief.SeverityMedium, Status: debrief.StatusNew,
		Times:    debrief.Times{FirstAlert: at(3 * time.Hour), Created: at(3*time.Hour + time.Minute)},
		AlertIDs: []string{"sentinel:0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"},
	}
	v1 := base
	v1.Times.Updated = at(3*time.Hour + time.Minute)
	v1.Raw = []byte(`{"IncidentNumber":4411,"Status":"New"}`)
	v2 := base
	v2.Status, v2.Assignee, v2.Severity = debrief.StatusActive, "raj.patel@contoso.com", debrief.SeverityHigh
	v2.Times.FirstTriage = at(3*time.Hour + 20*time.Minute)
	v2.Times.Updated = at(3*time.Hour + 20*time.Minute)
	v2.Comments = []debrief.Comment{{At: at(3*time.Hour + 20*time.Minute), Author: "raj.patel@contoso.com", Text: "Forwarding to an external address confirmed."}}
	v2.Tags = []string{"bec"}
	v2.Raw = []byte(`{"IncidentNumber":4411,"Status":"Active"}`)
	v3 := v2
	v3.Status, v3.Verdict, v3.Determination = debrief.StatusResolved, debrief.VerdictTruePositive, "SuspiciousActivity"
	v3.Times.Resolved = at(5 * time.Hour)
	v3.Times.Updated = at(5 * time.Hour)
	v3.Comments = append(v2.Comments[:1:1], debrief.Comment{At: at(5 * time.Hour), Author: "raj.patel@contoso.com", Text: "Rule removed, password reset."})
	v3.Tags = []string{"bec", "closed-by-tier1"}
	v3.Raw = []byte(`{"IncidentNumber":4411,"Status":"Closed"}`)
	return [3]debrief.Incident{v1, v2, v3}
}

// sentinelHistory is the history the three versions give, in time order.
func sentinelHistory() []debrief.Change {
	by := "raj.patel@contoso.com"
	t2, t3 := at(3*time.Hour+20*time.Minute), at(5*time.Hour)
	return []debrief.Change{
		{At: t2, By: by, Field: "assignee", From: "", To: by},
		{At: t2, By: by, Field: "severity", From: "medium", To: "high"},
		{At: t2, By: by, Field: "status", From: "new", To: "active"},
		{At: t3, By: by, Field: "determination", From: "", To: "SuspiciousActivity"},
		{At: t3, By: by, Field: "status", From: "active", To: "resolved"},
		{At: t3, By: by, Field: "verdict", From: "", To: "true_positive"},
	}
}

// loneAlert is an alert from a source without incidents (Elastic).
func loneAlert(n int, created time.Time) debrief.Alert {
	id := fmt.Sprintf("4c1f0e9d8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c%02d", n)
	return debrief.Alert{
		ID: debrief.QualifiedID(debrief.SourceElastic, id), Source: debrief.SourceElastic, SourceID: id,
		Product: "Elastic Security", RuleID: "1a2b3c4d-0000-4000-8000-00000000000" + fmt.Sprint(n%10),
		RuleName: "Potential Credential Access via LSASS Memory Dump", Title: "Potential Credential Access via LSASS Memory Dump",
		Severity: debrief.SeverityHigh, Status: debrief.StatusNew,
		Techniques: []debrief.Technique{{ID: "T1003.001", Name: "LSASS Memory", Tactics: []string{"credential-access"}}},
		Entities: []debrief.Entity{
			{Kind: debrief.EntityDevice, ID: fmt.Sprintf("srv-%02d", n), Name: fmt.Sprintf("srv-%02d.corp.example", n), Role: "impacted"},
			{Kind: debrief.EntityProcess, ID: fmt.Sprintf("%d", 900+n), Name: "procdump64.exe"},
		},
		Created: created,
		Raw:     []byte(fmt.Sprintf(`{"_id":"%s","kibana.alert.rule.name":"Potential Credential Access via LSASS Memory Dump"}`, id)),
	}
}
