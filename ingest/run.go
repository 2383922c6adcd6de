package ingest

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/debrief-dev/debrief"
)

// Options configure Run.
type Options struct {
	Paths     []string  // files, folders (walked recursively), globs, "-" for Stdin
	Format    string    // a decoder name, or "" / "auto" to identify each input
	Decoders  []Decoder // the formats to use (formats.All())
	Strict    bool      // stop at the first bad record and store nothing of that input
	Stdin     io.Reader
	Store     debrief.Store
	Knowledge Knowledge
	BatchSize int      // records per store transaction; 0 means DefaultBatch
	Progress  Progress // optional
	// FormatOption is how the user names a format, for messages that say
	// to: "--format" (the default) on the command line, "?format=" for
	// the server's ingest endpoint.
	FormatOption string
	// Warn, when set, is told of what does not stop the run but may be a
	// mistake: a folder among the paths that holds no file.
	Warn func(msg string)
	// MaxRejectDetails bounds the rejects listed one by one in the
	// summary (all are counted); 0 means 1000.
	MaxRejectDetails int
	// StdinName is how rejects and messages name Stdin: "" names it as
	// the command line does, "-" in rejects and "stdin is empty"; the
	// server's ingest endpoint says "request body" ("the request body
	// is empty").
	StdinName string
}

// Progress follows a long ingest by bytes read.
type Progress interface {
	Start(total int64) // total bytes, -1 when unknown (stdin)
	Add(n int)
	Finish()
}

// Tally counts incidents and alerts.
type Tally struct {
	Incidents int `json:"incidents"`
	Alerts    int `json:"alerts"`
	// Updated counts the Incidents that were stored already and were
	// written again: correlated incidents of earlier runs that gained
	// alerts.
	Updated int `json:"updated,omitempty"`
}

// Reject is one bad record or input.
type Reject struct {
	File     string `json:"file"`
	Location string `json:"location,omitempty"` // "" for an input as a whole
	Field    string `json:"field,omitempty"`
	Reason   string `json:"reason"`
	Kept     bool   `json:"kept,omitempty"` // the record was stored without Field
}

// Summary is what an ingest did.
type Summary struct {
	Files     int   `json:"files"`
	Read      int   `json:"read"` // records read, good and bad
	New       Tally `json:"new"`
	Updated   Tally `json:"updated"`
	Unchanged Tally `json:"unchanged"`
	// Renormalised counts the records stored already whose raw bytes are
	// unchanged but whose decoded content differs (a newer debrief decodes
	// more): updated in place (debrief.WriteResult.IncidentsRenormalised).
	Renormalised     Tally                          `json:"renormalised"`
	RejectedTotal    int                            `json:"rejected_total"`
	RejectedByReason map[string]int                 `json:"rejected_by_reason"`
	Rejected         []Reject                       `json:"rejected"` // the first MaxRejectDetails; [] when none
	Unknown          map[debrief.TechniqueID]int    `json:"unknown_techniques"`
	Revoked          map[debrief.TechniqueID]string `json:"revoked_techniques"`
	Formats          map[string]int                 `json:"formats"` // inputs per format
	// Skipped lists files found in folders that no decoder recognises
	// (a README beside the exports); a file named on the command line
	// that no decoder recognises is a reject instead.
	Skipped []string `json:"skipped,omitempty"`
}

// Rejects reports whether any record was rejected (the CLI exits 3).
func (s *Summary) Rejects() bool { return s.RejectedTotal > 0 }

func (s *Summary) add(r debrief.WriteResult) {
	s.New.Incidents += r.IncidentsNew
	s.New.Alerts += r.AlertsNew
	s.Updated.Incidents += r.IncidentsUpdated
	s.Updated.Alerts += r.AlertsUpdated
	s.Unchanged.Incidents += r.IncidentsUnchanged
	s.Unchanged.Alerts += r.AlertsUnchanged
	s.Renormalised.Incidents += r.IncidentsRenormalised
	s.Renormalised.Alerts += r.AlertsRenormalised
}

// ErrNothingRead is returned (wrapped, with why) when a run read no input
// at all: each was empty, unreadable or in no format debrief reads.
var ErrNothingRead = &debrief.Error{Code: debrief.EINVALID, Message: "nothing read"}

// ErrStrict is returned (wrapped with the record error) when Strict
// stopped a run at a bad record.
var ErrStrict = errors.New("strict: stopped at the first bad record")

// DefaultBatch is how many records a store transaction takes unless
// Options.BatchSize says otherwise: into SQLite, 1000 ingested 1.11× as fast
// as 500 (BenchmarkIngestSQLite against BenchmarkIngestSQLiteBatch500).
const DefaultBatch = 1000

// Run ingests every input of opts into the store. It returns the summary
// and an error only for failures that stop the run (an unreadable path,
// a store failure, a strict stop); bad records are in the summary.
func Run(ctx context.Context, opts Options) (*Summary, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatch
	}
	if opts.MaxRejectDetails <= 0 {
		opts.MaxRejectDetails = 1000
	}
	inputs, total, empty, err := expand(opts.Paths)
	if err != nil {
		return nil, err
	}
	if len(inputs) == 0 && len(empty) > 0 {
		return nil, debrief.Errorf(debrief.EINVALID, "no files found under %s", strings.Join(empty, ", "))
	}
	for _, dir := range empty {
		if opts.Warn != nil {
			opts.Warn("no files found under " + dir)
		}
	}
	r := &runner{opts: opts, sum: &Summary{
		RejectedByReason: map[string]int{}, Rejected: []Reject{}, Formats: map[string]int{},
	}, counts: newCounts()}
	if opts.Progress != nil {
		opts.Progress.Start(total)
		defer opts.Progress.Finish()
	}
	for _, in := range inputs {
		if err := ctx.Err(); err != nil {
			return r.sum, err
		}
		r.walked = in.walked
		if err := r.input(ctx, in.path); err != nil {
			if errors.Is(err, ErrStrict) && r.sum.Files == 0 {
				return r.finish(), r.nothingRead()
			}
			return r.finish(), err
		}
	}
	if r.sum.Files == 0 {
		return r.finish(), r.nothingRead()
	}
	return r.finish(), nil
}

// nothingRead says why a run read no input.
func (r *runner) nothingRead() error {
	s := r.sum
	switch {
	case s.RejectedTotal == 1:
		re := s.Rejected[0]
		if re.File == r.stdinLabel() {
			return fmt.Errorf("%w: %s", ErrNothingRead, re.Reason)
		}
		return fmt.Errorf("%w: %s: %s", ErrNothingRead, re.File, re.Reason)
	case s.RejectedTotal > 1:
		return fmt.Errorf("%w: none of the %d inputs could be read (see the rejects)", ErrNothingRead, s.RejectedTotal+len(s.Skipped))
	}
	return fmt.Errorf("%w: none of the %d files found is in a format debrief reads (skipped)", ErrNothingRead, len(s.Skipped))
}

type runner struct {
	opts   Options
	sum    *Summary
	counts Counts
	walked bool // the current input was found by walking a folder
}

// input is one file to read, or "-".
type input struct {
	path   string
	walked bool
}

// stdinLabel names stdin in rejects (Options.StdinName).
func (r *runner) stdinLabel() string {
	if r.opts.StdinName == "" {
		return "-"
	}
	return r.opts.StdinName
}

// stdinEmpty is the reason given for an empty stdin.
func (r *runner) stdinEmpty() error {
	if r.opts.StdinName == "" {
		return errors.New("stdin is empty")
	}
	return errors.New("the " + r.opts.StdinName + " is empty")
}

func (r *runner) finish() *Summary {
	r.sum.Unknown, r.sum.Revoked = r.counts.Unknown, r.counts.Revoked
	return r.sum
}

// expand turns paths into inputs: "-" stays, folders are walked, globs are
// matched; empty lists the folders that held no file. It fails on a path
// that does not exist.
func expand(paths []string) (inputs []input, total int64, empty []string, err error) {
	for _, p := range paths {
		if p == "-" {
			inputs, total = append(inputs, input{path: p}), -1
			continue
		}
		matches := []string{p}
		if _, statErr := os.Stat(p); statErr != nil && strings.ContainsAny(p, "*?[") {
			if matches, err = filepath.Glob(p); err != nil || len(matches) == 0 {
				return nil, 0, nil, debrief.Errorf(debrief.EINVALID, "%s: no file matches the pattern", p)
			}
		}
		for _, m := range matches {
			before := len(inputs)
			dir := false
			err := filepath.WalkDir(m, func(path string, d fs.DirEntry, err error) error {
				if err != nil {
					return debrief.Errorf(debrief.EINVALID, "%s: %v", path, unwrapPathErr(err))
				}
				if d.IsDir() {
					dir = dir || path == m
					if path != m && strings.HasPrefix(d.Name(), ".") {
						return filepath.SkipDir
					}
					return nil
				}
				if !d.Type().IsRegular() || path != m && strings.HasPrefix(d.Name(), ".") {
					return nil
				}
				if info, err := d.Info(); err == nil && total >= 0 {
					total += info.Size()
				}
				inputs = append(inputs, input{path: path, walked: path != m})
				return nil
			})
			if err != nil {
				return nil, 0, nil, err
			}
			if dir && len(inputs) == before {
				empty = append(empty, m)
			}
		}
	}
	return inputs, total, empty, nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// input ingests one file or stdin. Strict mode decodes it once to check
// every record, then again to store it, so a bad record stores nothing.
func (r *runner) input(ctx context.Context, name string) error {
	label := name
	if name == "-" {
		label = r.stdinLabel()
	}
	if r.opts.Strict {
		if name == "-" {
			spooled, cleanup, err := spool(r.opts.Stdin)
			if err != nil {
				return err
			}
			defer cleanup()
			return r.strict(ctx, spooled, label)
		}
		return r.strict(ctx, name, label)
	}
	return r.pass(ctx, name, label, true)
}

func (r *runner) strict(ctx context.Context, path, label string) error {
	if err := r.pass(ctx, path, label, false); err != nil {
		return err
	}
	return r.pass(ctx, path, label, true)
}

// spool copies stdin to a temporary file so strict mode can read it twice.
func spool(in io.Reader) (string, func(), error) {
	f, err := os.CreateTemp("", "debrief-stdin-*")
	if err != nil {
		return "", nil, fmt.Errorf("spool stdin: %w", err)
	}
	cleanup := func() { os.Remove(f.Name()) }
	_, err = io.Copy(f, in)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("spool stdin: %w", err)
	}
	return f.Name(), cleanup, nil
}

// open returns a reader of the input's content: decompressed when it is
// gzip (detected from its bytes, not its name).
func (r *runner) open(path string, count bool) (io.Reader, func() error, error) {
	var src io.Reader
	closeFn := func() error { return nil }
	if path == "-" {
		src = r.opts.Stdin
		if src == nil {
			src = strings.NewReader("")
		}
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, debrief.Errorf(debrief.EINVALID, "%s: %v", path, unwrapPathErr(err))
		}
		src, closeFn = f, f.Close
	}
	if count && r.opts.Progress != nil {
		src = &countingReader{r: src, p: r.opts.Progress}
	}
	br := bufio.NewReaderSize(src, 1<<16)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			closeFn()
			return nil, nil, debrief.Errorf(debrief.EINVALID, "%s: gzip: %v", path, err)
		}
		return bufio.NewReaderSize(zr, 1<<16), closeFn, nil
	}
	return br, closeFn, nil
}

type countingReader struct {
	r io.Reader
	p Progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.Add(n)
	return n, err
}

func (r *runner) names() []string {
	var out []string
	for _, d := range r.opts.Decoders {
		out = append(out, d.Name())
	}
	return out
}

// pass decodes one input. With store false it only checks records (the
// first pass of strict mode) and returns the first bad one as an error.
func (r *runner) pass(ctx context.Context, path, label string, store bool) error {
	rd, closeFn, err := r.open(path, store)
	if err != nil {
		if !store || r.opts.Strict {
			return err
		}
		r.reject(&debrief.RecordError{File: label, Reason: err.Error()})
		return nil
	}
	defer closeFn()
	dec, in, done, err := r.identify(rd.(*bufio.Reader), path)
	if err != nil {
		if debrief.ErrorCode(err) == debrief.EINVALID && r.opts.Format != "" && r.opts.Format != "auto" {
			return err
		}
		if errors.Is(err, errEmpty) && label == r.stdinLabel() {
			err = r.stdinEmpty()
		}
		if r.walked {
			if store {
				r.sum.Skipped = append(r.sum.Skipped, label)
			}
			return nil
		}
		re := &debrief.RecordError{File: label, Reason: err.Error()}
		if !store {
			return r.stop(re, nil, 0)
		}
		r.reject(re)
		return nil
	}
	defer done()
	if store {
		r.sum.Files++
		r.sum.Formats[dec.Name()]++
	}
	b := batch{r: r}
	defer func() {
		if b.w != nil { // an early return: stop the writer, keep its counts
			res, _ := b.w.wait()
			r.sum.add(res)
		}
	}()
	read := 0 // records read, good and bad
	count := func() {
		if read++; store {
			r.sum.Read++
		}
	}
	for rec, err := range dec.Decode(ctx, in, label) {
		if err != nil {
			var re *debrief.RecordError
			if !errors.As(err, &re) {
				return fmt.Errorf("%s: %w", label, err)
			}
			if !re.Kept {
				count()
			}
			if !store {
				return r.stop(re, dec, read)
			}
			r.reject(re)
			continue
		}
		count()
		if err := r.prepare(&rec, label, store); err != nil {
			if !store {
				return r.stop(err, dec, read)
			}
			r.reject(err)
			continue
		}
		if !store {
			continue
		}
		if err := b.add(ctx, rec); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if store {
		return b.flush(ctx)
	}
	return nil
}

// stop ends the check of strict mode at re, the first bad record of an
// input that dec reads (nil: the input is in no format) after read
// records: the summary counts the input, its records read and re, which
// is not kept, since nothing of the input is stored.
func (r *runner) stop(re *debrief.RecordError, dec Decoder, read int) error {
	if dec != nil {
		r.sum.Files++
		r.sum.Formats[dec.Name()]++
	}
	r.sum.Read += read
	stopped := *re
	stopped.Kept = false
	r.reject(&stopped)
	return fmt.Errorf("%w: %w", ErrStrict, &stopped)
}

// prepare normalises a record and checks it.
func (r *runner) prepare(rec *debrief.Record, file string, count bool) *debrief.RecordError {
	if r.opts.Knowledge != nil && !rec.Partial {
		c := &r.counts
		if !count {
			scratch := newCounts()
			c = &scratch
		}
		for _, a := range rec.Alerts() {
			Normalise(r.opts.Knowledge, a, c)
		}
		if rec.Incident != nil {
			NormaliseIncident(r.opts.Knowledge, rec.Incident, c)
		}
	}
	if err := rec.Validate(); err != nil {
		return &debrief.RecordError{File: file, Line: rec.Line, Record: rec.Index, Reason: err.Error()}
	}
	return nil
}

func (r *runner) reject(re *debrief.RecordError) {
	r.sum.RejectedTotal++
	key := re.Field
	if key == "" {
		key = shortReason(re.Reason)
	}
	r.sum.RejectedByReason[key]++
	if len(r.sum.Rejected) < r.opts.MaxRejectDetails {
		loc := strings.TrimPrefix(re.Location(), re.File)
		loc = strings.TrimPrefix(loc, ":")
		r.sum.Rejected = append(r.sum.Rejected, Reject{File: re.File, Location: strings.TrimSpace(loc), Field: re.Field, Reason: re.Reason, Kept: re.Kept})
	}
}

// shortReason is what rejects without a field are counted by: the reason
// up to its first colon, or when that is long up to its first
// parenthesis or semicolon, and at most 60 bytes, cut between words.
func shortReason(reason string) string {
	const max = 60
	key, _, _ := strings.Cut(reason, ": ")
	if len(key) > max {
		if i := strings.IndexAny(key, "(;"); i > 0 {
			key = strings.TrimSpace(key[:i])
		}
	}
	if len(key) > max {
		cut := strings.LastIndexByte(key[:max], ' ')
		if cut <= 0 {
			cut = max
			for !utf8.RuneStart(key[cut]) {
				cut--
			}
		}
		key = key[:cut] + "…"
	}
	return key
}

// batch gathers records into store transactions, which a second goroutine
// writes while decoding goes on: decoding and SQLite's work then overlap.
type batch struct {
	r    *runner
	recs []debrief.Record
	w    *writer
}

func (b *batch) add(ctx context.Context, rec debrief.Record) error {
	b.recs = append(b.recs, rec)
	if len(b.recs) >= b.r.opts.BatchSize {
		return b.send(ctx)
	}
	return nil
}

func (b *batch) send(ctx context.Context) error {
	if len(b.recs) == 0 {
		return nil
	}
	if b.w == nil {
		b.w = startWriter(ctx, b.r.opts.Store)
	}
	recs := b.recs
	b.recs = make([]debrief.Record, 0, b.r.opts.BatchSize)
	return b.w.send(recs)
}

// flush sends what is left and waits until everything is stored.
func (b *batch) flush(ctx context.Context) error {
	err := b.send(ctx)
	if b.w != nil {
		res, werr := b.w.wait()
		b.r.sum.add(res)
		b.w = nil
		if err == nil {
			err = werr
		}
	}
	return err
}

// writer stores batches on its own goroutine, one at a time, in order.
type writer struct {
	in   chan []debrief.Record
	done chan struct{}
	res  debrief.WriteResult
	err  error
}

func startWriter(ctx context.Context, st debrief.Store) *writer {
	w := &writer{in: make(chan []debrief.Record, 1), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for recs := range w.in {
			if w.err != nil {
				continue // drain; the first error stands
			}
			res, err := st.Write(ctx, recs)
			if err != nil {
				w.err = fmt.Errorf("store: %w", err)
				continue
			}
			w.res.Add(res)
		}
	}()
	return w
}

// send queues a batch; it fails fast once a write has failed.
func (w *writer) send(recs []debrief.Record) error {
	select {
	case <-w.done:
		return w.err
	default:
	}
	w.in <- recs
	return nil
}

func (w *writer) wait() (debrief.WriteResult, error) {
	close(w.in)
	<-w.done
	return w.res, w.err
}

// SortedUnknown returns the unknown technique ids, most frequent first.
func (s *Summary) SortedUnknown() []debrief.TechniqueID {
	ids := make([]debrief.TechniqueID, 0, len(s.Unknown))
	for id := range s.Unknown {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b debrief.TechniqueID) int {
		if s.Unknown[a] != s.Unknown[b] {
			return s.Unknown[b] - s.Unknown[a]
		}
		return strings.Compare(string(a), string(b))
	})
	return ids
}
