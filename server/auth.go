package server

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/textsafe"
)

// tokenPrefix marks debrief secrets, so that secret scanners can find
// leaked ones.
const tokenPrefix = "dbf_"

// HashToken returns the SHA-256 of a token's secret, as stored.
func HashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// maxTokenName is the most characters a token's name may have.
const maxTokenName = 100

// IssueToken makes a token with a fresh 256-bit secret from rnd, stores
// its hash in ts, and returns the secret (shown once, never stored) with
// the stored token. An empty name, one longer than 100 characters, or one
// with control or bidi control characters, is EINVALID (see
// checkTokenName); the CLI's 'token create' comes here too.
func IssueToken(ctx context.Context, ts debrief.TokenStore, rnd io.Reader, role debrief.Role, name string, now time.Time) (string, debrief.Token, error) {
	if _, ok := debrief.ParseRole(string(role)); !ok {
		return "", debrief.Token{}, debrief.Errorf(debrief.EINVALID, "role %q: want one of %s", role, debrief.RoleNames())
	}
	name = strings.Trim(name, " ") // " dash " lists as "dash"; other white space is refused below
	if err := checkTokenName(name); err != nil {
		return "", debrief.Token{}, err
	}
	var b [32]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return "", debrief.Token{}, fmt.Errorf("token secret: %w", err)
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	hash := HashToken(secret)
	t := debrief.Token{ID: hex.EncodeToString(hash[:6]), Name: name, Role: role, Hash: hash, Created: now.UTC()}
	if err := ts.CreateToken(ctx, t); err != nil {
		return "", debrief.Token{}, err
	}
	return secret, t, nil
}

// checkTokenName refuses, as EINVALID, a token name that would garble
// what shows it (token list, a step's approved_by, the audit log) or
// show as nothing there: one longer than maxTokenName characters, not
// UTF-8, with a control character, a bidi embedding, override or isolate
// (U+202A–U+202E, U+2066–U+2069) or an invisible character (see
// invisible), or of white space only, and an empty one (the CLI's 'token
// create' names a token itself when --name is not given).
func checkTokenName(name string) error {
	if name == "" {
		return debrief.Errorf(debrief.EINVALID, "token name: empty: say what the token is for")
	}
	if !utf8.ValidString(name) {
		return debrief.Errorf(debrief.EINVALID, "token name: not valid UTF-8")
	}
	if n := utf8.RuneCountInString(name); n > maxTokenName {
		return debrief.Errorf(debrief.EINVALID, "token name: %d characters, want at most %d", n, maxTokenName)
	}
	for i, r := range name {
		if textsafe.Unsafe(r) || invisible(r) {
			return debrief.Errorf(debrief.EINVALID, "token name: %U at byte %d: want no control, bidi control or invisible characters", r, i)
		}
	}
	if strings.TrimFunc(name, unicode.IsSpace) == "" {
		return debrief.Errorf(debrief.EINVALID, "token name: only white space: say what the token is for")
	}
	return nil
}

// invisible reports whether r shows as nothing: a format character
// (zero-width space, joiners and marks U+200B–U+200F, word joiner U+2060,
// byte order mark U+FEFF, …) or a line or paragraph separator (U+2028,
// U+2029).
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// principal is who makes a request.
type principal struct {
	token   debrief.Token
	session *sessionData  // nil for bearer tokens
	store   debrief.Store // the token's tenant's, when the server serves every tenant; else nil
}

type principalKey struct{}

func principalOf(r *http.Request) *principal {
	p, _ := r.Context().Value(principalKey{}).(*principal)
	return p
}

// store is the store a request reads and writes: its token's tenant's
// when the server serves every tenant, else the configured one.
func (s *Server) store(ctx context.Context) debrief.Store {
	if p, _ := ctx.Value(principalKey{}).(*principal); p != nil && p.store != nil {
		return p.store
	}
	return s.cfg.Store
}

// tokens is the token store of the request's tenant.
func (s *Server) tokens(ctx context.Context) (debrief.TokenStore, error) {
	if p, _ := ctx.Value(principalKey{}).(*principal); p != nil && p.store != nil {
		ts, ok := p.store.(debrief.TokenStore)
		if !ok {
			return nil, debrief.Errorf(debrief.EINVALID, "the store (%T) cannot hold API tokens", p.store)
		}
		return ts, nil
	}
	return s.cfg.Tokens, nil
}

// tokenByHash finds the token with hash and the store it opens: with
// Config.Tenants in the tenant that holds it, else in Config.Tokens (and
// the store is nil: the configured one).
func (s *Server) tokenByHash(ctx context.Context, hash []byte) (*debrief.Token, debrief.Store, error) {
	if s.cfg.TokenCache <= 0 {
		return s.readToken(ctx, hash)
	}
	now := s.cfg.Now()
	if e, ok := s.tokenCache.Load(string(hash)); ok && now.Before(e.(*cachedToken).expires) {
		c := e.(*cachedToken)
		return c.token, c.store, nil
	}
	t, st, err := s.readToken(ctx, hash)
	if err == nil {
		s.tokenCache.Store(string(hash), &cachedToken{t, st, now.Add(s.cfg.TokenCache)})
	}
	return t, st, err
}

// cachedToken is a token read from the store, kept until expires.
type cachedToken struct {
	token   *debrief.Token
	store   debrief.Store
	expires time.Time
}

// readToken is tokenByHash without the cache.
func (s *Server) readToken(ctx context.Context, hash []byte) (*debrief.Token, debrief.Store, error) {
	if s.cfg.Tenants == nil {
		t, err := s.cfg.Tokens.TokenByHash(ctx, hash)
		return t, nil, err
	}
	tenant, t, err := s.cfg.Tenants.TenantToken(ctx, hash)
	if err != nil {
		return nil, nil, err
	}
	st, err := s.tenantStore(tenant)
	if err != nil {
		return nil, nil, err
	}
	return t, st, nil
}

// tenantStore returns the tenant's store, opened once.
func (s *Server) tenantStore(tenant string) (debrief.Store, error) {
	if st, ok := s.tenants.Load(tenant); ok {
		return st.(debrief.Store), nil
	}
	st, err := s.cfg.Tenants.TenantStore(tenant)
	if err != nil {
		return nil, err
	}
	got, _ := s.tenants.LoadOrStore(tenant, st)
	return got.(debrief.Store), nil
}

// lookup finds the valid token with secret and the store it opens (nil:
// the configured one).
func (s *Server) lookup(ctx context.Context, secret string) (*debrief.Token, debrief.Store, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return nil, nil, debrief.Errorf(EUNAUTHORIZED, "unknown token")
	}
	t, st, err := s.tokenByHash(ctx, HashToken(secret))
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		return nil, nil, debrief.Errorf(EUNAUTHORIZED, "unknown token")
	}
	if err != nil {
		return nil, nil, err
	}
	if !t.Revoked.IsZero() {
		return nil, nil, debrief.Errorf(EUNAUTHORIZED, "token %s was revoked", t.ID)
	}
	return t, st, nil
}

// bearer authenticates an API request by its Authorization header.
func (s *Server) bearer(r *http.Request) (*principal, error) {
	h := r.Header.Get("Authorization")
	scheme, secret, ok := strings.Cut(h, " ")
	if h == "" {
		return nil, debrief.Errorf(EUNAUTHORIZED, "missing bearer token (Authorization: Bearer …; create one with 'debrief token create')")
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, debrief.Errorf(EUNAUTHORIZED, "want an Authorization header of the form 'Bearer <token>'")
	}
	t, st, err := s.lookup(r.Context(), strings.TrimSpace(secret))
	if err != nil {
		return nil, err
	}
	return &principal{token: *t, store: st}, nil
}

// noTenant stands for the configured store when the server serves every
// tenant: each request has its tenant's store, and one that reaches for
// no tenant's gets an error instead of another tenant's data.
type noTenant struct{}

var errNoTenant = errors.New("server: this request has no tenant's store (a bug: it should use Server.store)")

func (noTenant) Write(context.Context, []debrief.Record) (debrief.WriteResult, error) {
	return debrief.WriteResult{}, errNoTenant
}
func (noTenant) Incidents(context.Context, debrief.IncidentFilter) ([]debrief.Incident, error) {
	return nil, errNoTenant
}
func (noTenant) Incident(context.Context, string) (*debrief.Incident, error) { return nil, errNoTenant }
func (noTenant) Alert(context.Context, string) (*debrief.Alert, error)       { return nil, errNoTenant }
func (noTenant) UnassignedAlerts(context.Context, func(debrief.Alert) error) error {
	return errNoTenant
}
func (noTenant) OrphanAlerts(context.Context, func(debrief.Alert) error) error { return errNoTenant }
func (noTenant) Assign(context.Context, string, []string) error                { return errNoTenant }
func (noTenant) Close() error                                                  { return nil }
