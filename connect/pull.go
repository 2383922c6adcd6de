package connect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/go-json-experiment/json"
)

// Feed is one paged collection of a source API, such as Graph's
// /security/incidents.
type Feed interface {
	// Name names the feed's checkpoint, e.g. "graph/incidents".
	Name() string
	// Decoder reads the feed's pages.
	Decoder() ingest.Decoder
	// First returns the cursor of the first page of the records changed
	// at or after since (all records when since is zero).
	First(since time.Time) (string, error)
	// Fetch returns the page at cursor.
	Fetch(ctx context.Context, cursor string) (Page, error)
}

// Page is one fetched page of a feed.
type Page struct {
	Body []byte // what the feed's decoder reads
	Next string // the cursor of the next page; "" after the last
}

// Options configure Pull.
type Options struct {
	Sink        *Sink
	Checkpoints debrief.CheckpointStore
	// Since bounds the first run of a feed (no checkpoint yet); zero
	// reads everything the source keeps.
	Since time.Time
	// Overlap is how far before a run's start the next run looks again,
	// for records that changed while the run paged and for clock skew
	// between source and here; 0 means 5 minutes.
	Overlap time.Duration
	// GroupAlerts bounds the alerts of pages stored together in one
	// transaction when the fetching runs ahead of the store; 0 means 2000.
	GroupAlerts int
	Now         func() time.Time // nil: time.Now
	Progress    func(Stats)      // called after each stored page; optional
}

// Stats is what a pull of one feed did.
type Stats struct {
	Feed     string              `json:"feed"`
	Pages    int                 `json:"pages"`
	Records  int                 `json:"records"`
	Alerts   int                 `json:"alerts"`
	Written  debrief.WriteResult `json:"written"`
	Rejected int                 `json:"rejected"`
	Rejects  []string            `json:"rejects,omitempty"` // the first 100
	Resumed  bool                `json:"resumed"`           // continued an interrupted run
	Since    time.Time           `json:"since"`             // where the next run starts
}

// state is the checkpoint of a feed, stored as JSON.
type state struct {
	Since   time.Time `json:"since,omitzero"`   // the run reads records changed at or after
	Cursor  string    `json:"cursor,omitempty"` // the next page of an unfinished run
	Started time.Time `json:"started,omitzero"` // when the unfinished run began
	Latest  time.Time `json:"latest,omitzero"`  // the latest change stored by the run
}

// Pull reads feed from its checkpoint to its last page, storing each page
// before advancing the checkpoint past it. The next page is fetched and
// decoded while the current one is stored.
func Pull(ctx context.Context, feed Feed, o Options) (Stats, error) {
	st := Stats{Feed: feed.Name()}
	s, err := loadState(ctx, o.Checkpoints, feed.Name(), o.Since)
	if err != nil {
		return st, err
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	st.Resumed = s.Cursor != ""
	if !st.Resumed {
		s.Started, s.Latest = now().UTC(), time.Time{}
		if s.Cursor, err = feed.First(s.Since); err != nil {
			return st, err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan fetched, 8)
	go produce(ctx, feed, o.Sink, s, st.Resumed, pages)
	q := &queue{pages: pages}
	for {
		group, err := q.gather(o.groupAlerts())
		if err != nil || len(group) == 0 {
			return st, errors.Join(err, ctx.Err())
		}
		res, err := o.Sink.Commit(ctx, merge(group), group[0].label)
		if err != nil {
			return st, err
		}
		st.add(res, len(group))
		s.Cursor, s.Latest = group[len(group)-1].next, later(s.Latest, res.Latest)
		if s.Cursor == "" {
			s = s.finished(o.overlap())
		}
		if err := saveState(ctx, o.Checkpoints, feed.Name(), s); err != nil {
			return st, err
		}
		st.Since = s.Since
		if o.Progress != nil {
			o.Progress(st)
		}
	}
}

// queue hands the fetched pages to the store in groups.
type queue struct {
	pages <-chan fetched
	held  *fetched // an error held back until the pages before it are stored
}

// gather takes the next page, and the pages already fetched after it up
// to about limit alerts, to store them in one transaction. An error comes
// alone, after the pages before it.
func (q *queue) gather(limit int) ([]fetched, error) {
	if q.held != nil {
		return nil, q.held.err
	}
	p, ok := <-q.pages
	if !ok {
		return nil, nil
	}
	if p.err != nil {
		return nil, p.err
	}
	group, n := []fetched{p}, p.batch.Result.Alerts
	for n < limit {
		select {
		case next, ok := <-q.pages:
			if !ok {
				return group, nil
			}
			if next.err != nil {
				q.held = &next
				return group, nil
			}
			group, n = append(group, next), n+next.batch.Result.Alerts
		default:
			return group, nil
		}
	}
	return group, nil
}

// merge joins the batches of a group of pages.
func merge(group []fetched) Batch {
	if len(group) == 1 {
		return group[0].batch
	}
	var b Batch
	for _, p := range group {
		b.Records = append(b.Records, p.batch.Records...)
		r := p.batch.Result
		b.Result.Records += r.Records
		b.Result.Alerts += r.Alerts
		b.Result.Rejected = append(b.Result.Rejected, r.Rejected...)
		b.Result.Latest = later(b.Result.Latest, r.Latest)
	}
	return b
}

// fetched is a page fetched and decoded, or the error that ended the feed.
type fetched struct {
	batch Batch
	label string
	next  string
	err   error
}

// produce fetches and decodes the pages of feed from s.Cursor on, until
// the last page, an error, or ctx ends; it closes out.
func produce(ctx context.Context, feed Feed, sink *Sink, s state, resumed bool, out chan<- fetched) {
	defer close(out)
	for n := 1; s.Cursor != ""; n++ {
		f := fetched{label: fmt.Sprintf("%s page %d", feed.Name(), n)}
		page, err := fetch(ctx, feed, &s, resumed && n == 1)
		if err == nil {
			f.batch, err = sink.Decode(ctx, feed.Decoder(), bytes.NewReader(page.Body), f.label)
		}
		f.next, f.err, s.Cursor = page.Next, err, page.Next
		select {
		case out <- f:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

// fetch gets the page at s.Cursor. A resumed run whose saved cursor the
// source no longer honours (an expired skip token) starts the run again
// from its since: nothing is lost, and the store absorbs the repeats.
func fetch(ctx context.Context, feed Feed, s *state, resumed bool) (Page, error) {
	page, err := feed.Fetch(ctx, s.Cursor)
	var se *StatusError
	if err != nil && resumed && errors.As(err, &se) && se.Status >= 400 && se.Status < 500 &&
		se.Status != http.StatusUnauthorized && se.Status != http.StatusForbidden {
		if s.Cursor, err = feed.First(s.Since); err != nil {
			return Page{}, err
		}
		page, err = feed.Fetch(ctx, s.Cursor)
	}
	if err != nil {
		return Page{}, fmt.Errorf("%s: %w", feed.Name(), err)
	}
	return page, nil
}

// finished is the state after a run's last page: the next run reads what
// changed since the run began (less the overlap), or since the latest
// change it stored if that is earlier (a source clock behind ours).
func (s state) finished(overlap time.Duration) state {
	next := s.Started.Add(-overlap)
	if !s.Latest.IsZero() && s.Latest.Before(next) {
		next = s.Latest
	}
	if next.Before(s.Since) {
		next = s.Since
	}
	return state{Since: next}
}

func (o Options) groupAlerts() int {
	if o.GroupAlerts <= 0 {
		return 2000
	}
	return o.GroupAlerts
}

func (o Options) overlap() time.Duration {
	if o.Overlap <= 0 {
		return 5 * time.Minute
	}
	return o.Overlap
}

func (st *Stats) add(r PageResult, pages int) {
	st.Pages += pages
	st.Records += r.Records
	st.Alerts += r.Alerts
	st.Written.Add(r.Written)
	for _, re := range r.Rejected {
		if !re.Kept {
			st.Rejected++
		}
		if len(st.Rejects) < 100 {
			st.Rejects = append(st.Rejects, re.Error())
		}
	}
}

func loadState(ctx context.Context, cs debrief.CheckpointStore, name string, since time.Time) (state, error) {
	v, ok, err := cs.Checkpoint(ctx, name)
	if err != nil || !ok {
		return state{Since: since.UTC()}, err
	}
	var s state
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return s, debrief.Errorf(debrief.EINVALID, "checkpoint %s: %v (delete it to start again)", name, err)
	}
	return s, nil
}

func saveState(ctx context.Context, cs debrief.CheckpointStore, name string, s state) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("checkpoint %s: %w", name, err)
	}
	return cs.SetCheckpoint(ctx, name, string(b))
}

// CheckpointsOf returns the checkpoint capability of a store, or an
// error saying the store lacks it.
func CheckpointsOf(st debrief.Store) (debrief.CheckpointStore, error) {
	cs, ok := st.(debrief.CheckpointStore)
	if !ok {
		return nil, debrief.Errorf(debrief.EINVALID, "this store keeps no checkpoints, which live sources need: use a SQLite store")
	}
	return cs, nil
}

// Describe reads the checkpoint value of a feed for people: where its
// next run reads from, and whether that run resumes an unfinished one.
func Describe(value string) (since time.Time, resumes bool, err error) {
	var s state
	if err := json.Unmarshal([]byte(value), &s); err != nil {
		return time.Time{}, false, fmt.Errorf("not a pull checkpoint: %w", err)
	}
	return s.Since, s.Cursor != "", nil
}
