package server

import (
	"errors"
	"net/http"
	"net/url"
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
	now := s.cfg.Now()
	since := "180d"
	if q.Has("since") {
		since = q.Get("since")
	}
	var f debrief.IncidentFilter
	var err error
	if f.Since, err = query.When(since, now); err != nil {
		return invalid("since", "%v", err)
	}
	if f.Until, err = query.When(q.Get("until"), now); err != nil {
		return invalid("until", "%v", err)
	}
	window, err := spanParam(q, "window", 60*24*time.Hour)
	if err != nil {
		return err
	}
	m, err := s.model()
	if err != nil {
		return err
	}
	cl := attribution.NewClusterer(attribution.ClusterOptions{Window: window})
	ctx := r.Context()
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
	writeJSON(w, http.StatusOK, out)
	return nil
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

// trendResult runs the trend analysis the query asks for (the CLI's
// trends flags), on the store's daily counts.
func (s *Server) trendResult(r *http.Request) (*trend.Result, error) {
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
	opts, f, err := tq.Parse(s.cfg.Now())
	if err != nil {
		return nil, queryError(err)
	}
	opts.Catalog = s.cfg.Catalog
	ctx := r.Context()
	rows, err := query.DailyCounts(ctx, s.store(ctx), f, opts.By)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, query.NoIncidents(f)
	}
	res, err := trend.AnalyseDaily(rows, opts)
	if err != nil {
		// A pure function of the counts and the query: its errors
		// are about them ("no baseline before the window").
		return nil, debrief.Errorf(debrief.EINVALID, "%v", err)
	}
	return res, nil
}

func (s *Server) skills(w http.ResponseWriter, r *http.Request) error {
	res, err := s.skillResult(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// skillResult runs the skill analysis the query asks for (the CLI's skills
// flags), on the incidents and their history read through the store's
// scanner.
func (s *Server) skillResult(r *http.Request) (*skill.Result, error) {
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
	opts, f, err := sq.Parse(s.cfg.Now())
	if err != nil {
		return nil, queryError(err)
	}
	opts.Catalog = s.cfg.Catalog
	ctx := r.Context()
	// The store's kept handling facts when it has them, else facts
	// worked out from each incident's history.
	facts, err := skill.ReadFacts(ctx, s.store(ctx), f)
	if err != nil {
		return nil, err
	}
	if len(facts) == 0 {
		return nil, query.NoIncidents(f)
	}
	res, err := skill.AnalyseFacts(facts, opts)
	if err != nil {
		return nil, debrief.Errorf(debrief.EINVALID, "%v", err) // about the incidents and the query, as in trendResult
	}
	return res, nil
}
