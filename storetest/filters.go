package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// filterFixtures writes four incidents and returns their ids:
//
//	sentinel  high    resolved  true positive   created t0+3h01  T1114.003 (collection), alert linked by the incident's list
//	identity  medium  new       undetermined    created t0+2h01  T1110.003, T1550.001, T1078.004
//	phishing  high    active    true positive   created t0+0h01  T1566.001, T1204.002, T1059.001, T1027
//	low       low     resolved  false positive  created t0−24h   T1566.002 (debrief's own incident, of an Elastic alert)
func filterFixtures(t *testing.T, s debrief.Store) map[string]string {
	vs := sentinelVersions()
	sa := loneAlert(3, at(3*time.Hour))
	sa.ID, sa.Source, sa.SourceID = vs[2].AlertIDs[0], debrief.SourceSentinel, strings.TrimPrefix(vs[2].AlertIDs[0], "sentinel:")
	sa.Techniques = []debrief.Technique{{ID: "T1114.003", Name: "Email Forwarding Rule", Tactics: []string{"collection"}}}
	low := debrief.Incident{ID: "debrief:c0ffee01", Source: debrief.SourceCorrelate, SourceID: "c0ffee01",
		Title: "Link phishing, blocked", Severity: debrief.SeverityLow, Status: debrief.StatusResolved,
		Verdict: debrief.VerdictFalsePositive, Times: debrief.Times{Created: at(-24 * time.Hour)}}
	la := loneAlert(4, at(-24*time.Hour))
	la.Techniques = []debrief.Technique{{ID: "T1566.002", Name: "Spearphishing Link", Tactics: []string{"initial-access"}}}
	la.IncidentID = low.ID
	write(t, s, incRec(phishing()), incRec(identity()), incRec(vs[2]), alertRec(sa), incRec(low), alertRec(la))
	return map[string]string{"sentinel": vs[2].ID, "identity": identity().ID, "phishing": phishing().ID, "low": low.ID}
}

func testFilters(t *testing.T, open func() debrief.Store) {
	s := open()
	ids := filterFixtures(t, s)
	created := at(time.Minute) // the phishing incident's
	tests := []struct {
		name string
		f    debrief.IncidentFilter
		want string // names, newest first
	}{
		{"none", debrief.IncidentFilter{}, "sentinel identity phishing low"},
		{"severity", debrief.IncidentFilter{Severity: []debrief.Severity{debrief.SeverityHigh}}, "sentinel phishing"},
		{"severities", debrief.IncidentFilter{Severity: []debrief.Severity{debrief.SeverityLow, debrief.SeverityMedium}}, "identity low"},
		{"status", debrief.IncidentFilter{Status: []debrief.Status{debrief.StatusResolved}}, "sentinel low"},
		{"statuses", debrief.IncidentFilter{Status: []debrief.Status{debrief.StatusNew, debrief.StatusActive}}, "identity phishing"},
		{"verdict", debrief.IncidentFilter{Verdict: []debrief.Verdict{debrief.VerdictTruePositive}}, "sentinel phishing"},
		{"verdict undetermined", debrief.IncidentFilter{Verdict: []debrief.Verdict{debrief.VerdictUndetermined}}, "identity"},
		{"source", debrief.IncidentFilter{Source: []debrief.Source{debrief.SourceSentinel}}, "sentinel"},
		{"sources", debrief.IncidentFilter{Source: []debrief.Source{debrief.SourceDefender, debrief.SourceCorrelate}}, "identity phishing low"},
		{"source of an alert in debrief's own incident", debrief.IncidentFilter{Source: []debrief.Source{debrief.SourceElastic}}, "low"},
		{"sources of incidents or alerts", debrief.IncidentFilter{Source: []debrief.Source{debrief.SourceSentinel, debrief.SourceElastic}}, "sentinel low"},
		{"source nobody used", debrief.IncidentFilter{Source: []debrief.Source{debrief.SourceWazuh}}, ""},
		{"technique with its sub-techniques", debrief.IncidentFilter{Technique: "T1566"}, "phishing low"},
		{"sub-technique", debrief.IncidentFilter{Technique: "T1566.001"}, "phishing"},
		{"parent of a sub-technique", debrief.IncidentFilter{Technique: "T1059"}, "phishing"},
		{"technique without subs", debrief.IncidentFilter{Technique: "T1027"}, "phishing"},
		{"technique via the incident's alert list", debrief.IncidentFilter{Technique: "T1114"}, "sentinel"},
		{"technique nobody used", debrief.IncidentFilter{Technique: "T1003"}, ""},
		{"prefix is not a parent", debrief.IncidentFilter{Technique: "T1110.00"}, "error"},
		{"tactic", debrief.IncidentFilter{Tactic: "credential-access"}, "identity"},
		{"tactic of techniques and alerts", debrief.IncidentFilter{Tactic: "initial-access"}, "identity phishing low"},
		{"tactic via the incident's alert list", debrief.IncidentFilter{Tactic: "collection"}, "sentinel"},
		{"tactic nobody used", debrief.IncidentFilter{Tactic: "impact"}, ""},
		{"since is inclusive", debrief.IncidentFilter{Since: created}, "sentinel identity phishing"},
		{"until is exclusive", debrief.IncidentFilter{Until: created}, "low"},
		{"until just after", debrief.IncidentFilter{Until: created.Add(time.Nanosecond)}, "phishing low"},
		{"window", debrief.IncidentFilter{Since: at(time.Hour), Until: at(3 * time.Hour)}, "identity"},
		{"limit", debrief.IncidentFilter{Limit: 2}, "sentinel identity"},
		{"limit and offset", debrief.IncidentFilter{Limit: 2, Offset: 1}, "identity phishing"},
		{"offset", debrief.IncidentFilter{Offset: 3}, "low"},
		{"offset past the end", debrief.IncidentFilter{Offset: 10}, ""},
		{"combined", debrief.IncidentFilter{Severity: []debrief.Severity{debrief.SeverityHigh}, Technique: "T1566"}, "phishing"},
		{"combined, nothing", debrief.IncidentFilter{Status: []debrief.Status{debrief.StatusNew}, Tactic: "collection"}, ""},
		{"negative limit", debrief.IncidentFilter{Limit: -1}, "error"},
		{"negative offset", debrief.IncidentFilter{Offset: -1}, "error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list, err := s.Incidents(t.Context(), tc.f)
			if tc.want == "error" {
				wantCode(t, "Incidents", err, debrief.EINVALID)
				return
			}
			if err != nil {
				t.Fatalf("incidents: %v", err)
			}
			var got []string
			for _, in := range list {
				got = append(got, in.ID)
			}
			var want []string
			for _, name := range strings.Fields(tc.want) {
				want = append(want, ids[name])
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v (%s)", got, want, tc.want)
			}
		})
	}
	list, err := s.Incidents(t.Context(), debrief.IncidentFilter{Source: []debrief.Source{debrief.SourceSentinel}})
	if err != nil || len(list) != 1 {
		t.Fatalf("sentinel incident: %v, %v", list, err)
	}
	if got := list[0]; !slices.Equal(got.Techniques, []debrief.TechniqueID{"T1114.003"}) ||
		!slices.Equal(got.Tactics, []string{"collection"}) {
		t.Errorf("listed sentinel incident: techniques %v, tactics %v; want [T1114.003] and [collection]",
			got.Techniques, got.Tactics)
	}
}
