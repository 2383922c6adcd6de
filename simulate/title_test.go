package simulate

import "testing"

// TestAppendTacticTitle checks that appendTacticTitle writes what
// tacticTitle makes, for ATT&CK's short names and odd ones.
func TestAppendTacticTitle(t *testing.T) {
	for _, short := range []string{"", "-", "a", "execution", "command-and-control", "privilege-escalation",
		"-lateral-movement", "Already upper", "9to5", "évasion", "x-é"} {
		want := tacticTitle(short)
		if got := string(appendTacticTitle([]byte("> "), short)); got != "> "+want {
			t.Errorf("appendTacticTitle(%q) = %q, want %q", short, got, "> "+want)
		}
	}
}
