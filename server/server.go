package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/attribution"
	"github.com/debrief-dev/debrief/d3fend"
)

// Config is what a Server needs. Store, Tokens and Catalog are required.
type Config struct {
	Store  debrief.Store
	Tokens debrief.TokenStore // nil: the Store's, when it is one
	// Tenants, when set, serves every tenant of a multi-tenant store: a
	// token of any tenant is accepted, and each request reads and writes
	// its token's tenant's store (Store and Tokens then only answer
	// /readyz). Nil serves Store's data to Tokens' tokens.
	Tenants debrief.TenantStores
	Catalog *attack.Catalog
	D3FEND  *d3fend.Catalog // nil leaves countermeasures out of reviews
	Log     *slog.Logger    // nil discards
	Now     func() time.Time
	Random  io.Reader // token and session secrets; nil: crypto/rand

	MaxBody   int64         // bytes of a request body other than ingest; 0: 1 MiB
	MaxIngest int64         // bytes of an ingest body; 0: 256 MiB
	Rate      float64       // requests per second per token; 0: 50
	Burst     int           // requests a token may make at once; 0: 100
	Timeout   time.Duration // per request; 0: 2 minutes
	Session   time.Duration // UI session lifetime; 0: 12 hours
	// TokenCache keeps tokens read from the store this long, so that most
	// requests need no token query. A token revoked through this server
	// stops working at once, one revoked elsewhere (the CLI, another
	// server) within TokenCache. 0: every request reads its token.
	TokenCache time.Duration
	// Rules are the team's detection rule files or folders (any corpus),
	// read once on first use, for coverage; none: coverage answers 409.
	Rules []string
	// Playbooks, when set, keeps playbook runs: their list and approvals.
	Playbooks *Playbooks
	// SecureCookies marks the UI's cookies Secure also on plain HTTP, for
	// a server behind a TLS-terminating proxy (they always are under TLS).
	SecureCookies bool
}

func (c *Config) defaults() error {
	if c.Store == nil || c.Catalog == nil {
		return fmt.Errorf("server: want a store and an ATT&CK catalog")
	}
	if c.Tokens == nil {
		ts, ok := c.Store.(debrief.TokenStore)
		if !ok {
			return debrief.Errorf(debrief.EINVALID, "server: the store (%T) cannot hold API tokens", c.Store)
		}
		c.Tokens = ts
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Random == nil {
		c.Random = rand.Reader
	}
	c.MaxBody = or(c.MaxBody, 1<<20)
	c.MaxIngest = or(c.MaxIngest, 256<<20)
	c.Rate = or(c.Rate, 50)
	c.Burst = or(c.Burst, 100)
	c.Timeout = or(c.Timeout, 2*time.Minute)
	c.Session = or(c.Session, 12*time.Hour)
	return nil
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Server serves the API and the web UI. It is an http.Handler.
type Server struct {
	cfg        Config
	handler    http.Handler
	probe      *http.ServeMux    // API paths without methods: tells 404 from 405
	allow      map[string]string // API path pattern → its methods, a 405's Allow header
	limiter    *limiter
	sessions   *sessions
	pages      map[string]*template.Template
	ingestMu   sync.Mutex    // one ingest's correlation at a time
	tenants    sync.Map      // tenant → debrief.Store, with Config.Tenants
	tokenCache sync.Map      // string(hash) → *cachedToken, with Config.TokenCache
	audits     sync.Map      // tenant → *playbook.Audit, with Config.Tenants and Playbooks.TenantAudit
	auditMu    sync.Mutex    // opens one tenant's audit log at a time
	base       debrief.Store // Config.Store, for /readyz
	model      func() (*attribution.Model, error)
	rules      func() (*ruleSet, error)
}

// New returns a server for cfg.
func New(cfg Config) (*Server, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:      cfg,
		limiter:  newLimiter(cfg.Rate, cfg.Burst, cfg.Now),
		sessions: newSessions(cfg.Session, cfg.Now, cfg.Random),
		pages:    pages,
		model: sync.OnceValues(func() (*attribution.Model, error) {
			return attribution.New(cfg.Catalog, attribution.DefaultOptions())
		}),
	}
	s.rules = sync.OnceValues(s.loadRules)
	s.base = cfg.Store
	if cfg.Tenants != nil {
		// Requests read their token's tenant's store (Server.store); a
		// path that reached for the configured one instead fails rather
		// than show the wrong tenant's data.
		s.cfg.Store = noTenant{}
	}
	mux := http.NewServeMux()
	s.probe = http.NewServeMux()
	methods := map[string][]string{}
	for _, rt := range s.routes() {
		mux.Handle(rt.method+" "+rt.path, s.wrap(rt))
		if !rt.api {
			continue
		}
		if methods[rt.path] == nil {
			s.probe.Handle(rt.path, http.NotFoundHandler())
		}
		methods[rt.path] = append(methods[rt.path], rt.method)
		if rt.method == http.MethodGet {
			methods[rt.path] = append(methods[rt.path], http.MethodHead) // ServeMux serves HEAD with GET
		}
	}
	s.allow = map[string]string{}
	for path, ms := range methods {
		slices.Sort(ms)
		s.allow[path] = strings.Join(ms, ", ")
	}
	mux.Handle("/api/", s.apiFallback())
	mux.Handle("/", s.uiFallback())
	s.handler = s.logged(mux)
	return s, nil
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Serve answers requests on l until ctx ends, then shuts down gracefully
// (in-flight requests get 10 seconds).
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.cfg.Timeout,
		WriteTimeout:      s.cfg.Timeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.cfg.Log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	go s.sweepPlaybooks(ctx) // deny overdue playbook approvals, fire playbooks on incident events (playbooks.go)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
