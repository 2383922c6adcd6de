package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// bulkRows is how many rows one multi-row INSERT carries. Binding and
// running one statement per row costs about as much again as the row.
const bulkRows = 32

// bulk gathers the rows of one INSERT statement and sends them bulkRows at a
// time; the remainder goes in statements of 16, 8, 4, 2 and 1 rows so that
// no more than six statements per table are ever prepared.
type bulk struct {
	head string // "INSERT INTO t (a, b) VALUES "
	tail string // " ON CONFLICT …", or ""
	row  string // "(?, ?)"
	cols int
	args []any
	n    int
	st   map[int]*sql.Stmt // by rows, prepared in this transaction
}

func newBulk(table, columns, tail string) *bulk {
	cols := strings.Count(columns, ",") + 1
	return &bulk{
		head: "INSERT INTO " + table + " (" + columns + ") VALUES ",
		tail: tail,
		row:  "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")",
		cols: cols,
		st:   map[int]*sql.Stmt{},
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

// stmts prepares statements within one transaction, once each.
type stmts struct {
	tx    *sql.Tx
	cache map[string]*sql.Stmt
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

// flush sends every queued row.
func (b *bulk) flush(ctx context.Context, s *stmts) error {
	off := 0
	for size := bulkRows; b.n > 0; size /= 2 {
		for b.n >= size {
			st, ok := b.st[size]
			if !ok {
				var err error
				if st, err = s.get(ctx, b.query(size)); err != nil {
					return err
				}
				b.st[size] = st
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
