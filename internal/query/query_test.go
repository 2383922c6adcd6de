package query_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/internal/query"
	"github.com/debrief-dev/debrief/skill"
	"github.com/debrief-dev/debrief/trend"
)

var now = time.Date(2026, 3, 29, 12, 0, 0, 0, time.UTC) // a Sunday

func TestWhen(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "", want: time.Time{}},
		{in: "30d", want: now.AddDate(0, 0, -30)},
		{in: "0d", want: now},
		{in: "2w", want: now.AddDate(0, 0, -14)},
		{in: "12h", want: now.Add(-12 * time.Hour)},
		{in: "2026-01-31", want: time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)},
		{in: "2026-01-31T08:30", want: time.Date(2026, 1, 31, 8, 30, 0, 0, time.UTC)},
		{in: "2026-01-31T08:30:00+02:00", want: time.Date(2026, 1, 31, 6, 30, 0, 0, time.UTC)},
		// Before 1970 is everything, not a time the stores' nanoseconds
		// since 1970 overflow on (year 1678).
		{in: "140000d", want: time.Unix(0, 0)},
		{in: "20000w", want: time.Unix(0, 0)},
		{in: "10000000d", want: time.Unix(0, 0)},
		{in: "9223372036854775807w", want: time.Unix(0, 0)},
		{in: "2562047h", want: time.Unix(0, 0)},
		{in: "1600-01-01", want: time.Unix(0, 0)},
		{in: "1969-12-31T23:59:59Z", want: time.Unix(0, 0)},
		{in: "1970-01-02", want: time.Unix(86400, 0)},
		{in: "-3d", bad: true},
		{in: "-5h", bad: true},
		{in: "+3d", bad: true},
		{in: "d", bad: true},
		{in: "yesterday", bad: true},
		{in: "2026-13-01", bad: true},
	} {
		got, err := query.When(tc.in, now)
		if tc.bad {
			if err == nil || !strings.Contains(err.Error(), "want a duration") {
				t.Errorf("When(%q) = %v, %v; want an error saying what it wants", tc.in, got, err)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("When(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestSpan(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"28d", 28 * 24 * time.Hour},
		{"4w", 28 * 24 * time.Hour},
		{"72h", 72 * time.Hour},
		{"1d", 24 * time.Hour},
		{"0d", 0},
		{"0w", 0},
		{"-1d", 0},
		{"-72h", 0},
		{"w", 0},
		{"", 0},
		{"a fortnight", 0},
		{"106751d", 106751 * 24 * time.Hour},
		{"106752d", 0},
		{"20000w", 0},
		{"9223372036854775807w", 0},
	} {
		got, err := query.Span(tc.in)
		if tc.want == 0 {
			if err == nil || !strings.Contains(err.Error(), "positive duration") {
				t.Errorf("Span(%q) = %v, %v; want an error", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Span(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestTrendsParse(t *testing.T) {
	def := query.DefaultTrends()
	opts, f, err := def.Parse(now)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Since.Equal(now.AddDate(0, 0, -180)) || !f.Until.IsZero() {
		t.Errorf("default filter %+v", f)
	}
	if opts.By != trend.ByTechnique || opts.Period != trend.Week || opts.Window != 28*24*time.Hour || opts.MinCount != 10 ||
		opts.FDR != 0.05 || !opts.Now.IsZero() || opts.Baseline != now.Sub(f.Since)-opts.Window {
		t.Errorf("default options %+v", opts)
	}

	q := def
	q.Since, q.Until, q.Window, q.By, q.Period = "2026-01-01", "2026-03-01", "2w", "tactic", "day"
	opts, f, err = q.Parse(now)
	if err != nil {
		t.Fatal(err)
	}
	jan1, mar1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	if !f.Since.Equal(jan1) || !f.Until.Equal(mar1) || !opts.Now.Equal(mar1) || opts.Baseline != mar1.Sub(jan1)-14*24*time.Hour ||
		opts.By != trend.ByTactic || opts.Period != trend.Day {
		t.Errorf("until: options %+v, filter %+v", opts, f)
	}

	q = def
	q.Since = ""
	if opts, f, err = q.Parse(now); err != nil || opts.Baseline != 0 || !f.Since.IsZero() {
		t.Errorf("no since: %+v %+v %v; want the analysis's default baseline", opts, f, err)
	}

	for _, tc := range []struct {
		param string
		edit  func(*query.Trends)
	}{
		{"since", func(q *query.Trends) { q.Since = "soon" }},
		{"until", func(q *query.Trends) { q.Until = "later" }},
		{"until", func(q *query.Trends) { q.Since, q.Until = "2026-03-01", "2026-01-01" }},
		{"window", func(q *query.Trends) { q.Window = "0d" }},
		{"window", func(q *query.Trends) { q.Since = "20d" }},
		{"by", func(q *query.Trends) { q.By = "planet" }},
		{"period", func(q *query.Trends) { q.Period = "fortnight" }},
		{"min-count", func(q *query.Trends) { q.MinCount = 0 }},
		{"fdr", func(q *query.Trends) { q.FDR = 1 }},
		{"fdr", func(q *query.Trends) { q.FDR = 0 }},
	} {
		q := def
		tc.edit(&q)
		_, _, err := q.Parse(now)
		if qe := (*query.Error)(nil); !errors.As(err, &qe) || qe.Param != tc.param || !strings.HasPrefix(err.Error(), tc.param+": ") {
			t.Errorf("%+v: error %v, want one about %s", q, err, tc.param)
		}
	}
}

func TestSkillsParse(t *testing.T) {
	def := query.DefaultSkills()
	opts, f, err := def.Parse(now)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Since.Equal(now.AddDate(0, 0, -180)) || opts.By != skill.ByTechnique || opts.MinSample != 20 || opts.FDR != 0.05 {
		t.Errorf("default: %+v %+v", opts, f)
	}
	q := def
	q.By, q.Until = "analyst", "1w"
	if opts, f, err = q.Parse(now); err != nil || opts.By != skill.ByAnalyst || !f.Until.Equal(now.AddDate(0, 0, -7)) {
		t.Errorf("by analyst until 1w: %+v %+v %v", opts, f, err)
	}
	for _, tc := range []struct {
		param string
		edit  func(*query.Skills)
	}{
		{"since", func(q *query.Skills) { q.Since = "soon" }},
		{"until", func(q *query.Skills) { q.Until = "2000-01-01" }},
		{"by", func(q *query.Skills) { q.By = "shoe-size" }},
		{"min-sample", func(q *query.Skills) { q.MinSample = -1 }},
		{"fdr", func(q *query.Skills) { q.FDR = 1.5 }},
	} {
		q := def
		tc.edit(&q)
		_, _, err := q.Parse(now)
		if qe := (*query.Error)(nil); !errors.As(err, &qe) || qe.Param != tc.param {
			t.Errorf("%+v: error %v, want one about %s", q, err, tc.param)
		}
	}
}
