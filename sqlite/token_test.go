package sqlite_test

import (
	"context"
	"crypto/sha256"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/sqlite"
)

func TestTokens(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h := sha256.Sum256([]byte("secret"))
	created := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	tok := debrief.Token{ID: "abc", Name: "ci", Role: debrief.RoleAnalyst, Hash: h[:], Created: created}
	if err := st.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name string
		tok  debrief.Token
		code string
	}{
		{"same id", tok, debrief.ECONFLICT},
		{"bad role", debrief.Token{ID: "x", Role: "root", Hash: []byte{1}}, debrief.EINVALID},
		{"no hash", debrief.Token{ID: "y", Role: debrief.RoleViewer}, debrief.EINVALID},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if got := debrief.ErrorCode(st.CreateToken(ctx, tc.tok)); got != tc.code {
				t.Errorf("code %q, want %q", got, tc.code)
			}
		})
	}
	got, err := st.TokenByHash(ctx, h[:])
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "abc" || got.Role != debrief.RoleAnalyst || got.Name != "ci" || !got.Created.Equal(created) || !got.Revoked.IsZero() {
		t.Errorf("TokenByHash = %+v", got)
	}
	other := sha256.Sum256([]byte("other"))
	if _, err := st.TokenByHash(ctx, other[:]); debrief.ErrorCode(err) != debrief.ENOTFOUND {
		t.Errorf("unknown hash: %v, want not found", err)
	}
	at := created.Add(time.Hour)
	if err := st.RevokeToken(ctx, "abc", at); err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeToken(ctx, "abc", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeToken(ctx, "nope", at); debrief.ErrorCode(err) != debrief.ENOTFOUND {
		t.Errorf("revoke unknown: %v", err)
	}
	list, err := st.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || !list[0].Revoked.Equal(at) {
		t.Errorf("Tokens = %+v, want one revoked at %v", list, at)
	}
}
