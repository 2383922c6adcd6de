package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/defender"
	"github.com/debrief-dev/debrief/internal/query"
)

func (a *app) pullDefenderCmd() *cobra.Command {
	var o pullOptions
	cmd := &cobra.Command{
		Use:   "defender",
		Short: "Pull Microsoft Defender XDR incidents (with their alerts) from the incidents API",
		Long: `Pull defender reads /api/incidents from the Microsoft Defender XDR API (for tenants
that still use it rather than Graph), $top at most 100 and paged by $skip, filtered by
lastUpdateTime, with an app registration's client credentials (application permission
Incident.Read.All). The API's quotas (50 calls a minute, 1,500 an hour) are waited out.
A pull lists the incidents changed before it began (those changed while it runs are
read by the next pull) and overlaps its pages, so that shifting offsets lose none.

Credentials come from the flags or from AZURE_TENANT_ID, AZURE_CLIENT_ID and
AZURE_CLIENT_SECRET. --base-url and --token-url point at a sovereign cloud.`,
		Example: `  debrief pull defender --entra-tenant contoso.onmicrosoft.com --client-id 00000000-… --client-secret-file secret.txt --since 30d
  debrief pull defender --watch 10m`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runPullDefender(cmd.Context(), o) },
	}
	o.azureFlags(cmd, defender.DefaultBaseURL, "API endpoint")
	cmd.Flags().IntVar(&o.pageSize, "page-size", 0, "$top: incidents per page (at most and default 100)")
	return cmd
}

// azureFlags binds the flags that every Entra ID source shares.
func (o *pullOptions) azureFlags(cmd *cobra.Command, baseURL, what string) {
	f := cmd.Flags()
	f.StringVar(&o.entraTenant, "entra-tenant", "", "Entra ID tenant id or domain (env AZURE_TENANT_ID); --tenant is the store's")
	f.StringVar(&o.clientID, "client-id", "", "app registration's client id (env AZURE_CLIENT_ID)")
	f.StringVar(&o.secret, "client-secret", "", "client secret (env AZURE_CLIENT_SECRET; prefer --client-secret-file)")
	f.StringVar(&o.secretFile, "client-secret-file", "", "a file holding the client secret")
	f.StringVar(&o.baseURL, "base-url", baseURL, what)
	f.StringVar(&o.tokenURL, "token-url", "", "OAuth2 token endpoint (default: the public cloud's, for --entra-tenant)")
	o.runFlags(cmd)
}

// runFlags binds the flags that every source shares.
func (o *pullOptions) runFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.since, "since", "", "first pull only: changed at or after a duration back from now (30d, 12h) or a date; default everything")
	f.DurationVar(&o.watch, "watch", 0, "keep pulling, every INTERVAL (e.g. 5m), until interrupted")
	f.BoolVar(&o.reset, "reset", false, "forget where the last pull stopped and start afresh (from --since, or everything)")
	f.DurationVar(&o.timeout, "timeout", time.Minute, "per request")
	correlateFlags(cmd, &o.window, &o.noCorrel)
}

// azureClient checks the credentials and --since and returns a client
// with client credentials for scope.
func (o *pullOptions) azureClient(scope string) (*connect.Client, time.Time, error) {
	if err := o.credentials(); err != nil {
		return nil, time.Time{}, err
	}
	since, err := query.When(o.since, time.Now())
	if err != nil {
		return nil, time.Time{}, usagef("--since: %v", err)
	}
	hc := o.httpClient()
	return &connect.Client{
		HTTP: hc, Timeout: o.timeout,
		Auth: connect.NewOAuth2(connect.AzureCredentials(o.entraTenant, o.clientID, o.secret, o.tokenURL, scope), hc),
	}, since, nil
}

func (a *app) runPullDefender(ctx context.Context, o pullOptions) error {
	client, since, err := o.azureClient(scopeOf(o.baseURL))
	if err != nil {
		return err
	}
	feed := defender.Incidents(defender.Options{Client: client, BaseURL: o.baseURL, PageSize: o.pageSize})
	return a.pullFeeds(ctx, []connect.Feed{feed}, since, o)
}
