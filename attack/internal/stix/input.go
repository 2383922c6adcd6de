package stix

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// input is the bundle's bytes: r itself, or its gzip content decompressed
// by a second goroutine so that inflating and parsing overlap.
type input struct {
	io.Reader
	pipe *pipe
	rerr *readErr
}

// open detects gzip from the magic bytes, not from a file name.
func open(r io.Reader) (*input, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read: %w", err)
	}
	if len(head) < 2 || head[0] != 0x1f || head[1] != 0x8b {
		re := &readErr{r: br}
		return &input{Reader: re, rerr: re}, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	p := newPipe(zr)
	return &input{Reader: p, pipe: p}, nil
}

// err returns the error reading or inflating the input met, if any, so
// that it is reported rather than the JSON error it caused.
func (in *input) err() error {
	var err error
	if in.pipe != nil {
		err = in.pipe.readErr()
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("truncated gzip data: %w", err)
		}
		if err != nil {
			return fmt.Errorf("corrupt gzip data: %w", err)
		}
		return nil
	}
	if err = in.rerr.err; err != nil {
		return fmt.Errorf("read: %w", err)
	}
	return nil
}

// Close stops the inflating goroutine.
func (in *input) Close() {
	if in.pipe != nil {
		in.pipe.Close()
	}
}

// readErr remembers the first error other than io.EOF its reader returned.
type readErr struct {
	r   io.Reader
	err error
}

func (e *readErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// pipe runs a reader in its own goroutine, handing over filled chunks.
type pipe struct {
	full  chan []byte
	free  chan []byte
	done  chan struct{}
	err   error // set by the goroutine before it closes full
	ended bool  // Read saw full closed, so err may be read
	cur   []byte
	spare []byte
}

const (
	chunkSize = 256 << 10
	chunks    = 4
)

func newPipe(r io.Reader) *pipe {
	p := &pipe{full: make(chan []byte, chunks), free: make(chan []byte, chunks), done: make(chan struct{})}
	for range chunks {
		p.free <- make([]byte, chunkSize)
	}
	go p.fill(r)
	return p
}

// fill never blocks on a send: there are only as many buffers as both
// channels hold.
func (p *pipe) fill(r io.Reader) {
	defer close(p.full)
	for {
		select { // a closed done wins over a free buffer
		case <-p.done:
			return
		default:
		}
		var buf []byte
		select {
		case <-p.done:
			return
		case buf = <-p.free:
		}
		n, err := readChunk(r, buf)
		if n > 0 {
			p.full <- buf[:n]
		}
		if err != nil {
			if err != io.EOF {
				p.err = err
			}
			return
		}
	}
}

// readChunk fills buf unless r ends or fails first.
func readChunk(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (p *pipe) Read(b []byte) (int, error) {
	for len(p.cur) == 0 {
		if p.ended {
			return 0, cmp.Or(p.err, io.EOF)
		}
		if p.spare != nil {
			p.free <- p.spare[:cap(p.spare)]
			p.spare = nil
		}
		buf, ok := <-p.full
		if !ok {
			p.ended = true
			continue
		}
		p.cur, p.spare = buf, buf
	}
	n := copy(b, p.cur)
	p.cur = p.cur[n:]
	return n, nil
}

// readErr returns the error of the inflating goroutine once Read has seen
// it stop, and nil before.
func (p *pipe) readErr() error {
	if !p.ended {
		return nil
	}
	return p.err
}

// Close stops the goroutine and waits for it; Read must not be called
// afterwards.
func (p *pipe) Close() {
	close(p.done)
	for range p.full {
	}
}
