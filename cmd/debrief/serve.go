package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/d3fend"
	"github.com/debrief-dev/debrief/playbook"
	"github.com/debrief-dev/debrief/server"
)

type serveOptions struct {
	addr       string
	maxIngest  int64
	rate       float64
	burst      int
	timeout    time.Duration
	secure     bool
	rules      []string
	playbooks  string
	allTenants bool
	tokenCache time.Duration
}

func (a *app) serveCmd() *cobra.Command {
	o := serveOptions{addr: "127.0.0.1:8080"}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the JSON API and the web UI",
		Long: `Serve answers the JSON API under /api/v1 (described at /api/v1/openapi.json)
and the web UI (incident list, incident reviews, the ATT&CK matrix) until it is
interrupted. Every API request needs a bearer token and the UI a login with one:
create them with 'debrief token create --role viewer|analyst|admin'.

It listens on the loopback interface unless --addr names another; put it
behind a TLS-terminating proxy before exposing it. Requests are logged as JSON
lines on stderr.

--rules gives the detection rules (files or folders, any corpus 'debrief
coverage' reads) behind /api/v1/coverage and the matrix's coverage layer.
--playbooks names the folder of playbook files: analysts approve or deny the
steps of playbook runs that wait for approval, and an approved run continues
at once when its playbook file is there. The playbook config is playbooks.yaml
in that folder, else in the data directory; approvals go to the same audit
log as the CLI's (playbook-audit.jsonl in the data directory; on PostgreSQL,
a tenant other than the default has playbook-audit.<tenant>.jsonl).

On PostgreSQL it serves the data of one tenant (--tenant, or DEBRIEF_TENANT)
to that tenant's tokens; --all-tenants serves every tenant of the database,
each request from the tenant of its token, so one server holds many
customers and none sees another's data. With --playbooks as well, each
tenant's runs stay in its own data and its approvals in its own audit log,
and the server's sweep (overdue approvals, playbooks fired on incident
events) visits every tenant that has API tokens or playbook runs; the
playbook folder and its config are shared by all tenants.`,
		Example: `  debrief token create --role admin --name me
  debrief serve
  debrief serve --addr 0.0.0.0:8443 --rate 20
  debrief serve --rules detections/ --playbooks playbooks/
  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/api/v1/incidents?since=30d
  debrief token create --db postgres://debrief@db/debrief --tenant acme --role analyst
  debrief serve --db postgres://debrief@db/debrief --all-tenants --playbooks playbooks/`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runServe(cmd, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", o.addr, "host:port to listen on (loopback by default)")
	f.Int64Var(&o.maxIngest, "max-ingest", 256<<20, "largest ingest body in bytes")
	f.Float64Var(&o.rate, "rate", 50, "requests per second allowed to each token")
	f.IntVar(&o.burst, "burst", 100, "requests a token may make at once")
	f.DurationVar(&o.timeout, "timeout", 2*time.Minute, "longest a request may take")
	f.StringSliceVar(&o.rules, "rules", nil, "detection rule files or folders for coverage (repeatable)")
	f.StringVar(&o.playbooks, "playbooks", "", "folder of playbook files, to approve and continue runs")
	f.BoolVar(&o.secure, "secure-cookies", false, "mark the UI's cookies Secure (behind a TLS-terminating proxy)")
	f.BoolVar(&o.allTenants, "all-tenants", false, "PostgreSQL: serve every tenant, each token its own tenant's data")
	f.DurationVar(&o.tokenCache, "token-cache", 2*time.Second, "keep tokens read from the store this long (a token revoked with the CLI stops working within it; 0: read on every request)")
	return cmd
}

func (a *app) runServe(cmd *cobra.Command, o serveOptions) error {
	if o.maxIngest < 1 || o.rate <= 0 || o.burst < 1 || o.timeout <= 0 {
		return usagef("--max-ingest, --rate, --burst and --timeout must be positive")
	}
	if o.tokenCache < 0 {
		return usagef("--token-cache must not be negative")
	}
	ctx := cmd.Context()
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	cat, err := a.catalog()
	if err != nil {
		return err
	}
	d3, err := d3fend.Embedded()
	if err != nil {
		return fmt.Errorf("D3FEND data: %w", err)
	}
	for _, p := range o.rules {
		if _, err := os.Stat(p); err != nil {
			return usagef("--rules: %v", err)
		}
	}
	var tenants debrief.TenantStores
	if o.allTenants {
		if tenants, _ = st.(debrief.TenantStores); tenants == nil {
			return usagef("--all-tenants needs a PostgreSQL store (--db postgres://…)")
		}
	}
	pbs, err := a.servePlaybooks(o.playbooks, o.allTenants)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(a.stderr, nil))
	srv, err := server.New(server.Config{Store: st, Tenants: tenants, Catalog: cat, D3FEND: d3, Log: log,
		MaxIngest: o.maxIngest, Rate: o.rate, Burst: o.burst, Timeout: o.timeout, SecureCookies: o.secure, TokenCache: o.tokenCache,
		Rules: o.rules, Playbooks: pbs})
	if err != nil {
		return err
	}

	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		return debrief.Errorf(debrief.EINVALID, "--addr %s: %v", o.addr, err)
	}
	if host, _, _ := net.SplitHostPort(l.Addr().String()); !net.ParseIP(host).IsLoopback() {
		log.Warn("listening beyond loopback; serve it behind TLS", "addr", l.Addr().String())
	}
	log.Info("listening", "url", "http://"+l.Addr().String())
	return srv.Serve(ctx, l)
}

// servePlaybooks reads the playbook setup of --playbooks DIR: the config
// (DIR/playbooks.yaml, else the data directory's) and the audit log of the
// data directory: the store's tenant's, or with allTenants each tenant's
// (tenantAuditPath), opened as the server first needs it. No folder: nil.
func (a *app) servePlaybooks(dir string, allTenants bool) (*server.Playbooks, error) {
	if dir == "" {
		return nil, nil
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, usagef("--playbooks %s: want a folder of playbook files", dir)
	}
	data, err := dataDir()
	if err != nil {
		return nil, err
	}
	pbs := &server.Playbooks{Dir: dir}
	for _, c := range []string{filepath.Join(dir, playbookConfigFile), filepath.Join(data, playbookConfigFile)} {
		if fileExists(c) {
			if pbs.Config, err = playbook.LoadConfig(c); err != nil {
				return nil, err
			}
			break
		}
	}
	if allTenants {
		audits := &tenantAudits{dir: data}
		pbs.TenantAudit = audits.open
		a.closers = append(a.closers, audits.close)
		return pbs, nil
	}
	if pbs.Audit, err = playbook.OpenAudit(a.auditPath(data)); err != nil {
		return nil, err
	}
	a.closers = append(a.closers, pbs.Audit.Close)
	return pbs, nil
}

// tenantAudits opens the tenants' audit logs in dir and closes them all.
type tenantAudits struct {
	dir    string
	mu     sync.Mutex
	opened []*playbook.Audit
}

func (t *tenantAudits) open(tenant string) (*playbook.Audit, error) {
	a, err := playbook.OpenAudit(tenantAuditPath(t.dir, tenant))
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	t.opened = append(t.opened, a)
	t.mu.Unlock()
	return a, nil
}

func (t *tenantAudits) close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	var errs []error
	for _, a := range t.opened {
		errs = append(errs, a.Close())
	}
	return errors.Join(errs...)
}
