package d3fend_test

import (
	"fmt"
	"log"

	"github.com/debrief-dev/debrief/d3fend"
)

func ExampleCatalog_ByTactic() {
	cat, err := d3fend.Embedded()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("D3FEND %s, mapping ATT&CK v%s\n", cat.Version(), cat.ATTACKVersion())
	for _, g := range cat.ByTactic("T1003.001") {
		fmt.Printf("%s: %d\n", g.Tactic, len(g.Matches))
		if g.Tactic != "Evict" {
			continue
		}
		for _, m := range g.Matches {
			l := m.Via[0]
			fmt.Printf("  %s %s (technique %s %s; countermeasure %s %s)\n",
				m.Countermeasure.ID, m.Countermeasure.Name, l.Rel, l.Artifact, l.DefRel, l.DefArtifact)
		}
	}
	// Output:
	// D3FEND 1.2.0, mapping ATT&CK v17.0
	// Detect: 3
	// Isolate: 5
	// Evict: 4
	//   D3-HR Host Reboot (technique accesses Authentication Service; countermeasure terminates Process)
	//   D3-HS Host Shutdown (technique accesses Authentication Service; countermeasure terminates Process)
	//   D3-PS Process Suspension (technique accesses Authentication Service; countermeasure suspends Process)
	//   D3-PT Process Termination (technique accesses Authentication Service; countermeasure terminates Process)
}

// A sub-technique newer than the ATT&CK version D3FEND maps gets its
// parent's countermeasures, marked as such.
func ExampleCatalog_For_parent() {
	cat, err := d3fend.Embedded()
	if err != nil {
		log.Fatal(err)
	}
	ms := cat.For("T1036.012")
	fmt.Println(cat.Knows("T1036.012"), len(ms), ms[0].FromParent, ms[0].Countermeasure.URL())
	// Output:
	// false 19 true https://d3fend.mitre.org/technique/d3f:FileEncryption/
}
