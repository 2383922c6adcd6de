package connect

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Auth puts credentials on requests.
type Auth interface {
	// Apply sets the credential headers of a request.
	Apply(ctx context.Context, h http.Header) error
	// Refresh drops cached credentials after the API refused them (401),
	// so that the next Apply fetches new ones.
	Refresh()
}

// OAuth2 authenticates with the OAuth2 client credentials grant (Microsoft
// Entra ID app registrations): it fetches a bearer token from TokenURL,
// reuses it until it expires or the API refuses it, then fetches another.
type OAuth2 struct {
	config clientcredentials.Config
	ctx    context.Context // carries the HTTP client for token requests
	mu     sync.Mutex
	ts     oauth2.TokenSource
}

// NewOAuth2 returns client credentials auth for cfg; hc (nil for the
// default client) makes the token requests.
func NewOAuth2(cfg clientcredentials.Config, hc *http.Client) *OAuth2 {
	ctx := context.Background()
	if hc != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, hc)
	}
	return &OAuth2{config: cfg, ctx: ctx}
}

// AzureCredentials returns the client credentials config of a Microsoft
// Entra ID tenant for one API scope (e.g. "https://graph.microsoft.com/.default").
// tokenURL "" means the public cloud's endpoint of tenant.
func AzureCredentials(tenant, clientID, secret, tokenURL, scope string) clientcredentials.Config {
	if tokenURL == "" {
		tokenURL = "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token"
	}
	return clientcredentials.Config{
		ClientID: clientID, ClientSecret: secret, TokenURL: tokenURL,
		Scopes: []string{scope}, AuthStyle: oauth2.AuthStyleInParams,
	}
}

// Apply sets "Authorization: Bearer <token>".
func (a *OAuth2) Apply(_ context.Context, h http.Header) error {
	a.mu.Lock()
	if a.ts == nil {
		a.ts = a.config.TokenSource(a.ctx)
	}
	ts := a.ts
	a.mu.Unlock()
	tok, err := ts.Token()
	if err != nil {
		err = fmt.Errorf("get token from %s: %w", redact(a.config.TokenURL), err)
		var re *oauth2.RetrieveError
		var ne net.Error
		switch {
		case errors.As(err, &re) && re.Response != nil && (re.Response.StatusCode >= 500 || re.Response.StatusCode == http.StatusTooManyRequests),
			errors.As(err, &ne):
			return transient{err} // the token endpoint is down or busy
		}
		return err // wrong tenant, client id or secret, or not a token endpoint: retrying will not help
	}
	tok.SetAuthHeader(&http.Request{Header: h})
	return nil
}

// Refresh forgets the cached token.
func (a *OAuth2) Refresh() {
	a.mu.Lock()
	a.ts = nil
	a.mu.Unlock()
}

// APIKey authenticates to Elasticsearch with an API key (the base64
// "id:key" credential Elasticsearch returns as "encoded").
type APIKey string

// Apply sets "Authorization: ApiKey <key>".
func (k APIKey) Apply(_ context.Context, h http.Header) error {
	h.Set("Authorization", "ApiKey "+string(k))
	return nil
}

// Refresh does nothing: an API key does not expire mid-run.
func (APIKey) Refresh() {}

// Basic authenticates with a user name and password.
type Basic struct{ User, Password string }

// Apply sets "Authorization: Basic …".
func (b Basic) Apply(_ context.Context, h http.Header) error {
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(b.User+":"+b.Password)))
	return nil
}

// Refresh does nothing.
func (Basic) Refresh() {}
