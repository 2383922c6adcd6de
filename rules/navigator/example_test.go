package navigator_test

import (
	"fmt"

	"github.com/debrief-dev/debrief/rules/navigator"
)

// A layer's scores become weights on its gradient (10–20 here); an entry
// without a score weighs 1 and a disabled one is left out.
func ExampleDecode() {
	layer := []byte(`{"name": "Team", "domain": "enterprise-attack",
 "gradient": {"colors": ["#ffffff", "#66b1ff"], "minValue": 10, "maxValue": 20},
 "techniques": [
  {"techniqueID": "T1059.001", "tactic": "execution", "score": 15},
  {"techniqueID": "T1566.001", "tactic": "initial-access", "score": 40},
  {"techniqueID": "T1021.001", "tactic": "lateral-movement"},
  {"techniqueID": "T1003.001", "tactic": "credential-access", "score": 20, "enabled": false}]}`)
	rs, err := navigator.Decode(layer, "team.json")
	if err != nil {
		panic(err)
	}
	for _, r := range rs {
		fmt.Println(r.Techniques[0], *r.Score)
	}
	// Output:
	// T1059.001 0.5
	// T1566.001 1
	// T1021.001 1
}
