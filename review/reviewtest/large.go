package reviewtest

import (
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
)

// largeTechniques are the techniques Large cycles through: a realistic
// intrusion's spread over the kill chain, parents and sub-techniques.
func largeTechniques() []string {
	return []string{"T1566.001", "T1566.002", "T1204.002", "T1059.001", "T1059.003", "T1047", "T1053.005",
		"T1547.001", "T1543.003", "T1055", "T1027", "T1562.001", "T1070.004", "T1003.001", "T1110.003",
		"T1558.003", "T1087.002", "T1018", "T1082", "T1021.001", "T1021.002", "T1570", "T1560.001",
		"T1005", "T1071.001", "T1105", "T1572", "T1041", "T1486", "T1490"}
}

// Large is an incident of n alerts over three days with the techniques of
// largeTechniques, 200 devices, 500 users and 2,000 IP addresses; its
// techniques are not normalised (Build fills tactics and names from the
// catalog). It has history and comments like a long investigation.
func Large(n int) *debrief.Incident {
	techs := largeTechniques()
	start := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	sevs := []debrief.Severity{debrief.SeverityLow, debrief.SeverityMedium, debrief.SeverityHigh, debrief.SeverityInformational}
	in := &debrief.Incident{
		ID: "sentinel:large", Source: debrief.SourceSentinel, SourceID: "large", Title: "Large generated intrusion",
		Severity: debrief.SeverityHigh, Status: debrief.StatusResolved, Verdict: debrief.VerdictTruePositive,
		Assignee: "soc@contoso.com", Alerts: make([]debrief.Alert, n),
		Times: debrief.Times{Created: start.Add(10 * time.Minute), FirstTriage: start.Add(2 * time.Hour),
			Contained: start.Add(50 * time.Hour), Resolved: start.Add(80 * time.Hour)},
	}
	step := 72 * time.Hour / time.Duration(max(n, 1))
	for i := range n {
		id := fmt.Sprintf("a%06d", i)
		created := start.Add(time.Duration(i) * step)
		t := techs[i*7%len(techs)]
		in.Alerts[i] = debrief.Alert{
			ID: debrief.QualifiedID(debrief.SourceSentinel, id), Source: debrief.SourceSentinel, SourceID: id,
			Product: "Microsoft Sentinel", DetectionSource: fmt.Sprintf("Analytics rule %d", i%40),
			Title: fmt.Sprintf("Alert %d: activity matching %s", i, t), Description: "Generated alert for the benchmark.",
			Severity: sevs[i%len(sevs)], Created: created, FirstActivity: created.Add(-3 * time.Minute),
			Techniques: []debrief.Technique{{ID: debrief.TechniqueID(t)}},
			Entities: []debrief.Entity{
				{Kind: debrief.EntityDevice, ID: fmt.Sprintf("dev%03d", i%200), Name: fmt.Sprintf("host-%03d", i%200)},
				{Kind: debrief.EntityUser, ID: fmt.Sprintf("user%03d@contoso.com", i%500)},
				{Kind: debrief.EntityIP, ID: fmt.Sprintf("10.%d.%d.%d", i%2000/250, i%250, i%7)},
			},
		}
	}
	for i := range 50 {
		in.History = append(in.History, debrief.Change{At: start.Add(time.Duration(i) * time.Hour), By: "soc@contoso.com",
			Field: "severity", From: "medium", To: "high"})
		in.Comments = append(in.Comments, debrief.Comment{At: start.Add(time.Duration(i)*time.Hour + time.Minute),
			Author: "soc@contoso.com", Text: fmt.Sprintf("Update %d", i)})
	}
	return in
}
