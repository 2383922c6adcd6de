package attribution

import (
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
)

func TestSection(t *testing.T) {
	m := model(t)
	cat := embedded(t)
	g, _ := cat.Group("G0016")
	tests := []struct {
		name string
		ev   Evidence
		want string
	}{
		{"confident", Evidence{Techniques: g.Techniques}, "most resembles G0016 APT29"},
		{"not confident", Evidence{Techniques: []debrief.TechniqueID{"T1059"}}, "No confident attribution"},
	}
	for _, tt := range tests {
		s := Section(m.Rank(tt.ev, 3))
		if s.ID != "attribution" || !strings.Contains(s.Summary, tt.want) {
			t.Errorf("%s: summary %q, want %q", tt.name, s.Summary, tt.want)
		}
		if len(s.Tables) != 1 || len(s.Tables[0].Rows) != 3 || len(s.Tables[0].Rows[0]) != len(s.Tables[0].Columns) {
			t.Errorf("%s: tables %+v", tt.name, s.Tables)
		}
	}
}

// TestSectionWithoutEvidence checks that a review of an incident with no
// techniques and no names says there is nothing to compare, and lists no
// candidates.
func TestSectionWithoutEvidence(t *testing.T) {
	s := Section(model(t).Rank(Evidence{}, 5))
	if !strings.Contains(s.Summary, "no known ATT&CK technique") || len(s.Tables) != 0 {
		t.Errorf("summary %q, tables %+v", s.Summary, s.Tables)
	}
}
