package postgres

import (
	"database/sql"
	"math"
	"strings"
	"time"

	"github.com/debrief-dev/debrief/internal/storecodec"
)

// Column encodings shared by writes and reads. See the conventions at the
// top of migrations/0001_init.sql and of the sqlite package's, which
// this file follows so that both stores hash and encode records alike.

// Times outside what unix nanoseconds in an int64 can hold (1678–2262).
var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

// text binds s, or NULL for "".
func text(s string) any {
	if s == "" {
		return nil
	}
	return noNUL(s)
}

// jsonList binds a list as a JSON array (for a jsonb column), or NULL
// when it is empty.
func jsonList(ss []string) any {
	if len(ss) == 0 {
		return nil
	}
	return string(storecodec.AppendStrings(nil, ss, noNUL))
}

// noNUL replaces NUL characters, which PostgreSQL's text and jsonb cannot
// hold, with U+FFFD.
func noNUL(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// noNULs applies noNUL to the strings among vals, in place.
func noNULs(vals []any) []any {
	for i, v := range vals {
		if s, ok := v.(string); ok && strings.IndexByte(s, 0) >= 0 {
			vals[i] = noNUL(s)
		}
	}
	return vals
}

// nanos binds t as unix nanoseconds, or NULL for the zero time.
func nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// nanos0 is t as unix nanoseconds, 0 for the zero time (for key columns).
func nanos0(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// storable reports whether t round-trips through nanos.
func storable(t time.Time) bool {
	return t.IsZero() || t.After(minNanoTime) && t.Before(maxNanoTime)
}

// fromNanos is the inverse of nanos and nanos0.
func fromNanos(n sql.NullInt64) time.Time {
	if !n.Valid || n.Int64 == 0 {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// encoder builds column values: storecodec's shared encoder, set up for
// this store.
type encoder struct{ storecodec.Encoder }

func newEncoder() encoder { return encoder{storecodec.Encoder{Clean: noNUL}} }
