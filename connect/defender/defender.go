package defender

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

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
	// Now is the clock that bounds a run's listing (nil: time.Now); give
	// it the clock of connect.Options.
	Now func() time.Time
}

// Incidents is the /api/incidents feed, alerts included.
func Incidents(o Options) connect.Feed {
	if o.PageSize <= 0 || o.PageSize > MaxPageSize {
		o.PageSize = MaxPageSize
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.BaseURL = strings.TrimRight(cmp(o.BaseURL, DefaultBaseURL), "/")
	return &feed{o: o}
}

type feed struct{ o Options }

func (f *feed) Name() string { return "defender/incidents" }

func (f *feed) Decoder() ingest.Decoder { return defender.New() }

// First builds the first page's URL: incidents whose lastUpdateTime is
// at or after since and before now, from $skip=0.
//
// The upper bound freezes the run's listing: an incident updated while
// the run pages leaves it (the next run, which starts before this one
// began, reads it), and no incident moves within it. Leaving shifts the
// incidents after it back by one, so an offset can jump over one; Fetch
// finds that out from the incidents it read last (see overlap).
func (f *feed) First(since time.Time) (string, error) {
	flt := "lastUpdateTime lt " + f.o.Now().UTC().Format(time.RFC3339Nano)
	if !since.IsZero() {
		flt = "lastUpdateTime ge " + since.UTC().Format(time.RFC3339Nano) + " and " + flt
	}
	q := url.Values{}
	q.Set("$filter", flt)
	q.Set("$top", strconv.Itoa(f.o.PageSize))
	q.Set("$skip", "0")
	u := f.o.BaseURL + "/api/incidents?" + q.Encode()
	if _, err := url.Parse(u); err != nil {
		return "", fmt.Errorf("defender base URL %q: %w", f.o.BaseURL, err)
	}
	return u, nil
}

// overlap is how many incidents of a full page the next page asks for
// again: their ids, kept in the cursor, show whether the listing shifted.
func overlap(top int) int {
	if top < 2 {
		return 0
	}
	return max(1, min(5, top/10))
}

// Fetch gets the page at cursor: a URL whose $skip is the offset, and
// whose fragment "seen=…" lists the ids of the last incidents read. The
// page must list one of those again, which proves that no incident
// slipped past the offset; if none is there, incidents before it left
// the listing, and Fetch steps back a page at a time until it finds one
// (or reaches the start). That proof rests on the API keeping the order
// of the incidents it lists, which holds for any order by a property
// that does not change within the bounded listing. A full page is
// followed by the page that starts overlap(top) incidents before its
// end; a short one ends the feed.
func (f *feed) Fetch(ctx context.Context, cursor string) (connect.Page, error) {
	u, err := url.Parse(cursor)
	if err != nil {
		return connect.Page{}, fmt.Errorf("%s: cursor %q: %w", f.Name(), cursor, err)
	}
	if err := connect.SameOrigin(f.o.BaseURL, cursor); err != nil {
		return connect.Page{}, fmt.Errorf("%s: %w", f.Name(), err)
	}
	seen := seenIDs(u.Fragment)
	u.Fragment = ""
	q := u.Query()
	top, _ := strconv.Atoi(q.Get("$top"))
	skip, _ := strconv.Atoi(q.Get("$skip"))
	k := overlap(top)
	var body []byte
	var ids []string
	for {
		q.Set("$skip", strconv.Itoa(skip))
		u.RawQuery = q.Encode()
		if body, ids, err = f.get(ctx, u.String()); err != nil {
			return connect.Page{}, err
		}
		if len(seen) == 0 || skip == 0 || slices.ContainsFunc(ids, func(id string) bool { return slices.Contains(seen, id) }) {
			break
		}
		skip = max(0, skip-max(1, top-k))
	}
	if len(ids) == 0 || len(ids) < top {
		return connect.Page{Body: body}, nil
	}
	q.Set("$skip", strconv.Itoa(skip+len(ids)-k))
	u.RawQuery = q.Encode()
	if k > 0 {
		u.Fragment = "seen=" + strings.Join(ids[len(ids)-k:], ",")
	}
	return connect.Page{Body: body, Next: u.String()}, nil
}

// get fetches one page and reads its incidents' ids.
func (f *feed) get(ctx context.Context, u string) ([]byte, []string, error) {
	var ids []string
	body, err := f.o.Client.Do(ctx, connect.Request{
		URL: u, Header: map[string][]string{"Accept": {"application/json"}},
		Check: func(b []byte) (err error) {
			if _, _, err = connect.EnvelopeLen(b, "value", "@odata.nextLink"); err != nil {
				return err
			}
			ids, err = incidentIDs(b)
			return err
		},
	})
	return body, ids, err
}

// incidentIDs lists the incidentId of each incident of a page, "" for one
// without.
func incidentIDs(page []byte) ([]string, error) {
	var p struct {
		Value []struct {
			ID jsontext.Value `json:"incidentId"`
		} `json:"value"`
	}
	if err := json.Unmarshal(page, &p); err != nil {
		return nil, err
	}
	ids := make([]string, len(p.Value))
	for i, v := range p.Value {
		ids[i] = strings.Trim(string(v.ID), `"`)
	}
	return ids, nil
}

// seenIDs reads the "seen=id,id" fragment of a cursor; an older cursor
// has none.
func seenIDs(fragment string) []string {
	v, ok := strings.CutPrefix(fragment, "seen=")
	if !ok || v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
