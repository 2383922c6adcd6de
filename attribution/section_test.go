package attribution

import (
	"strings"
	"testing"
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
		{"not confident", Evidence{}, "No confident attribution"},
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
