package main

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/elastic"
	"github.com/debrief-dev/debrief/internal/query"
)

// elasticOptions are the flags of "pull elastic".
type elasticOptions struct {
	pullOptions
	url, index, apiKey, apiKeyFile, user, password string
}

func (a *app) pullElasticCmd() *cobra.Command {
	var o elasticOptions
	cmd := &cobra.Command{
		Use:   "elastic",
		Short: "Pull Elastic Security detection alerts from an Elasticsearch alerts index",
		Long: `Pull elastic reads an Elastic Security alerts index (.alerts-security.alerts-* by
default) with a point in time and search_after paging, from the alerts created or
changed since the last pull. It authenticates with an API key (--api-key-file,
--api-key or ELASTIC_API_KEY: the "encoded" value Elasticsearch returns) or a user
and password (--user, ELASTIC_PASSWORD).`,
		Example: `  debrief pull elastic --url https://es.example:9200 --api-key-file key.txt --since 30d
  debrief pull elastic --url http://localhost:9200 --user elastic --watch 5m`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runPullElastic(cmd.Context(), o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.url, "url", "", "Elasticsearch endpoint (env ELASTIC_URL)")
	f.StringVar(&o.index, "index", elastic.DefaultIndex, "alerts index pattern")
	f.StringVar(&o.apiKey, "api-key", "", "API key (env ELASTIC_API_KEY; prefer --api-key-file)")
	f.StringVar(&o.apiKeyFile, "api-key-file", "", "a file holding the API key")
	f.StringVar(&o.user, "user", "", "user for basic auth (password from ELASTIC_PASSWORD)")
	f.IntVar(&o.pageSize, "page-size", 0, "hits per page (default 1000)")
	o.runFlags(cmd)
	return cmd
}

// auth picks the credentials from the flags and the environment.
func (o *elasticOptions) auth() (connect.Auth, error) {
	if o.apiKeyFile != "" {
		b, err := os.ReadFile(o.apiKeyFile)
		if err != nil {
			return nil, usagef("--api-key-file: %v", err)
		}
		o.apiKey = strings.TrimSpace(string(b))
	}
	if o.apiKey == "" {
		o.apiKey = os.Getenv("ELASTIC_API_KEY")
	}
	switch {
	case o.apiKey != "":
		return connect.APIKey(o.apiKey), nil
	case o.user != "":
		o.password = os.Getenv("ELASTIC_PASSWORD")
		return connect.Basic{User: o.user, Password: o.password}, nil
	}
	return nil, usagef("want --api-key-file, --api-key, ELASTIC_API_KEY or --user with ELASTIC_PASSWORD")
}

func (a *app) runPullElastic(ctx context.Context, o elasticOptions) error {
	if o.url == "" {
		o.url = os.Getenv("ELASTIC_URL")
	}
	if o.url == "" {
		return usagef("want --url (or ELASTIC_URL)")
	}
	auth, err := o.auth()
	if err != nil {
		return err
	}
	since, err := query.When(o.since, time.Now())
	if err != nil {
		return usagef("--since: %v", err)
	}
	client := &connect.Client{HTTP: o.httpClient(), Timeout: o.timeout, Auth: auth}
	feed := elastic.Alerts(elastic.Options{Client: client, BaseURL: o.url, Index: o.index, PageSize: o.pageSize})
	return a.pullFeeds(ctx, []connect.Feed{feed}, since, o.pullOptions)
}
