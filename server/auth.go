package server

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// tokenPrefix marks debrief secrets, so that secret scanners can find
// leaked ones.
const tokenPrefix = "dbf_"

// HashToken returns the SHA-256 of a token's secret, as stored.
func HashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// IssueToken makes a token with a fresh 256-bit secret from rnd, stores
// its hash in ts, and returns the secret (shown once, never stored) with
// the stored token.
func IssueToken(ctx context.Context, ts debrief.TokenStore, rnd io.Reader, role debrief.Role, name string, now time.Time) (string, debrief.Token, error) {
	if _, ok := debrief.ParseRole(string(role)); !ok {
		return "", debrief.Token{}, debrief.Errorf(debrief.EINVALID, "role %q: want one of %v", role, debrief.Roles)
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

// principal is who makes a request.
type principal struct {
	token   debrief.Token
	session *sessionData // nil for bearer tokens
}

type principalKey struct{}

func principalOf(r *http.Request) *principal {
	p, _ := r.Context().Value(principalKey{}).(*principal)
	return p
}

// lookup finds the valid token with secret.
func (s *Server) lookup(ctx context.Context, secret string) (*debrief.Token, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return nil, debrief.Errorf(EUNAUTHORIZED, "unknown token")
	}
	t, err := s.cfg.Tokens.TokenByHash(ctx, HashToken(secret))
	if debrief.ErrorCode(err) == debrief.ENOTFOUND {
		return nil, debrief.Errorf(EUNAUTHORIZED, "unknown token")
	}
	if err != nil {
		return nil, err
	}
	if !t.Revoked.IsZero() {
		return nil, debrief.Errorf(EUNAUTHORIZED, "token %s was revoked", t.ID)
	}
	return t, nil
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
	t, err := s.lookup(r.Context(), strings.TrimSpace(secret))
	if err != nil {
		return nil, err
	}
	return &principal{token: *t}, nil
}
