package review_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/d3fend"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/review/reviewtest"
)

func options(t testing.TB) review.Options {
	t.Helper()
	c, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	d, err := d3fend.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return review.Options{Catalog: c, D3FEND: d, Now: reviewtest.Now,
		Baseline: review.NewBaseline(reviewtest.History(), reviewtest.Now())}
}

func build(t testing.TB, ins ...*debrief.Incident) *review.Review {
	t.Helper()
	r, err := review.Build(ins, options(t))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestKillChain(t *testing.T) {
	r := build(t, reviewtest.Incident())
	want := map[string]review.StageStatus{
		"reconnaissance": review.StageNotSeen, "initial-access": review.StageSeen, "execution": review.StageSeen,
		"privilege-escalation": review.StageSeen, "defense-evasion": review.StageGap, "discovery": review.StageGap,
		"lateral-movement": review.StageSeen, "collection": review.StageGap, "command-and-control": review.StageSeen,
		"exfiltration": review.StageNotSeen, "impact": review.StageNotSeen,
	}
	if len(r.KillChain) != 14 || r.KillChain[0].TacticID != "TA0043" || r.KillChain[13].TacticID != "TA0040" {
		t.Fatalf("kill chain is not the 14 Enterprise tactics from TA0043 to TA0040: %+v", r.KillChain)
	}
	for _, st := range r.KillChain {
		if w, ok := want[st.Tactic]; ok && st.Status != w {
			t.Errorf("%s: status %s, want %s", st.Tactic, st.Status, w)
		}
	}
	ia := r.KillChain[2]
	if ia.Alerts != 1 || !slices.Equal(ia.Techniques, []debrief.TechniqueID{"T1566", "T1566.001"}) {
		t.Errorf("initial access: %d alerts, techniques %v", ia.Alerts, ia.Techniques)
	}
}

func TestMetricsAgainstBaseline(t *testing.T) {
	r := build(t, reviewtest.Incident())
	want := map[review.MetricKey]struct {
		value  review.Seconds
		assess review.Assessment
	}{
		review.TimeToDetect:      {4 * 60, review.AssessBetter},
		review.TimeToAcknowledge: {6*3600 + 9*60, review.AssessSlow},
		review.TimeToContain:     {7*3600 + 19*60, review.AssessSlow},
		review.TimeToResolve:     {23*3600 + 39*60, review.AssessTypical},
		review.DwellTime:         {7*3600 + 24*60, review.AssessSlow},
	}
	for _, m := range r.Metrics {
		w := want[m.Key]
		if !m.Known || m.Value != w.value || m.Assessment != w.assess || m.Baseline.N != 40 {
			t.Errorf("%s: known %v, %s, %s, baseline n %d; want %s, %s, n 40", m.Key, m.Known, m.Value, m.Assessment,
				m.Baseline.N, w.value, w.assess)
		}
	}
}

func action(r *review.Review, f func(review.Action) bool) (review.Action, bool) {
	i := slices.IndexFunc(r.Actions, f)
	if i < 0 {
		return review.Action{}, false
	}
	return r.Actions[i], true
}

func TestActions(t *testing.T) {
	r := build(t, reviewtest.Incident())
	tests := []struct {
		name      string
		typ       review.ActionType
		csf       string
		title     string // substring
		reason    string // substring
		owner     string
		due       string
		forbidden bool
	}{
		{name: "gap", typ: review.ActionDetect, csf: "DE.CM-09", title: "Defense Evasion on ws-alice-01",
			reason: "not seen between Privilege Escalation and Credential Access", owner: "Detection engineering", due: "2024-03-20"},
		{name: "slow acknowledge", typ: review.ActionRespond, csf: "RS.MA-02", title: "acknowledge",
			reason: "6h 9m vs team median 43m", owner: "sam.analyst@contoso.com", due: "2024-03-20"},
		{name: "slow containment", typ: review.ActionRespond, csf: "RS.MI-01", title: "contain", reason: "7h 19m"},
		{name: "dwell", typ: review.ActionProcess, csf: "ID.IM-04", title: "7h 24m before containment", due: "2024-04-05"},
		{name: "mitigations", typ: review.ActionPrevent, csf: "PR.PS-01", title: "T1566.001", reason: "Microsoft Defender for Office 365"},
		{name: "network mitigations", typ: review.ActionPrevent, csf: "PR.IR-01", title: "T1071.001"},
		{name: "most mitigations are configuration", typ: review.ActionPrevent, csf: "PR.PS-01", title: "T1021.001"},
		{name: "no mitigation", typ: review.ActionDetect, csf: "DE.CM-09", title: "T1547.001", reason: "D3FEND suggests"},
		{name: "training", typ: review.ActionTraining, csf: "PR.AT-01", title: "T1566.001, T1003.001", owner: "Security awareness"},
		{name: "resolution was typical", title: "slowed resolution", forbidden: true},
		{name: "detection was fast", title: "detection took", forbidden: true},
		{name: "parent technique left to its sub-technique", title: "T1566 ", forbidden: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, ok := action(r, func(a review.Action) bool {
				return strings.Contains(a.Title, tc.title) && (tc.typ == "" || a.Type == tc.typ)
			})
			if ok == tc.forbidden {
				t.Fatalf("action with %q found: %v, want %v", tc.title, ok, !tc.forbidden)
			}
			if tc.forbidden {
				return
			}
			if a.CSF != tc.csf || review.CSFTitle(a.CSF) == "" || a.CSFTitle != review.CSFTitle(a.CSF) {
				t.Errorf("CSF %s (%q), want %s", a.CSF, a.CSFTitle, tc.csf)
			}
			if !strings.Contains(a.Reason, tc.reason) {
				t.Errorf("reason %q does not say %q", a.Reason, tc.reason)
			}
			if tc.owner != "" && a.Owner != tc.owner {
				t.Errorf("owner %q, want %q", a.Owner, tc.owner)
			}
			if tc.due != "" && a.Due.Format("2006-01-02") != tc.due {
				t.Errorf("due %s, want %s", a.Due, tc.due)
			}
		})
	}
	for i, a := range r.Actions {
		if a.ID != "A"+itoa(i+1) || a.Reason == "" || a.CSFTitle == "" {
			t.Errorf("action %d: id %q, reason %q, csf %q", i, a.ID, a.Reason, a.CSF)
		}
	}
	if len(r.Summary.TopActions) != 3 || r.Summary.TopActions[0] != r.Actions[0].Title {
		t.Errorf("top actions %q", r.Summary.TopActions)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestTimeline(t *testing.T) {
	r := build(t, reviewtest.Incident())
	var kinds []string
	for i, e := range r.Timeline {
		if i > 0 && e.At.Before(r.Timeline[i-1].At) {
			t.Errorf("event %d at %s comes after %s", i, e.At, r.Timeline[i-1].At)
		}
		k := string(e.Kind)
		if e.Milestone != "" {
			k = string(e.Milestone)
		}
		kinds = append(kinds, k)
	}
	want := "first_activity first_alert alert created alert alert alert alert alert first_triage change change " +
		"contained comment resolved change change"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("timeline\n got %s\nwant %s", got, want)
	}
	if r.Header.Start.Format("15:04") != "09:16" || r.Header.End.Format("2006-01-02 15:04") != "2024-03-05 09:00" {
		t.Errorf("header spans %s to %s", r.Header.Start, r.Header.End)
	}
}

func TestImpactAndTechniques(t *testing.T) {
	r := build(t, reviewtest.Incident())
	if r.Impact.Count(debrief.EntityDevice) != 2 || r.Impact.Count(debrief.EntityUser) != 1 || r.Impact.Count(debrief.EntityIP) != 2 {
		t.Errorf("counts %+v", r.Impact.Counts)
	}
	if e := r.Impact.Of(debrief.EntityDevice)[0]; e.Label() != "ws-alice-01" || e.Alerts != 4 {
		t.Errorf("top device %+v", e)
	}
	i := slices.IndexFunc(r.Techniques, func(t review.Technique) bool { return t.ID == "T1566.001" })
	if i < 0 {
		t.Fatal("T1566.001 missing")
	}
	tech := r.Techniques[i]
	if tech.Name != "Phishing: Spearphishing Attachment" || !slices.Equal(tech.Tactics, []string{"initial-access"}) ||
		tech.FirstSeen.Format("15:04") != "09:16" || !slices.Contains(tech.Sources, "Microsoft Defender for Office 365") {
		t.Errorf("T1566.001: %+v", tech)
	}
	if !slices.ContainsFunc(tech.Mitigations, func(m review.Mitigation) bool { return m.ID == "M1049" }) {
		t.Errorf("T1566.001 mitigations %+v lack M1049", tech.Mitigations)
	}
	if len(tech.Countermeasures) == 0 || tech.Countermeasures[0].URL == "" {
		t.Errorf("T1566.001 has no D3FEND countermeasures")
	}
}

func TestQuestions(t *testing.T) {
	r := build(t, reviewtest.Incident())
	ids := []string{"what_happened", "staff_performance", "information_sooner", "done_differently",
		"prevent_recurrence", "precursors_indicators", "tools_resources"}
	if len(r.Questions) != len(ids) {
		t.Fatalf("%d questions, want %d", len(r.Questions), len(ids))
	}
	for i, q := range r.Questions {
		if q.ID != ids[i] || len(q.Facts) == 0 || q.Answer != "" {
			t.Errorf("question %d: %s with %d facts", i, q.ID, len(q.Facts))
		}
	}
	facts := strings.Join(r.Questions[2].Facts, "\n")
	if !strings.Contains(facts, "No alert showed Discovery, between Credential Access and Lateral Movement") {
		t.Errorf("information needed sooner lacks the Discovery gap:\n%s", facts)
	}
	facts = strings.Join(r.Questions[5].Facts, "\n")
	if !strings.Contains(facts, "ip 198.51.100.23") || !strings.Contains(facts, "Invoice_0324.docm") {
		t.Errorf("indicators:\n%s", facts)
	}
}

func TestSeveralIncidents(t *testing.T) {
	a, b := reviewtest.Incident(), reviewtest.Incident()
	b.ID, b.SourceID, b.Status, b.Verdict = "defender:4243", "4243", debrief.StatusActive, debrief.VerdictUndetermined
	b.Times.Resolved, b.Times.FirstTriage = b.Times.Resolved.Add(0), b.Times.Created.Add(600e9)
	for i := range b.Alerts {
		b.Alerts[i].ID += "b"
		b.Alerts[i].SourceID += "b"
	}
	r := build(t, a, b)
	if len(r.Header.Incidents) != 2 || r.Header.Alerts != 12 || r.Header.Status != debrief.StatusActive ||
		!strings.HasSuffix(r.Header.Title, "and 1 more incidents") {
		t.Errorf("header %+v", r.Header)
	}
	m := r.Metrics[1] // time to acknowledge: median of 6h 9m and 10m
	if m.Key != review.TimeToAcknowledge || m.Incidents != 2 || m.Value != (6*3600+9*60+600)/2 {
		t.Errorf("time to acknowledge over two incidents: %+v", m)
	}
	if r.Impact.Count(debrief.EntityDevice) != 2 {
		t.Errorf("entities are not merged across incidents: %+v", r.Impact.Counts)
	}
}

func TestBuildIsPureAndDeterministic(t *testing.T) {
	in := reviewtest.Incident()
	before, _ := json.Marshal(in)
	r1, r2 := build(t, in), build(t, reviewtest.Incident())
	after, _ := json.Marshal(in)
	if string(before) != string(after) {
		t.Error("Build changed its input")
	}
	if !reflect.DeepEqual(r1, r2) {
		t.Error("two builds of the same incident differ")
	}
}

func TestBuildErrors(t *testing.T) {
	opts := options(t)
	tests := []struct {
		name string
		in   []*debrief.Incident
		opts func(*review.Options)
		want string
	}{
		{"no incidents", nil, nil, "no incidents"},
		{"nil incident", []*debrief.Incident{nil}, nil, "incident 1 is nil"},
		{"twice", []*debrief.Incident{reviewtest.Incident(), reviewtest.Incident()}, nil, "defender:4242 given twice"},
		{"no catalog", []*debrief.Incident{reviewtest.Incident()}, func(o *review.Options) { o.Catalog = nil }, "catalog is required"},
		{"section without title", []*debrief.Incident{reviewtest.Incident()},
			func(o *review.Options) { o.Sections = []review.Section{{ID: "x"}} }, "id and title are required"},
		{"ragged table", []*debrief.Incident{reviewtest.Incident()}, func(o *review.Options) {
			o.Sections = []review.Section{{ID: "x", Title: "X", Tables: []review.Table{{Columns: []string{"a", "b"}, Rows: [][]string{{"1"}}}}}}
		}, "row 1 has 1 cells, want 2"},
		{"empty score range", []*debrief.Incident{reviewtest.Incident()}, func(o *review.Options) {
			o.Sections = []review.Section{{ID: "x", Title: "X", Scores: &review.Scores{Min: 1, Max: 1}}}
		}, "max 1 must be greater than min 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := opts
			if tc.opts != nil {
				tc.opts(&o)
			}
			_, err := review.Build(tc.in, o)
			if err == nil || !strings.Contains(err.Error(), tc.want) || debrief.ErrorCode(err) != debrief.EINVALID {
				t.Errorf("error %v, want one saying %q with code invalid", err, tc.want)
			}
		})
	}
}

func TestUnnormalisedAlerts(t *testing.T) {
	in := reviewtest.Large(40)
	r := build(t, in)
	if len(r.Techniques) == 0 || r.Techniques[0].Name == string(r.Techniques[0].ID) || len(r.Techniques[0].Tactics) == 0 {
		t.Errorf("names and tactics not filled from the catalog: %+v", r.Techniques[0])
	}
	seen := 0
	for _, st := range r.KillChain {
		if st.Status == review.StageSeen {
			seen++
		}
	}
	if seen < 10 {
		t.Errorf("only %d stages seen", seen)
	}
}

// TestSummaryOneStage checks that a review of one kill-chain stage names
// it once: "(Execution only)", not "(Execution → Execution)".
func TestSummaryOneStage(t *testing.T) {
	in := reviewtest.Incident()
	in.Alerts = in.Alerts[1:2]
	r := build(t, in)
	if !strings.Contains(r.Summary.What, "in one kill-chain stage (Execution only).") || strings.Contains(r.Summary.What, "→") {
		t.Errorf("summary %q", r.Summary.What)
	}
}

// TestScoresTitle checks that a score heading gives the range once.
func TestScoresTitle(t *testing.T) {
	for label, want := range map[string]string{
		"detection score":       "detection score (0–5)",
		"detection score (0–5)": "detection score (0–5)",
		"":                      "(0–5)",
	} {
		sc := review.Scores{Label: label, Min: 0, Max: 5}
		if got := sc.Title(); got != want {
			t.Errorf("%q: %q, want %q", label, got, want)
		}
	}
}

// TestSummaryQuotesTitles checks that sentences quote alert titles as
// text, with no Go escapes: the renderers escape for their format.
func TestSummaryQuotesTitles(t *testing.T) {
	const title = `Suspicious "powershell" from C:\Windows\x`
	in := reviewtest.Incident()
	for i := range in.Alerts {
		in.Alerts[i].Title = title
	}
	r := build(t, in)
	want := "“" + title + "”"
	if !strings.Contains(r.Summary.Detection, want) {
		t.Errorf("detection %q lacks %q", r.Summary.Detection, want)
	}
	facts := strings.Join(r.Questions[5].Facts, "\n")
	if !strings.Contains(facts, "Earliest alerts: "+want) {
		t.Errorf("indicators %q lack %q", facts, want)
	}
}

// TestOwnTechniques reviews an incident exported without its alerts: the
// techniques its own record names are the review's, with no alert.
func TestOwnTechniques(t *testing.T) {
	in := debrief.Incident{ID: "sentinel:s1", Source: debrief.SourceSentinel, SourceID: "s1", Title: "Alerts not exported",
		Times: debrief.Times{Created: reviewtest.Now().AddDate(0, 0, -1)}, OwnTechniques: []debrief.TechniqueID{"T1078", "T1078.004"},
		OwnTactics: []string{"initial-access", "persistence"}}
	r := build(t, &in)
	var ids []debrief.TechniqueID
	for _, tc := range r.Techniques {
		ids = append(ids, tc.ID)
		if tc.Alerts != 0 || len(tc.Tactics) == 0 || tc.URL == "" {
			t.Errorf("technique %+v: want no alerts, its tactics and page", tc)
		}
	}
	if want := []debrief.TechniqueID{"T1078", "T1078.004"}; !slices.Equal(ids, want) {
		t.Errorf("techniques %v, want %v", ids, want)
	}
	var seen []string
	for _, st := range r.KillChain {
		if st.Status == review.StageSeen {
			seen = append(seen, st.Tactic)
		}
	}
	if want := []string{"initial-access", "persistence"}; !slices.Equal(seen, want) {
		t.Errorf("stages seen %v, want the incident's own tactics %v", seen, want)
	}
}
