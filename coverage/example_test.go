package coverage_test

import (
	"fmt"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/coverage"
)

// Two stable high rules for PowerShell give T1059.001 a score of 3.2 and
// its parent, T1059, partial coverage only.
func ExampleCompute() {
	cat, err := attack.Embedded()
	if err != nil {
		panic(err)
	}
	rs := []debrief.Rule{
		{ID: "sigma:a", Corpus: "sigma", Status: debrief.RuleStable, Level: debrief.SeverityHigh, Enabled: true, Techniques: []debrief.TechniqueID{"T1059.001"}},
		{ID: "sigma:b", Corpus: "sigma", Status: debrief.RuleStable, Level: debrief.SeverityHigh, Enabled: true, Techniques: []debrief.TechniqueID{"T1059.001"}},
	}
	res := coverage.Compute(rs, coverage.Options{Catalog: cat})
	for _, id := range []debrief.TechniqueID{"T1059.001", "T1059", "T1059.003"} {
		t, _ := res.Technique(id)
		fmt.Printf("%s %s: score %.1f, rules %v, via sub-techniques %v\n", t.ID, t.Name, t.Score, t.Rules, t.SubRules)
	}
	// Output:
	// T1059.001 PowerShell: score 3.2, rules [sigma:a sigma:b], via sub-techniques []
	// T1059 Command and Scripting Interpreter: score 2.0, rules [], via sub-techniques [sigma:a sigma:b]
	// T1059.003 Windows Command Shell: score 0.0, rules [], via sub-techniques []
}

// A threat of two techniques, a team with one rule, and a reference
// corpus: the gap is ranked and the reference rule whose log source the
// team collects (process creation, declared as a Sigma path) is
// suggested; the one reading PowerShell script blocks is not.
func ExampleResult_Gaps() {
	cat, err := attack.Embedded()
	if err != nil {
		panic(err)
	}
	ls, err := coverage.ParseLogSources([]byte("- windows/process_creation\n"), "sources.yaml", cat)
	if err != nil {
		panic(err)
	}
	rule := func(id string, category string, tech debrief.TechniqueID) debrief.Rule {
		return debrief.Rule{ID: id, Corpus: "sigma", Status: debrief.RuleStable, Level: debrief.SeverityHigh, Enabled: true,
			Techniques: []debrief.TechniqueID{tech}, LogSources: []debrief.LogSource{{Product: "windows", Category: category}}}
	}
	team := []debrief.Rule{rule("sigma:team", "process_creation", "T1059.001")}
	ref := []debrief.Rule{
		rule("sigma:ref-proc", "process_creation", "T1218.011"),
		rule("sigma:ref-script", "ps_script", "T1218.011"),
	}
	threat := coverage.Profile{Name: "example", Weights: map[debrief.TechniqueID]float64{"T1059.001": 1, "T1218.011": 0.5}}
	opts := coverage.Options{Catalog: cat, LogSources: ls}
	rep := coverage.Compute(team, opts).Gaps(threat, team, opts, coverage.GapOptions{Reference: ref})
	for _, g := range rep.Gaps {
		fmt.Printf("%s weight %.1f coverage %.2f priority %.2f suggested %v\n", g.ID, g.Weight, g.Coverage, g.Priority, g.Suggested)
	}
	fmt.Printf("adding these %d rules raises coverage of this threat from %.0f%% to %.0f%%\n", rep.Added, 100*rep.Before, 100*rep.After)
	// Output:
	// T1059.001 weight 1.0 coverage 0.20 priority 0.80 suggested []
	// T1218.011 weight 0.5 coverage 0.00 priority 0.50 suggested [sigma:ref-proc]
	// adding these 1 rules raises coverage of this threat from 13% to 17%
}

// SigmaComponents reads a Sigma log source as the ATT&CK data components
// it provides.
func ExampleSigmaComponents() {
	cat, err := attack.Embedded()
	if err != nil {
		panic(err)
	}
	for _, src := range []debrief.LogSource{
		{Product: "windows", Category: "process_creation"},
		{Product: "windows", Service: "taskscheduler"},
	} {
		var names []string
		for _, id := range coverage.SigmaComponents(src) {
			dc, _ := cat.DataComponent(id)
			names = append(names, id+" "+dc.Name)
		}
		fmt.Println(names)
	}
	// Output:
	// [DC0032 Process Creation DC0064 Command Execution]
	// [DC0001 Scheduled Job Creation DC0005 Scheduled Job Metadata]
}
