package postgres

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// pool keeps up to max connections to the database, reusing idle ones.
// (pgx's own pool needs a module this build does not carry.)
type pool struct {
	cfg  *pgx.ConnConfig
	sem  chan struct{}  // a token per open connection in use
	idle chan *pgx.Conn // connections ready for use

	mu     sync.Mutex
	closed bool
}

func newPool(cfg *pgx.ConnConfig, max int) *pool {
	return &pool{cfg: cfg, sem: make(chan struct{}, max), idle: make(chan *pgx.Conn, max)}
}

var errClosed = errors.New("store is closed")

// acquire returns an idle connection or a new one, waiting while max are
// in use.
func (p *pool) acquire(ctx context.Context) (*pgx.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed {
		<-p.sem
		return nil, errClosed
	}
	for {
		select {
		case c := <-p.idle:
			if !c.IsClosed() {
				return c, nil
			}
			continue
		default:
		}
		break
	}
	c, err := pgx.ConnectConfig(ctx, p.cfg)
	if err != nil {
		<-p.sem
		return nil, err
	}
	return c, nil
}

// release gives c back. A connection that is broken, closed or inside a
// transaction (an error left it there) is closed instead of kept.
func (p *pool) release(c *pgx.Conn) {
	defer func() { <-p.sem }()
	p.mu.Lock()
	closed := p.closed
	p.mu.Unlock()
	if closed || c.IsClosed() || c.PgConn().TxStatus() != 'I' {
		closeConn(c)
		return
	}
	select {
	case p.idle <- c:
	default:
		closeConn(c)
	}
}

func closeConn(c *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.Close(ctx)
}

// close closes the idle connections; those in use close on release.
func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	for {
		select {
		case c := <-p.idle:
			closeConn(c)
		default:
			return
		}
	}
}
