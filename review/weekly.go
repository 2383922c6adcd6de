package review

import (
	"slices"
	"time"

	"github.com/debrief-dev/debrief"
)

// WeeklyCount is how many of the baseline's incidents carried a technique
// in each of its weeks.
type WeeklyCount struct {
	ID     debrief.TechniqueID `json:"id"`
	Name   string              `json:"name,omitempty"`
	Total  int                 `json:"total"`
	Counts []int               `json:"counts"` // one per BaselineWindow.Weeks
}

// weekStart is the Monday 00:00 UTC of t's ISO week.
func weekStart(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -(int(d.Weekday())+6)%7)
}

// countWeeks counts, per technique and week, the incidents created in the
// baseline (redirected ones left out, as for the metrics). An incident
// counts once for each technique it or its alerts carry, and a
// sub-technique's incidents count for its parent too.
func (b *Baseline) countWeeks(history []debrief.Incident) {
	for w := weekStart(b.Since); w.Before(b.Until); w = w.AddDate(0, 0, 7) {
		b.weeks = append(b.weeks, w)
	}
	if len(b.weeks) == 0 {
		return
	}
	b.weekly = map[debrief.TechniqueID][]int{}
	var ids []debrief.TechniqueID
	for i := range history {
		in := &history[i]
		c := effectiveTimes(in).Created
		if in.Status == debrief.StatusRedirected || c.Before(b.Since) || !c.Before(b.Until) {
			continue
		}
		ids = ids[:0]
		add := func(t debrief.TechniqueID) {
			for _, x := range []debrief.TechniqueID{t, t.Parent()} {
				if x != "" && !slices.Contains(ids, x) {
					ids = append(ids, x)
				}
			}
		}
		for _, t := range in.Techniques {
			add(t)
		}
		for j := range in.Alerts {
			for _, t := range in.Alerts[j].Techniques {
				add(t.ID)
			}
		}
		w := int(weekStart(c).Sub(b.weeks[0]) / (7 * 24 * time.Hour))
		for _, t := range ids {
			n := b.weekly[t]
			if n == nil {
				n = make([]int, len(b.weeks))
				b.weekly[t] = n
			}
			n[w]++
		}
	}
}

// weeklyOf returns the baseline's weeks and the weekly counts of the
// review's techniques (in their order; those the baseline never saw have
// zeros), or nothing when the baseline has no weeks.
func (b Baseline) weeklyOf(techs []Technique) ([]time.Time, []WeeklyCount) {
	if len(b.weeks) == 0 || len(techs) == 0 {
		return nil, nil
	}
	out := make([]WeeklyCount, 0, len(techs))
	for _, t := range techs {
		wc := WeeklyCount{ID: t.ID, Name: t.Name, Counts: slices.Clone(b.weekly[t.ID])}
		if wc.Counts == nil {
			wc.Counts = make([]int, len(b.weeks))
		}
		for _, n := range wc.Counts {
			wc.Total += n
		}
		out = append(out, wc)
	}
	return slices.Clone(b.weeks), out
}
