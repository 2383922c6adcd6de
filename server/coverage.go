package server

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attribution"
	"github.com/debrief-dev/debrief/coverage"
	"github.com/debrief-dev/debrief/internal/coveragereport"
	"github.com/debrief-dev/debrief/internal/query"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/auto"
)

// CoverageReport is the answer to GET /api/v1/coverage: the CLI's
// "coverage --format json", built by the same code, and, for the threats
// observed and attributed, where their window ends.
type CoverageReport struct {
	coveragereport.Report
	*WindowEnd // nil for the threats without a window
}

// ruleSet is the team's rule corpus, read once from Config.Rules.
type ruleSet struct {
	rules   []debrief.Rule
	invalid []string
	byID    map[string]*debrief.Rule
	result  *coverage.Result
}

// loadRules reads the corpus of Config.Rules and scores it.
func (s *Server) loadRules() (*ruleSet, error) {
	set, err := rules.Collect(auto.Load(context.Background(), s.cfg.Rules, rules.Options{Catalog: s.cfg.Catalog}))
	if err != nil {
		return nil, err
	}
	rs := &ruleSet{rules: set.Rules, invalid: []string{}, byID: make(map[string]*debrief.Rule, len(set.Rules))}
	for _, e := range set.Invalid {
		rs.invalid = append(rs.invalid, e.Error())
	}
	for i := range rs.rules {
		rs.byID[rs.rules[i].ID] = &rs.rules[i]
	}
	rs.result = coverage.Compute(rs.rules, coverage.Options{Catalog: s.cfg.Catalog})
	return rs, nil
}

// ruleCorpus returns the configured rules, or a conflict saying how to
// configure them.
func (s *Server) ruleCorpus() (*ruleSet, error) {
	if len(s.cfg.Rules) == 0 {
		return nil, debrief.Errorf(debrief.ECONFLICT, "no detection rules configured: start the server with 'debrief serve --rules PATH' (rule files or folders)")
	}
	return s.rules()
}

func (s *Server) coverage(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.ruleCorpus()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	window, err := spanParam(q, "window", 90*24*time.Hour)
	if err != nil {
		return err
	}
	threat := or(q.Get("threat"), "all")
	var end *WindowEnd
	var since time.Time
	if kind, _, _ := strings.Cut(threat, ":"); kind == "observed" || kind == "attributed" {
		e, err := s.windowEnd(r.Context())
		if err != nil {
			return err
		}
		end, since = &e, e.End.Add(-window)
	}
	prof, err := s.profile(r.Context(), threat, since)
	if err != nil {
		return err
	}
	opts := coverage.Options{Catalog: s.cfg.Catalog}
	gaps := rs.result.Gaps(prof, rs.rules, opts, coverage.GapOptions{})
	writeJSON(w, http.StatusOK, CoverageReport{Report: coveragereport.New(rs.rules, rs.result, gaps, rs.invalid), WindowEnd: end})
	return nil
}

// profile builds the threat profile the "threat" parameter names (the
// CLI's --threat without layer files, which the server does not read).
func (s *Server) profile(ctx context.Context, threat string, since time.Time) (coverage.Profile, error) {
	kind, arg, _ := strings.Cut(threat, ":")
	cat := s.cfg.Catalog
	var p coverage.Profile
	var err error
	switch kind {
	case "all":
		return coverage.All(cat, ""), nil
	case "group":
		p, err = coverage.Groups(cat, strings.Split(arg, ","))
	case "campaign":
		p, err = coverage.Campaigns(cat, strings.Split(arg, ","))
	case "observed":
		return s.observedProfile(ctx, since)
	case "attributed":
		return s.attributedProfile(ctx, since)
	default:
		return p, invalid("threat", "%q: want all, observed, attributed, group:ID,… or campaign:ID,…", threat)
	}
	if err != nil {
		return p, invalid("threat", "%v", err)
	}
	return p, nil
}

// observedProfile weighs the techniques of the incidents since then; a
// window without incidents, or with none that names a technique, is
// ENOTFOUND, as the CLI's coverage --threat observed says.
func (s *Server) observedProfile(ctx context.Context, since time.Time) (coverage.Profile, error) {
	ins, err := s.store(ctx).Incidents(ctx, debrief.IncidentFilter{Since: since})
	if err != nil {
		return coverage.Profile{}, err
	}
	if len(ins) == 0 {
		return coverage.Profile{}, debrief.Errorf(debrief.ENOTFOUND,
			"threat observed: no incidents in the store were created since %s; widen window (e.g. window=365d)", since.Format(time.DateOnly))
	}
	p := coverage.Observed(ins)
	if len(p.Weights) == 0 {
		return coverage.Profile{}, debrief.Errorf(debrief.ENOTFOUND,
			"threat observed: no ATT&CK technique in the %d %s created since %s, so there is no threat profile to cover; widen window or pick another threat (all, group:…)",
			len(ins), plural(len(ins), "incident"), since.Format(time.DateOnly))
	}
	return p, nil
}

// attributedProfile weighs the techniques of the ATT&CK groups that the
// true-positive incidents since then were confidently attributed to.
func (s *Server) attributedProfile(ctx context.Context, since time.Time) (coverage.Profile, error) {
	m, err := s.model()
	if err != nil {
		return coverage.Profile{}, err
	}
	seen := map[string]bool{}
	f := debrief.IncidentFilter{Since: since, Verdict: []debrief.Verdict{debrief.VerdictTruePositive}}
	err = query.WithAlerts(ctx, s.store(ctx), f, func(in *debrief.Incident) error {
		res := m.Rank(attribution.EvidenceOf(in), 1)
		if !res.Confident || len(res.Candidates) == 0 {
			return nil
		}
		c := res.Candidates[0]
		if c.Kind == attribution.KindGroup {
			seen[c.ID] = true
		}
		for _, g := range c.Groups {
			seen[g.ID] = true
		}
		return nil
	})
	if err != nil {
		return coverage.Profile{}, err
	}
	if len(seen) == 0 {
		return coverage.Profile{}, debrief.Errorf(debrief.ENOTFOUND, "threat attributed: no incident since %s was confidently attributed to an ATT&CK group", since.Format(time.DateOnly))
	}
	groups := slices.Sorted(maps.Keys(seen))
	p, err := coverage.Groups(s.cfg.Catalog, groups)
	p.Name = "attributed:" + strings.Join(groups, ",")
	return p, err
}

// plural is noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
