package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/debrief-dev/debrief"
)

// Cookie names of the UI.
const (
	sessionCookie = "debrief_session"
	loginCookie   = "debrief_login" // CSRF secret of the login form (double submit)
)

// maxSessions bounds the sessions held; expired ones are dropped first.
const maxSessions = 10000

// sessionData is a logged-in browser: the token it logged in with (by
// hash, so a revoked token ends the session) and its CSRF secret.
type sessionData struct {
	tokenHash []byte
	csrf      string
	expires   time.Time
}

// sessions are held in memory: a restart logs everyone out.
type sessions struct {
	mu  sync.Mutex
	m   map[string]*sessionData // by SHA-256 of the session id
	ttl time.Duration
	now func() time.Time
	rnd io.Reader
}

func newSessions(ttl time.Duration, now func() time.Time, rnd io.Reader) *sessions {
	return &sessions{m: map[string]*sessionData{}, ttl: ttl, now: now, rnd: rnd}
}

func randomString(rnd io.Reader) (string, error) {
	var b [32]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

func sessionKey(sid string) string {
	h := sha256.Sum256([]byte(sid))
	return hex.EncodeToString(h[:])
}

// create starts a session for the token with hash and returns its id.
func (ss *sessions) create(tokenHash []byte) (string, error) {
	sid, err := randomString(ss.rnd)
	if err != nil {
		return "", err
	}
	csrf, err := randomString(ss.rnd)
	if err != nil {
		return "", err
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	now := ss.now()
	if len(ss.m) >= maxSessions {
		for k, sd := range ss.m {
			if !now.Before(sd.expires) {
				delete(ss.m, k)
			}
		}
		if len(ss.m) >= maxSessions {
			return "", debrief.Errorf(EUNAVAILABLE, "too many sessions; try again later")
		}
	}
	ss.m[sessionKey(sid)] = &sessionData{tokenHash: tokenHash, csrf: csrf, expires: now.Add(ss.ttl)}
	return sid, nil
}

func (ss *sessions) get(sid string) *sessionData {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	k := sessionKey(sid)
	sd := ss.m[k]
	if sd != nil && !ss.now().Before(sd.expires) {
		delete(ss.m, k)
		return nil
	}
	return sd
}

func (ss *sessions) drop(sid string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.m, sessionKey(sid))
}

// session authenticates a UI request by its session cookie.
func (s *Server) session(r *http.Request) (*principal, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, debrief.Errorf(EUNAUTHORIZED, "log in first")
	}
	sd := s.sessions.get(c.Value)
	if sd == nil {
		return nil, debrief.Errorf(EUNAUTHORIZED, "the session ended; log in again")
	}
	t, st, err := s.tokenByHash(r.Context(), sd.tokenHash)
	if debrief.ErrorCode(err) == debrief.ENOTFOUND || err == nil && !t.Revoked.IsZero() {
		s.sessions.drop(c.Value)
		return nil, debrief.Errorf(EUNAUTHORIZED, "the token of this session was revoked")
	}
	if err != nil {
		return nil, err
	}
	return &principal{token: *t, session: sd, store: st}, nil
}

// cookie returns a cookie for the UI: HttpOnly, SameSite=Strict, Secure
// under TLS or when configured so.
func (s *Server) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || s.cfg.SecureCookies}
}

// sameOrigin rejects a form post whose Origin (or Referer) is another site.
func sameOrigin(r *http.Request) error {
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return nil // SameSite=Strict cookies and the CSRF field still guard
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if origin != scheme+"://"+r.Host {
		return debrief.Errorf(EFORBIDDEN, "cross-origin form post from %s", origin)
	}
	return nil
}

func equalSecret(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
