package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
)

// writeConn is the connection a Write runs on, with the statements
// prepared on it. A file store keeps one from its first Write until Close,
// so that Writes do not parse their statements again each time (a
// multi-row INSERT is a long statement: parsing took about 3% of an
// ingest's CPU). ":memory:" has one connection, which readers need too:
// each Write takes it and gives it back.
//
// The transaction is SQL on the connection (BEGIN IMMEDIATE … COMMIT)
// rather than a *sql.Tx, whose statements are prepared anew in every
// transaction. Only Write uses it, under Store.wmu.
type writeConn struct {
	conn                         *sql.Conn
	st                           *stmts // prepared on conn
	alertRows, rawRows, linkRows *bulk
}

func newWriteConn(conn *sql.Conn) *writeConn {
	return &writeConn{
		conn:      conn,
		st:        &stmts{tx: conn, conn: conn, cache: map[string]*sql.Stmt{}},
		alertRows: newBulk("alerts", alertInsertColumns, ""),
		rawRows:   newBulk("raw_records", "id, kind, subject_id, hash, raw", ""),
		linkRows: newBulk("incident_alerts", "incident_id, alert_id, origin",
			" ON CONFLICT (incident_id, alert_id) DO UPDATE SET origin = incident_alerts.origin | excluded.origin"+
				" WHERE incident_alerts.origin | excluded.origin <> incident_alerts.origin"),
	}
}

// writeConn returns the connection for a Write: the store's own, taken
// from the pool on first use.
func (s *Store) writeConn(ctx context.Context) (*writeConn, error) {
	if s.wc != nil {
		return s.wc, nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	wc := newWriteConn(conn)
	if !s.mem {
		s.wc = wc
	}
	return wc, nil
}

// doneWriting ends a Write on wc. After a failed Write it rolls back what
// is left of the transaction (SQLite may have rolled it back already, when
// a statement was interrupted); a file store's connection that cannot roll
// back is closed, and the next Write starts on a new one. ":memory:" gives
// its connection back after every Write.
func (s *Store) doneWriting(wc *writeConn, failed bool) {
	for _, b := range wc.bulks() {
		b.reset()
	}
	bad := false
	if failed {
		if _, err := wc.conn.ExecContext(context.Background(), "ROLLBACK"); err != nil && !s.mem {
			bad = true
		}
	}
	if s.mem || bad {
		wc.close(bad)
		s.wc = nil
	}
}

func (wc *writeConn) bulks() []*bulk { return []*bulk{wc.alertRows, wc.rawRows, wc.linkRows} }

// close closes wc's statements and gives its connection back to the pool,
// or with bad, has the pool drop it (closing a connection rolls back its
// transaction).
func (wc *writeConn) close(bad bool) error {
	var errs []error
	for _, b := range wc.bulks() {
		errs = append(errs, b.close(wc.st))
	}
	for q, st := range wc.st.cache {
		errs = append(errs, st.Close())
		delete(wc.st.cache, q)
	}
	if bad {
		wc.conn.Raw(func(any) error { return driver.ErrBadConn }) // closes wc.conn
	} else {
		errs = append(errs, wc.conn.Close())
	}
	return errors.Join(errs...)
}
