package elastic

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/elastic"
)

// DefaultIndex is the index pattern of Elastic Security's alerts.
const DefaultIndex = ".alerts-security.alerts-*"

// Options configure the feed.
type Options struct {
	Client    *connect.Client // with connect.APIKey or connect.Basic auth
	BaseURL   string          // the Elasticsearch endpoint, e.g. https://es.example:9200
	Index     string          // "" means DefaultIndex
	PageSize  int             // hits per page; 0 means 1000
	KeepAlive time.Duration   // how long a PIT lives between pages; 0 means 5 minutes
}

// Alerts is the feed of an alerts index.
func Alerts(o Options) connect.Feed {
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.Index == "" {
		o.Index = DefaultIndex
	}
	if o.PageSize <= 0 {
		o.PageSize = 1000
	}
	if o.KeepAlive <= 0 {
		o.KeepAlive = 5 * time.Minute
	}
	return &feed{o: o}
}

type feed struct{ o Options }

// cursor is the position of a run: the PIT and the sort values of the
// last hit stored; no PIT yet means open one.
type cursor struct {
	Since time.Time      `json:"since,omitzero"`
	PIT   string         `json:"pit,omitempty"`
	After jsontext.Value `json:"after,omitempty"`
}

func (f *feed) Name() string { return "elastic/" + f.o.Index }

func (f *feed) Decoder() ingest.Decoder { return elastic.New() }

// First returns the cursor of a run from since; the PIT is opened by
// the first Fetch.
func (f *feed) First(since time.Time) (string, error) {
	if _, err := url.Parse(f.o.BaseURL); err != nil || f.o.BaseURL == "" {
		return "", fmt.Errorf("elasticsearch URL %q: want http(s)://host:port", f.o.BaseURL)
	}
	b, err := json.Marshal(cursor{Since: since.UTC()})
	return string(b), err
}

// Fetch gets the page after the cursor's last hit. An expired PIT starts
// the run again from its since.
func (f *feed) Fetch(ctx context.Context, c string) (connect.Page, error) {
	var cur cursor
	if err := json.Unmarshal([]byte(c), &cur); err != nil {
		return connect.Page{}, fmt.Errorf("%s: cursor %q: %w", f.Name(), c, err)
	}
	page, err := f.fetch(ctx, cur)
	var se *connect.StatusError
	if err != nil && cur.PIT != "" && errors.As(err, &se) && se.Status == http.StatusNotFound {
		page, err = f.fetch(ctx, cursor{Since: cur.Since})
	}
	return page, err
}

func (f *feed) fetch(ctx context.Context, cur cursor) (connect.Page, error) {
	if cur.PIT == "" {
		pit, err := f.openPIT(ctx)
		if err != nil {
			return connect.Page{}, err
		}
		cur.PIT = pit
	}
	var res searchResult
	body, err := f.o.Client.Do(ctx, connect.Request{
		Method: http.MethodPost, URL: f.o.BaseURL + "/_search", Header: jsonHeader(), Body: f.query(cur),
		Check: func(b []byte) error { return res.read(b) },
	})
	if err != nil {
		return connect.Page{}, err
	}
	hits := res.hits()
	if len(hits) < f.o.PageSize {
		f.closePIT(ctx, res.PIT)
		return connect.Page{Body: body}, nil
	}
	next := cursor{Since: cur.Since, PIT: res.PIT, After: hits[len(hits)-1].Sort}
	b, err := json.Marshal(next)
	return connect.Page{Body: body, Next: string(b)}, err
}

// openPIT opens a point in time on the index.
func (f *feed) openPIT(ctx context.Context) (string, error) {
	u := f.o.BaseURL + "/" + url.PathEscape(f.o.Index) + "/_pit?keep_alive=" + keepAlive(f.o.KeepAlive)
	var pit struct {
		ID string `json:"id"`
	}
	_, err := f.o.Client.Do(ctx, connect.Request{
		Method: http.MethodPost, URL: u, Header: jsonHeader(),
		Check: func(b []byte) error {
			if err := json.Unmarshal(b, &pit); err != nil || pit.ID == "" {
				return fmt.Errorf("want {\"id\":…} of a point in time: %v", err)
			}
			return nil
		},
	})
	if err != nil {
		return "", fmt.Errorf("open point in time on %s: %w", f.o.Index, err)
	}
	return pit.ID, nil
}

// closePIT frees the PIT of a finished run; it expires anyway, so a
// failure is not one of the run.
func (f *feed) closePIT(ctx context.Context, id string) {
	if id == "" {
		return
	}
	body, _ := json.Marshal(map[string]string{"id": id})
	c := *f.o.Client
	c.Retries = -1
	c.Do(ctx, connect.Request{Method: http.MethodDelete, URL: f.o.BaseURL + "/_pit", Header: jsonHeader(), Body: body})
}

// query is the search request of the page after cur.
func (f *feed) query(cur cursor) []byte {
	q := map[string]any{
		"size":             f.o.PageSize,
		"pit":              map[string]string{"id": cur.PIT, "keep_alive": keepAlive(f.o.KeepAlive)},
		"sort":             []any{map[string]string{"@timestamp": "asc"}, map[string]string{"_shard_doc": "asc"}},
		"track_total_hits": false,
	}
	if !cur.Since.IsZero() {
		since := cur.Since.Format(time.RFC3339Nano)
		var should []any
		for _, field := range []string{"@timestamp", "kibana.alert.last_detected", "kibana.alert.workflow_status_updated_at"} {
			should = append(should, map[string]any{"range": map[string]any{field: map[string]string{"gte": since}}})
		}
		q["query"] = map[string]any{"bool": map[string]any{"should": should, "minimum_should_match": 1}}
	}
	if len(cur.After) > 0 {
		q["search_after"] = cur.After
	}
	b, _ := json.Marshal(q) // maps of strings and numbers always marshal
	return b
}

// searchResult is what a page's cursor needs of a search response.
type searchResult struct {
	PIT  string `json:"pit_id"`
	Hits *struct {
		Hits []hit `json:"hits"`
	} `json:"hits"`
}

type hit struct {
	Sort jsontext.Value `json:"sort"`
}

// hits returns the hits of a checked response.
func (r *searchResult) hits() []hit { return r.Hits.Hits }

// read checks a search response: whole, with hits that carry sort values.
func (r *searchResult) read(b []byte) error {
	*r = searchResult{}
	if err := json.Unmarshal(b, r); err != nil {
		return fmt.Errorf("want a search response: %w", err)
	}
	if r.Hits == nil || r.Hits.Hits == nil {
		return errors.New("want a search response with hits.hits")
	}
	for i, h := range r.Hits.Hits {
		if len(h.Sort) == 0 {
			return fmt.Errorf("hits.hits[%d].sort: want the sort values, got none", i)
		}
	}
	return nil
}

func keepAlive(d time.Duration) string {
	return fmt.Sprintf("%ds", int(d.Round(time.Second).Seconds()))
}

func jsonHeader() http.Header {
	return http.Header{"Accept": {"application/json"}, "Content-Type": {"application/json"}}
}
