package attack_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/attack/data"
	"github.com/debrief-dev/debrief/internal/testutil"
)

// The tests in this file read MITRE's v18.1 bundles from ../shared/data
// and skip when they are absent.

var loaded sync.Map // path → *attack.Catalog, so each bundle is read once

func bundle(t *testing.T, domain string) *attack.Catalog {
	t.Helper()
	path := testutil.SharedData(t, "attack/"+domain+".json.gz")
	if c, ok := loaded.Load(path); ok {
		return c.(*attack.Catalog)
	}
	c, err := attack.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if w := c.Warnings(); w.Count != 0 {
		t.Errorf("%s: %v", domain, w)
	}
	loaded.Store(path, c)
	return c
}

func TestEnterpriseBundle(t *testing.T) {
	c := bundle(t, "enterprise-attack")
	d := c.Domains()
	if len(d) != 1 || d[0].Name != "enterprise-attack" || d[0].Version != "18.1" || d[0].STIXVersion != "2.1" ||
		d[0].Modified.Format("2006-01-02") != "2025-11-13" {
		t.Errorf("Domains() = %+v", d)
	}
	techs, subs := 0, 0
	for _, x := range c.Techniques("enterprise-attack") {
		switch {
		case !x.Active():
		case x.IsSub():
			subs++
		default:
			techs++
		}
	}
	if techs != 216 || subs != 475 {
		t.Errorf("%d active techniques and %d active sub-techniques, want 216 and 475", techs, subs)
	}
	var order []debrief.TacticID
	for _, ta := range c.Tactics("enterprise-attack") {
		order = append(order, ta.ID)
	}
	want := []debrief.TacticID{"TA0043", "TA0042", "TA0001", "TA0002", "TA0003", "TA0004", "TA0005",
		"TA0006", "TA0007", "TA0008", "TA0009", "TA0011", "TA0010", "TA0040"}
	if !slices.Equal(order, want) {
		t.Errorf("tactics %v\nwant %v", order, want)
	}
	groups := 0
	for _, g := range c.Groups() {
		if g.Active() {
			groups++
		}
	}
	attributed := 0
	for _, k := range c.Campaigns() {
		if len(k.Groups) > 0 {
			attributed++
		}
	}
	if groups != 172 || len(c.Campaigns()) != 52 || attributed != 24 {
		t.Errorf("%d active groups, %d campaigns, %d attributed; want 172, 52, 24", groups, len(c.Campaigns()), attributed)
	}
	l := c.ResolveTechnique("T1086")
	if !l.Revoked || l.Technique == nil || l.Technique.ID != "T1059.001" || l.Technique.Name != "PowerShell" {
		t.Errorf("ResolveTechnique(T1086) = %+v", l)
	}
	for _, s := range []string{"Defense Evasion", "DefenseEvasion", "defense-evasion", "defense_evasion", "TA0005", "defense evasion"} {
		if ta, ok := c.Tactic(s); !ok || ta.ID != "TA0005" {
			t.Errorf("Tactic(%q) = %+v, %v", s, ta, ok)
		}
	}
	tIDs := 0
	for _, m := range c.Mitigations() {
		if strings.HasPrefix(m.ID, "T") {
			tIDs++
			if !m.Deprecated {
				t.Errorf("mitigation %s with a T id is not deprecated", m.ID)
			}
		}
	}
	if tIDs != 224 {
		t.Errorf("%d mitigations with T ids, want 224", tIDs)
	}
	if g, ok := c.Group("Cozy Bear"); !ok || g.ID != "G0016" || !slices.Contains(g.Campaigns, "C0024") {
		t.Errorf("Group(Cozy Bear) = %+v", g)
	}
}

func TestMobileAndICSBundles(t *testing.T) {
	for _, tc := range []struct {
		domain  string
		tactics int // in the matrix
		extra   int // deprecated, not in the matrix
		evasion debrief.TacticID
	}{
		{"mobile-attack", 12, 2, "TA0030"},
		{"ics-attack", 12, 0, "TA0103"},
	} {
		c := bundle(t, tc.domain)
		if d := c.Domains(); len(d) != 1 || d[0].Name != tc.domain || d[0].Version != "18.1" {
			t.Errorf("%s: Domains() = %+v", tc.domain, d)
		}
		ts := c.Tactics(tc.domain)
		if len(ts) != tc.tactics+tc.extra {
			t.Fatalf("%s: %d tactics, want %d", tc.domain, len(ts), tc.tactics+tc.extra)
		}
		for i, ta := range ts {
			if want := i; i >= tc.tactics && ta.Order != -1 || i < tc.tactics && ta.Order != want {
				t.Errorf("%s: tactic %d %s has Order %d", tc.domain, i, ta.ID, ta.Order)
			}
		}
		if ta, ok := c.Tactic("Evasion"); tc.domain == "ics-attack" && (!ok || ta.ID != tc.evasion) {
			t.Errorf("%s: Tactic(Evasion) = %+v", tc.domain, ta)
		}
		if ta, ok := c.TacticIn(tc.domain, "Defense Evasion"); tc.domain == "mobile-attack" && (!ok || ta.ID != tc.evasion) {
			t.Errorf("%s: TacticIn(Defense Evasion) = %+v", tc.domain, ta)
		}
	}
}

// all returns the three bundles merged, as the snapshot holds them.
func all(t *testing.T) *attack.Catalog {
	t.Helper()
	m, err := attack.Merge(bundle(t, "enterprise-attack"), bundle(t, "mobile-attack"), bundle(t, "ics-attack"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSnapshotIsCurrent(t *testing.T) {
	for _, s := range data.Sources() {
		b, err := os.ReadFile(testutil.SharedData(t, "attack/"+s.File))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != s.SHA256 {
			t.Errorf("%s has SHA-256 %s, the snapshot was made from %s: run go generate ./attack", s.File, got, s.SHA256)
		}
	}
}

// checker compares the embedded catalog's answers with the bundles',
// reporting the first few differences.
type checker struct {
	t     *testing.T
	diffs int
}

// same reports whether both give the same answer to one question.
func (c *checker) same(question string, embedded, bundles any) {
	c.t.Helper()
	if reflect.DeepEqual(embedded, bundles) {
		return
	}
	if c.diffs++; c.diffs <= 10 {
		c.t.Errorf("%s:\nembedded %s\nbundles  %s", question, show(embedded), show(bundles))
	}
}

func show(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		return fmt.Sprintf("%+v", rv.Elem().Interface())
	}
	return fmt.Sprintf("%+v", v)
}

func TestEmbeddedAnswersAsBundles(t *testing.T) {
	b := all(t)
	e, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	ck := &checker{t: t}
	same := func(question string, embedded, bundles any) {
		t.Helper()
		ck.same(question, embedded, bundles)
	}
	same("Domains", e.Domains(), b.Domains())
	same("Warnings", e.Warnings(), b.Warnings())
	for _, x := range b.Techniques("") {
		id := string(x.ID)
		for _, q := range []string{id, strings.ToLower(id)} {
			et, eok := e.Technique(q)
			bt, bok := b.Technique(q)
			same("Technique("+q+")", fmt.Sprint(eok), fmt.Sprint(bok))
			same("Technique("+q+")", et, bt)
			same("ResolveTechnique("+q+")", e.ResolveTechnique(q), b.ResolveTechnique(q))
		}
		same("GroupsUsing("+id+")", e.GroupsUsing(id), b.GroupsUsing(id))
		same("SoftwareUsing("+id+")", e.SoftwareUsing(id), b.SoftwareUsing(id))
		same("CampaignsUsing("+id+")", e.CampaignsUsing(id), b.CampaignsUsing(id))
		same("MitigationsOf("+id+")", e.MitigationsOf(id), b.MitigationsOf(id))
		same("DetectionsOf("+id+")", e.DetectionsOf(id), b.DetectionsOf(id))
		same("DataComponentsOf("+id+")", e.DataComponentsOf(id), b.DataComponentsOf(id))
		same("LogSourcesOf("+id+")", e.LogSourcesOf(id), b.LogSourcesOf(id))
		same("Lookup("+x.Name+")", e.Lookup(x.Name), b.Lookup(x.Name))
	}
	for _, g := range b.Groups() {
		for _, q := range append([]string{g.ID, g.Name}, g.Aliases...) {
			eg, _ := e.Group(q)
			bg, _ := b.Group(q)
			same("Group("+q+")", eg, bg)
		}
		same("TechniquesOfGroup("+g.ID+")", e.TechniquesOfGroup(g.ID), b.TechniquesOfGroup(g.ID))
	}
	for _, k := range b.Campaigns() {
		ek, _ := e.Campaign(k.ID)
		bk, _ := b.Campaign(k.ID)
		same("Campaign("+k.ID+")", ek, bk)
		same("TechniquesOfCampaign("+k.ID+")", e.TechniquesOfCampaign(k.ID), b.TechniquesOfCampaign(k.ID))
	}
	for _, s := range b.AllSoftware() {
		for _, q := range append([]string{s.ID, s.Name}, s.Aliases...) {
			es, _ := e.Software(q)
			bs, _ := b.Software(q)
			same("Software("+q+")", es, bs)
		}
	}
	for _, m := range b.Mitigations() {
		em, _ := e.Mitigation(m.ID)
		bm, _ := b.Mitigation(m.ID)
		same("Mitigation("+m.ID+")", em, bm)
	}
	for _, s := range b.DetectionStrategies() {
		es, _ := e.DetectionStrategy(s.ID)
		bs, _ := b.DetectionStrategy(s.ID)
		same("DetectionStrategy("+s.ID+")", es, bs)
	}
	for _, a := range b.Analytics() {
		ea, _ := e.Analytic(a.ID)
		ba, _ := b.Analytic(a.ID)
		same("Analytic("+a.ID+")", ea, ba)
	}
	for _, d := range b.DataComponents() {
		ed, _ := e.DataComponent(d.ID)
		bd, _ := b.DataComponent(d.ID)
		same("DataComponent("+d.ID+")", ed, bd)
	}
	for _, ta := range b.Tactics("") {
		for _, q := range []string{string(ta.ID), ta.Name, ta.Shortname} {
			et, _ := e.Tactic(q)
			bt, _ := b.Tactic(q)
			same("Tactic("+q+")", et, bt)
			et, _ = e.TacticIn(ta.Domain, q)
			bt, _ = b.TacticIn(ta.Domain, q)
			same("TacticIn("+ta.Domain+", "+q+")", et, bt)
		}
	}
	for _, d := range []string{"", "enterprise-attack", "mobile-attack", "ics-attack"} {
		same("Tactics("+d+")", e.Tactics(d), b.Tactics(d))
		same("Techniques("+d+")", e.Techniques(d), b.Techniques(d))
	}
	same("Groups", e.Groups(), b.Groups())
	same("Campaigns", e.Campaigns(), b.Campaigns())
	same("AllSoftware", e.AllSoftware(), b.AllSoftware())
	same("Mitigations", e.Mitigations(), b.Mitigations())
	same("DetectionStrategies", e.DetectionStrategies(), b.DetectionStrategies())
	same("Analytics", e.Analytics(), b.Analytics())
	same("DataComponents", e.DataComponents(), b.DataComponents())
	for _, q := range []string{"powershell", "apt", "T1059", "credential", "WinEventLog"} {
		same("Search("+q+")", e.Search(q), b.Search(q))
	}
	if ck.diffs > 0 {
		t.Errorf("%d answers differ; if the loader changed on purpose, run go generate ./attack", ck.diffs)
	}
}
