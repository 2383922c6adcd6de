package simulate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
)

// Products an alert can come from, as scenario noise names them.
const (
	productEndpoint  = "endpoint"
	productEmail     = "email"
	productIdentity  = "identity"
	productDirectory = "directory"
	productCloudApp  = "cloud_app"
)

var products = []string{productEndpoint, productEmail, productIdentity, productDirectory, productCloudApp}

// noiseDeterminations are the determinations each noise verdict allows,
// as Defender pairs them.
var noiseDeterminations = map[string][]string{
	string(debrief.VerdictBenignPositive): {"security_testing", "confirmed_activity", "line_of_business"},
	string(debrief.VerdictFalsePositive):  {"clean", "insufficient_data"},
}

var weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// validate checks what can be checked without the ATT&CK catalog; the
// generator checks technique ids and tactics against it.
func (s *Scenario) validate() error {
	checks := []func() error{s.validateTop, s.validateActors, s.validateDetection, s.validateScripts,
		s.validateNoise, s.validateSOC, s.validateSkills, s.validateTrends}
	for _, c := range checks {
		if err := c(); err != nil {
			return err
		}
	}
	return nil
}

func (s *Scenario) validateTop() error {
	switch {
	case s.Start.IsZero():
		return s.errorf("$.start", "want the first day, e.g. 2026-01-05")
	case s.Days < 1:
		return s.errorf("$.days", "want at least 1, got %d", s.Days)
	case s.IncidentsPerDay < 0:
		return s.errorf("$.incidents_per_day", "want a number ≥ 0, got %g", s.IncidentsPerDay)
	case s.Mix.Intrusions < 0 || s.Mix.Scripted < 0 || s.Mix.Noise < 0 || s.Mix.Intrusions+s.Mix.Scripted+s.Mix.Noise == 0:
		return s.errorf("$.mix", "want shares ≥ 0, not all 0")
	case s.WeekendFactor < 0:
		return s.errorf("$.weekend_factor", "want a number ≥ 0, got %g", s.WeekendFactor)
	case s.Organisation.Users < 2:
		return s.errorf("$.organisation.users", "want at least 2, got %d", s.Organisation.Users)
	case s.Organisation.Servers < 1:
		return s.errorf("$.organisation.servers", "want at least 1, got %d", s.Organisation.Servers)
	case s.Organisation.Admins < 1 || s.Organisation.Admins > s.Organisation.Users:
		return s.errorf("$.organisation.admins", "want 1 to users (%d), got %d", s.Organisation.Users, s.Organisation.Admins)
	case s.Organisation.Domain == "" || strings.ContainsAny(s.Organisation.Domain, " @/"):
		return s.errorf("$.organisation.domain", "want a domain such as contoso.com, got %q", s.Organisation.Domain)
	}
	return nil
}

func (s *Scenario) validateActors() error {
	a := s.Actors
	switch {
	case a.AutoGroups < 0 || a.AutoCampaigns < 0:
		return s.errorf("$.actors", "auto_groups and auto_campaigns: want numbers ≥ 0")
	case s.Mix.Intrusions > 0 && len(a.Groups)+len(a.Campaigns)+a.AutoGroups+a.AutoCampaigns == 0:
		return s.errorf("$.actors", "mix.intrusions is above 0 but no actors are chosen: set groups, campaigns, auto_groups or auto_campaigns")
	case a.ClusterDays.Min < 1:
		return s.errorf("$.actors.cluster_days", "want at least 1 day")
	}
	k := s.KillChain
	switch {
	case k.TacticProbability < 0 || k.TacticProbability > 1:
		return s.errorf("$.kill_chain.tactic_probability", "want a probability 0–1, got %g", k.TacticProbability)
	case k.StepsPerTactic.Min < 1:
		return s.errorf("$.kill_chain.steps_per_tactic", "want at least 1")
	case k.Duration.Median <= 0:
		return s.errorf("$.kill_chain.duration.median", "want a duration above 0")
	}
	return nil
}

func (s *Scenario) validateDetection() error {
	d := s.Detection
	if !isProb(d.Default) {
		return s.errorf("$.detection.default", "want a probability 0–1, got %g", d.Default)
	}
	for _, k := range sortedKeys(d.Tactics) {
		if !isProb(d.Tactics[k]) {
			return s.errorf("$.detection.tactics."+k, "want a probability 0–1, got %g", d.Tactics[k])
		}
	}
	for _, k := range sortedKeys(d.Techniques) {
		if _, err := debrief.ParseTechniqueID(k); err != nil {
			return s.errorf("$.detection.techniques", "%v", err)
		}
		if !isProb(d.Techniques[k]) {
			return s.errorf("$.detection.techniques."+k, "want a probability 0–1, got %g", d.Techniques[k])
		}
	}
	switch {
	case d.Spread < 0 || d.Spread > 1:
		return s.errorf("$.detection.spread", "want 0–1, got %g", d.Spread)
	case !isProb(d.Late):
		return s.errorf("$.detection.late", "want a probability 0–1, got %g", d.Late)
	}
	return nil
}

func (s *Scenario) validateScripts() error {
	seen := map[string]bool{}
	for i, sc := range s.Scripts {
		p := fmt.Sprintf("$.scripts[%d]", i)
		switch {
		case sc.Name == "" || seen[sc.Name]:
			return s.errorf(p+".name", "want a unique name, got %q", sc.Name)
		case sc.Share < 0:
			return s.errorf(p+".share", "want a number ≥ 0, got %g", sc.Share)
		case len(sc.Steps) == 0:
			return s.errorf(p+".steps", "want at least one step")
		case sc.Clusters.Min < 1:
			return s.errorf(p+".clusters", "want at least 1")
		}
		seen[sc.Name] = true
		for j, st := range sc.Steps {
			q := fmt.Sprintf("%s.steps[%d]", p, j)
			if _, err := debrief.ParseTechniqueID(st.Technique); err != nil {
				return s.errorf(q+".technique", "%v", err)
			}
			if !isProb(st.Optional) {
				return s.errorf(q+".optional", "want a probability 0–1, got %g", st.Optional)
			}
			if !slices.Contains([]string{"", "victim", "server", "second_user"}, st.Target) {
				return s.errorf(q+".target", "want victim, server or second_user, got %q", st.Target)
			}
		}
	}
	return nil
}

func (s *Scenario) validateNoise() error {
	seen := map[string]bool{}
	for _, sc := range s.Scripts {
		seen[sc.Name] = true
	}
	for i, n := range s.Noise {
		p := fmt.Sprintf("$.noise[%d]", i)
		switch {
		case n.Name == "" || seen[n.Name]:
			return s.errorf(p+".name", "want a name unique among scripts and noise, got %q", n.Name)
		case n.Title == "":
			return s.errorf(p+".title", "want the alert title")
		case !slices.Contains(products, n.Product):
			return s.errorf(p+".product", "want one of %s, got %q", strings.Join(products, ", "), n.Product)
		case len(n.Techniques) == 0:
			return s.errorf(p+".techniques", "want at least one technique id")
		case n.Weight < 0:
			return s.errorf(p+".weight", "want a number ≥ 0, got %g", n.Weight)
		case n.Verdict != string(debrief.VerdictBenignPositive) && n.Verdict != string(debrief.VerdictFalsePositive):
			return s.errorf(p+".verdict", "want benign_positive or false_positive, got %q", n.Verdict)
		case !slices.Contains([]string{"user", "admin", "tester", "service"}, n.Who):
			return s.errorf(p+".who", "want user, admin, tester or service, got %q", n.Who)
		case n.Alerts.Min < 1:
			return s.errorf(p+".alerts", "want at least 1")
		}
		if want := noiseDeterminations[n.Verdict]; !slices.Contains(want, n.Determination) {
			return s.errorf(p+".determination", "for %s want one of %s, got %q", n.Verdict, strings.Join(want, ", "), n.Determination)
		}
		if sev, ok := debrief.ParseSeverity(n.Severity); !ok || sev == debrief.SeverityUnknown {
			return s.errorf(p+".severity", "want informational, low, medium, high or critical, got %q", n.Severity)
		}
		for j, t := range n.Techniques {
			if _, err := debrief.ParseTechniqueID(t); err != nil {
				return s.errorf(fmt.Sprintf("%s.techniques[%d]", p, j), "%v", err)
			}
		}
		seen[n.Name] = true
	}
	return nil
}

func (s *Scenario) validateSOC() error {
	c := s.SOC
	shifts := map[string]bool{}
	for i, sh := range c.Shifts {
		p := fmt.Sprintf("$.soc.shifts[%d]", i)
		if sh.Name == "" || shifts[sh.Name] {
			return s.errorf(p+".name", "want a unique name, got %q", sh.Name)
		}
		if sh.Hours <= 0 || sh.Hours > 24 {
			return s.errorf(p+".hours", "want 0–24 hours, got %g", sh.Hours)
		}
		for j, d := range sh.Days {
			if !slices.Contains(weekdays, strings.ToLower(d)) {
				return s.errorf(fmt.Sprintf("%s.days[%d]", p, j), "want mon, tue, wed, thu, fri, sat or sun, got %q", d)
			}
		}
		shifts[sh.Name] = true
	}
	if err := s.validateAnalysts(shifts); err != nil {
		return err
	}
	for _, pr := range []struct {
		path string
		v    float64
	}{{"contain_effective", c.ContainEffective}, {"wrong_verdict", c.WrongVerdict}, {"reopen", c.Reopen},
		{"reopen_after_wrong", c.ReopenAfterWrong}, {"escalate", c.Escalate}, {"unresolved", c.Unresolved}} {
		if !isProb(pr.v) {
			return s.errorf("$.soc."+pr.path, "want a probability 0–1, got %g", pr.v)
		}
	}
	switch {
	case c.Acknowledge.Median <= 0 || c.Resolve.Median <= 0 || c.Contain.Median <= 0 || c.ReopenDelay.Median <= 0:
		return s.errorf("$.soc", "acknowledge, resolve, contain and reopen_delay: want medians above 0")
	case c.TruePositiveFactor <= 0 || c.WeekendFactor <= 0:
		return s.errorf("$.soc", "true_positive_factor and weekend_factor: want numbers above 0")
	case c.Capacity < 1 || c.Overload < 0:
		return s.errorf("$.soc", "capacity: want at least 1; overload: want ≥ 0")
	}
	return nil
}

func (s *Scenario) validateAnalysts(shifts map[string]bool) error {
	names := map[string]bool{}
	tier1 := false
	for i, a := range s.SOC.Analysts {
		p := fmt.Sprintf("$.soc.analysts[%d]", i)
		switch {
		case a.Name == "" || names[a.Name]:
			return s.errorf(p+".name", "want a unique name, got %q", a.Name)
		case !shifts[a.Shift]:
			return s.errorf(p+".shift", "want one of the shifts, got %q", a.Shift)
		case a.Tier < 1 || a.Tier > 3:
			return s.errorf(p+".tier", "want 1, 2 or 3, got %d", a.Tier)
		case a.Speed < 0 || a.Accuracy < 0:
			return s.errorf(p, "speed and accuracy: want numbers ≥ 0")
		}
		names[a.Name] = true
		tier1 = tier1 || a.Tier == 1
	}
	if !tier1 {
		return s.errorf("$.soc.analysts", "want at least one tier 1 analyst")
	}
	return nil
}

func (s *Scenario) validateSkills() error {
	names := map[string]bool{}
	analysts := map[string]bool{}
	for _, a := range s.SOC.Analysts {
		analysts[a.Name] = true
	}
	for _, list := range []struct {
		path   string
		skills []Skill
	}{{"$.gaps", s.Gaps}, {"$.strengths", s.Strengths}} {
		for i, k := range list.skills {
			p := fmt.Sprintf("%s[%d]", list.path, i)
			if err := s.validateSkill(p, k, names, analysts); err != nil {
				return err
			}
			names[k.Name] = true
		}
	}
	return nil
}

func (s *Scenario) validateSkill(p string, k Skill, names, analysts map[string]bool) error {
	switch {
	case k.Name == "" || names[k.Name]:
		return s.errorf(p+".name", "want a unique name, got %q", k.Name)
	case (k.Tactic == "") == (k.Technique == ""):
		return s.errorf(p, "want either a tactic or a technique")
	case k.Acknowledge < 0 || k.Resolve < 0:
		return s.errorf(p, "acknowledge and resolve: want factors ≥ 0")
	case !isProb(k.WrongVerdict) || !isProb(k.Reopen) || !isProb(k.Escalate):
		return s.errorf(p, "wrong_verdict, reopen and escalate: want probabilities 0–1")
	case k.Acknowledge == 0 && k.Resolve == 0 && k.WrongVerdict == 0 && k.Reopen == 0 && k.Escalate == 0:
		return s.errorf(p, "want at least one of acknowledge, resolve, wrong_verdict, reopen, escalate")
	}
	if k.Technique != "" {
		if _, err := debrief.ParseTechniqueID(k.Technique); err != nil {
			return s.errorf(p+".technique", "%v", err)
		}
	}
	for j, a := range k.Analysts {
		if !analysts[a] {
			return s.errorf(fmt.Sprintf("%s.analysts[%d]", p, j), "no analyst is named %q", a)
		}
	}
	return nil
}

func (s *Scenario) validateTrends() error {
	sources := map[string]bool{}
	for _, sc := range s.Scripts {
		sources[sc.Name] = true
	}
	for _, n := range s.Noise {
		sources[n.Name] = true
	}
	for i, t := range s.Trends {
		p := fmt.Sprintf("$.trends[%d]", i)
		switch {
		case t.Name == "":
			return s.errorf(p+".name", "want a name")
		case !sources[t.Source]:
			return s.errorf(p+".source", "want the name of a script or noise, got %q", t.Source)
		case t.Kind != TrendEmerge && t.Kind != TrendFade && t.Kind != TrendSeasonal:
			return s.errorf(p+".kind", "want emerge, fade or seasonal, got %q", t.Kind)
		case t.Kind == TrendSeasonal && (t.Period <= 0 || t.Amplitude < 0 || t.Amplitude > 1):
			return s.errorf(p, "seasonal: want period_days above 0 and amplitude 0–1")
		case t.Kind != TrendSeasonal && (t.StartDay < 0 || t.EndDay <= t.StartDay || t.From < 0 || t.To < 0):
			return s.errorf(p, "want 0 ≤ start_day < end_day and from, to ≥ 0")
		case t.Kind != TrendSeasonal && t.Technique == "":
			return s.errorf(p+".technique", "want the technique that %ss", t.Kind)
		}
		if t.Technique != "" {
			if _, err := debrief.ParseTechniqueID(t.Technique); err != nil {
				return s.errorf(p+".technique", "%v", err)
			}
		}
	}
	return nil
}

func isProb(p float64) bool { return p >= 0 && p <= 1 }
