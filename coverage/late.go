package coverage

import (
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
)

// killChain is the order of the Enterprise tactics, with ATT&CK v19's
// stealth and defense-impairment where v18's defense-evasion stands.
func killChain() [16]string {
	return [...]string{
		"reconnaissance", "resource-development", "initial-access", "execution", "persistence",
		"privilege-escalation", "defense-evasion", "stealth", "defense-impairment", "credential-access",
		"discovery", "lateral-movement", "collection", "command-and-control", "exfiltration", "impact",
	}
}

// stageOf gives a tactic's position in the kill chain; ok is false for a
// tactic outside the Enterprise matrix. Spellings are folded by cat when
// given ("TA0002", "Execution"), else by case, spaces and underscores.
func stageOf(cat *attack.Catalog, tactic string) (int, bool) {
	name := strings.NewReplacer(" ", "-", "_", "-").Replace(strings.ToLower(strings.TrimSpace(tactic)))
	if cat != nil {
		if t, ok := cat.Tactic(tactic); ok {
			name = t.Shortname
		}
	}
	k := killChain()
	i := slices.Index(k[:], name)
	return i, i >= 0
}

// sighting is when a technique was first alerted on and its earliest
// kill-chain stage.
type sighting struct {
	first time.Time
	stage int // -1 when unknown
}

// markLate sets Late on the observations whose first alert came after an
// alert carrying a technique of a later stage: a technique detected only
// once the attack had moved on. Techniques without a timed alert or a
// known stage are never late, and never make another late.
func markLate(obs []Observation, in *debrief.Incident, cat *attack.Catalog) {
	seen := sightings(in, cat)
	for i := range obs {
		o := &obs[i]
		s, ok := seen[o.ID]
		if !ok || s.stage < 0 {
			continue
		}
		for _, p := range obs {
			q, ok := seen[p.ID]
			if ok && q.stage > s.stage && q.first.Before(s.first) {
				o.After = append(o.After, p.ID)
			}
		}
		o.Late = len(o.After) > 0
	}
}

// sightings finds, for each technique carried by a timed alert, its
// first alert's creation time and its earliest stage among the tactics
// the alerts give for it (else cat's tactics for it).
func sightings(in *debrief.Incident, cat *attack.Catalog) map[debrief.TechniqueID]sighting {
	m := map[debrief.TechniqueID]sighting{}
	for _, a := range in.Alerts {
		if a.Created.IsZero() {
			continue
		}
		for _, t := range a.Techniques {
			s, ok := m[t.ID]
			if !ok {
				s = sighting{first: a.Created, stage: -1}
			}
			if a.Created.Before(s.first) {
				s.first = a.Created
			}
			s.stage = earliest(s.stage, cat, tacticsOf(t, a, cat))
			m[t.ID] = s
		}
	}
	return m
}

// tacticsOf is the technique's tactics as the alert gives them, the
// alert's when it carries this technique alone, else cat's.
func tacticsOf(t debrief.Technique, a debrief.Alert, cat *attack.Catalog) []string {
	switch {
	case len(t.Tactics) > 0:
		return t.Tactics
	case len(a.Tactics) > 0 && len(a.Techniques) == 1:
		return a.Tactics
	case cat != nil:
		if k, ok := cat.Technique(string(t.ID)); ok {
			return k.Tactics
		}
	}
	return nil
}

func earliest(stage int, cat *attack.Catalog, tactics []string) int {
	for _, name := range tactics {
		if i, ok := stageOf(cat, name); ok && (stage < 0 || i < stage) {
			stage = i
		}
	}
	return stage
}

func joinIDs(ids []debrief.TechniqueID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, ", ")
}
