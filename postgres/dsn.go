package postgres

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// secretParams are the DSN parameters whose values Redact masks.
var secretParams = []string{"password", "sslpassword", "passfile"}

// secretKV matches a secret parameter of a key=value DSN with its value,
// quoted (up to the closing quote, or the end when there is none) or not.
var secretKV = regexp.MustCompile(`(^|\s)(password|sslpassword|passfile)\s*=\s*('(?:[^'\\]|\\.)*(?:'|$)|\S*)`)

// Redact returns dsn, a URL (postgres://…) or a key=value string, as the
// user wrote it but with the password of its user information and the
// values of password, sslpassword and passfile masked. Errors print a DSN
// only through Redact.
func Redact(dsn string) string {
	const mask = "xxxxx"
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return secretKV.ReplaceAllString(dsn, "${1}${2}="+mask)
	}
	rest, query, hasQuery := strings.Cut(rest, "?")
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		if user, _, hasPassword := strings.Cut(rest[:i], ":"); hasPassword {
			rest = user + ":" + mask + rest[i:]
		}
	}
	if !hasQuery {
		return scheme + "://" + rest
	}
	params := strings.Split(query, "&")
	for i, p := range params {
		raw, _, _ := strings.Cut(p, "=")
		k, err := url.QueryUnescape(raw)
		if err != nil {
			k = raw
		}
		if slices.Contains(secretParams, strings.ToLower(k)) {
			params[i] = raw + "=" + mask
		}
	}
	return scheme + "://" + rest + "?" + strings.Join(params, "&")
}

// parseError is the message of a DSN that pgx cannot parse, without the
// DSN it quotes (pgx masks passwords but not every secret, such as passfile).
func parseError(err error) string {
	msg := err.Error()
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		if rest, ok := strings.CutPrefix(msg, "cannot parse `"); ok {
			if _, after, ok := strings.Cut(rest, "`: "); ok {
				return after
			}
			return "cannot parse"
		}
	}
	return msg
}
