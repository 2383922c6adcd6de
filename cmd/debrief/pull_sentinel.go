package main

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/sentinel"
)

// sentinelOptions are the flags of "pull sentinel".
type sentinelOptions struct {
	pullOptions
	subscription, resourceGroup, workspace string
}

func (a *app) pullSentinelCmd() *cobra.Command {
	var o sentinelOptions
	cmd := &cobra.Command{
		Use:   "sentinel",
		Short: "Pull Microsoft Sentinel incidents (with their alerts) from the SecurityInsights API",
		Long: `Pull sentinel reads the incidents of a Sentinel workspace from the Azure Resource
Manager SecurityInsights API (api-version 2024-03-01), filtered by lastModifiedTimeUtc
and paged by nextLink, and the alerts of each incident, with an app registration's
client credentials (the Microsoft Sentinel Reader role on the workspace).

Credentials come from the flags or from AZURE_TENANT_ID, AZURE_CLIENT_ID and
AZURE_CLIENT_SECRET; the workspace from the flags or AZURE_SUBSCRIPTION_ID.
--base-url and --token-url point at a sovereign cloud.`,
		Example: `  debrief pull sentinel --entra-tenant contoso.onmicrosoft.com --client-id 00000000-… --client-secret-file secret.txt \
      --subscription 0f1e2d3c-… --resource-group rg-soc --workspace law-soc --since 30d
  debrief pull sentinel --resource-group rg-soc --workspace law-soc --watch 5m`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runPullSentinel(cmd.Context(), o) },
	}
	o.azureFlags(cmd, sentinel.DefaultBaseURL, "Azure Resource Manager endpoint")
	f := cmd.Flags()
	f.StringVar(&o.subscription, "subscription", "", "the workspace's subscription id (env AZURE_SUBSCRIPTION_ID)")
	f.StringVar(&o.resourceGroup, "resource-group", "", "the workspace's resource group")
	f.StringVar(&o.workspace, "workspace", "", "the Log Analytics workspace's name")
	f.IntVar(&o.pageSize, "page-size", 0, "$top: incidents per page (default 50)")
	return cmd
}

func (a *app) runPullSentinel(ctx context.Context, o sentinelOptions) error {
	if o.subscription == "" {
		o.subscription = os.Getenv("AZURE_SUBSCRIPTION_ID")
	}
	switch {
	case o.subscription == "":
		return usagef("want --subscription (or AZURE_SUBSCRIPTION_ID)")
	case o.resourceGroup == "" || o.workspace == "":
		return usagef("want --resource-group and --workspace")
	}
	client, since, err := o.azureClient(scopeOf(o.baseURL))
	if err != nil {
		return err
	}
	feed := sentinel.Incidents(sentinel.Options{
		Client: client, BaseURL: o.baseURL, PageSize: o.pageSize,
		Subscription: o.subscription, ResourceGroup: o.resourceGroup, Workspace: o.workspace,
	})
	return a.pullFeeds(ctx, []connect.Feed{feed}, since, o.pullOptions)
}
