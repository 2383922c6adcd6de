package debrief

import (
	"context"
	"strings"
	"time"
)

// Role is what a bearer token may do. Each role may do what the roles
// before it may: viewer reads, analyst also ingests and approves, admin
// also manages tokens.
type Role string

// Roles, least to most privileged.
const (
	RoleViewer  Role = "viewer"
	RoleAnalyst Role = "analyst"
	RoleAdmin   Role = "admin"
)

// Roles lists the roles, least to most privileged.
var Roles = []Role{RoleViewer, RoleAnalyst, RoleAdmin}

// RoleNames lists the roles for messages, least to most privileged:
// "viewer, analyst, admin".
func RoleNames() string {
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// ParseRole reads a role name (case-sensitive, as stored).
func ParseRole(s string) (Role, bool) {
	for _, r := range Roles {
		if string(r) == s {
			return r, true
		}
	}
	return "", false
}

func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i
		}
	}
	return -1
}

// Allows reports whether a holder of r may do what needs role need.
func (r Role) Allows(need Role) bool { return r.rank() >= 0 && r.rank() >= need.rank() }

// Token is an API access token as stored: never the secret itself, only
// its SHA-256 hash.
type Token struct {
	ID      string    `json:"id"`   // short public handle, safe to log
	Name    string    `json:"name"` // what it is for ("splunk forwarder")
	Role    Role      `json:"role"`
	Hash    []byte    `json:"-"` // SHA-256 of the secret
	Created time.Time `json:"created"`
	Revoked time.Time `json:"revoked,omitzero"` // zero while valid
}

// TokenStore keeps API tokens. A debrief.Store that can hold tokens
// implements it (the server finds it by type assertion).
type TokenStore interface {
	// CreateToken stores t; an *Error with code ECONFLICT when its ID or
	// Hash exists.
	CreateToken(ctx context.Context, t Token) error
	// TokenByHash returns the token, revoked or not, with that hash, or an
	// *Error with code ENOTFOUND.
	TokenByHash(ctx context.Context, hash []byte) (*Token, error)
	// Tokens lists every token, oldest first.
	Tokens(ctx context.Context) ([]Token, error)
	// RevokeToken marks a token revoked at the given time; an *Error with
	// code ENOTFOUND when no token has that ID.
	RevokeToken(ctx context.Context, id string, at time.Time) error
}

// TenantStores is a store that keeps several tenants' data apart in one
// database (the postgres store). A server given one serves every tenant:
// each request from the store of its token's tenant, so that a token sees
// only its tenant's data.
type TenantStores interface {
	// TenantToken returns the token, revoked or not, with that hash and
	// the tenant that holds it, or an *Error with code ENOTFOUND.
	TenantToken(ctx context.Context, hash []byte) (tenant string, t *Token, err error)
	// TenantStore returns the tenant's store; it shares this store's
	// connections, and closing it leaves them open.
	TenantStore(tenant string) (Store, error)
}
