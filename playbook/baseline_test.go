package playbook_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// The baselines below are plain reference implementations of the triggers
// BenchmarkMatch1000 and BenchmarkReplay read from YAML: the same
// conditions written by hand in Go, over facts gathered the same way (a
// set of techniques with their parents, tactics, entity kinds and tags per
// incident). "go run ./bench ./playbook" prints the generic matcher's time
// as a multiple of them.

// refFacts are an incident's facts for the hand-written triggers.
type refFacts struct {
	severity                  int
	verdict                   string
	techniques, tactics, tags map[string]bool
	entityKinds               map[string]bool
}

func newRefFacts(in *debrief.Incident) refFacts {
	f := refFacts{severity: in.Severity.Rank(), verdict: string(in.Verdict), techniques: map[string]bool{},
		tactics: map[string]bool{}, tags: map[string]bool{}, entityKinds: map[string]bool{}}
	for _, t := range in.Techniques {
		f.techniques[string(t)] = true
		f.techniques[string(t.Parent())] = true
	}
	for _, t := range in.Tactics {
		f.tactics[debrief.TacticKey(t)] = true
	}
	for _, t := range in.Tags {
		f.tags[strings.ToLower(t)] = true
	}
	for i := range in.Alerts {
		for _, t := range in.Alerts[i].Techniques {
			f.techniques[string(t.ID)] = true
			f.techniques[string(t.ID.Parent())] = true
		}
		for _, e := range in.Alerts[i].Entities {
			f.entityKinds[string(e.Kind)] = true
		}
	}
	return f
}

func BenchmarkMatch1000Baseline(b *testing.B) {
	techs := []string{"T1059", "T1566.001", "T1486", "T1078", "T1021.001"}
	type trig struct{ a, b string }
	trigs := make([]trig, 1000)
	for i := range trigs {
		trigs[i] = trig{techs[i%len(techs)], fmt.Sprintf("T%04d", 1000+i)}
	}
	medium := debrief.SeverityMedium.Rank()
	in := incident()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		f := newRefFacts(in)
		for _, t := range trigs {
			if f.severity >= medium && f.verdict != "false_positive" &&
				(f.techniques[t.a] || f.techniques[t.b] || f.tactics["lateral-movement"] || f.entityKinds["mailbox"]) {
				n++
			}
		}
	}
	if n == 0 {
		b.Fatal("nothing matched")
	}
}

func BenchmarkReplayBaseline(b *testing.B) {
	type trig struct{ name, tech, tag string }
	trigs := make([]trig, 50)
	for i := range trigs {
		trigs[i] = trig{fmt.Sprintf("p%d", i), fmt.Sprintf("T%04d", 1000+i), fmt.Sprintf("t%d", i)}
	}
	ins := replayIncidents()
	medium := debrief.SeverityMedium.Rank()
	type hit struct {
		incident  string
		playbooks []string
	}
	b.ReportAllocs()
	for b.Loop() {
		per := map[string]int{}
		var hits []hit
		for i := range ins {
			f := newRefFacts(&ins[i])
			h := hit{incident: ins[i].ID}
			for _, t := range trigs {
				if f.severity >= medium && (f.techniques[t.tech] || f.techniques["T1059"] || f.tags[t.tag]) {
					h.playbooks = append(h.playbooks, t.name)
					per[t.name]++
				}
			}
			if len(h.playbooks) > 0 {
				hits = append(hits, h)
			}
		}
		if len(hits) == 0 {
			b.Fatal("nothing matched")
		}
	}
}

// replayIncidents are the 100,000 incidents BenchmarkReplay replays.
func replayIncidents() []debrief.Incident {
	ins := make([]debrief.Incident, 100_000)
	base := incident()
	for i := range ins {
		in := *base
		in.ID = fmt.Sprintf("defender:%d", i)
		in.Alerts = nil
		in.Severity = debrief.Severities[i%5]
		in.Times.Contained = in.Times.Created.Add(time.Duration(i%90) * time.Minute)
		ins[i] = in
	}
	return ins
}
