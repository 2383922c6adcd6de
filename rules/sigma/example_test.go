package sigma_test

import (
	"fmt"

	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/sigma"
)

// A Sigma rule tagged with a revoked id (T1086, now T1059.001) and an
// ATT&CK v19 id (T1685, v18's T1562.001): Normalise remaps both and keeps
// the tactics as shortnames.
func ExampleDecode() {
	data := []byte(`title: Encoded PowerShell disabling Defender
id: 5d6c2f0e-1111-4c1e-9a57-2f7a7f3b9c01
status: test
level: high
logsource:
    product: windows
    category: process_creation
tags:
    - attack.execution
    - attack.defense_evasion
    - attack.t1086
    - attack.t1685
    - attack.g0016
detection:
    selection:
        CommandLine|contains: ' -enc '
    condition: selection
`)
	rs, err := sigma.Decode(data, "encoded.yml")
	if err != nil {
		panic(err)
	}
	cat, err := attack.Embedded()
	if err != nil {
		panic(err)
	}
	r := rs[0]
	rules.Normalise(&r, cat)
	fmt.Println(r.ID, r.Status, r.Level)
	fmt.Println(r.Techniques, r.Tactics)
	fmt.Println(r.Remapped["T1086"], r.Remapped["T1685"])
	fmt.Printf("%+v\n", r.LogSources)
	// Output:
	// sigma:5d6c2f0e-1111-4c1e-9a57-2f7a7f3b9c01 test high
	// [T1059.001 T1562.001] [defense-evasion execution]
	// T1059.001 T1562.001
	// [{Product:windows Category:process_creation Service: Name:}]
}
