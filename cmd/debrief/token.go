package main

import (
	"crypto/rand"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/server"
)

func (a *app) tokenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Create, list and revoke API tokens for 'debrief serve'",
		Example: `  debrief token create --role analyst --name "sentinel forwarder"
  debrief token list
  debrief token revoke 3f9c0a1b2c4d`,
		Args: args(cobra.NoArgs),
	}
	cmd.AddCommand(a.tokenCreateCmd(), a.tokenListCmd(), a.tokenRevokeCmd())
	return cmd
}

// tokenStore is the store's token capability.
func (a *app) tokenStore(cmd *cobra.Command) (debrief.TokenStore, error) {
	st, err := a.store(cmd.Context())
	if err != nil {
		return nil, err
	}
	ts, ok := st.(debrief.TokenStore)
	if !ok {
		return nil, debrief.Errorf(debrief.EINVALID, "this store (%T) cannot hold API tokens", st)
	}
	return ts, nil
}

func (a *app) tokenCreateCmd() *cobra.Command {
	var role, name string
	cmd := &cobra.Command{
		Use:   "create --role viewer|analyst|admin [--name NAME]",
		Short: "Create a token and print its secret (shown this once only)",
		Long: `Create makes a bearer token for the API and the web UI and prints it once;
only its SHA-256 hash is stored. Roles: viewer reads, analyst also ingests,
admin also manages tokens. Without --name, the token is named by its role
and the day it was made (UTC): cli-ROLE-YYYY-MM-DD.`,
		Example: `  debrief token create --role viewer --name dashboard
  TOKEN=$(debrief token create --role analyst --name forwarder -q)`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, ok := debrief.ParseRole(role)
			if !ok {
				return usagef("--role %q: want one of %s", role, debrief.RoleNames())
			}
			ts, err := a.tokenStore(cmd)
			if err != nil {
				return err
			}
			now := time.Now()
			if !cmd.Flags().Changed("name") {
				name = fmt.Sprintf("cli-%s-%s", r, now.UTC().Format(time.DateOnly))
			}
			secret, t, err := server.IssueToken(cmd.Context(), ts, rand.Reader, r, name, now)
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(server.IssuedToken{Token: t, Secret: secret})
			}
			fmt.Fprintln(a.stdout, secret)
			if !a.quiet {
				fmt.Fprintf(a.stderr, "token %s (%s) created; the secret above is shown only now\n", t.ID, t.Role)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "viewer, analyst or admin (required)")
	cmd.Flags().StringVar(&name, "name", "", "what the token is for (default cli-ROLE-YYYY-MM-DD)")
	return cmd
}

func (a *app) tokenListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List tokens (never their secrets)",
		Example: `  debrief token list
  debrief token list --json`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ts, err := a.tokenStore(cmd)
			if err != nil {
				return err
			}
			list, err := ts.Tokens(cmd.Context())
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(list)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tROLE\tCREATED\tREVOKED\tNAME")
			for _, t := range list {
				revoked := "-"
				if !t.Revoked.IsZero() {
					revoked = t.Revoked.Format(time.DateTime)
				}
				textf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, t.Created.Format(time.DateTime), revoked, t.Name)
			}
			return tw.Flush()
		},
	}
}

func (a *app) tokenRevokeCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "revoke ID",
		Short:   "Revoke a token: requests with it get 401 from now on",
		Example: `  debrief token revoke 3f9c0a1b2c4d`,
		Args:    args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, ids []string) error {
			ts, err := a.tokenStore(cmd)
			if err != nil {
				return err
			}
			return ts.RevokeToken(cmd.Context(), ids[0], time.Now())
		},
	}
}
