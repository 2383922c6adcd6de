package attack_test

import (
	"fmt"
	"strings"

	"github.com/debrief-dev/debrief/attack"
)

func embedded() *attack.Catalog {
	c, err := attack.Embedded()
	if err != nil {
		panic(err)
	}
	return c
}

func ExampleEmbedded() {
	c, err := attack.Embedded()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range c.Domains() {
		fmt.Printf("%s v%s: %d techniques, %d sub-techniques, %d groups\n",
			d.Name, d.Version, d.Counts.Techniques, d.Counts.SubTechniques, d.Counts.Groups)
	}
	// Output:
	// enterprise-attack v18.1: 356 techniques, 479 sub-techniques, 187 groups
	// mobile-attack v18.1: 143 techniques, 47 sub-techniques, 17 groups
	// ics-attack v18.1: 95 techniques, 0 sub-techniques, 16 groups
}

func ExampleCatalog_ResolveTechnique() {
	c := embedded()
	for _, id := range []string{"T1059.001", "t1086", "T9999"} {
		l := c.ResolveTechnique(id)
		if !l.Known() {
			fmt.Printf("%s: unknown\n", l.ID)
			continue
		}
		fmt.Printf("%s: %s %s %v revoked=%v\n", l.ID, l.Technique.ID, l.Technique.Name, l.Technique.Tactics, l.Revoked)
	}
	// Output:
	// T1059.001: T1059.001 PowerShell [execution] revoked=false
	// T1086: T1059.001 PowerShell [execution] revoked=true
	// T9999: unknown
}

func ExampleCatalog_Tactic() {
	c := embedded()
	for _, s := range []string{"DefenseEvasion", "defense_evasion", "TA0005", "Lateral Movement"} {
		t, _ := c.Tactic(s)
		fmt.Printf("%s → %s %s (%s, column %d)\n", s, t.ID, t.Name, t.Shortname, t.Order)
	}
	t, _ := c.TacticIn("mobile-attack", "Defense Evasion")
	fmt.Println("mobile:", t.ID, t.Name)
	// Output:
	// DefenseEvasion → TA0005 Defense Evasion (defense-evasion, column 6)
	// defense_evasion → TA0005 Defense Evasion (defense-evasion, column 6)
	// TA0005 → TA0005 Defense Evasion (defense-evasion, column 6)
	// Lateral Movement → TA0008 Lateral Movement (lateral-movement, column 9)
	// mobile: TA0030 Defense Evasion
}

func ExampleCatalog_Group() {
	c := embedded()
	g, ok := c.Group("Cozy Bear")
	fmt.Println(ok, g.ID, g.Name, len(g.Techniques) > 50, g.Campaigns)
	// Output: true G0016 APT29 true [C0023 C0024]
}

func ExampleCatalog_Lookup() {
	c := embedded()
	for _, h := range c.Lookup("T1086") {
		fmt.Println(h.Kind, h.ID, h.Name, "by", h.Match)
	}
	// Output:
	// technique T1086 PowerShell by id
	// mitigation T1086 PowerShell Mitigation by id
}

func ExampleCatalog_Search() {
	c := embedded()
	for _, h := range c.Search("cobalt") {
		fmt.Println(h.Kind, h.ID, h.Name, h.Match, h.Score)
	}
	// Output:
	// group G0080 Cobalt Group name 75
	// software S0154 Cobalt Strike name 75
	// group G0049 OilRig alias 75
	// group G0059 Magic Hound alias 75
	// group G0122 Silent Librarian alias 75
}

func ExampleCatalog_TechniquesOfGroup() {
	c := embedded()
	for _, u := range c.TechniquesOfGroup("G0016")[:3] {
		fmt.Println(u.ID, u.Via, u.Software, u.Campaigns)
	}
	// Output:
	// T1001 software [S0682] []
	// T1001.001 software [S0514 S0559 S0588 S0682] []
	// T1001.002 software+campaign [S0037 S0559 S0633] [C0023]
}

func ExampleCatalog_DataComponentsOf() {
	c := embedded()
	for _, s := range c.DetectionsOf("T1059.001") {
		fmt.Println(s.ID, s.Name)
	}
	for _, d := range c.DataComponentsOf("T1059.001") {
		fmt.Println(d.ID, d.Name)
	}
	a, _ := c.Analytic("AN1252")
	for _, ls := range a.LogSources[:2] {
		fmt.Println(ls.DataComponent, ls.Name, ls.Channel)
	}
	// Output:
	// DET0455 Abuse of PowerShell for Arbitrary Execution
	// DC0016 Module Load
	// DC0032 Process Creation
	// DC0034 Process Metadata
	// DC0064 Command Execution
	// DC0032 WinEventLog:Sysmon EventCode=1
	// DC0064 WinEventLog:PowerShell EventCode=4103, 4104, 4105, 4106
}

func ExampleCatalog_MitigationsOf() {
	c := embedded()
	var ids []string
	for _, m := range c.MitigationsOf("T1059.001") {
		ids = append(ids, m.ID+" "+m.Name)
	}
	fmt.Println(strings.Join(ids, "\n"))
	// Output:
	// M1026 Privileged Account Management
	// M1038 Execution Prevention
	// M1042 Disable or Remove Feature or Program
	// M1045 Code Signing
	// M1049 Antivirus/Antimalware
}
