package server

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// A cursor is an opaque place in the incident list (debrief.IncidentKey):
// the next field of a page, given back as ?after= to read the page after
// it. It is base64url of the created time in unix nanoseconds (base 36;
// "-" for none), a dot and the incident's ID.

// encodeCursor returns k's cursor.
func encodeCursor(k debrief.IncidentKey) string {
	created := "-"
	if !k.Created.IsZero() {
		created = strconv.FormatInt(k.Created.UnixNano(), 36)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(created + "." + k.ID))
}

// decodeCursor reads the cursor of the parameter param.
func decodeCursor(param, s string) (*debrief.IncidentKey, error) {
	bad := func() (*debrief.IncidentKey, error) {
		return nil, invalid(param, "%q: want the next field of a page of this list", s)
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return bad()
	}
	created, id, ok := strings.Cut(string(b), ".")
	if !ok || id == "" {
		return bad()
	}
	k := &debrief.IncidentKey{ID: id}
	if created != "-" {
		n, err := strconv.ParseInt(created, 36, 64)
		if err != nil {
			return bad()
		}
		k.Created = time.Unix(0, n).UTC()
	}
	return k, nil
}
