package trend

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// Daily returns the number of incidents created each UTC day per key of
// dimension d (and under key "" all of them), as a store's
// debrief.AggregateStore.DailyCounts gives them: the in-memory path of
// Analyse, and the reference the store's counts are checked against.
func Daily(ins []debrief.Incident, d Dimension) []debrief.DayCount {
	type cell struct {
		key string
		day int64
	}
	cells := map[cell]int{}
	var out []debrief.DayCount
	var keys []string
	add := func(k string, c time.Time) {
		day := Day.Start(c)
		ce := cell{k, day.Unix()}
		if i, ok := cells[ce]; ok {
			out[i].Count++
			if c.Before(out[i].First) {
				out[i].First = c
			}
			return
		}
		cells[ce] = len(out)
		out = append(out, debrief.DayCount{Key: k, Day: day, Count: 1, First: c})
	}
	for i := range ins {
		c := ins[i].Times.Created.UTC()
		if c.IsZero() {
			continue
		}
		add("", c)
		keys = d.Keys(keys[:0], &ins[i])
		for _, k := range keys {
			add(k, c)
		}
	}
	slices.SortFunc(out, func(a, b debrief.DayCount) int {
		return cmp.Or(strings.Compare(a.Key, b.Key), a.Day.Compare(b.Day))
	})
	return out
}

// daily is a history as daily counts: the shape every step of Analyse
// reads.
type daily struct {
	first   time.Time // the earliest created time
	lastDay time.Time // the day of the latest
	keys    []string  // sorted
	rows    map[string][]debrief.DayCount
}

func newDaily(rows []debrief.DayCount) *daily {
	d := &daily{rows: map[string][]debrief.DayCount{}}
	for _, r := range rows {
		if r.Key == "" {
			if d.first.IsZero() || r.First.Before(d.first) {
				d.first = r.First
			}
			if r.Day.After(d.lastDay) {
				d.lastDay = r.Day
			}
			continue
		}
		if _, ok := d.rows[r.Key]; !ok {
			d.keys = append(d.keys, r.Key)
		}
		d.rows[r.Key] = append(d.rows[r.Key], r)
	}
	slices.Sort(d.keys)
	return d
}

// count buckets the daily counts of the days in [from, to) (both UTC
// midnights) by period p, as Count does the incidents.
func (d *daily) count(by Dimension, p Period, from, to time.Time) *Table {
	tb := &Table{By: by, Period: p}
	for s := p.Start(from); s.Before(to); s = p.Next(s) {
		tb.Starts = append(tb.Starts, s)
	}
	for _, k := range d.keys {
		var s *Series
		for _, r := range d.rows[k] {
			if r.Day.Before(from) || !r.Day.Before(to) {
				continue
			}
			if s == nil {
				tb.Series = append(tb.Series, Series{Key: k, Counts: make([]int, len(tb.Starts))})
				s = &tb.Series[len(tb.Series)-1]
			}
			s.Counts[bucketOf(tb.Starts, r.Day)] += r.Count
			s.Total += r.Count
		}
	}
	slices.SortStableFunc(tb.Series, func(a, b Series) int { return b.Total - a.Total })
	return tb
}

// spans counts each key's incidents in the baseline and in the window.
func (d *daily) spans(base, win Span) map[string]*pair {
	cnt := map[string]*pair{}
	for _, k := range d.keys {
		for _, r := range d.rows[k] {
			inBase := !r.Day.Before(base.From) && r.Day.Before(base.To)
			inWin := !r.Day.Before(win.From) && r.Day.Before(win.To)
			if !inBase && !inWin {
				continue
			}
			p := cnt[k]
			if p == nil {
				p = &pair{}
				cnt[k] = p
			}
			if inWin {
				p.recent += r.Count
			} else {
				p.base += r.Count
			}
		}
	}
	return cnt
}

// newKeys lists the keys seen in the window and on no day before it.
func (d *daily) newKeys(win Span, cnt map[string]*pair) []Change {
	out := []Change{}
	for _, k := range d.keys {
		var first time.Time
		seenBefore := false
		for _, r := range d.rows[k] {
			switch {
			case r.Day.Before(win.From):
				seenBefore = true
			case r.Day.Before(win.To) && (first.IsZero() || r.First.Before(first)):
				first = r.First
			}
		}
		if seenBefore || first.IsZero() {
			continue
		}
		n := cnt[k].recent
		out = append(out, Change{ID: k, Recent: n, RecentRate: float64(n) / win.Days() * 7, FirstSeen: first})
	}
	slices.SortFunc(out, func(a, b Change) int {
		if a.Recent != b.Recent {
			return b.Recent - a.Recent
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}
