package attack_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
)

// tinyBundle is a hand-made STIX 2.1 bundle with one of each kind of
// object; the generator's tests use it too.
const tinyBundle = "internal/attackgen/testdata/tiny-attack.json"

func tiny(t *testing.T) *attack.Catalog {
	t.Helper()
	c, err := attack.LoadFile(tinyBundle)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTinyDomains(t *testing.T) {
	c := tiny(t)
	want := []attack.Domain{{
		Name: "enterprise-attack", Title: "Tiny ATT&CK", Version: "1.0",
		Modified: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC), STIXVersion: "2.1",
		Counts: attack.Counts{Techniques: 4, SubTechniques: 2, Tactics: 3, Groups: 2, Campaigns: 2, Software: 2,
			Mitigations: 2, DetectionStrategies: 1, Analytics: 1, DataComponents: 2},
	}}
	if got := c.Domains(); !reflect.DeepEqual(got, want) {
		t.Errorf("Domains() = %+v\nwant %+v", got, want)
	}
	if w := c.Warnings(); w.Count != 0 {
		t.Errorf("Warnings() = %v", w)
	}
}

func TestTinyTechniques(t *testing.T) {
	c := tiny(t)
	tests := []struct {
		id      string
		name    string
		tactics []string
		parent  debrief.TechniqueID
		subs    []debrief.TechniqueID
		active  bool
	}{
		{"T1059", "Command and Scripting Interpreter", []string{"execution"}, "", []debrief.TechniqueID{"T1059.001", "T1059.002"}, true},
		{"t1059.001", "PowerShell", []string{"execution"}, "T1059", nil, true},
		{" T1059.002 ", "AppleScript", []string{"execution"}, "T1059", nil, true}, // parent from the id: no subtechnique-of
		{"T1562", "Impair Defenses", []string{"persistence", "defense-evasion"}, "", nil, true},
		{"T1086", "PowerShell", nil, "", nil, false},
		{"T1000", "Old Technique", []string{"persistence"}, "", nil, false},
	}
	for _, tc := range tests {
		got, ok := c.Technique(tc.id)
		if !ok {
			t.Errorf("Technique(%q): not found", tc.id)
			continue
		}
		if got.Name != tc.name || !slices.Equal(got.Tactics, tc.tactics) || got.Parent != tc.parent ||
			!slices.Equal(got.Subs, tc.subs) || got.Active() != tc.active || got.Domain != "enterprise-attack" {
			t.Errorf("Technique(%q) = %+v", tc.id, *got)
		}
	}
	if _, ok := c.Technique("T9999"); ok {
		t.Error("Technique(T9999) found")
	}
	if n := len(c.Techniques("")); n != 6 {
		t.Errorf("Techniques(\"\") has %d, want 6", n)
	}
	if n := len(c.Techniques("mobile-attack")); n != 0 {
		t.Errorf("Techniques(mobile-attack) has %d, want 0", n)
	}
}

func TestTinyResolveTechnique(t *testing.T) {
	c := tiny(t)
	tests := []struct {
		in      string
		id      debrief.TechniqueID
		current debrief.TechniqueID // "" when unknown
		revoked bool
		status  debrief.TechniqueStatus
	}{
		{"T1059.001", "T1059.001", "T1059.001", false, debrief.TechniqueKnown},
		{"t1086", "T1086", "T1059.001", true, debrief.TechniqueRevoked},
		{"T1000", "T1000", "T1000", false, debrief.TechniqueKnown}, // deprecated, not revoked
		{"T9999", "T9999", "", false, debrief.TechniqueUnknown},
		{"T1059.1", "", "", false, debrief.TechniqueUnknown},
		{"", "", "", false, debrief.TechniqueUnknown},
	}
	for _, tc := range tests {
		l := c.ResolveTechnique(tc.in)
		cur := debrief.TechniqueID("")
		if l.Technique != nil {
			cur = l.Technique.ID
		}
		if l.Query != tc.in || l.ID != tc.id || cur != tc.current || l.Revoked != tc.revoked ||
			l.Status() != tc.status || l.Known() != (tc.current != "") {
			t.Errorf("ResolveTechnique(%q) = %+v (technique %s, status %q)", tc.in, l, cur, l.Status())
		}
	}
	if l := c.ResolveTechnique("T1086"); !slices.Equal(l.Chain, []debrief.TechniqueID{"T1086"}) {
		t.Errorf("T1086 chain %v", l.Chain)
	}
}

func TestTinyTactics(t *testing.T) {
	c := tiny(t)
	var got []string
	for _, ta := range c.Tactics("enterprise-attack") {
		got = append(got, string(ta.ID)+"/"+ta.Shortname)
		if ta.Order != len(got)-1 {
			t.Errorf("%s has Order %d, want %d", ta.ID, ta.Order, len(got)-1)
		}
	}
	if want := []string{"TA0002/execution", "TA0003/persistence", "TA0005/defense-evasion"}; !slices.Equal(got, want) {
		t.Errorf("Tactics = %v, want %v", got, want)
	}
	for _, s := range []string{"Defense Evasion", "DefenseEvasion", "defense-evasion", "defense_evasion", "TA0005", "ta0005", "defense evasion", " DEFENSE EVASION "} {
		if ta, ok := c.Tactic(s); !ok || ta.ID != "TA0005" {
			t.Errorf("Tactic(%q) = %v, %v", s, ta, ok)
		}
	}
	for _, s := range []string{"", "Stealth", "TA0099", "T1059", "-"} {
		if ta, ok := c.Tactic(s); ok {
			t.Errorf("Tactic(%q) = %v, want not found", s, ta.ID)
		}
	}
	if _, ok := c.TacticIn("mobile-attack", "Execution"); ok {
		t.Error("TacticIn(mobile-attack, Execution) found a tactic in a catalog without Mobile")
	}
}

func TestTinyGroupsAndSoftware(t *testing.T) {
	c := tiny(t)
	for _, s := range []string{"G0016", "g0016", "APT29", "cozy bear", "NOBELIUM", "intrusion-set--5a0f1c3e-7d4b-4c1e-9f00-000000000016"} {
		g, ok := c.Group(s)
		if !ok || g.ID != "G0016" {
			t.Errorf("Group(%q) = %v, %v", s, g, ok)
		}
	}
	g, _ := c.Group("G0016")
	if !slices.Equal(g.Techniques, []debrief.TechniqueID{"T1059.001"}) || !slices.Equal(g.Software, []string{"S0002"}) ||
		!slices.Equal(g.Campaigns, []string{"C0024"}) {
		t.Errorf("G0016 = %+v", *g)
	}
	if old, ok := c.Group("old group"); !ok || !old.Revoked || old.RevokedBy != "G0016" || old.Active() {
		t.Errorf("Group(old group) = %+v", old)
	}
	if _, ok := c.Group("nobody"); ok {
		t.Error("Group(nobody) found")
	}
	k, ok := c.Campaign("solorigate")
	if !ok || k.ID != "C0024" || !slices.Equal(k.Groups, []string{"G0016"}) || !slices.Equal(k.Software, []string{"S0154"}) ||
		!k.FirstSeen.Equal(time.Date(2019, 8, 1, 5, 0, 0, 0, time.UTC)) || !k.LastSeen.Equal(time.Date(2021, 1, 1, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("Campaign(solorigate) = %+v", k)
	}
	for _, tc := range []struct{ in, id, typ string }{{"cobalt strike", "S0154", "malware"}, {"S0002", "S0002", "tool"}} {
		if s, ok := c.Software(tc.in); !ok || s.ID != tc.id || s.Type != tc.typ {
			t.Errorf("Software(%q) = %+v", tc.in, s)
		}
	}
	if n := len(c.AllSoftware()); n != 2 {
		t.Errorf("AllSoftware has %d", n)
	}
}

func TestTinyMitigationsAndDetection(t *testing.T) {
	c := tiny(t)
	if m, ok := c.Mitigation("T1086"); !ok || m.Name != "PowerShell Mitigation" || !m.Deprecated {
		t.Errorf("Mitigation(T1086) = %+v: the deprecated mitigation's T id must find the mitigation", m)
	}
	if tech, _ := c.Technique("T1086"); tech.Name != "PowerShell" {
		t.Errorf("Technique(T1086) = %+v: the mitigation with the same id must not shadow it", tech)
	}
	ids := func(n int, id func(int) string) []string {
		var out []string
		for i := range n {
			out = append(out, id(i))
		}
		return out
	}
	mit := c.MitigationsOf("t1059.001")
	det := c.DetectionsOf("T1059.001")
	dcs := c.DataComponentsOf("T1059.001")
	for _, tc := range []struct {
		name      string
		got, want []string
	}{
		{"MitigationsOf", ids(len(mit), func(i int) string { return mit[i].ID }), []string{"M1038"}},
		{"DetectionsOf", ids(len(det), func(i int) string { return det[i].ID }), []string{"DET0455"}},
		{"DataComponentsOf", ids(len(dcs), func(i int) string { return dcs[i].ID }), []string{"DC0032", "DC0064"}},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s(T1059.001) = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	a, ok := c.Analytic("AN0455")
	wantLS := []attack.LogSource{{DataComponent: "DC0064", Name: "WinEventLog:PowerShell", Channel: "EventCode=4104"},
		{DataComponent: "DC0032", Name: "WinEventLog:Security", Channel: "EventCode=4688"}}
	if !ok || !reflect.DeepEqual(a.LogSources, wantLS) || !slices.Equal(a.Strategies, []string{"DET0455"}) ||
		a.URL != "https://attack.mitre.org/detectionstrategies/DET0455#AN0455" {
		t.Errorf("Analytic(AN0455) = %+v", a)
	}
	dc, ok := c.DataComponent("command execution")
	if !ok || dc.ID != "DC0064" || len(dc.LogSources) != 2 || !slices.Equal(dc.Techniques, []debrief.TechniqueID{"T1059.001"}) {
		t.Errorf("DataComponent(command execution) = %+v", dc)
	}
	wantLS = []attack.LogSource{{DataComponent: "DC0032", Name: "WinEventLog:Security", Channel: "EventCode=4688"},
		{DataComponent: "DC0064", Name: "WinEventLog:PowerShell", Channel: "EventCode=4104"}}
	if got := c.LogSourcesOf("T1059.001"); !reflect.DeepEqual(got, wantLS) {
		t.Errorf("LogSourcesOf(T1059.001) = %+v", got)
	}
	if got := c.LogSourcesOf("T1059"); got != nil {
		t.Errorf("LogSourcesOf(T1059) = %+v, want nil", got)
	}
	if s, ok := c.DetectionStrategy("DET0455"); !ok || !slices.Equal(s.Analytics, []string{"AN0455"}) {
		t.Errorf("DetectionStrategy(DET0455) = %+v", s)
	}
	for _, id := range []string{"T9999", "nonsense", ""} {
		if c.MitigationsOf(id) != nil || c.DetectionsOf(id) != nil || c.DataComponentsOf(id) != nil || c.GroupsUsing(id) != nil {
			t.Errorf("reverse lookups of %q are not empty", id)
		}
	}
}

func TestTinyUsage(t *testing.T) {
	c := tiny(t)
	if g := c.GroupsUsing("T1059.001"); len(g) != 1 || g[0].ID != "G0016" {
		t.Errorf("GroupsUsing = %v", g)
	}
	if s := c.SoftwareUsing("T1059.001"); len(s) != 1 || s[0].ID != "S0002" {
		t.Errorf("SoftwareUsing = %v", s)
	}
	if k := c.CampaignsUsing("T1059"); len(k) != 1 || k[0].ID != "C0001" {
		t.Errorf("CampaignsUsing = %v", k)
	}
	wantG := []attack.UsedTechnique{
		{ID: "T1059.001", Via: attack.Direct | attack.ViaSoftware, Software: []string{"S0002"}},
		{ID: "T1562", Via: attack.ViaCampaign, Campaigns: []string{"C0024"}},
	}
	if got := c.TechniquesOfGroup("APT29"); !reflect.DeepEqual(got, wantG) {
		t.Errorf("TechniquesOfGroup(APT29) = %+v\nwant %+v", got, wantG)
	}
	wantC := []attack.UsedTechnique{
		{ID: "T1059", Via: attack.ViaSoftware, Software: []string{"S0154"}},
		{ID: "T1562", Via: attack.Direct},
	}
	if got := c.TechniquesOfCampaign("C0024"); !reflect.DeepEqual(got, wantC) {
		t.Errorf("TechniquesOfCampaign(C0024) = %+v\nwant %+v", got, wantC)
	}
	if c.TechniquesOfGroup("nobody") != nil || c.TechniquesOfCampaign("") != nil {
		t.Error("unknown group or campaign gave techniques")
	}
	if s := (attack.Direct | attack.ViaCampaign).String(); s != "direct+campaign" {
		t.Errorf("Via.String = %q", s)
	}
}

func hitStrings(hs []attack.Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Kind.String()+" "+h.ID+" "+h.Match.String())
	}
	return out
}

func TestTinyLookup(t *testing.T) {
	c := tiny(t)
	tests := []struct {
		in   string
		want []string
	}{
		{"PowerShell", []string{"technique T1059.001 name", "technique T1086 name"}},
		{"t1086", []string{"technique T1086 id", "mitigation T1086 id"}},
		{"defense_evasion", []string{"tactic TA0005 alias"}},
		{"Defense Evasion", []string{"tactic TA0005 name"}},
		{"Cozy Bear", []string{"group G0016 alias"}},
		{"SolarWinds Compromise", []string{"campaign C0024 name"}},
		{"DC0064", []string{"data-component DC0064 id"}},
		{"attack-pattern--5a0f1c3e-7d4b-4c1e-9f00-000000001059", []string{"technique T1059 id"}},
		{"no such thing", nil},
		{"", nil},
	}
	for _, tc := range tests {
		if got := hitStrings(c.Lookup(tc.in)); !slices.Equal(got, tc.want) {
			t.Errorf("Lookup(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	h := c.Lookup("APT29")
	if g, ok := h[0].Object.(*attack.Group); !ok || g.Name != "APT29" {
		t.Errorf("Lookup(APT29)[0].Object = %#v", h[0].Object)
	}
}

func TestTinySearch(t *testing.T) {
	c := tiny(t)
	tests := []struct {
		in   string
		want []string
	}{
		// current objects first: T1086, the technique and the mitigation, are revoked or deprecated
		{"power", []string{"technique T1059.001 name", "detection-strategy DET0455 name", "technique T1086 name", "mitigation T1086 name"}},
		{"t1059", []string{"technique T1059 id", "technique T1059.001 id", "technique T1059.002 id"}},
		{"strike", []string{"software S0154 name"}},
		{"bear", []string{"group G0016 alias"}},
		{"   ", nil},
		{"zzz", nil},
	}
	for _, tc := range tests {
		if got := hitStrings(c.Search(tc.in)); !slices.Equal(got, tc.want) {
			t.Errorf("Search(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if hs := c.Search("t1059"); hs[0].Score != 100 || hs[1].Score != 75 {
		t.Errorf("scores %d, %d: want 100 for the whole id, 75 for a prefix", hs[0].Score, hs[1].Score)
	}
	if hs := c.Search("strike"); hs[0].Score != 50 {
		t.Errorf("word inside scores %d, want 50", hs[0].Score)
	}
	var status []string
	for _, h := range c.Search("power") {
		status = append(status, h.ID+":"+h.Status+":"+h.RevokedBy)
	}
	if want := []string{"T1059.001::", "DET0455::", "T1086:revoked:T1059.001", "T1086:deprecated:"}; !slices.Equal(status, want) {
		t.Errorf("status %q, want %q", status, want)
	}
}
