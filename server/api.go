package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attribution"
	"github.com/debrief-dev/debrief/correlate"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/formats"
	"github.com/debrief-dev/debrief/render"
	"github.com/debrief-dev/debrief/review"
)

// IngestResult is the answer to POST /api/v1/ingest: the CLI's
// "ingest --json" summary.
type IngestResult struct {
	*ingest.Summary
	Placeholders ingest.Tally `json:"placeholders"`
	Correlated   ingest.Tally `json:"correlated"`
	Error        string       `json:"error,omitempty"` // set when --strict stopped the run
}

func (s *Server) ingest(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	strict, err := boolParam(q.Get("strict"), "strict")
	if err != nil {
		return err
	}
	window, err := spanParam(q, "window", 24*time.Hour)
	if err != nil {
		return err
	}
	if r.ContentLength > s.cfg.MaxIngest {
		return &http.MaxBytesError{Limit: s.cfg.MaxIngest}
	}
	body := &readErr{r: r.Body}
	// Decoding and writing run beside other requests (a store orders its
	// writers); correlation takes turns, over this payload's alerts alone,
	// growing no incident an earlier request made (see ownAlerts).
	correlating := q.Get("correlate") != "false"
	st := newOwnAlerts(s.store(r.Context()), correlating)
	sum, runErr := ingest.Run(r.Context(), ingest.Options{
		Paths: []string{"-"}, Format: q.Get("format"), FormatOption: "?format=", Decoders: formats.All(), Strict: strict,
		Stdin: body, StdinName: "request body", Store: st, Knowledge: ingest.Catalog(s.cfg.Catalog), BatchSize: ingestBatch,
	})
	if codeOf(body.err) == ETOOLARGE {
		// Records before the limit may be stored; a retry of a smaller
		// payload will not duplicate them.
		return body.err
	}
	if sum == nil || (runErr != nil && !errors.Is(runErr, ingest.ErrStrict)) {
		return cmpErr(runErr, sum == nil)
	}
	out := IngestResult{Summary: sum}
	if correlating {
		out.Correlated, err = s.correlate(r.Context(), st, sum, correlate.Options{Window: window, Alone: true})
		if err != nil {
			return err
		}
	}
	// After correlation, which may write a held batch.
	if out.Placeholders, err = ingest.Placeholders(r.Context(), st); err != nil {
		return err
	}
	code := http.StatusOK
	if runErr != nil {
		out.Error, code = runErr.Error(), http.StatusUnprocessableEntity
	}
	writeJSON(w, code, out)
	return nil
}

// readErr remembers the first read error of a request body, which a
// decoder may report as a bad record rather than return.
type readErr struct {
	r   io.Reader
	err error
}

func (b *readErr) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF && b.err == nil {
		b.err = err
	}
	return n, err
}

// cmpErr returns err, or an internal error when a run ended with neither
// a summary nor an error.
func cmpErr(err error, noSummary bool) error {
	if err == nil && noSummary {
		return fmt.Errorf("ingest returned no summary")
	}
	return err
}

func boolParam(s, name string) (bool, error) {
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, invalid(name, "%q: want true or false", s)
	}
	return b, nil
}

// IncidentRow is one incident in the list (the CLI's "incidents --json").
type IncidentRow struct {
	ID         string                `json:"id"`
	Title      string                `json:"title"`
	Source     debrief.Source        `json:"source"`
	Severity   debrief.Severity      `json:"severity"`
	Status     debrief.Status        `json:"status"`
	Verdict    debrief.Verdict       `json:"verdict"`
	Created    time.Time             `json:"created"`
	Techniques []debrief.TechniqueID `json:"techniques"`
	Tactics    []string              `json:"tactics"`
}

// IncidentPage is one page of the incident list. Next reads on from
// where the page ends (?after=Next), however many incidents are written
// meanwhile; NextOffset counts from the start, so writes shift it.
type IncidentPage struct {
	Incidents  []IncidentRow `json:"incidents"`
	Offset     int           `json:"offset"`
	Limit      int           `json:"limit"`
	Next       string        `json:"next,omitempty"`        // the next page's cursor; absent on the last page
	NextOffset *int          `json:"next_offset,omitempty"` // absent on the last page, and when paging with after
}

// incidentPage lists one page of incidents matching the query.
func (s *Server) incidentPage(r *http.Request) (IncidentPage, error) {
	f, err := incidentFilter(r.URL.Query(), s.cfg.Now(), s.cfg.Catalog)
	if err != nil {
		return IncidentPage{}, err
	}
	page := IncidentPage{Offset: f.Offset, Limit: f.Limit, Incidents: []IncidentRow{}}
	f.Limit++ // one more tells whether a next page exists
	ins, err := s.store(r.Context()).Incidents(r.Context(), f)
	if err != nil {
		return page, err
	}
	if len(ins) > page.Limit {
		ins = ins[:page.Limit]
		page.Next = encodeCursor(debrief.KeyOf(&ins[len(ins)-1]))
		if f.After == nil {
			next := page.Offset + page.Limit
			page.NextOffset = &next
		}
	}
	for _, in := range ins {
		page.Incidents = append(page.Incidents, IncidentRow{in.ID, in.Title, in.Source, in.Severity, in.Status, in.Verdict,
			in.Times.Created, nonNil(in.Techniques), nonNil(in.Tactics)})
	}
	return page, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Server) incidents(w http.ResponseWriter, r *http.Request) error {
	page, err := s.incidentPage(r)
	if err != nil {
		return err
	}
	if page.Next != "" {
		w.Header().Set("Link", "<"+afterLink(r.URL.Path, r.URL.Query(), page.Next)+`>; rel="next"`)
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// afterLink is path with query, reading on after cursor.
func afterLink(path string, q url.Values, cursor string) string {
	p := url.Values{}
	for k, vs := range q {
		p[k] = vs
	}
	p.Del("offset")
	p.Set("after", cursor)
	return path + "?" + p.Encode()
}

// findIncident looks id up as given, then in each source when it has no
// source prefix (as the CLI does).
func (s *Server) findIncident(r *http.Request, id string) (*debrief.Incident, error) {
	in, err := s.store(r.Context()).Incident(r.Context(), id)
	if err == nil || debrief.ErrorCode(err) != debrief.ENOTFOUND || strings.Contains(id, ":") {
		return in, err
	}
	for _, src := range []debrief.Source{debrief.SourceDefender, debrief.SourceSentinel, debrief.SourceCorrelate,
		debrief.SourceElastic, debrief.SourceWazuh, debrief.SourceOCSF} {
		if in, err := s.store(r.Context()).Incident(r.Context(), debrief.QualifiedID(src, id)); err == nil {
			return in, nil
		}
	}
	return nil, debrief.Errorf(debrief.ENOTFOUND, "incident %q not found", id)
}

func (s *Server) incident(w http.ResponseWriter, r *http.Request) error {
	in, err := s.findIncident(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// reviewOptions are the CLI's: ATT&CK, D3FEND and the attribution section.
func (s *Server) reviewOptions() review.Options {
	return review.Options{Catalog: s.cfg.Catalog, D3FEND: s.cfg.D3FEND, Now: s.cfg.Now,
		Analyses: []review.Analysis{s.attributionAnalysis}}
}

func (s *Server) attributionAnalysis(in []*debrief.Incident) (*review.Section, error) {
	m, err := s.model()
	if err != nil {
		return nil, fmt.Errorf("attribution: %w", err)
	}
	sec := attribution.Section(m.Rank(attribution.EvidenceOf(in...), 5))
	return &sec, nil
}

// maxReviewIDs bounds the incidents of one review.
const maxReviewIDs = 100

// renderReview renders one review of the incidents ids in format.
func (s *Server) renderReview(r *http.Request, ids []string, format string) ([]byte, render.Renderer, error) {
	rd, err := render.ByName(format)
	if err != nil {
		return nil, nil, err
	}
	if len(ids) == 0 || len(ids) > maxReviewIDs {
		return nil, nil, invalid("id", "want 1 to %d incident ids, got %d", maxReviewIDs, len(ids))
	}
	full := make([]string, len(ids))
	for i, id := range ids {
		in, err := s.findIncident(r, id)
		if err != nil {
			return nil, nil, err
		}
		full[i] = in.ID
	}
	rv, err := review.Load(r.Context(), s.store(r.Context()), full, s.reviewOptions())
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	if err := rd.Render(&buf, rv); err != nil {
		return nil, nil, fmt.Errorf("render review of %s: %w", strings.Join(full, ", "), err)
	}
	return buf.Bytes(), rd, nil
}

// reviewCSP confines a rendered HTML review: inline styles only, no
// script, no request, framed only by the UI.
const reviewCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox"

// review answers the review of one incident, or with /api/v1/review of
// the incidents named by id parameters (one intrusion, e.g. a campaign).
func (s *Server) review(w http.ResponseWriter, r *http.Request) error {
	ids := list(r.URL.Query(), "id")
	if id := r.PathValue("id"); id != "" {
		ids = []string{id}
	}
	body, rd, err := s.renderReview(r, ids, or(r.URL.Query().Get("format"), "json"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", rd.MediaType())
	if rd.Name() == "html" {
		w.Header().Set("Content-Security-Policy", reviewCSP)
	}
	_, err = w.Write(body)
	return err
}

func (s *Server) attribution(w http.ResponseWriter, r *http.Request) error {
	top, err := intParam(r.URL.Query(), "top", 10, 1, 1000)
	if err != nil {
		return err
	}
	in, err := s.findIncident(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	m, err := s.model()
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m.Rank(attribution.EvidenceOf(in), top))
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// readyz answers 200 when the store answers a query.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.base.Incidents(r.Context(), debrief.IncidentFilter{Limit: 1}); err != nil {
		return debrief.Errorf(EUNAVAILABLE, "store not ready: %v", err)
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}
