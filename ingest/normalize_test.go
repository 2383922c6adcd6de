package ingest_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/ingest"
)

// fakeKnowledge knows a handful of techniques and the Enterprise tactics.
type fakeKnowledge struct{}

var fakeTactics = []string{"reconnaissance", "resource-development", "initial-access", "execution", "persistence",
	"privilege-escalation", "defense-evasion", "credential-access", "discovery", "lateral-movement", "collection",
	"command-and-control", "exfiltration", "impact"}

var fakeTechs = map[debrief.TechniqueID]ingest.TechniqueInfo{
	"T1078":     {ID: "T1078", Name: "Valid Accounts", Tactics: []string{"initial-access", "persistence", "privilege-escalation", "defense-evasion"}},
	"T1078.004": {ID: "T1078.004", Name: "Cloud Accounts", Tactics: []string{"initial-access", "persistence", "privilege-escalation", "defense-evasion"}},
	"T1059":     {ID: "T1059", Name: "Command and Scripting Interpreter", Tactics: []string{"execution"}},
	"T1059.001": {ID: "T1059.001", Name: "PowerShell", Tactics: []string{"execution"}},
	"T1566":     {ID: "T1566", Name: "Phishing", Tactics: []string{"initial-access"}},
	"T1566.001": {ID: "T1566.001", Name: "Spearphishing Attachment", Tactics: []string{"initial-access"}},
}

func (fakeKnowledge) Technique(id debrief.TechniqueID) (ingest.TechniqueInfo, bool, bool) {
	if id == "T1086" {
		return fakeTechs["T1059.001"], true, true
	}
	t, ok := fakeTechs[id]
	return t, false, ok
}

func (fakeKnowledge) Tactic(s string) (string, int, bool) {
	k := debrief.TacticKey(s)
	for i, t := range fakeTactics {
		if debrief.TacticKey(t) == k {
			return t, i, true
		}
	}
	return "", 0, false
}

func TestNormalise(t *testing.T) {
	tests := []struct {
		name        string
		techniques  []debrief.Technique
		tactics     []string
		category    string
		wantTechs   string // id[tactics]{status/original} joined by space
		wantTactics string
		wantUnknown int
	}{
		{name: "sub-technique brings its parent", techniques: []debrief.Technique{{ID: "T1566.001"}},
			wantTechs: "T1566[initial-access] T1566.001[initial-access]", wantTactics: "initial-access"},
		{name: "revoked id is replaced and noted", techniques: []debrief.Technique{{ID: "T1086"}},
			wantTechs: "T1059[execution] T1059.001[execution]{revoked/T1086}", wantTactics: "execution"},
		{name: "unknown id is kept", techniques: []debrief.Technique{{ID: "T1685"}},
			wantTechs: "T1685[]{unknown/}", wantUnknown: 1},
		{name: "tactic-like category narrows a multi-tactic technique", techniques: []debrief.Technique{{ID: "T1078"}}, category: "DefenseEvasion",
			wantTechs: "T1078[defense-evasion]", wantTactics: "defense-evasion"},
		{name: "category that is not a tactic stays a category", techniques: []debrief.Technique{{ID: "T1059.001"}}, category: "Malware",
			wantTechs: "T1059[execution] T1059.001[execution]", wantTactics: "execution"},
		{name: "paired tactic in any spelling", techniques: []debrief.Technique{{ID: "T1078.004", Tactics: []string{"Initial Access"}}},
			wantTechs: "T1078[initial-access] T1078.004[initial-access]", wantTactics: "initial-access"},
		{name: "alert tactics in many spellings, matrix order", tactics: []string{"command_and_control", "Execution", "TA-bogus", "Unknown"},
			wantTechs: "", wantTactics: "execution command-and-control"},
		{name: "no tactic stated takes the catalog's", techniques: []debrief.Technique{{ID: "T1078"}},
			wantTechs:   "T1078[initial-access persistence privilege-escalation defense-evasion]",
			wantTactics: "initial-access persistence privilege-escalation defense-evasion"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := debrief.Alert{Techniques: tc.techniques, Tactics: tc.tactics, Category: tc.category}
			c := ingest.Counts{Unknown: map[debrief.TechniqueID]int{}, Revoked: map[debrief.TechniqueID]string{}}
			ingest.Normalise(fakeKnowledge{}, &a, &c)
			var got []string
			for _, t := range a.Techniques {
				s := string(t.ID) + "[" + strings.Join(t.Tactics, " ") + "]"
				if t.Status != "" {
					s += "{" + string(t.Status) + "/" + t.Original + "}"
				}
				got = append(got, s)
			}
			if g := strings.Join(got, " "); g != tc.wantTechs {
				t.Errorf("techniques = %q, want %q", g, tc.wantTechs)
			}
			if g := strings.Join(a.Tactics, " "); g != tc.wantTactics {
				t.Errorf("tactics = %q, want %q", g, tc.wantTactics)
			}
			if n := len(c.Unknown); n != tc.wantUnknown {
				t.Errorf("unknown ids counted = %d, want %d", n, tc.wantUnknown)
			}
			if a.Category != tc.category {
				t.Errorf("category changed to %q", a.Category)
			}
			if slices.ContainsFunc(a.Techniques, func(t debrief.Technique) bool { return t.Name == "" && t.Status == "" }) {
				t.Errorf("a known technique has no name: %+v", a.Techniques)
			}
		})
	}
}

// TestNormaliseMemo checks Normalise with the catalog's Knowledge, which
// remembers how it normalised recent alerts, against normalising each
// alert with Counts of its own (which remember nothing): the same
// techniques, tactics and counts, however often the alerts repeat.
func TestNormaliseMemo(t *testing.T) {
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	k := ingest.Catalog(cat)
	alerts := []debrief.Alert{
		{Techniques: []debrief.Technique{{ID: "T1059"}, {ID: "T1059.001", Name: "PowerShell", Tactics: []string{"Execution"}}}, Tactics: []string{"Execution"}},
		{Techniques: []debrief.Technique{{ID: "T1086"}}},                // revoked
		{Techniques: []debrief.Technique{{ID: "T1685"}, {ID: "T1685"}}}, // unknown, twice
		{Techniques: []debrief.Technique{{ID: "T1078.004"}}, Category: "DefenseEvasion"},
		{Techniques: []debrief.Technique{{ID: "T1078.004"}}, Category: "Malware"},
		{Techniques: []debrief.Technique{{ID: "T1078.004", Tactics: []string{"Initial Access"}}}},
		{Techniques: []debrief.Technique{{ID: "T1566.001", Name: "own name"}}},
		{Tactics: []string{"command_and_control", "Execution"}},
		{},
	}
	fresh := func() ingest.Counts {
		return ingest.Counts{Unknown: map[debrief.TechniqueID]int{}, Revoked: map[debrief.TechniqueID]string{}}
	}
	render := func(a *debrief.Alert) string {
		out, err := json.Marshal(struct {
			T []debrief.Technique
			A []string
		}{a.Techniques, a.Tactics})
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	const twice = 2 // T1685 twice: one technique, in an array for two
	memo, alone := fresh(), fresh()
	var normalised []*debrief.Alert
	for round := range 4 {
		for i, in := range alerts {
			a, b := in, in
			a.Techniques, b.Techniques = slices.Clone(in.Techniques), slices.Clone(in.Techniques)
			ingest.Normalise(k, &a, &memo)
			c := fresh()
			ingest.Normalise(k, &b, &c)
			for id, n := range c.Unknown {
				alone.Unknown[id] += n
			}
			maps.Copy(alone.Revoked, c.Revoked)
			if got, want := render(&a), render(&b); got != want {
				t.Errorf("round %d, alert %d: got %s, want %s", round, i, got, want)
			}
			normalised = append(normalised, &a)
		}
	}
	if !maps.Equal(memo.Unknown, alone.Unknown) || !maps.Equal(memo.Revoked, alone.Revoked) {
		t.Errorf("counts: got %v %v, want %v %v", memo.Unknown, memo.Revoked, alone.Unknown, alone.Revoked)
	}
	// What the memo keeps is its own: no view of the decoder's buffers,
	// which it would keep alive.
	buf := []byte("T1055Process Injection")
	id, name := unsafe.String(&buf[0], 5), unsafe.String(&buf[5], len(buf)-5)
	a := debrief.Alert{Techniques: []debrief.Technique{{ID: debrief.TechniqueID(id), Name: name}}}
	ingest.Normalise(k, &a, &memo)
	for _, tt := range a.Techniques {
		for _, s := range []string{string(tt.ID), tt.Name} {
			if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); p >= uintptr(unsafe.Pointer(&buf[0])) && p < uintptr(unsafe.Pointer(&buf[0]))+uintptr(len(buf)) {
				t.Errorf("normalised technique %q is a view of the decoder's buffer", s)
			}
		}
	}
	// Alerts normalised alike may share their lists; what one appends
	// must not land where another appends.
	n := len(normalised)
	first, last := normalised[n-2*len(alerts)+twice], normalised[n-len(alerts)+twice]
	x := append(first.Techniques, debrief.Technique{ID: "T1003"})
	y := append(last.Techniques, debrief.Technique{ID: "T1005"})
	if x[len(x)-1].ID != "T1003" || y[len(y)-1].ID != "T1005" {
		t.Errorf("two alerts appended to one array: %v, %v", x, y)
	}
}

func TestNormaliseIncident(t *testing.T) {
	in := debrief.Incident{ID: "sentinel:x", OwnTactics: []string{"Persistence", "InitialAccess", "None"},
		OwnTechniques: []debrief.TechniqueID{"T1086", "T1078.004", "T9999"}}
	c := ingest.Counts{Unknown: map[debrief.TechniqueID]int{}, Revoked: map[debrief.TechniqueID]string{}}
	ingest.NormaliseIncident(fakeKnowledge{}, &in, &c)
	if got, want := in.OwnTechniques, []debrief.TechniqueID{"T1059", "T1059.001", "T1078", "T1078.004", "T9999"}; !slices.Equal(got, want) {
		t.Errorf("OwnTechniques = %v, want %v", got, want)
	}
	if got, want := in.OwnTactics, []string{"initial-access", "execution", "persistence"}; !slices.Equal(got, want) {
		t.Errorf("OwnTactics = %v, want %v", got, want)
	}
	if c.Unknown["T9999"] != 1 || c.Revoked["T1086"] != "T1059.001" {
		t.Errorf("counts = %v %v, want T9999 unknown and T1086 revoked", c.Unknown, c.Revoked)
	}

	var none debrief.Incident
	ingest.NormaliseIncident(fakeKnowledge{}, &none, &c)
	if none.OwnTechniques != nil || none.OwnTactics != nil {
		t.Errorf("an incident naming nothing got %v %v", none.OwnTechniques, none.OwnTactics)
	}
}
