package sqlite

import (
	"database/sql"
	"math"
	"time"

	"github.com/debrief-dev/debrief/internal/storecodec"
)

// Column encodings shared by writes and reads. See the conventions at the
// top of migrations/0001_init.sql.

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
	return s
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

// stringList binds a list as a JSON array, or NULL when it is empty.
func stringList(ss []string) any {
	if len(ss) == 0 {
		return nil
	}
	return string(storecodec.AppendStrings(make([]byte, 0, 16*len(ss)), ss, nil))
}

// encoder builds column values: storecodec's shared encoder, set up for
// this store.
type encoder struct{ storecodec.Encoder }

func newEncoder() encoder { return encoder{storecodec.Encoder{Clean: nil}} }
