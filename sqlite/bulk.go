package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
)

// bulkRows is how many rows one multi-row INSERT carries. Binding and
// running one statement per row costs about as much again as the row.
const bulkRows = 32

// bulk gathers the rows of one INSERT statement and sends them bulkRows at a
// time; the remainder goes in statements of 16, 8, 4, 2 and 1 rows so that
// no more than six statements per table are ever prepared.
//
// When stmts has the connection (stmts.conn: a Write's), the statements
// run on the driver's connection, inside the Write's transaction:
// database/sql would otherwise copy every argument into a new
// []driver.NamedValue per statement (over a kilobyte per alert row) and
// check each one. The values must therefore already be driver values:
// nil, int64, string or []byte.
type bulk struct {
	head string // "INSERT INTO t (a, b) VALUES "
	tail string // " ON CONFLICT …", or ""
	row  string // "(?, ?)"
	cols int
	args []any
	n    int
	st   map[int]driver.Stmt // by rows, prepared on stmts.conn
	nv   []driver.NamedValue // the arguments of one statement, reused
}

func newBulk(table, columns, tail string) *bulk {
	cols := strings.Count(columns, ",") + 1
	return &bulk{
		head: "INSERT INTO " + table + " (" + columns + ") VALUES ",
		tail: tail,
		row:  "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")",
		cols: cols,
		st:   map[int]driver.Stmt{},
	}
}

func (b *bulk) query(rows int) string {
	var q strings.Builder
	q.WriteString(b.head)
	for i := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(b.row)
	}
	q.WriteString(b.tail)
	return q.String()
}

// stmts prepares statements on a transaction or a connection, once each.
// conn, when set, is the connection tx runs on, for the bulk INSERTs.
type stmts struct {
	tx    preparer
	conn  *sql.Conn
	cache map[string]*sql.Stmt
}

// preparer is what stmts needs of *sql.Tx and *sql.Conn.
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

func (s *stmts) get(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.cache[query]; ok {
		return st, nil
	}
	st, err := s.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare %.60q: %w", query, err)
	}
	s.cache[query] = st
	return st, nil
}

func (s *stmts) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := s.get(ctx, query)
	if err != nil {
		return nil, err
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("%.60q: %w", query, err)
	}
	return res, nil
}

// add queues one row (len(vals) == b.cols) and sends a full statement.
func (b *bulk) add(ctx context.Context, s *stmts, vals ...any) error {
	b.args = append(b.args, vals...)
	b.n++
	if b.n < bulkRows {
		return nil
	}
	return b.flush(ctx, s)
}

// reset drops the queued rows (of a Write that failed).
func (b *bulk) reset() {
	clear(b.args)
	b.args = b.args[:0]
	b.n = 0
}

// flush sends every queued row.
func (b *bulk) flush(ctx context.Context, s *stmts) error {
	if b.n == 0 {
		return nil
	}
	if s.conn == nil {
		return b.flushSQL(ctx, s)
	}
	err := s.conn.Raw(func(dc any) error {
		off := 0
		for size := bulkRows; b.n > 0; size /= 2 {
			for b.n >= size {
				st, err := b.stmt(ctx, dc, size)
				if err != nil {
					return err
				}
				vals := b.args[off : off+size*b.cols]
				if len(b.nv) < len(vals) {
					b.nv = make([]driver.NamedValue, len(vals))
					for i := range b.nv {
						b.nv[i].Ordinal = i + 1
					}
				}
				nv := b.nv[:len(vals)]
				for i, v := range vals {
					nv[i].Value = v
				}
				_, err = st.(driver.StmtExecContext).ExecContext(ctx, nv)
				for i := range nv {
					nv[i].Value = nil // keep nothing of this batch alive
				}
				if err != nil {
					return fmt.Errorf("%s…: %w", b.head, err)
				}
				off += size * b.cols
				b.n -= size
			}
		}
		return nil
	})
	b.reset()
	return err
}

// flushSQL is flush through database/sql, for a transaction whose
// connection stmts does not hold.
func (b *bulk) flushSQL(ctx context.Context, s *stmts) error {
	off := 0
	for size := bulkRows; b.n > 0; size /= 2 {
		for b.n >= size {
			st, err := s.get(ctx, b.query(size))
			if err != nil {
				return err
			}
			if _, err := st.ExecContext(ctx, b.args[off:off+size*b.cols]...); err != nil {
				return fmt.Errorf("%s…: %w", b.head, err)
			}
			off += size * b.cols
			b.n -= size
		}
	}
	clear(b.args)
	b.args = b.args[:0]
	return nil
}

// stmt returns the statement of size rows, prepared on the driver
// connection dc.
func (b *bulk) stmt(ctx context.Context, dc any, size int) (driver.Stmt, error) {
	if st, ok := b.st[size]; ok {
		return st, nil
	}
	st, err := dc.(driver.ConnPrepareContext).PrepareContext(ctx, b.query(size))
	if err != nil {
		return nil, fmt.Errorf("prepare %s…: %w", b.head, err)
	}
	b.st[size] = st
	return st, nil
}

// close closes the prepared statements, before the connection goes back
// to the pool.
func (b *bulk) close(s *stmts) error {
	if len(b.st) == 0 || s.conn == nil {
		return nil
	}
	return s.conn.Raw(func(any) error {
		var first error
		for size, st := range b.st {
			if err := st.Close(); err != nil && first == nil {
				first = err
			}
			delete(b.st, size)
		}
		return first
	})
}
