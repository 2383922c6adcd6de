package simulate

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// analyst is a member of the SOC with the state the simulation keeps.
type analyst struct {
	Analyst
	idx   int
	shift *Shift
	days  [7]bool
	open  timeHeap // resolution times of the incidents assigned to them
	// the comments they leave when they start triage and take an
	// escalation, made once
	triageNote, escalateNote string
}

// skill is a planted gap or strength resolved against the catalog.
type skill struct {
	Skill
	gap      bool
	tactic   *tactic
	tech     debrief.TechniqueID
	analysts []int // empty: everyone
}

type soc struct {
	sc       *Scenario
	analysts []*analyst
	skills   []*skill
	// scratch lists of assign, reused
	best, pickFrom []*analyst
}

func newSOC(sc *Scenario, ts *techniques) (*soc, error) {
	s := &soc{sc: sc}
	shifts := map[string]*Shift{}
	for i := range sc.SOC.Shifts {
		shifts[sc.SOC.Shifts[i].Name] = &sc.SOC.Shifts[i]
	}
	for i, a := range sc.SOC.Analysts {
		an := &analyst{Analyst: a, idx: i, shift: shifts[a.Shift]}
		if an.Speed == 0 {
			an.Speed = 1
		}
		if an.Accuracy == 0 {
			an.Accuracy = 1
		}
		if an.Email == "" {
			an.Email = strings.ToLower(strings.ReplaceAll(a.Name, " ", ".")) + "@" + strings.ToLower(sc.Organisation.Domain)
		}
		an.triageNote = "Triage started by " + an.Name + "."
		an.escalateNote = "Escalated to tier " + itoa(an.Tier) + " (" + an.Name + ")."
		for _, d := range an.shift.Days {
			an.days[slices.Index(weekdays, strings.ToLower(d))] = true
		}
		s.analysts = append(s.analysts, an)
	}
	for _, list := range []struct {
		path   string
		skills []Skill
		gap    bool
	}{{"$.gaps", sc.Gaps, true}, {"$.strengths", sc.Strengths, false}} {
		for i, k := range list.skills {
			sk, err := s.resolveSkill(k, list.gap, ts, list.path, i)
			if err != nil {
				return nil, err
			}
			s.skills = append(s.skills, sk)
		}
	}
	return s, nil
}

func (s *soc) resolveSkill(k Skill, gap bool, ts *techniques, path string, i int) (*skill, error) {
	sk := &skill{Skill: k, gap: gap}
	if k.Tactic != "" {
		t, ok := ts.tactic(k.Tactic)
		if !ok {
			return nil, s.sc.errorf(path+"["+itoa(i)+"].tactic", "%q is not an Enterprise tactic", k.Tactic)
		}
		sk.tactic = t
	} else {
		t, err := ts.must(k.Technique, path+"["+itoa(i)+"].technique")
		if err != nil {
			return nil, err
		}
		sk.tech = t.id
	}
	for _, name := range k.Analysts {
		for _, a := range s.analysts {
			if a.Name == name {
				sk.analysts = append(sk.analysts, a.idx)
			}
		}
	}
	return sk, nil
}

// nextOnShift returns the first moment at or after t when the analyst
// works; from is shiftFrom(t), the same for every analyst.
func (a *analyst) nextOnShift(t time.Time, from shiftDay) time.Time {
	if start, ok := a.shiftAround(t, from); ok {
		return later(start, t)
	}
	return t.Add(8 * 24 * time.Hour) // never on shift
}

// shiftDay is the day before t, where the search for a shift running at
// t starts (one that began the evening before may still run), and its
// weekday.
type shiftDay struct {
	d  time.Time
	wd int
}

func shiftFrom(t time.Time) shiftDay {
	d := t.Truncate(24 * time.Hour).Add(-24 * time.Hour)
	return shiftDay{d, int(d.Weekday())}
}

// shiftAround finds the shift that is running at t or starts next: its
// start, and false when the analyst has no working day at all.
func (a *analyst) shiftAround(t time.Time, from shiftDay) (time.Time, bool) {
	const day = 24 * time.Hour
	d, wd := from.d, from.wd
	length := time.Duration(a.shift.Hours * float64(time.Hour))
	for range 9 {
		if a.days[wd] {
			start := d.Add(time.Duration(a.shift.Start))
			if t.Before(start.Add(length)) {
				return start, true
			}
		}
		d, wd = d.Add(day), (wd+1)%7
	}
	return time.Time{}, false
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// load counts the analyst's open incidents at t.
func (a *analyst) load(t time.Time) int {
	for len(a.open) > 0 && !a.open[0].After(t) {
		a.open.pop()
	}
	return len(a.open)
}

// assign picks the analyst of the tier (or the nearest tier that has
// one) who is on shift soonest after t, the least loaded among those on
// shift then. It returns the analyst and when they can start.
func (s *soc) assign(t time.Time, tier int, r *rng, except int) (*analyst, time.Time) {
	best := s.best[:0]
	var when time.Time
	from := shiftFrom(t)
	for _, tr := range [...]int{tier, tier + 1, tier - 1, 1, 2, 3} {
		for _, a := range s.analysts {
			if a.Tier != tr || a.idx == except {
				continue
			}
			at := a.nextOnShift(t, from)
			switch {
			case len(best) == 0 || at.Before(when):
				best, when = append(best[:0], a), at
			case at.Equal(when):
				best = append(best, a)
			}
		}
		if len(best) > 0 && when.Sub(t) < 3*24*time.Hour {
			break
		}
	}
	minLoad := -1
	pickFrom := s.pickFrom[:0]
	for _, a := range best {
		l := a.load(when)
		switch {
		case minLoad < 0 || l < minLoad:
			minLoad, pickFrom = l, append(pickFrom[:0], a)
		case l == minLoad:
			pickFrom = append(pickFrom, a)
		}
	}
	s.best, s.pickFrom = best, pickFrom
	return pick(r, pickFrom), when
}

// effect is what the skills matching an incident and an analyst do.
type effect struct {
	ack, resolve     float64
	wrong            float64 // chance of a wrong verdict on a benign or false positive
	missed           float64 // chance of closing a true positive as benign (a wrong verdict on it)
	reopen, escalate float64
	skills           []string // names of the matching skills
}

// effect combines the team defaults with the skills that match the
// incident's techniques for the analyst: factors multiply, and a
// probability a skill sets replaces the default (the highest wins). A
// skill's wrong_verdict is the chance of closing a true positive as
// benign.
func (s *soc) effect(a *analyst, techs []*technique) effect {
	c := s.sc.SOC
	e := effect{ack: 1, resolve: 1, wrong: c.WrongVerdict, missed: c.WrongVerdict, reopen: c.Reopen, escalate: c.Escalate}
	for _, k := range s.skills {
		if !k.matches(a, techs) {
			continue
		}
		e.skills = append(e.skills, k.Name)
		if k.Acknowledge > 0 {
			e.ack *= k.Acknowledge
		}
		if k.Resolve > 0 {
			e.resolve *= k.Resolve
		}
		e.missed = maxIf(e.missed, k.WrongVerdict, c.WrongVerdict)
		e.reopen = maxIf(e.reopen, k.Reopen, c.Reopen)
		e.escalate = maxIf(e.escalate, k.Escalate, c.Escalate)
	}
	return e
}

// maxIf applies a skill's probability v over cur (which starts at def):
// 0 leaves it alone; the first setting replaces the default; more take
// the highest.
func maxIf(cur, v, def float64) float64 {
	switch {
	case v == 0:
		return cur
	case cur == def:
		return v
	}
	return max(cur, v)
}

func (k *skill) matches(a *analyst, techs []*technique) bool {
	if len(k.analysts) > 0 && (a == nil || !slices.Contains(k.analysts, a.idx)) {
		return false
	}
	for _, t := range techs {
		if k.tactic != nil && slices.Contains(t.tactics, k.tactic) {
			return true
		}
		if k.tech != "" && (t.id == k.tech || t.id.Parent() == k.tech) {
			return true
		}
	}
	return false
}

func itoa(i int) string { return strconv.Itoa(i) }

// timeHeap is a min-heap of times. Its push and pop are container/heap's
// steps on a typed slice: no time is boxed in an interface.
type timeHeap []time.Time

func (h *timeHeap) push(t time.Time) {
	*h = append(*h, t)
	s := *h
	for j := len(s) - 1; j > 0; {
		i := (j - 1) / 2
		if !s[j].Before(s[i]) {
			break
		}
		s[i], s[j] = s[j], s[i]
		j = i
	}
}

// pop removes the earliest time.
func (h *timeHeap) pop() {
	s := *h
	n := len(s) - 1
	s[0], s[n] = s[n], s[0]
	for i := 0; ; {
		j := 2*i + 1
		if j >= n {
			break
		}
		if j2 := j + 1; j2 < n && s[j2].Before(s[j]) {
			j = j2
		}
		if !s[j].Before(s[i]) {
			break
		}
		s[i], s[j] = s[j], s[i]
		i = j
	}
	*h = s[:n]
}

// analystByEmail finds an analyst by email; nil when none has it.
func (g *gen) analystByEmail(email string) *analyst {
	for _, a := range g.soc.analysts {
		if a.Email == email {
			return a
		}
	}
	return nil
}
