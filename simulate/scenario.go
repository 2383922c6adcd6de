package simulate

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

//go:embed default.yaml
var defaultYAML []byte

// Scenario configures a simulation: the organisation, the adversaries, the
// everyday noise, the SOC and what is planted in it. The YAML schema is
// documented in default.yaml, which is also the default scenario.
type Scenario struct {
	Name            string       `yaml:"name"`
	Description     string       `yaml:"description"`
	Start           Date         `yaml:"start"`             // first simulated day (UTC)
	Days            int          `yaml:"days"`              // length of the simulation
	IncidentsPerDay float64      `yaml:"incidents_per_day"` // mean incidents raised per day, before trends
	Mix             Mix          `yaml:"mix"`
	WeekendFactor   float64      `yaml:"weekend_factor"` // noise and scripted incidents on Saturday and Sunday relative to weekdays
	Organisation    Organisation `yaml:"organisation"`
	Actors          Actors       `yaml:"actors"`
	KillChain       KillChain    `yaml:"kill_chain"`
	Detection       Detection    `yaml:"detection"`
	Scripts         []Script     `yaml:"scripts"`
	Noise           []Noise      `yaml:"noise"`
	SOC             SOC          `yaml:"soc"`
	Gaps            []Skill      `yaml:"gaps"`
	Strengths       []Skill      `yaml:"strengths"`
	Trends          []Trend      `yaml:"trends"`

	file string    // where the scenario came from, for errors
	ast  *ast.File // its syntax tree, for the line numbers of errors
}

// Mix is the share of each kind of incident among the daily incidents.
type Mix struct {
	Intrusions float64 `yaml:"intrusions"` // multi-stage intrusions by ATT&CK groups and campaigns
	Scripted   float64 `yaml:"scripted"`   // the scripted attack paths
	Noise      float64 `yaml:"noise"`      // benign and false positives
}

// Organisation sizes the simulated company.
type Organisation struct {
	Name         string `yaml:"name"`
	Domain       string `yaml:"domain"` // mail and UPN domain
	Users        int    `yaml:"users"`  // each with a mailbox and a workstation
	Servers      int    `yaml:"servers"`
	Admins       int    `yaml:"admins"` // users in IT who run admin tools
	TenantID     string `yaml:"tenant_id"`
	Subscription string `yaml:"subscription"` // Azure subscription of the Sentinel workspace
}

// Actors chooses the ATT&CK groups and campaigns behind the intrusions.
type Actors struct {
	Groups        []string `yaml:"groups"`         // ATT&CK group ids; with auto_groups, added to the automatic choice
	Campaigns     []string `yaml:"campaigns"`      // ATT&CK campaign ids (each needs an attributed group)
	AutoGroups    int      `yaml:"auto_groups"`    // groups with rich profiles to pick at random
	AutoCampaigns int      `yaml:"auto_campaigns"` // attributed campaigns to pick at random
	MinTechniques int      `yaml:"min_techniques"` // a rich profile has at least this many techniques …
	MinTactics    int      `yaml:"min_tactics"`    // … in at least this many tactics
	ClusterDays   IntRange `yaml:"cluster_days"`   // how long one of our campaign clusters lasts
}

// KillChain shapes an intrusion.
type KillChain struct {
	SkipTactics       []string  `yaml:"skip_tactics"`       // tactics that happen outside the organisation
	TacticProbability float64   `yaml:"tactic_probability"` // chance that each later tactic occurs
	StepsPerTactic    IntRange  `yaml:"steps_per_tactic"`
	Duration          LogNormal `yaml:"duration"` // first to last step
}

// Detection is the true coverage: the chance that a step raises an alert.
type Detection struct {
	Default    float64            `yaml:"default"`
	Tactics    map[string]float64 `yaml:"tactics"`    // by tactic shortname
	Techniques map[string]float64 `yaml:"techniques"` // by technique id; a parent's value covers its sub-techniques
	Spread     float64            `yaml:"spread"`     // per-technique deviation from the tactic's value (uniform ±)
	Delay      LogNormal          `yaml:"delay"`      // step → alert
	Late       float64            `yaml:"late"`       // share of detections that come late (retro hunts, batch analytics)
	LateDelay  LogNormal          `yaml:"late_delay"`
}

// Script is a fixed attack path, such as the two investigation paths of
// Microsoft's first-incident guide.
type Script struct {
	Name     string       `yaml:"name"`
	Title    string       `yaml:"title"`
	Share    float64      `yaml:"share"`    // weight among the scripted incidents
	Actor    string       `yaml:"actor"`    // an ATT&CK group id, or "" for unattributed
	Clusters IntRange     `yaml:"clusters"` // how many waves (our campaign clusters) over the simulation
	Steps    []ScriptStep `yaml:"steps"`
}

// ScriptStep is one step of a script.
type ScriptStep struct {
	Technique string   `yaml:"technique"`
	Tactic    string   `yaml:"tactic"`   // the tactic it serves; default: the technique's first
	After     Duration `yaml:"after"`    // median time after the previous step
	Optional  float64  `yaml:"optional"` // chance the step is skipped
	Target    string   `yaml:"target"`   // victim (default), server, second_user
}

// Noise is a kind of everyday alert that is not an attack.
type Noise struct {
	Name          string   `yaml:"name"`
	Title         string   `yaml:"title"`
	Product       string   `yaml:"product"` // endpoint, email, identity, directory, cloud_app
	Techniques    []string `yaml:"techniques"`
	Weight        float64  `yaml:"weight"`
	Verdict       string   `yaml:"verdict"`       // benign_positive or false_positive
	Determination string   `yaml:"determination"` // security_testing, line_of_business, confirmed_activity, clean …
	Severity      string   `yaml:"severity"`
	Who           string   `yaml:"who"`     // user, admin, tester, service
	Process       string   `yaml:"process"` // image name shown on endpoint alerts
	Alerts        IntRange `yaml:"alerts"`  // alerts per incident
}

// SOC describes the team and how it works.
type SOC struct {
	Shifts             []Shift   `yaml:"shifts"`
	Analysts           []Analyst `yaml:"analysts"`
	Acknowledge        LogNormal `yaml:"acknowledge"` // created → first triage, once an analyst is on shift
	Resolve            LogNormal `yaml:"resolve"`     // created → resolved, for benign and false positives
	TruePositiveFactor float64   `yaml:"true_positive_factor"`
	Contain            LogNormal `yaml:"contain"`           // first triage → containment of a true positive
	ContainEffective   float64   `yaml:"contain_effective"` // chance containment stops the intrusion
	WrongVerdict       float64   `yaml:"wrong_verdict"`
	Reopen             float64   `yaml:"reopen"`             // chance a correctly closed incident is reopened
	ReopenAfterWrong   float64   `yaml:"reopen_after_wrong"` // chance a wrongly closed one is found out
	ReopenDelay        LogNormal `yaml:"reopen_delay"`
	Escalate           float64   `yaml:"escalate"` // chance tier 1 hands an incident to tier 2
	Capacity           int       `yaml:"capacity"` // open incidents per analyst before work slows
	Overload           float64   `yaml:"overload"` // slow-down per open incident above capacity
	WeekendFactor      float64   `yaml:"weekend_factor"`
	Unresolved         float64   `yaml:"unresolved"` // share of incidents never closed
}

// Shift is a recurring working time, in UTC.
type Shift struct {
	Name  string   `yaml:"name"`
	Start Clock    `yaml:"start"`
	Hours float64  `yaml:"hours"`
	Days  []string `yaml:"days"` // mon … sun
}

// Analyst is one member of the SOC.
type Analyst struct {
	Name     string  `yaml:"name"`
	Email    string  `yaml:"email"` // default: first.last@domain
	Tier     int     `yaml:"tier"`
	Shift    string  `yaml:"shift"`
	Speed    float64 `yaml:"speed"`    // multiplies acknowledge and resolve times; 1 = team
	Accuracy float64 `yaml:"accuracy"` // multiplies the wrong-verdict chance; 1 = team
}

// Skill is a planted gap or strength: for incidents with a technique or
// tactic, handled by some analysts (or all), times are multiplied and
// chances replaced.
type Skill struct {
	Name         string   `yaml:"name"`
	Analysts     []string `yaml:"analysts"` // empty: the whole team
	Tactic       string   `yaml:"tactic"`
	Technique    string   `yaml:"technique"` // a parent covers its sub-techniques
	Acknowledge  float64  `yaml:"acknowledge"`
	Resolve      float64  `yaml:"resolve"`
	WrongVerdict float64  `yaml:"wrong_verdict"` // chance of closing a true positive as benign
	Reopen       float64  `yaml:"reopen"`
	Escalate     float64  `yaml:"escalate"`
}

// Trend is a planted change over time in how often a source of incidents
// (a script or a noise kind) occurs.
type Trend struct {
	Name      string  `yaml:"name"`
	Kind      string  `yaml:"kind"`      // emerge, fade or seasonal
	Source    string  `yaml:"source"`    // a script or noise name
	Technique string  `yaml:"technique"` // the technique that emerges or fades
	StartDay  int     `yaml:"start_day"`
	EndDay    int     `yaml:"end_day"`
	From      float64 `yaml:"from"` // incidents per day at start_day (emerge, fade)
	To        float64 `yaml:"to"`   // … at end_day
	Period    float64 `yaml:"period_days"`
	Amplitude float64 `yaml:"amplitude"`
}

// Trend kinds.
const (
	TrendEmerge   = "emerge"
	TrendFade     = "fade"
	TrendSeasonal = "seasonal"
)

// LogNormal is a log-normal distribution given by its median and the
// standard deviation of its logarithm.
type LogNormal struct {
	Median Duration `yaml:"median"`
	Sigma  float64  `yaml:"sigma"`
}

// Mean is the distribution's mean: median × exp(σ²/2).
func (l LogNormal) Mean() time.Duration {
	return time.Duration(float64(l.Median) * math.Exp(l.Sigma*l.Sigma/2))
}

// IntRange is an inclusive range of whole numbers, written "2-5" or "3".
type IntRange struct{ Min, Max int }

// UnmarshalYAML reads "2-5", "3" or [2, 5].
func (r *IntRange) UnmarshalYAML(n ast.Node) error {
	s := scalar(n)
	if seq, ok := n.(*ast.SequenceNode); ok && len(seq.Values) == 2 {
		s = scalar(seq.Values[0]) + "-" + scalar(seq.Values[1])
	}
	lo, hi, ok := strings.Cut(s, "-")
	if !ok {
		hi = lo
	}
	a, err1 := strconv.Atoi(strings.TrimSpace(lo))
	z, err2 := strconv.Atoi(strings.TrimSpace(hi))
	if err1 != nil || err2 != nil || a < 0 || z < a {
		return nodeError(n, "want a range such as 2-5 or a number, got %q", s)
	}
	*r = IntRange{a, z}
	return nil
}

// MarshalYAML writes "2-5".
func (r IntRange) MarshalYAML() ([]byte, error) {
	return []byte(fmt.Sprintf("%d-%d", r.Min, r.Max)), nil
}

// Duration is a time.Duration written as "90s", "45m", "36h", "2d" or "1w".
type Duration time.Duration

// UnmarshalYAML parses a duration with the units of time.ParseDuration
// plus d (day) and w (week).
func (d *Duration) UnmarshalYAML(n ast.Node) error {
	v, err := parseDuration(scalar(n))
	if err != nil {
		return nodeError(n, "%v", err)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as time.Duration prints it.
func (d Duration) MarshalYAML() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

func parseDuration(s string) (time.Duration, error) {
	for _, u := range []struct {
		suffix string
		unit   time.Duration
	}{{"d", 24 * time.Hour}, {"w", 7 * 24 * time.Hour}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(n, 64)
			if err != nil || f < 0 {
				return 0, fmt.Errorf("want a duration such as 45m, 36h or 2d, got %q", s)
			}
			return time.Duration(f * float64(u.unit)), nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("want a duration such as 45m, 36h or 2d, got %q", s)
	}
	return v, nil
}

// Date is a calendar day, written 2026-01-05.
type Date struct{ time.Time }

// UnmarshalYAML parses YYYY-MM-DD as midnight UTC.
func (d *Date) UnmarshalYAML(n ast.Node) error {
	t, err := time.Parse(time.DateOnly, scalar(n))
	if err != nil {
		return nodeError(n, "want a date such as 2026-01-05, got %q", scalar(n))
	}
	d.Time = t
	return nil
}

// MarshalYAML writes YYYY-MM-DD.
func (d Date) MarshalYAML() ([]byte, error) { return []byte(d.Format(time.DateOnly)), nil }

// Clock is a time of day, written 07:30.
type Clock time.Duration

// UnmarshalYAML parses HH:MM.
func (c *Clock) UnmarshalYAML(n ast.Node) error {
	t, err := time.Parse("15:04", scalar(n))
	if err != nil {
		return nodeError(n, "want a time of day such as 07:30, got %q", scalar(n))
	}
	*c = Clock(time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute)
	return nil
}

// MarshalYAML writes HH:MM.
func (c Clock) MarshalYAML() ([]byte, error) {
	d := time.Duration(c)
	return []byte(fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)), nil
}

// scalar returns the text of a scalar node.
func scalar(n ast.Node) string {
	if s, ok := n.(ast.ScalarNode); ok {
		return strings.TrimSpace(fmt.Sprint(s.GetValue()))
	}
	return strings.TrimSpace(n.String())
}

// nodeError is an error at n's position, in go-yaml's "[line:col] msg"
// form so that yamlError renders it like the parser's own.
func nodeError(n ast.Node, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if tok := n.GetToken(); tok != nil && tok.Position != nil {
		return fmt.Errorf("[%d:%d] %s", tok.Position.Line, tok.Position.Column, msg)
	}
	return errors.New(msg)
}

// DefaultScenario returns the built-in scenario (a new copy each call).
func DefaultScenario() *Scenario {
	s, err := parseOnto(&Scenario{}, defaultYAML, "default.yaml")
	if err != nil {
		panic("simulate: the embedded default scenario is invalid: " + err.Error())
	}
	return s
}

// DefaultScenarioYAML returns the text of the default scenario, which
// documents every setting.
func DefaultScenarioYAML() []byte { return append([]byte(nil), defaultYAML...) }

// ParseScenario reads a scenario. Settings it leaves out keep the default
// scenario's values; a list it sets replaces the default's list. file
// names the input in errors.
func ParseScenario(data []byte, file string) (*Scenario, error) {
	return parseOnto(DefaultScenario(), data, file)
}

// LoadScenario reads the scenario file at path (see ParseScenario).
func LoadScenario(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	return ParseScenario(data, path)
}

func parseOnto(s *Scenario, data []byte, file string) (*Scenario, error) {
	if err := yaml.UnmarshalWithOptions(data, s, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("scenario %s:%s", file, yamlError(err))
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, fmt.Errorf("scenario %s:%s", file, yamlError(err))
	}
	s.file, s.ast = file, f
	if err := s.validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// yamlError renders a go-yaml error as "line:col: message".
func yamlError(err error) string {
	msg := yaml.FormatError(err, false, false)
	if strings.HasPrefix(msg, "[") {
		if end := strings.Index(msg, "]"); end > 0 {
			return msg[1:end] + ":" + strings.TrimRight(msg[end+1:], "\n")
		}
	}
	return " " + msg
}

// errorf reports a bad setting at path ("$.gaps[1].technique") with the
// line it is on when the scenario's text has it.
func (s *Scenario) errorf(path, format string, args ...any) error {
	loc := s.file
	if p, err := yaml.PathString(path); err == nil && s.ast != nil {
		if n, err := p.FilterFile(s.ast); err == nil && n != nil {
			if tok := n.GetToken(); tok != nil && tok.Position != nil {
				loc += ":" + strconv.Itoa(tok.Position.Line)
			}
		}
	}
	field := strings.TrimPrefix(path, "$.")
	return fmt.Errorf("scenario %s: %s: %s", loc, field, fmt.Sprintf(format, args...))
}
