package attribution

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
)

func model(t testing.TB) *Model {
	t.Helper()
	m, err := New(embedded(t), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRank(t *testing.T) {
	m := model(t)
	cat := embedded(t)
	apt29, _ := cat.Group("G0016")
	tests := []struct {
		name      string
		ev        Evidence
		top       string
		confident bool
		software  string
	}{
		{"own techniques", Evidence{Techniques: apt29.Techniques}, "G0016", true, ""},
		{"actor name", Evidence{Techniques: []debrief.TechniqueID{"T1059.001", "T1105", "T1071.001"}, Names: []string{"Cozy Bear"}}, "G0016", false, ""},
		{"threat family", Evidence{Techniques: []debrief.TechniqueID{"T1566.001"}, Names: []string{"Trojan:Win32/WellMess.A!dha"}}, "", false, "S0514"},
		{"too little", Evidence{Techniques: []debrief.TechniqueID{"T1059"}}, "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := m.Rank(tt.ev, 5)
			if len(r.Candidates) != 5 {
				t.Fatalf("%d candidates, want 5", len(r.Candidates))
			}
			if tt.top != "" && r.Candidates[0].ID != tt.top {
				t.Errorf("top %s %s, want %s", r.Candidates[0].ID, r.Candidates[0].Name, tt.top)
			}
			if tt.confident && !r.Confident {
				t.Errorf("not confident (%s), top confidence %.3f", r.Reason, r.Candidates[0].Confidence)
			}
			if tt.name == "too little" && (r.Confident || r.Reason == "") {
				t.Errorf("confident %v reason %q: want no confident attribution", r.Confident, r.Reason)
			}
			if tt.software != "" && !slices.ContainsFunc(r.Software, func(s Ref) bool { return s.ID == tt.software }) {
				t.Errorf("matched software %v, want %s", r.Software, tt.software)
			}
			for i := 1; i < len(r.Candidates); i++ {
				if r.Candidates[i].Score > r.Candidates[i-1].Score {
					t.Errorf("candidate %d scores above %d", i, i-1)
				}
			}
		})
	}
}

// TestRankWithoutEvidence checks that an intrusion with no known technique
// and no known name ranks nothing, says why, and writes no nulls.
func TestRankWithoutEvidence(t *testing.T) {
	for _, ev := range []Evidence{{}, {Techniques: []debrief.TechniqueID{"T9999"}, Names: []string{"no such thing"}}} {
		r := model(t).Rank(ev, 10)
		if len(r.Candidates) != 0 || r.Candidates == nil || r.Confident || !strings.Contains(r.Reason, "no known ATT&CK technique") {
			t.Errorf("%+v: %d candidates, confident %v, reason %q; want none, and why", ev, len(r.Candidates), r.Confident, r.Reason)
		}
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "null") || !strings.Contains(string(data), `"candidates":[]`) {
			t.Errorf("JSON %s", data)
		}
	}
}

func TestExplainRarestFirst(t *testing.T) {
	m := model(t)
	r := m.Rank(Evidence{Techniques: []debrief.TechniqueID{"T1105", "T1195.002", "T1059.001", "T1553.002"}}, 3)
	for _, c := range r.Candidates {
		sh := c.SharedTechniques
		for i := 1; i < len(sh); i++ {
			if sh[i].Groups < sh[i-1].Groups {
				t.Errorf("%s: shared %v not rarest first", c.ID, sh)
			}
		}
		if len(c.MissingTechniques) > maxMissing {
			t.Errorf("%s: %d missing techniques, want ≤ %d", c.ID, len(c.MissingTechniques), maxMissing)
		}
	}
}

func TestNormName(t *testing.T) {
	tests := map[string]string{
		`C:\Tools\Mimikatz.EXE`:  "mimikatz",
		"mimi-katz":              "mimikatz",
		"/usr/bin/cobalt_strike": "cobaltstrike",
		"report.pdf":             "reportpdf",
	}
	for in, want := range tests {
		if got := normName(in); got != want {
			t.Errorf("normName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEvidenceOf(t *testing.T) {
	in := &debrief.Incident{Techniques: []debrief.TechniqueID{"T1059.001"}, Alerts: []debrief.Alert{{
		Techniques:  []debrief.Technique{{ID: "T1105"}, {ID: "T1059.001"}},
		ThreatNames: []string{"Mimikatz"},
		Entities:    []debrief.Entity{{Kind: debrief.EntityProcess, ID: "1", Name: "psexec.exe"}, {Kind: debrief.EntityIP, ID: "1.2.3.4", Name: "1.2.3.4"}},
	}}}
	ev := EvidenceOf(in)
	if !slices.Equal(ev.Techniques, []debrief.TechniqueID{"T1059.001", "T1105"}) || !slices.Equal(ev.FileNames, []string{"psexec.exe"}) ||
		!slices.Equal(ev.Names, []string{"Mimikatz"}) {
		t.Errorf("EvidenceOf = %+v", ev)
	}
	// Several incidents are one intrusion: their evidence is the union.
	in2 := &debrief.Incident{Alerts: []debrief.Alert{{Techniques: []debrief.Technique{{ID: "T1003.001"}}, ThreatNames: []string{"Mimikatz"}}}}
	if both := EvidenceOf(in, in2); !slices.Equal(both.Techniques, []debrief.TechniqueID{"T1003.001", "T1059.001", "T1105"}) ||
		!slices.Equal(both.Names, []string{"Mimikatz"}) {
		t.Errorf("EvidenceOf(two incidents) = %+v", both)
	}
	r := model(t).Rank(ev, 1)
	var ids []string
	for _, s := range r.Software {
		ids = append(ids, s.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"S0002", "S0029"}) {
		t.Errorf("matched software %v, want Mimikatz S0002 and PsExec S0029", ids)
	}
}

func BenchmarkRank(b *testing.B) {
	m := model(b)
	cat := embedded(b)
	c, _ := cat.Campaign("C0024")
	ev := Evidence{Techniques: c.Techniques[:len(c.Techniques)/2], Software: c.Software}
	b.ReportAllocs()
	for b.Loop() {
		m.Rank(ev, 10)
	}
	b.ReportMetric(float64(m.Candidates()), "candidates")
}

// BenchmarkRankBaseline ranks the same evidence by plain weighted
// Jaccard similarity, the simplest ranker of the evaluation.
func BenchmarkRankBaseline(b *testing.B) {
	m := model(b)
	c, _ := embedded(b).Campaign("C0024")
	ev := Evidence{Techniques: c.Techniques[:len(c.Techniques)/2], Software: c.Software}
	b.ReportAllocs()
	for b.Loop() {
		q := m.compile(ev)
		s := make([]float64, len(m.cands))
		jaccard(m, q, s)
		order := make([]int, len(s))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(x, y int) int { return cmp.Compare(s[y], s[x]) })
	}
	b.ReportMetric(float64(m.Candidates()), "candidates")
}

func BenchmarkNew(b *testing.B) {
	cat := embedded(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(cat, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}
