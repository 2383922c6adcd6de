package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attribution"
	"github.com/debrief-dev/debrief/internal/query"
	"github.com/debrief-dev/debrief/skill"
	"github.com/debrief-dev/debrief/trend"
)

// Campaign is one campaign of GET /api/v1/campaigns (the CLI's
// "campaigns --json").
type Campaign struct {
	attribution.Campaign
	Attribution *attribution.Candidate `json:"attribution,omitempty"` // the top candidate when confident
}

func (s *Server) campaigns(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	since := "180d"
	if q.Has("since") {
		since = q.Get("since")
	}
	window, err := spanParam(q, "window", 60*24*time.Hour)
	if err != nil {
		return err
	}
	ctx := r.Context()
	end, err := s.windowEnd(ctx)
	if err != nil {
		return err
	}
	var f debrief.IncidentFilter
	if f.Since, err = query.When(since, end.End); err != nil {
		return invalid("since", "%v", err)
	}
	if f.Until, err = query.When(q.Get("until"), end.End); err != nil {
		return invalid("until", "%v", err)
	}
	m, err := s.model()
	if err != nil {
		return err
	}
	cl := attribution.NewClusterer(attribution.ClusterOptions{Window: window})
	if err := query.WithAlerts(ctx, s.store(ctx), f, func(in *debrief.Incident) error { cl.Add(in); return nil }); err != nil {
		return err
	}
	out := []Campaign{}
	for _, c := range cl.Campaigns() {
		cj := Campaign{Campaign: c}
		if res := m.Rank(c.Evidence, 1); res.Confident && len(res.Candidates) > 0 {
			cj.Attribution = &res.Candidates[0]
		}
		out = append(out, cj)
	}
	// An array has no room for the window's end: headers carry it.
	w.Header().Set("Debrief-Window-End", end.End.Format(time.RFC3339))
	w.Header().Set("Debrief-Window-End-Is-Latest-Incident", strconv.FormatBool(end.Latest))
	writeJSON(w, http.StatusOK, out)
	return nil
}

// WindowEnd is where an analysis's default windows end and its since and
// until durations count back from (query.End): now, or, when the store's
// latest incident was created more than a day before now (an imported
// history, the demo's store), that incident's creation, as the CLI does.
// The answers of trends, skills and coverage (threat observed or
// attributed) carry it; those of campaigns, an array, in headers.
type WindowEnd struct {
	End    time.Time `json:"window_end"`
	Latest bool      `json:"window_end_is_latest_incident"` // End is the latest incident's creation, not now
}

// windowEnd reads the window's end of the request's store.
func (s *Server) windowEnd(ctx context.Context) (WindowEnd, error) {
	end, latest, err := query.End(ctx, s.store(ctx), s.cfg.Now())
	return WindowEnd{End: end.UTC(), Latest: latest}, err
}

// Note says, on a UI page, that the window ends at the latest incident;
// "" when it ends now.
func (e WindowEnd) Note() string {
	if !e.Latest {
		return ""
	}
	return fmt.Sprintf("The window ends at the store's latest incident, %s (nothing newer is stored).", e.End.Format(time.DateOnly))
}

// noIncidents is the error of an analysis whose selection holds no
// incident (query.NoIncidents), with the selection and the window's end
// for the UI, which shows its page with a notice instead of an error.
type noIncidents struct {
	f   debrief.IncidentFilter
	end WindowEnd
	err error
}

func (e *noIncidents) Error() string { return e.err.Error() }
func (e *noIncidents) Unwrap() error { return e.err }

func newNoIncidents(f debrief.IncidentFilter, end WindowEnd) error {
	return &noIncidents{f: f, end: end, err: query.NoIncidents(f)}
}

// param reads a query parameter the analyses share with the CLI's flags:
// if the request gives it, *v takes its value ("" included, for since and
// until: no bound); if keep is set, only when it is not empty.
func param(q url.Values, name string, v *string, keep bool) {
	if q.Has(name) && (!keep || q.Get(name) != "") {
		*v = q.Get(name)
	}
}

// queryError words a query.Error as a bad parameter of the request.
func queryError(err error) error {
	var qe *query.Error
	if errors.As(err, &qe) {
		return invalid(strings.ReplaceAll(qe.Param, "-", "_"), "%v", qe.Err)
	}
	return err
}

func (s *Server) trends(w http.ResponseWriter, r *http.Request) error {
	res, err := s.trendResult(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// Trends is the answer to GET /api/v1/trends: the CLI's "trends --json"
// and where its window ends.
type Trends struct {
	*trend.Result
	WindowEnd
}

// trendResult runs the trend analysis the query asks for (the CLI's
// trends flags), on the store's daily counts. A selection without
// incidents is a *noIncidents error.
func (s *Server) trendResult(r *http.Request) (*Trends, error) {
	q := r.URL.Query()
	tq := query.DefaultTrends()
	param(q, "since", &tq.Since, false)
	param(q, "until", &tq.Until, false)
	param(q, "window", &tq.Window, true)
	param(q, "by", &tq.By, true)
	param(q, "period", &tq.Period, true)
	var err error
	if tq.MinCount, err = intParam(q, "min_count", tq.MinCount, 1, 1<<31-1); err != nil {
		return nil, err
	}
	if tq.FDR, err = floatParam(q, "fdr", tq.FDR, 0, 1); err != nil {
		return nil, err
	}
	ctx := r.Context()
	end, err := s.windowEnd(ctx)
	if err != nil {
		return nil, err
	}
	opts, f, err := tq.Parse(end.End)
	if err != nil {
		return nil, queryError(err)
	}
	opts.Catalog = s.cfg.Catalog
	rows, err := query.DailyCounts(ctx, s.store(ctx), f, opts.By)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, newNoIncidents(f, end)
	}
	res, err := trend.AnalyseDaily(rows, opts)
	if err != nil {
		// A pure function of the counts and the query: its errors
		// are about them ("no baseline before the window").
		return nil, debrief.Errorf(debrief.EINVALID, "%v", err)
	}
	return &Trends{Result: res, WindowEnd: end}, nil
}

func (s *Server) skills(w http.ResponseWriter, r *http.Request) error {
	res, err := s.skillResult(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// Skills is the answer to GET /api/v1/skills: the CLI's "skills --json"
// and where its window ends.
type Skills struct {
	*skill.Result
	WindowEnd
}

// skillResult runs the skill analysis the query asks for (the CLI's skills
// flags), on the incidents and their history read through the store's
// scanner. A selection without incidents is a *noIncidents error.
func (s *Server) skillResult(r *http.Request) (*Skills, error) {
	q := r.URL.Query()
	sq := query.DefaultSkills()
	param(q, "since", &sq.Since, false)
	param(q, "until", &sq.Until, false)
	param(q, "by", &sq.By, true)
	var err error
	if sq.MinSample, err = intParam(q, "min_sample", sq.MinSample, 1, 1<<31-1); err != nil {
		return nil, err
	}
	if sq.FDR, err = floatParam(q, "fdr", sq.FDR, 0, 1); err != nil {
		return nil, err
	}
	ctx := r.Context()
	end, err := s.windowEnd(ctx)
	if err != nil {
		return nil, err
	}
	opts, f, err := sq.Parse(end.End)
	if err != nil {
		return nil, queryError(err)
	}
	opts.Catalog = s.cfg.Catalog
	// The store's kept handling facts when it has them, else facts
	// worked out from each incident's history.
	facts, err := skill.ReadFacts(ctx, s.store(ctx), f)
	if err != nil {
		return nil, err
	}
	if len(facts) == 0 {
		return nil, newNoIncidents(f, end)
	}
	res, err := skill.AnalyseFacts(facts, opts)
	if err != nil {
		return nil, debrief.Errorf(debrief.EINVALID, "%v", err) // about the incidents and the query, as in trendResult
	}
	return &Skills{Result: res, WindowEnd: end}, nil
}
