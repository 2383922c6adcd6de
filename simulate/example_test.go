package simulate_test

import (
	"fmt"

	"github.com/debrief-dev/debrief/simulate"
)

func ExampleParseScenario() {
	s, err := simulate.ParseScenario([]byte("days: 30\nincidents_per_day: 10\n"), "short.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Days, s.IncidentsPerDay, len(s.SOC.Analysts), s.Gaps[0].Name)
	// Output: 30 10 10 slow-credential-access
}

func ExampleParseScenario_error() {
	_, err := simulate.ParseScenario([]byte("detection:\n  default: 2\n"), "bad.yaml")
	fmt.Println(err)
	// Output: scenario bad.yaml:2: detection.default: want a probability 0–1, got 2
}

func ExampleFormats() {
	fmt.Println(simulate.Formats())
	// Output: [defender graph sentinel elastic wazuh ocsf]
}
