package debrief

import (
	"fmt"
	"strings"
)

// TechniqueID is an ATT&CK technique or sub-technique id in canonical form:
// "T1059" or "T1059.001". Mobile and ICS ids have the same shape.
type TechniqueID string

// ParseTechniqueID checks and canonicalises a technique id. It accepts
// surrounding space and a lower-case "t"; it rejects anything that is not
// T + four digits, optionally followed by "." + three digits (so "T1059.1",
// "CST0001" and "T1059.0010" are errors).
func ParseTechniqueID(s string) (TechniqueID, error) {
	s = strings.TrimSpace(s)
	if len(s) != 5 && len(s) != 9 {
		return "", fmt.Errorf("technique id %q: want T#### or T####.###", s)
	}
	if s[0] != 'T' && s[0] != 't' || !digits(s[1:5]) {
		return "", fmt.Errorf("technique id %q: want T#### or T####.###", s)
	}
	if len(s) == 9 && (s[5] != '.' || !digits(s[6:9])) {
		return "", fmt.Errorf("technique id %q: want T#### or T####.###", s)
	}
	if s[0] == 'T' {
		return TechniqueID(s), nil // as written, mostly: no new string
	}
	return TechniqueID("T" + s[1:]), nil
}

// IsSub reports whether id names a sub-technique.
func (id TechniqueID) IsSub() bool { return len(id) == 9 }

// Parent returns the parent technique of a sub-technique, or id itself.
func (id TechniqueID) Parent() TechniqueID {
	if id.IsSub() {
		return id[:5]
	}
	return id
}

// TacticID is an ATT&CK tactic id such as "TA0005".
type TacticID string

// ParseTacticID checks a tactic id: TA followed by four digits.
func ParseTacticID(s string) (TacticID, error) {
	s = strings.TrimSpace(s)
	if len(s) != 6 || !strings.EqualFold(s[:2], "TA") || !digits(s[2:]) {
		return "", fmt.Errorf("tactic id %q: want TA####", s)
	}
	return TacticID("TA" + s[2:]), nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// TacticKey folds any spelling of a tactic name to one key: "Defense Evasion",
// "DefenseEvasion", "defense-evasion" and "defense_evasion" all give
// "defenseevasion". Catalogs index tactics by this key.
func TacticKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == '&':
			b.WriteString("and")
		}
	}
	return b.String()
}
