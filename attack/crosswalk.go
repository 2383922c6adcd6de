package attack

import "github.com/debrief-dev/debrief"

// V19Pair is one technique id that ATT&CK v19 changed: the v19 id and the
// v18 technique it stands for.
type V19Pair struct {
	V19, V18 debrief.TechniqueID
}

// v19Table is the v18 → v19 id changes of the mapping file that Elastic's
// detection-rules tooling uses for its migration
// (Elastic detection-rules' attack-mapping-aids/attack_v18_to_v19.yaml),
// inverted. Where several v18 ids became one v19 id, the v18 id named
// like the v19 technique is kept: T1685 "Disable or Modify Tools" is
// T1562.001 (T1562 and T1562.006 Indicator Blocking were folded into it
// too). The file's T1547.011 → T1647 is left out: v18 already has T1647
// and revokes T1547.011 into it. v19 ids the file does not list (such as
// T1685.004, T1686.002, T1690) have no v18 equivalent here.
//
// It is returned by value so that it stays a constant table.
func v19Table() [9]V19Pair {
	return [...]V19Pair{
		{"T1684.001", "T1656"},     // Impersonation
		{"T1685", "T1562.001"},     // Disable or Modify Tools
		{"T1685.001", "T1562.002"}, // Disable or Modify Windows Event Log
		{"T1685.002", "T1562.008"}, // Disable or Modify Cloud Log
		{"T1685.005", "T1070.001"}, // Clear Windows Event Logs
		{"T1685.006", "T1070.002"}, // Clear Linux or Mac System Logs
		{"T1686", "T1562.004"},     // Disable or Modify System Firewall
		{"T1686.001", "T1562.007"}, // Cloud Firewall
		{"T1689", "T1562.010"},     // Downgrade Attack
	}
}

// V19ToV18 gives the ATT&CK v18 technique that a technique id new in v19
// stands for (T1685 → T1562.001), so that content tagged for v19 can be
// read with a v18 catalog. ok is false for ids v19 did not change. Use it
// only for ids the catalog in use does not know, and record the
// translation: a v19 catalog knows T1685 itself.
func V19ToV18(id debrief.TechniqueID) (debrief.TechniqueID, bool) {
	for _, p := range v19Table() {
		if p.V19 == id {
			return p.V18, true
		}
	}
	return "", false
}

// V19Pairs lists the id changes V19ToV18 knows, ordered by v19 id.
func V19Pairs() []V19Pair {
	t := v19Table()
	return t[:]
}
