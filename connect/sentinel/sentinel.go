package sentinel

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/ingest"
)

// DefaultBaseURL is Azure Resource Manager in the public cloud.
const DefaultBaseURL = "https://management.azure.com"

// Scope is the client credentials scope of the public cloud's Resource
// Manager.
const Scope = "https://management.azure.com/.default"

// APIVersion is the SecurityInsights API version the feed asks for.
const APIVersion = "2024-03-01"

// Options configure the feed.
type Options struct {
	Client        *connect.Client // with OAuth2 auth (connect.NewOAuth2)
	BaseURL       string          // "" means DefaultBaseURL
	Subscription  string          // the workspace's subscription id
	ResourceGroup string          // the workspace's resource group
	Workspace     string          // the Log Analytics workspace's name
	PageSize      int             // $top: incidents per page; 0 means 50
	Parallel      int             // alert requests at once; 0 means 4
}

// Incidents is the incidents feed of a workspace, alerts included.
func Incidents(o Options) connect.Feed {
	if o.PageSize <= 0 {
		o.PageSize = 50
	}
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	if o.BaseURL == "" {
		o.BaseURL = DefaultBaseURL
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	return &feed{o: o}
}

type feed struct{ o Options }

// Name names the checkpoint: one per workspace.
func (f *feed) Name() string { return "sentinel/" + f.o.Workspace + "/incidents" }

func (f *feed) Decoder() ingest.Decoder { return pageDecoder{} }

// workspace is the URL of the workspace's SecurityInsights provider.
func (f *feed) workspace() string {
	return f.o.BaseURL + "/subscriptions/" + url.PathEscape(f.o.Subscription) +
		"/resourceGroups/" + url.PathEscape(f.o.ResourceGroup) +
		"/providers/Microsoft.OperationalInsights/workspaces/" + url.PathEscape(f.o.Workspace) +
		"/providers/Microsoft.SecurityInsights"
}

// First builds the first page's URL: incidents modified at or after
// since.
func (f *feed) First(since time.Time) (string, error) {
	if f.o.Subscription == "" || f.o.ResourceGroup == "" || f.o.Workspace == "" {
		return "", fmt.Errorf("%s: want the subscription, resource group and workspace", f.Name())
	}
	q := url.Values{}
	q.Set("api-version", APIVersion)
	if !since.IsZero() {
		q.Set("$filter", "properties/lastModifiedTimeUtc ge "+since.UTC().Format(time.RFC3339Nano))
	}
	q.Set("$orderby", "properties/lastModifiedTimeUtc asc")
	q.Set("$top", strconv.Itoa(f.o.PageSize))
	u := f.workspace() + "/incidents?" + q.Encode()
	if _, err := url.Parse(u); err != nil {
		return "", fmt.Errorf("sentinel base URL %q: %w", f.o.BaseURL, err)
	}
	return u, nil
}

// list is what the feed reads of an incidents page itself.
type list struct {
	Value []struct {
		Name string `json:"name"`
	} `json:"value"`
	NextLink string `json:"nextLink"`
}

// Fetch gets the incidents page at cursor and the alerts of each of its
// incidents, and joins them in one body for the page decoder.
func (f *feed) Fetch(ctx context.Context, cursor string) (connect.Page, error) {
	if err := connect.SameOrigin(f.o.BaseURL, cursor); err != nil {
		return connect.Page{}, fmt.Errorf("%s: %w", f.Name(), err)
	}
	body, err := f.o.Client.Do(ctx, connect.Request{URL: cursor, Header: jsonAccept(), Check: check})
	if err != nil {
		return connect.Page{}, err
	}
	var l list
	if err := json.Unmarshal(body, &l); err != nil {
		return connect.Page{}, fmt.Errorf("%s: incidents page: %w", f.Name(), err)
	}
	if l.NextLink != "" {
		if err := connect.SameOrigin(f.o.BaseURL, l.NextLink); err != nil {
			return connect.Page{}, fmt.Errorf("%s: %w", f.Name(), err)
		}
	}
	names := make([]string, 0, len(l.Value))
	for _, v := range l.Value {
		names = append(names, v.Name)
	}
	alerts, err := f.alerts(ctx, names)
	if err != nil {
		return connect.Page{}, err
	}
	joined, err := json.Marshal(page{Incidents: body, Alerts: alerts})
	if err != nil {
		return connect.Page{}, fmt.Errorf("%s: %w", f.Name(), err)
	}
	return connect.Page{Body: joined, Next: l.NextLink}, nil
}

// alerts lists the alerts of each incident, o.Parallel at a time.
func (f *feed) alerts(ctx context.Context, names []string) (map[string]jsontext.Value, error) {
	out := make(map[string]jsontext.Value, len(names))
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	sem := make(chan struct{}, f.o.Parallel)
	for _, name := range names {
		if name == "" {
			continue // the decoder rejects the incident
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			b, err := f.o.Client.Do(ctx, connect.Request{
				Method: "POST", URL: f.workspace() + "/incidents/" + url.PathEscape(name) + "/alerts?api-version=" + APIVersion,
				Header: jsonAccept(), Check: check,
			})
			mu.Lock()
			defer mu.Unlock()
			if err != nil && first == nil {
				first = fmt.Errorf("alerts of incident %s: %w", name, err)
			}
			out[name] = b
		})
	}
	wg.Wait()
	return out, first
}

func check(b []byte) error {
	_, err := connect.Envelope(b, "value", "nextLink")
	return err
}

func jsonAccept() map[string][]string {
	return map[string][]string{"Accept": {"application/json"}}
}
