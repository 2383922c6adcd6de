package graph

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/graph"
)

// DefaultBaseURL is the Graph v1.0 endpoint of the public cloud.
const DefaultBaseURL = "https://graph.microsoft.com/v1.0"

// Scope is the client credentials scope of the public cloud's Graph.
const Scope = "https://graph.microsoft.com/.default"

// Options configure the feeds.
type Options struct {
	Client  *connect.Client // with OAuth2 auth (connect.NewOAuth2)
	BaseURL string          // "" means DefaultBaseURL
	// PageSize is $top: incidents per page (Graph allows up to 50) and
	// alerts per page for alerts_v2; 0 means 50 and 500.
	PageSize int
}

// Incidents is the /security/incidents feed, alerts expanded.
func Incidents(o Options) connect.Feed {
	return &feed{o: o, name: "graph/incidents", path: "/security/incidents", expand: "alerts", top: o.top(50)}
}

// Alerts is the /security/alerts_v2 feed.
func Alerts(o Options) connect.Feed {
	return &feed{o: o, name: "graph/alerts_v2", path: "/security/alerts_v2", top: o.top(500)}
}

func (o Options) top(def int) int {
	if o.PageSize > 0 {
		return o.PageSize
	}
	return def
}

func (o Options) base() string {
	if o.BaseURL == "" {
		return DefaultBaseURL
	}
	return strings.TrimRight(o.BaseURL, "/")
}

type feed struct {
	o      Options
	name   string
	path   string
	expand string
	top    int
}

func (f *feed) Name() string { return f.name }

func (f *feed) Decoder() ingest.Decoder { return graph.New() }

// First builds the first page's URL: records whose lastUpdateDateTime is
// at or after since.
func (f *feed) First(since time.Time) (string, error) {
	q := url.Values{}
	if f.expand != "" {
		q.Set("$expand", f.expand)
	}
	if !since.IsZero() {
		q.Set("$filter", "lastUpdateDateTime ge "+since.UTC().Format(time.RFC3339Nano))
	}
	q.Set("$top", strconv.Itoa(f.top))
	u := f.o.base() + f.path + "?" + q.Encode()
	if _, err := url.Parse(u); err != nil {
		return "", fmt.Errorf("graph base URL %q: %w", f.o.BaseURL, err)
	}
	return u, nil
}

// Fetch gets one page and its @odata.nextLink.
func (f *feed) Fetch(ctx context.Context, cursor string) (connect.Page, error) {
	var next string
	body, err := f.o.Client.Do(ctx, connect.Request{
		URL: cursor, Header: map[string][]string{"Accept": {"application/json"}},
		Check: func(b []byte) (err error) {
			next, err = connect.Envelope(b, "value", "@odata.nextLink")
			return err
		},
	})
	if err != nil {
		return connect.Page{}, err
	}
	if next != "" {
		if err := connect.SameOrigin(f.o.base(), next); err != nil {
			return connect.Page{}, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return connect.Page{Body: body, Next: next}, nil
}
