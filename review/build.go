package review

import (
	"fmt"
	"slices"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/d3fend"
)

// Options are what Build needs besides the incidents.
type Options struct {
	// Catalog is the ATT&CK knowledge base: tactics in matrix order,
	// technique names, mitigations. Required.
	Catalog *attack.Catalog
	// D3FEND gives the countermeasures of each technique; nil leaves them
	// out.
	D3FEND *d3fend.Catalog
	// Baseline is the team's usual response times (NewBaseline); the zero
	// value compares with nothing.
	Baseline Baseline
	// Now gives the time the review is generated at, and from which action
	// items fall due; nil means time.Now.
	Now func() time.Time
	// Sections are the analyses that join the review, drawn in this order
	// after the techniques.
	Sections []Section
	// Analyses make more sections from the incidents under review (the
	// attribution of their techniques, say); their sections follow
	// Sections, in this order. One that returns nil adds nothing.
	Analyses []Analysis
}

// Analysis makes a section of a review from the incidents it covers.
type Analysis func(in []*debrief.Incident) (*Section, error)

// Build makes the review of one incident or a set of them (a campaign).
// The incidents should carry their alerts, history and comments; technique
// ids are looked up in the catalog when the alerts were not normalised.
// Build is pure: it changes nothing it is given.
func Build(in []*debrief.Incident, opts Options) (*Review, error) {
	for _, a := range opts.Analyses {
		sec, err := a(in)
		if err != nil {
			return nil, fmt.Errorf("review: %w", err)
		}
		if sec != nil {
			opts.Sections = append(slices.Clip(opts.Sections), *sec)
		}
	}
	if err := check(in, opts); err != nil {
		return nil, err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	b := newBuilder(in, opts)
	b.scan()
	r := &Review{
		SchemaVersion: SchemaVersion,
		Generated:     now().UTC(),
		Data:          b.versions(),
		Header:        b.header(),
		Impact:        b.impact(),
		Timeline:      b.timeline(),
		KillChain:     b.killChain(),
		Metrics:       metrics(in, b.times, opts.Baseline),
		Baseline:      opts.Baseline.window(),
		Techniques:    b.techniques(),
		Sections:      sections(opts.Sections),
	}
	r.Baseline.Weeks, r.Baseline.Techniques = opts.Baseline.weeklyOf(r.Techniques)
	if n := len(r.Timeline); n > 0 {
		r.Header.End = r.Timeline[n-1].At
	}
	r.Actions = actions(r, b, r.Generated)
	r.Questions = questions(r, b)
	r.Summary = summary(r, b)
	return r, nil
}

// sections copies the sections with empty lists where they had none, so
// that the JSON form has no nulls.
func sections(in []Section) []Section {
	out := make([]Section, len(in))
	for i, s := range in {
		s.Tables = slices.Clone(s.Tables)
		for j := range s.Tables {
			t := &s.Tables[j]
			t.Columns = nonNil(t.Columns)
			if t.Rows == nil {
				t.Rows = [][]string{}
			}
		}
		if s.Scores != nil {
			sc := *s.Scores
			if sc.Items == nil {
				sc.Items = []TechniqueScore{}
			}
			s.Scores = &sc
		}
		out[i] = s
	}
	return out
}

func check(in []*debrief.Incident, opts Options) error {
	if len(in) == 0 {
		return debrief.Errorf(debrief.EINVALID, "review: no incidents given")
	}
	if opts.Catalog == nil {
		return debrief.Errorf(debrief.EINVALID, "review: options: an ATT&CK catalog is required")
	}
	seen := map[string]bool{}
	for i, x := range in {
		if x == nil {
			return debrief.Errorf(debrief.EINVALID, "review: incident %d is nil", i+1)
		}
		if seen[x.ID] {
			return debrief.Errorf(debrief.EINVALID, "review: incident %s given twice", x.ID)
		}
		seen[x.ID] = true
	}
	for i := range opts.Sections {
		if err := opts.Sections[i].Validate(); err != nil {
			return fmt.Errorf("review: section %d: %w", i+1, err)
		}
	}
	return nil
}

// Validate checks that a section can be drawn: an id and a title, rows as
// wide as their columns, a score range with max above min.
func (s *Section) Validate() error {
	if s.ID == "" || s.Title == "" {
		return debrief.Errorf(debrief.EINVALID, "section %q: id and title are required", s.ID)
	}
	for _, t := range s.Tables {
		for j, row := range t.Rows {
			if len(row) != len(t.Columns) {
				return debrief.Errorf(debrief.EINVALID, "section %s: table %q: row %d has %d cells, want %d",
					s.ID, t.Title, j+1, len(row), len(t.Columns))
			}
		}
	}
	if s.Scores != nil && !(s.Scores.Max > s.Scores.Min) {
		return debrief.Errorf(debrief.EINVALID, "section %s: scores: max %g must be greater than min %g",
			s.ID, s.Scores.Max, s.Scores.Min)
	}
	return nil
}

func (b *builder) versions() DataVersions {
	var v DataVersions
	for _, d := range b.cat.Domains() {
		if d.Name == enterprise {
			v.ATTACK = d.Version
		}
	}
	if b.d3f != nil {
		v.D3FEND = b.d3f.Version()
	}
	return v
}
