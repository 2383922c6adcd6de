package main

import (
	"context"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/graph"
	"github.com/debrief-dev/debrief/internal/query"
)

// pullOptions are the flags of "pull graph".
type pullOptions struct {
	entraTenant, clientID, secret, secretFile string
	baseURL, tokenURL                         string
	since                                     string
	watch                                     time.Duration
	reset                                     bool
	alerts                                    bool
	pageSize                                  int
	timeout                                   time.Duration
	window                                    time.Duration
	noCorrel                                  bool
}

func (a *app) pullCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pull SOURCE",
		Short: "Fetch new and changed incidents from a live source into the store",
		Long: `Pull fetches incidents and alerts from a source's API into the store, from where the
last pull stopped (a checkpoint kept in the store, advanced after each stored page),
so a pull killed at any moment resumes without losing or repeating records.
Throttling (429 and Retry-After), server errors and hung requests are retried with
backoff. Sources: graph, defender, sentinel, elastic.

After each feed is pulled to its end (each time with --watch), pull does what ingest
does after its write: alerts that name an incident the store lacks (Graph
/security/alerts_v2) make a placeholder incident, and alerts that arrive without an
incident (Elastic) are grouped into incidents when they share a device, user,
mailbox, IP address or file hash within --window (not with --no-correlate). A pull
that fails or is interrupted leaves that to the next pull or ingest.

The global --tenant (or DEBRIEF_TENANT) picks the tenant of a PostgreSQL store
the records go to, as for every command; the Entra ID tenant to read from is
--entra-tenant (or AZURE_TENANT_ID).`,
		Example: `  debrief pull graph --entra-tenant contoso.onmicrosoft.com --client-id $ID --client-secret-file secret.txt --since 30d
  debrief --db postgres://debrief@db/debrief --tenant acme pull graph --entra-tenant acme.onmicrosoft.com --client-id $ID --client-secret-file secret.txt
  debrief pull graph --watch 5m
  debrief pull defender --reset --since 7d`,
	}
	cmd.AddCommand(a.pullGraphCmd(), a.pullDefenderCmd(), a.pullElasticCmd(), a.pullSentinelCmd())
	return cmd
}

func (a *app) pullGraphCmd() *cobra.Command {
	var o pullOptions
	cmd := &cobra.Command{
		Use:   "graph",
		Short: "Pull Microsoft Graph security incidents (with their alerts)",
		Long: `Pull graph reads /security/incidents?$expand=alerts (and /security/alerts_v2 with
--alerts) from the Microsoft Graph security API v1.0, with an app registration's
client credentials (application permission SecurityIncident.Read.All, and
SecurityAlert.Read.All for --alerts).

Credentials come from the flags or from AZURE_TENANT_ID, AZURE_CLIENT_ID and
AZURE_CLIENT_SECRET. --base-url and --token-url point at a sovereign cloud.`,
		Example: `  debrief pull graph --entra-tenant contoso.onmicrosoft.com --client-id 00000000-… --client-secret-file secret.txt
  debrief pull graph --since 2026-01-01 --alerts
  debrief pull graph --watch 5m --base-url https://graph.microsoft.us/v1.0 --token-url https://login.microsoftonline.us/contoso/oauth2/v2.0/token`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runPullGraph(cmd.Context(), o) },
	}
	o.azureFlags(cmd, graph.DefaultBaseURL, "Graph endpoint")
	f := cmd.Flags()
	f.BoolVar(&o.alerts, "alerts", false, "also pull /security/alerts_v2")
	f.IntVar(&o.pageSize, "page-size", 0, "$top: records per page (default 50 incidents, 500 alerts)")
	return cmd
}

// credentials fills the credential options from the environment and
// the secret file, and checks that they are complete.
func (o *pullOptions) credentials() error {
	env := func(dst *string, name string) {
		if *dst == "" {
			*dst = os.Getenv(name)
		}
	}
	env(&o.entraTenant, "AZURE_TENANT_ID")
	env(&o.clientID, "AZURE_CLIENT_ID")
	if o.secretFile != "" {
		b, err := os.ReadFile(o.secretFile)
		if err != nil {
			return usagef("--client-secret-file: %v", err)
		}
		if o.secret = strings.TrimSpace(string(b)); o.secret == "" {
			return usagef("--client-secret-file %s is empty", o.secretFile)
		}
	}
	env(&o.secret, "AZURE_CLIENT_SECRET")
	switch {
	case o.entraTenant == "" && o.tokenURL == "":
		return usagef("want --entra-tenant (or AZURE_TENANT_ID, or --token-url)")
	case o.clientID == "":
		return usagef("want --client-id (or AZURE_CLIENT_ID)")
	case o.secret == "":
		return usagef("want --client-secret-file, --client-secret or AZURE_CLIENT_SECRET")
	}
	return nil
}

func (a *app) runPullGraph(ctx context.Context, o pullOptions) error {
	if err := o.credentials(); err != nil {
		return err
	}
	since, err := query.When(o.since, time.Now())
	if err != nil {
		return usagef("--since: %v", err)
	}
	hc := o.httpClient()
	client := &connect.Client{
		HTTP: hc, Timeout: o.timeout,
		Auth: connect.NewOAuth2(connect.AzureCredentials(o.entraTenant, o.clientID, o.secret, o.tokenURL, scopeOf(o.baseURL)), hc),
	}
	gopts := graph.Options{Client: client, BaseURL: o.baseURL, PageSize: o.pageSize}
	feeds := []connect.Feed{graph.Incidents(gopts)}
	if o.alerts {
		feeds = append(feeds, graph.Alerts(gopts))
	}
	return a.pullFeeds(ctx, feeds, since, o)
}

// httpClient is the HTTP client of a pull: its timeout backs up the
// per-attempt one.
func (o *pullOptions) httpClient() *http.Client {
	return &http.Client{Timeout: o.timeout + 10*time.Second}
}

// scopeOf is the client credentials scope of a Graph endpoint: its origin
// and "/.default".
func scopeOf(base string) string {
	if i := strings.Index(base, "://"); i >= 0 {
		if j := strings.IndexByte(base[i+3:], '/'); j >= 0 {
			return base[:i+3+j] + "/.default"
		}
	}
	return strings.TrimRight(base, "/") + "/.default"
}
