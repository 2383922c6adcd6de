package server

import (
	"encoding/json"
	"net/http"

	"github.com/debrief-dev/debrief"
)

// NewToken is the body of POST /api/v1/tokens.
type NewToken struct {
	Role debrief.Role `json:"role"`
	Name string       `json:"name"`
}

// IssuedToken is the answer to POST /api/v1/tokens: the secret appears
// here once and is never stored.
type IssuedToken struct {
	debrief.Token
	Secret string `json:"token"`
}

func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) error {
	tokens, err := s.tokens(r.Context())
	if err != nil {
		return err
	}
	ts, err := tokens.Tokens(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ts)
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	var nt NewToken
	if err := json.NewDecoder(r.Body).Decode(&nt); err != nil {
		if codeOf(err) == ETOOLARGE {
			return err
		}
		return debrief.Errorf(debrief.EINVALID, "body: want {\"role\": \"viewer|analyst|admin\", \"name\": \"…\"}: %v", err)
	}
	tokens, err := s.tokens(r.Context())
	if err != nil {
		return err
	}
	secret, t, err := IssueToken(r.Context(), tokens, s.cfg.Random, nt.Role, nt.Name, s.cfg.Now())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, IssuedToken{Token: t, Secret: secret})
	return nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	tokens, err := s.tokens(r.Context())
	if err != nil {
		return err
	}
	if err := tokens.RevokeToken(r.Context(), r.PathValue("id"), s.cfg.Now()); err != nil {
		return err
	}
	s.tokenCache.Clear()
	w.WriteHeader(http.StatusNoContent)
	return nil
}
