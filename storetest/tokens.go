package storetest

import (
	"crypto/sha256"
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// RunTokens runs the conformance suite of debrief.TokenStore on stores
// from open (each a new, empty store that implements it; a store from a
// second call must not see the first's tokens). It pins down: a token
// round-trips with nanosecond times; a taken ID or hash is
// debrief.ECONFLICT; an empty ID or hash, or an unknown role, is
// debrief.EINVALID; TokenByHash finds revoked tokens too; Tokens lists
// oldest first (then by ID); revoking again keeps the first time; unknown
// hashes and IDs are debrief.ENOTFOUND.
func RunTokens(t *testing.T, open func(t *testing.T) debrief.Store) {
	runCapability(t, "debrief.TokenStore", open, []capTest[debrief.TokenStore]{
		{"RoundTrip", testTokenRoundTrip},
		{"Invalid", testTokenInvalid},
		{"Conflict", testTokenConflict},
		{"Order", testTokenOrder},
		{"Revoke", testTokenRevoke},
		{"StoresApart", testTokenStoresApart},
	})
}

func secretHash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

func sampleToken(id string, role debrief.Role, created time.Time) debrief.Token {
	return debrief.Token{ID: id, Name: "splunk forwarder " + id, Role: role, Hash: secretHash("secret-" + id), Created: created}
}

func createToken(t *testing.T, s debrief.TokenStore, tok debrief.Token) {
	t.Helper()
	if err := s.CreateToken(t.Context(), tok); err != nil {
		t.Fatalf("create token %s: %v", tok.ID, err)
	}
}

func tokenByHash(t *testing.T, s debrief.TokenStore, hash []byte) debrief.Token {
	t.Helper()
	got, err := s.TokenByHash(t.Context(), hash)
	if err != nil {
		t.Fatalf("token by hash: %v", err)
	}
	return *got
}

func wantToken(t *testing.T, what string, got, want debrief.Token) {
	t.Helper()
	if got.ID != want.ID || got.Name != want.Name || got.Role != want.Role || string(got.Hash) != string(want.Hash) ||
		!got.Created.Equal(want.Created) || !got.Revoked.Equal(want.Revoked) {
		t.Errorf("%s: token %+v, want %+v", what, got, want)
	}
}

func testTokenRoundTrip(t *testing.T, open func() debrief.TokenStore) {
	s := open()
	for i, role := range debrief.Roles {
		tok := sampleToken(string(role), role, at(time.Duration(i)*time.Minute))
		createToken(t, s, tok)
		wantToken(t, "read back", tokenByHash(t, s, tok.Hash), tok)
	}
	revoked := sampleToken("old", debrief.RoleViewer, at(-time.Hour))
	revoked.Revoked = at(-time.Minute)
	createToken(t, s, revoked)
	wantToken(t, "created revoked", tokenByHash(t, s, revoked.Hash), revoked)
	_, err := s.TokenByHash(t.Context(), secretHash("unknown"))
	wantCode(t, "unknown hash", err, debrief.ENOTFOUND)
}

func testTokenInvalid(t *testing.T, open func() debrief.TokenStore) {
	s := open()
	tests := []struct {
		name string
		tok  debrief.Token
	}{
		{"no id", debrief.Token{Role: debrief.RoleViewer, Hash: secretHash("a"), Created: t0}},
		{"no hash", debrief.Token{ID: "b", Role: debrief.RoleViewer, Created: t0}},
		{"no role", debrief.Token{ID: "c", Hash: secretHash("c"), Created: t0}},
		{"unknown role", debrief.Token{ID: "d", Role: "root", Hash: secretHash("d"), Created: t0}},
		{"role in capitals", debrief.Token{ID: "e", Role: "Admin", Hash: secretHash("e"), Created: t0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, "create", s.CreateToken(t.Context(), tc.tok), debrief.EINVALID)
		})
	}
	list, err := s.Tokens(t.Context())
	if err != nil || len(list) != 0 {
		t.Errorf("after invalid tokens: Tokens = %+v, %v; want none", list, err)
	}
}

func testTokenConflict(t *testing.T, open func() debrief.TokenStore) {
	s := open()
	tok := sampleToken("abc", debrief.RoleAnalyst, t0)
	createToken(t, s, tok)
	sameID := sampleToken("abc", debrief.RoleAdmin, at(time.Hour))
	wantCode(t, "same id", s.CreateToken(t.Context(), sameID), debrief.ECONFLICT)
	sameHash := sampleToken("xyz", debrief.RoleAdmin, at(time.Hour))
	sameHash.Hash = tok.Hash
	wantCode(t, "same hash", s.CreateToken(t.Context(), sameHash), debrief.ECONFLICT)
	wantToken(t, "after conflicts", tokenByHash(t, s, tok.Hash), tok)
	if list, err := s.Tokens(t.Context()); err != nil || len(list) != 1 {
		t.Errorf("after conflicts: Tokens = %+v, %v; want the first token only", list, err)
	}
}

func testTokenOrder(t *testing.T, open func() debrief.TokenStore) {
	s := open()
	list, err := s.Tokens(t.Context())
	if err != nil || len(list) != 0 {
		t.Fatalf("empty store: Tokens = %+v, %v", list, err)
	}
	for _, tok := range []debrief.Token{
		sampleToken("c", debrief.RoleViewer, at(2*time.Hour)),
		sampleToken("b", debrief.RoleAdmin, at(time.Hour)),
		sampleToken("a", debrief.RoleAnalyst, at(2*time.Hour)),
		sampleToken("d", debrief.RoleViewer, at(time.Nanosecond)),
	} {
		createToken(t, s, tok)
	}
	if list, err = s.Tokens(t.Context()); err != nil {
		t.Fatalf("tokens: %v", err)
	}
	var ids []string
	for _, tok := range list {
		ids = append(ids, tok.ID)
	}
	if want := []string{"d", "b", "a", "c"}; !slices.Equal(ids, want) {
		t.Errorf("Tokens lists %v, want %v (oldest first, then by id)", ids, want)
	}
}

func testTokenRevoke(t *testing.T, open func() debrief.TokenStore) {
	s := open()
	tok := sampleToken("abc", debrief.RoleAdmin, t0)
	other := sampleToken("def", debrief.RoleViewer, at(time.Second))
	createToken(t, s, tok)
	createToken(t, s, other)
	first := at(time.Hour)
	for _, when := range []time.Time{first, first.Add(time.Hour)} {
		if err := s.RevokeToken(t.Context(), "abc", when); err != nil {
			t.Fatalf("revoke at %v: %v", when, err)
		}
	}
	wantCode(t, "revoke unknown", s.RevokeToken(t.Context(), "nope", first), debrief.ENOTFOUND)
	tok.Revoked = first
	wantToken(t, "revoked token by hash", tokenByHash(t, s, tok.Hash), tok)
	wantToken(t, "other token", tokenByHash(t, s, other.Hash), other)
	list, err := s.Tokens(t.Context())
	if err != nil || len(list) != 2 {
		t.Fatalf("Tokens = %+v, %v; want 2", list, err)
	}
	wantToken(t, "listed revoked token", list[0], tok)
}

func testTokenStoresApart(t *testing.T, open func() debrief.TokenStore) {
	a, b := open(), open()
	tok := sampleToken("abc", debrief.RoleAdmin, t0)
	createToken(t, a, tok)
	_, err := b.TokenByHash(t.Context(), tok.Hash)
	wantCode(t, "other store's token", err, debrief.ENOTFOUND)
	wantCode(t, "revoke other store's token", b.RevokeToken(t.Context(), "abc", t0), debrief.ENOTFOUND)
	createToken(t, b, tok) // the same id and hash are free in another store
}
