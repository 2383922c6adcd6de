package simulate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/simulate"
)

func TestDefaultScenario(t *testing.T) {
	s := simulate.DefaultScenario()
	switch {
	case s.Name != "default" || s.Days != 180 || s.IncidentsPerDay != 40:
		t.Errorf("name, days, incidents per day = %q, %d, %g; want default, 180, 40", s.Name, s.Days, s.IncidentsPerDay)
	case s.Start.Format(time.DateOnly) != "2026-01-05":
		t.Errorf("start = %s, want 2026-01-05", s.Start.Format(time.DateOnly))
	case len(s.Scripts) < 2 || len(s.Noise) == 0 || len(s.SOC.Analysts) == 0 || len(s.Gaps) == 0 || len(s.Trends) == 0:
		t.Errorf("default scenario lacks scripts, noise, analysts, gaps or trends: %+v", s)
	case s.Detection.Delay.Median != simulate.Duration(6*time.Minute):
		t.Errorf("detection delay median = %v, want 6m", time.Duration(s.Detection.Delay.Median))
	case s.Actors.ClusterDays != (simulate.IntRange{Min: 10, Max: 45}):
		t.Errorf("cluster days = %+v, want 10-45", s.Actors.ClusterDays)
	}
	// Each call is a fresh copy.
	s.Days = 1
	if simulate.DefaultScenario().Days != 180 {
		t.Error("DefaultScenario shares state between calls")
	}
}

func TestParseScenarioOverlay(t *testing.T) {
	s, err := simulate.ParseScenario([]byte("days: 30\nincidents_per_day: 12.5\nnoise:\n"+
		"  - {name: only, title: Only noise, product: endpoint, techniques: [T1059.001], weight: 1,\n"+
		"     verdict: false_positive, determination: clean, severity: low, who: user, alerts: 1}\ntrends: []\n"), "mine.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Days != 30 || s.IncidentsPerDay != 12.5 {
		t.Errorf("days, incidents per day = %d, %g; want 30, 12.5", s.Days, s.IncidentsPerDay)
	}
	if len(s.Noise) != 1 || s.Noise[0].Name != "only" {
		t.Errorf("noise = %+v, want the one kind given (lists replace)", s.Noise)
	}
	if len(s.Scripts) != len(simulate.DefaultScenario().Scripts) {
		t.Errorf("scripts = %d, want the default's %d (left out, kept)", len(s.Scripts), len(simulate.DefaultScenario().Scripts))
	}
}

func TestParseScenarioErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown field", "days: 3\nbogus: 1\n", `mine.yaml:2:1: unknown field "bogus"`},
		{"bad duration", "kill_chain:\n  duration: {median: 3x}\n", `mine.yaml:2:22: want a duration such as 45m, 36h or 2d, got "3x"`},
		{"bad range", "actors:\n  cluster_days: 9-2\n", `mine.yaml:2:17: want a range such as 2-5`},
		{"bad date", "start: 2026-13-40\n", "mine.yaml:1:8: want a date such as 2026-01-05"},
		{"days", "days: 0\n", "mine.yaml:1: days: want at least 1, got 0"},
		{"probability", "detection:\n  tactics:\n    discovery: 1.5\n", "mine.yaml:3: detection.tactics.discovery: want a probability 0–1, got 1.5"},
		{"technique id", "gaps:\n  - {name: g, technique: T15, resolve: 2}\n", "gaps[0].technique: technique id \"T15\""},
		{"duplicate gap", "gaps:\n  - {name: g, tactic: execution, resolve: 2}\n  - {name: g, tactic: impact, resolve: 2}\n",
			"mine.yaml:3: gaps[1].name: want a unique name, got \"g\""},
		{"gap needs one target", "gaps:\n  - {name: g, resolve: 2}\n", "gaps[0]: want either a tactic or a technique"},
		{"unknown analyst", "gaps:\n  - {name: g, tactic: execution, analysts: [Nobody], resolve: 2}\n",
			`gaps[0].analysts[0]: no analyst is named "Nobody"`},
		{"trend source", "trends:\n  - {name: t, kind: emerge, source: nope, technique: T1621, start_day: 1, end_day: 9, to: 2}\n",
			`trends[0].source: want the name of a script or noise, got "nope"`},
		{"noise verdict", "noise:\n  - {name: n, title: N, product: endpoint, techniques: [T1105], weight: 1, verdict: true_positive, severity: low, who: user, alerts: 1}\n",
			`noise[0].verdict: want benign_positive or false_positive, got "true_positive"`},
		{"shift", "soc:\n  analysts:\n    - {name: A, tier: 1, shift: nights}\n", `soc.analysts[0].shift: want one of the shifts, got "nights"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := simulate.ParseScenario([]byte(tc.yaml), "mine.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestDefaultScenarioYAMLParses(t *testing.T) {
	s, err := simulate.ParseScenario(simulate.DefaultScenarioYAML(), "default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "default" {
		t.Errorf("name = %q", s.Name)
	}
}
