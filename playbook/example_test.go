package playbook_test

import (
	"fmt"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/playbook"
)

func ExamplePlaybook_Explain() {
	pb, err := playbook.Parse([]byte(`apiVersion: debrief/v1
kind: Playbook
metadata: {name: phishing}
trigger:
  events: [incident.created]
  all:
    - {field: severity, op: at_least, values: [medium]}
    - {field: techniques, op: in, values: [T1566]}
steps:
  - {id: tell, kind: comment, text: "phishing: {{ incident.title }}"}
`), "phishing.yaml", playbook.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	in := &debrief.Incident{ID: "defender:7", Severity: debrief.SeverityHigh, Techniques: []debrief.TechniqueID{"T1566.001"}}
	r := pb.Explain(playbook.NewFacts(in), playbook.EventCreated)
	fmt.Println(r.Matched)
	for _, why := range r.Reasons {
		fmt.Println(why)
	}
	// Output:
	// true
	// ✓ event incident.created
	// ✓ all: severity at_least [medium]
	// ✓ all: techniques in [T1566]
}
