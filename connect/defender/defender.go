package defender

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/defender"
)

// DefaultBaseURL is the incidents API endpoint of the public cloud.
const DefaultBaseURL = "https://api.security.microsoft.com"

// Scope is the client credentials scope of the public cloud's API.
const Scope = "https://api.security.microsoft.com/.default"

// MaxPageSize is the largest $top the API accepts.
const MaxPageSize = 100

// Options configure the feed.
type Options struct {
	Client   *connect.Client // with OAuth2 auth (connect.NewOAuth2)
	BaseURL  string          // "" means DefaultBaseURL
	PageSize int             // $top; 0 or more than MaxPageSize means MaxPageSize
}

// Incidents is the /api/incidents feed, alerts included.
func Incidents(o Options) connect.Feed {
	if o.PageSize <= 0 || o.PageSize > MaxPageSize {
		o.PageSize = MaxPageSize
	}
	o.BaseURL = strings.TrimRight(cmp(o.BaseURL, DefaultBaseURL), "/")
	return &feed{o: o}
}

type feed struct{ o Options }

func (f *feed) Name() string { return "defender/incidents" }

func (f *feed) Decoder() ingest.Decoder { return defender.New() }

// First builds the first page's URL: incidents whose lastUpdateTime is
// at or after since, from $skip=0.
func (f *feed) First(since time.Time) (string, error) {
	q := url.Values{}
	if !since.IsZero() {
		q.Set("$filter", "lastUpdateTime ge "+since.UTC().Format(time.RFC3339Nano))
	}
	q.Set("$top", strconv.Itoa(f.o.PageSize))
	q.Set("$skip", "0")
	u := f.o.BaseURL + "/api/incidents?" + q.Encode()
	if _, err := url.Parse(u); err != nil {
		return "", fmt.Errorf("defender base URL %q: %w", f.o.BaseURL, err)
	}
	return u, nil
}

// Fetch gets the page at cursor, a URL whose $skip is the offset. A full
// page is followed by the page at $skip+$top; a short one ends the feed.
func (f *feed) Fetch(ctx context.Context, cursor string) (connect.Page, error) {
	u, err := url.Parse(cursor)
	if err != nil {
		return connect.Page{}, fmt.Errorf("%s: cursor %q: %w", f.Name(), cursor, err)
	}
	if err := connect.SameOrigin(f.o.BaseURL, cursor); err != nil {
		return connect.Page{}, fmt.Errorf("%s: %w", f.Name(), err)
	}
	var n int
	body, err := f.o.Client.Do(ctx, connect.Request{
		URL: cursor, Header: map[string][]string{"Accept": {"application/json"}},
		Check: func(b []byte) (err error) {
			_, n, err = connect.EnvelopeLen(b, "value", "@odata.nextLink")
			return err
		},
	})
	if err != nil {
		return connect.Page{}, err
	}
	q := u.Query()
	top, _ := strconv.Atoi(q.Get("$top"))
	if n == 0 || n < top {
		return connect.Page{Body: body}, nil
	}
	skip, _ := strconv.Atoi(q.Get("$skip"))
	q.Set("$skip", strconv.Itoa(skip+top))
	u.RawQuery = q.Encode()
	return connect.Page{Body: body, Next: u.String()}, nil
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
