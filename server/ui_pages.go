package server

import (
	"cmp"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/debrief-dev/debrief"
)

// incidentsView is the incident list page.
type incidentsView struct {
	Page       IncidentPage
	Query      url.Values
	Severities []debrief.Severity
	Statuses   []debrief.Status
	Prev, Next string // links to the neighbouring pages, "" at an end
	Newest     bool   // Prev leads to the first page (a cursor reads on, not back)
}

func (s *Server) incidentsPage(w http.ResponseWriter, r *http.Request) error {
	page, err := s.incidentPage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := incidentsView{Page: page, Query: q, Severities: debrief.Severities, Statuses: debrief.Statuses}
	link := func(off int) string {
		p := url.Values{}
		for k, vs := range q {
			p[k] = vs
		}
		p.Set("offset", strconv.Itoa(off))
		return "/incidents?" + p.Encode()
	}
	switch {
	case page.Offset > 0:
		v.Prev = link(max(0, page.Offset-page.Limit))
	case q.Get("after") != "":
		p := url.Values{}
		for k, vs := range q {
			p[k] = vs
		}
		p.Del("after")
		v.Prev, v.Newest = "/incidents?"+p.Encode(), true
	}
	if page.Next != "" {
		v.Next = afterLink("/incidents", q, page.Next)
	}
	return s.page(w, r, http.StatusOK, "incidents", "Incidents", v)
}

func (s *Server) incidentView(w http.ResponseWriter, r *http.Request) error {
	in, err := s.findIncident(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, "incident", in.Title, in)
}

// reviewDoc serves the HTML review that the incident page frames.
func (s *Server) reviewDoc(w http.ResponseWriter, r *http.Request) error {
	body, rd, err := s.renderReview(r, []string{r.PathValue("id")}, "html")
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", rd.MediaType())
	h.Set("Content-Security-Policy", reviewCSP)
	h.Set("X-Frame-Options", "SAMEORIGIN")
	_, err = w.Write(body)
	return err
}

// matrixView is the ATT&CK matrix heatmap of the incidents observed.
type matrixView struct {
	Since     string
	Note      string // the window ends at the store's latest incident
	Incidents int
	Columns   []matrixColumn
	Coverage  bool // a coverage layer from the configured rules
	Rules     int  // rules that counted
	Invalid   int  // rule files skipped
	GapScore  int  // see gapScore
	Gaps      int  // observed techniques that are gaps
}

type matrixColumn struct {
	Tactic string
	Cells  []matrixCell
}

type matrixCell struct {
	ID    debrief.TechniqueID
	Name  string
	Count int     // incidents with the technique or one of its sub-techniques
	Heat  int     // 0 (none) to 5
	Score float64 // detection score 0–5 of the configured rules (sub-techniques' included)
	Cov   int     // Score rounded, the cell's coverage class
	Rules int     // rules tagged with it or a sub-technique
	Gap   bool    // observed, and its detection score is under gapScore
}

// gapScore is the detection score (0–5) under which an observed technique
// shows as a gap in the matrix's coverage layer.
const gapScore = 2

func (s *Server) matrixPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if !q.Has("since") {
		q.Set("since", "90d")
	}
	ctx := r.Context()
	end, err := s.windowEnd(ctx)
	if err != nil {
		return err
	}
	f := debrief.IncidentFilter{}
	if f.Since, err = when(q, "since", end.End); err != nil {
		return err
	}
	ins, err := s.store(ctx).Incidents(ctx, f)
	if err != nil {
		return err
	}
	v := matrixView{Since: q.Get("since"), Note: end.Note(), Incidents: len(ins), Columns: s.matrix(observed(ins))}
	if len(s.cfg.Rules) > 0 {
		rs, err := s.rules()
		if err != nil {
			return err
		}
		v.Coverage, v.Rules, v.Invalid, v.GapScore = true, rs.result.Rules, len(rs.invalid), gapScore
		for _, col := range v.Columns {
			for i := range col.Cells {
				c := &col.Cells[i]
				if t, ok := rs.result.Technique(c.ID); ok {
					c.Score, c.Rules = t.Score, len(t.Rules)+len(t.SubRules)
					c.Cov = int(math.Round(t.Score))
				}
				if c.Gap = c.Count > 0 && c.Score < gapScore; c.Gap {
					v.Gaps++
				}
			}
		}
	}
	return s.page(w, r, http.StatusOK, "matrix", "ATT&CK matrix", v)
}

// observed counts incidents per technique, sub-techniques rolled up into
// their parent.
func observed(ins []debrief.Incident) map[debrief.TechniqueID]int {
	counts := map[debrief.TechniqueID]int{}
	for _, in := range ins {
		seen := map[debrief.TechniqueID]bool{}
		for _, t := range in.Techniques {
			p := t.Parent()
			if !seen[p] {
				seen[p] = true
				counts[p]++
			}
		}
	}
	return counts
}

// matrix lays out the Enterprise matrix: a column per tactic, its current
// techniques by name, each with its count and heat.
func (s *Server) matrix(counts map[debrief.TechniqueID]int) []matrixColumn {
	top := 0
	for _, n := range counts {
		top = max(top, n)
	}
	var cols []matrixColumn
	techs := s.cfg.Catalog.Techniques("enterprise-attack")
	for _, ta := range s.cfg.Catalog.Tactics("enterprise-attack") {
		if ta.Order < 0 || !ta.Active() {
			continue
		}
		col := matrixColumn{Tactic: ta.Name}
		for _, t := range techs {
			if t.IsSub() || !t.Active() || !slices.Contains(t.Tactics, ta.Shortname) {
				continue
			}
			n := counts[t.ID]
			col.Cells = append(col.Cells, matrixCell{ID: t.ID, Name: t.Name, Count: n, Heat: heat(n, top)})
		}
		slices.SortFunc(col.Cells, func(a, b matrixCell) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name)) })
		cols = append(cols, col)
	}
	return cols
}

// heat places n on a five-step scale of 1..top (0 for none).
func heat(n, top int) int {
	if n == 0 || top == 0 {
		return 0
	}
	return 1 + (n-1)*5/top
}

// ago formats a time for the pages.
func ago(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// day formats a date for the pages.
func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.DateOnly)
}
