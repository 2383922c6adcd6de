package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attribution"
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
	if !q.Has("since") {
		q.Set("since", "180d")
	}
	var f debrief.IncidentFilter
	var err error
	if f.Since, err = when(q, "since", now); err != nil {
		return err
	}
	if f.Until, err = when(q, "until", now); err != nil {
		return err
	}
	window, err := spanParam(q, "window", 60*24*time.Hour)
	if err != nil {
		return err
	}
	ins, err := s.fullIncidents(r.Context(), f)
	if err != nil {
		return err
	}
	out, err := s.cluster(ins, attribution.ClusterOptions{Window: window})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// fullIncidents lists the incidents of f with their alerts and history.
func (s *Server) fullIncidents(ctx context.Context, f debrief.IncidentFilter) ([]*debrief.Incident, error) {
	list, err := s.store(ctx).Incidents(ctx, f)
	if err != nil {
		return nil, err
	}
	ins := make([]*debrief.Incident, 0, len(list))
	for _, l := range list {
		in, err := s.store(ctx).Incident(ctx, l.ID)
		if err != nil {
			return nil, fmt.Errorf("incident %s: %w", l.ID, err)
		}
		ins = append(ins, in)
	}
	return ins, nil
}

// cluster groups incidents into campaigns and attributes each.
func (s *Server) cluster(ins []*debrief.Incident, opts attribution.ClusterOptions) ([]Campaign, error) {
	m, err := s.model()
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*debrief.Incident, len(ins))
	for _, in := range ins {
		byID[in.ID] = in
	}
	out := []Campaign{}
	for _, c := range attribution.Cluster(ins, opts) {
		members := make([]*debrief.Incident, 0, len(c.Incidents))
		for _, id := range c.Incidents {
			members = append(members, byID[id])
		}
		cj := Campaign{Campaign: c}
		if res := m.Rank(attribution.EvidenceOf(members...), 1); res.Confident && len(res.Candidates) > 0 {
			cj.Attribution = &res.Candidates[0]
		}
		out = append(out, cj)
	}
	return out, nil
}

// history reads since and until (default 180 days back to now).
func (s *Server) history(r *http.Request) (debrief.IncidentFilter, time.Time, error) {
	q := r.URL.Query()
	now := s.cfg.Now()
	if !q.Has("since") {
		q.Set("since", "180d")
	}
	var f debrief.IncidentFilter
	var err error
	if f.Since, err = when(q, "since", now); err != nil {
		return f, now, err
	}
	f.Until, err = when(q, "until", now)
	return f, now, err
}

func (s *Server) trends(w http.ResponseWriter, r *http.Request) error {
	res, err := s.trendResult(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// trendResult runs the trend analysis the query asks for.
func (s *Server) trendResult(r *http.Request) (*trend.Result, error) {
	f, now, err := s.history(r)
	if err != nil {
		return nil, err
	}
	opts, err := trendOptions(r, f, now)
	if err != nil {
		return nil, err
	}
	opts.Catalog = s.cfg.Catalog
	ins, err := s.store(r.Context()).Incidents(r.Context(), f)
	if err != nil {
		return nil, err
	}
	if len(ins) == 0 {
		return nil, debrief.Errorf(debrief.ENOTFOUND, "no incidents in the store since %s", f.Since.Format(time.DateOnly))
	}
	res, err := trend.Analyse(ins, opts)
	if err != nil {
		// A pure function of the incidents and the query: its errors
		// are about them ("no baseline before the window").
		return nil, debrief.Errorf(debrief.EINVALID, "%v", err)
	}
	return res, nil
}

// trendOptions mirrors the CLI's trends flags.
func trendOptions(r *http.Request, f debrief.IncidentFilter, now time.Time) (trend.Options, error) {
	q := r.URL.Query()
	var opts trend.Options
	var err error
	if opts.Window, err = spanParam(q, "window", 28*24*time.Hour); err != nil {
		return opts, err
	}
	if opts.By, err = trend.ParseDimension(or(q.Get("by"), "technique")); err != nil {
		return opts, invalid("by", "%v", err)
	}
	if opts.Period, err = trend.ParsePeriod(or(q.Get("period"), "week")); err != nil {
		return opts, invalid("period", "%v", err)
	}
	if opts.MinCount, err = intParam(q, "min_count", 10, 1, 1<<31-1); err != nil {
		return opts, err
	}
	if opts.FDR, err = floatParam(q, "fdr", 0.05, 0, 1); err != nil {
		return opts, err
	}
	end := now
	if !f.Until.IsZero() {
		opts.Now, end = f.Until, f.Until
	}
	opts.Baseline = end.Sub(f.Since) - opts.Window // Analyse cuts it to the first incident
	return opts, nil
}

func (s *Server) skills(w http.ResponseWriter, r *http.Request) error {
	res, err := s.skillResult(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// skillResult runs the skill analysis the query asks for.
func (s *Server) skillResult(r *http.Request) (*skill.Result, error) {
	f, _, err := s.history(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	opts := skill.Options{Catalog: s.cfg.Catalog}
	if opts.By, err = skill.ParseDimension(or(q.Get("by"), "technique")); err != nil {
		return nil, invalid("by", "%v", err)
	}
	if opts.MinSample, err = intParam(q, "min_sample", 20, 1, 1<<31-1); err != nil {
		return nil, err
	}
	if opts.FDR, err = floatParam(q, "fdr", 0.05, 0, 1); err != nil {
		return nil, err
	}
	ins, err := s.store(r.Context()).Incidents(r.Context(), f)
	if err != nil {
		return nil, err
	}
	if len(ins) == 0 {
		return nil, debrief.Errorf(debrief.ENOTFOUND, "no incidents in the store since %s", f.Since.Format(time.DateOnly))
	}
	for i := range ins {
		full, err := s.store(r.Context()).Incident(r.Context(), ins[i].ID)
		if err != nil {
			return nil, fmt.Errorf("history of %s: %w", ins[i].ID, err)
		}
		ins[i].History, ins[i].Comments = full.History, full.Comments
	}
	res, err := skill.Analyse(ins, opts)
	if err != nil {
		return nil, debrief.Errorf(debrief.EINVALID, "%v", err) // about the incidents and the query, as in trendResult
	}
	return res, nil
}
