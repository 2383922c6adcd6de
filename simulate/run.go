package simulate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// Output formats.
const (
	FormatDefender = "defender" // Defender XDR incidents API: {"value":[incidents with alerts]}
	FormatGraph    = "graph"    // Microsoft Graph /security/incidents?$expand=alerts
	FormatSentinel = "sentinel" // SecurityIncident and SecurityAlert rows, NDJSON
	FormatElastic  = "elastic"  // Elastic Security alert documents, NDJSON
	FormatWazuh    = "wazuh"    // Wazuh alerts.json lines
	FormatOCSF     = "ocsf"     // OCSF Detection Findings (class 2004), NDJSON
)

// Formats lists the output formats Run writes.
func Formats() []string {
	return []string{FormatDefender, FormatGraph, FormatSentinel, FormatElastic, FormatWazuh, FormatOCSF}
}

// TruthFileName is the name of the ground truth in the output directory.
const TruthFileName = "ground-truth.json"

// Progress follows a long run by bytes written (progress.Bar fits).
type Progress interface {
	Start(total int64) // -1: unknown
	Add(n int)
	Finish()
}

// RunOptions configure Run.
type RunOptions struct {
	Options
	Out      string   // output directory; created when missing
	Formats  []string // one or more of Formats()
	Progress Progress // optional
}

// Summary is what Run wrote.
type Summary struct {
	Out        string                   `json:"out"`
	Seed       uint64                   `json:"seed"`
	Start      string                   `json:"start"`
	Days       int                      `json:"days"`
	Incidents  int                      `json:"incidents"`
	Alerts     int64                    `json:"alerts"`
	Undetected int                      `json:"undetected_intrusions"`
	Formats    map[string]FormatSummary `json:"formats"`
	Truth      string                   `json:"ground_truth"`
	Elapsed    time.Duration            `json:"-"`
}

// FormatSummary counts what one format's files hold.
type FormatSummary struct {
	Dir     string `json:"dir"`
	Files   int    `json:"files"`
	Records int64  `json:"records"` // top-level records: incidents, rows or documents
	Alerts  int64  `json:"alerts"`  // alert records or alerts nested in incidents
	Bytes   int64  `json:"bytes"`
}

// Run simulates and writes each day's export in every format, one file
// per day and format (DIR/<format>/<YYYY-MM-DD>.<ext>), and the ground
// truth (DIR/ground-truth.json). Day files of an earlier run in those
// folders are removed first. The same options and seed give the same
// bytes.
func Run(ctx context.Context, opts RunOptions) (*Summary, error) {
	began := time.Now()
	outs, err := newOutputs(opts.Out, opts.Formats)
	if err != nil {
		return nil, err
	}
	opts.Options.Formats = opts.Formats
	gn, err := NewGenerator(opts.Options)
	if err != nil {
		return nil, err
	}
	gn.g.late = true
	org := gn.g.sc.Organisation
	for _, o := range outs {
		o.w = newWriter(o.name, gn.g.seed, org.TenantID, org.Subscription)
	}
	tf, err := os.Create(filepath.Join(opts.Out, TruthFileName))
	if err != nil {
		return nil, fmt.Errorf("create ground truth: %w", err)
	}
	defer tf.Close()
	tw, err := newTruthWriter(tf, gn.Truth())
	if err != nil {
		return nil, err
	}
	if opts.Progress != nil {
		opts.Progress.Start(-1)
		defer opts.Progress.Finish()
		for _, o := range outs {
			o.progress = opts.Progress
		}
	}
	if err := pump(ctx, gn, outs, tw); err != nil {
		for _, o := range outs {
			o.abort()
		}
		return nil, err
	}
	head := gn.Truth()
	if err := tw.close(head.Clusters, head.Counts); err != nil {
		return nil, fmt.Errorf("write ground truth: %w", err)
	}
	if err := tf.Close(); err != nil {
		return nil, fmt.Errorf("write ground truth: %w", err)
	}
	sum := &Summary{Out: opts.Out, Seed: head.Seed, Start: head.Start.Format(time.DateOnly), Days: head.Days,
		Incidents: head.Counts.Incidents, Alerts: head.Counts.Alerts,
		Undetected: head.Counts.IntrusionsUndetected + head.Counts.ScriptedUndetected,
		Formats:    map[string]FormatSummary{}, Truth: filepath.Join(opts.Out, TruthFileName), Elapsed: time.Since(began)}
	for _, o := range outs {
		sum.Formats[o.name] = o.sum
	}
	return sum, nil
}

// GC settings TuneGC makes for a long Run. Run allocates a few kilobytes
// per alert, nearly all short-lived, while its live heap is the
// incidents open at once (tens of megabytes at thousands of incidents a
// day): collecting at 5× the live heap instead of 2× saves about a
// quarter of the CPU, and the soft limit keeps the heap bounded when many
// more incidents are open.
const (
	GCPercent   = 400
	MemoryLimit = 1 << 30
)

// TuneGC sets GCPercent and MemoryLimit for a process that runs Run, and
// returns a function that restores the previous settings. GOGC or
// GOMEMLIMIT in the environment win over it.
func TuneGC() (restore func()) {
	gc, limit := -2, int64(-1)
	if os.Getenv("GOGC") == "" {
		gc = debug.SetGCPercent(GCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		limit = debug.SetMemoryLimit(MemoryLimit)
	}
	return func() {
		if gc != -2 {
			debug.SetGCPercent(gc)
		}
		if limit >= 0 {
			debug.SetMemoryLimit(limit)
		}
	}
}

// pump runs the generator, the writers and the ground truth on three
// goroutines, passing events in batches: the cores of a small machine
// share the work, and every output keeps the generator's order.
func pump(ctx context.Context, gn *Generator, outs []*output, tw *truthWriter) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	toWriters, toTruth := make(chan []Event, 4), make(chan []Event, 4)
	errs := make(chan error, 2)
	go func() {
		var scratch debrief.Incident
		errs <- drain(toWriters, cancel, func(b []Event) error { return consume(b, outs, &scratch) })
	}()
	go func() { errs <- drain(toTruth, cancel, func(b []Event) error { return truths(b, tw) }) }()
	err := produce(ctx, gn, toWriters, toTruth)
	close(toWriters)
	close(toTruth)
	for range 2 {
		if werr := <-errs; err == nil || errors.Is(err, context.Canceled) && werr != nil {
			err = werr
		}
	}
	if err != nil {
		return err
	}
	for _, o := range outs {
		if err := o.finishDay(); err != nil {
			return err
		}
	}
	return nil
}

const batchSize = 512

// produce sends the generator's events in batches to both consumers.
func produce(ctx context.Context, gn *Generator, outs ...chan<- []Event) error {
	b := make([]Event, 0, batchSize)
	send := func() bool {
		for _, ch := range outs {
			select {
			case ch <- b:
			case <-ctx.Done():
				return false
			}
		}
		b = make([]Event, 0, batchSize)
		return true
	}
	for ev, err := range gn.Events(ctx) {
		if err != nil {
			return err
		}
		if b = append(b, ev); len(b) == batchSize && !send() {
			return ctx.Err()
		}
	}
	if len(b) > 0 && !send() {
		return ctx.Err()
	}
	return nil
}

// drain applies fn to every batch; after an error it cancels the run and
// only empties the channel.
func drain(in <-chan []Event, cancel func(), fn func([]Event) error) error {
	var err error
	for b := range in {
		if err == nil {
			if err = fn(b); err != nil {
				cancel()
			}
		}
	}
	return err
}

// consume writes a batch in every format, making each incident in
// scratch: the formats render it at once and keep nothing of it.
func consume(b []Event, outs []*output, scratch *debrief.Incident) error {
	ev := new(Event) // one per batch: the writers take its address
	for i := range b {
		*ev = b[i]
		if ev.Incident = ev.incidentIn(scratch); ev.Incident == nil {
			continue
		}
		for _, o := range outs {
			if err := o.write(ev); err != nil {
				return err
			}
		}
	}
	return nil
}

func truths(b []Event, tw *truthWriter) error {
	for i := range b {
		ti := b[i].truthIn(&tw.parts)
		if ti == nil {
			continue
		}
		data, err := appendTruth(tw.buf[:0], ti)
		if err != nil {
			return err
		}
		tw.buf = data
		if err := tw.incident(data); err != nil {
			return fmt.Errorf("write ground truth: %w", err)
		}
	}
	return nil
}

// writer renders events in one format.
type writer interface {
	ext() string
	// head opens a day's file, tail closes it.
	head(e *enc, day time.Time)
	tail(e *enc)
	// event appends the records an event adds to the day's file and
	// says how many records and alerts they are.
	event(e *enc, ev *Event) (records, alerts int)
}

func newWriter(format string, seed uint64, tenant, subscription string) writer {
	switch format {
	case FormatDefender:
		return &defenderWriter{}
	case FormatGraph:
		return &graphWriter{tenant: tenant}
	case FormatSentinel:
		return &sentinelWriter{seed: seed, tenant: tenant, subscription: subscription}
	case FormatElastic:
		return &elasticWriter{seed: seed}
	case FormatWazuh:
		return &wazuhWriter{}
	case FormatOCSF:
		return &ocsfWriter{seed: seed}
	}
	return nil
}

// output is one format's day files.
type output struct {
	name     string
	dir      string
	w        writer
	e        enc
	day      time.Time
	started  bool
	f        *os.File
	progress Progress
	sum      FormatSummary
}

var dayFile = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}\.(json|ndjson)$`)

func newOutputs(dir string, formats []string) ([]*output, error) {
	if dir == "" {
		return nil, debrief.Errorf(debrief.EINVALID, "simulate: want an output directory")
	}
	if len(formats) == 0 {
		return nil, debrief.Errorf(debrief.EINVALID, "simulate: want at least one format (%s)", strings.Join(Formats(), ", "))
	}
	var outs []*output
	for _, f := range formats {
		if !slices.Contains(Formats(), f) {
			return nil, debrief.Errorf(debrief.EINVALID, "simulate: unknown format %q: want one of %s", f, strings.Join(Formats(), ", "))
		}
		if slices.ContainsFunc(outs, func(o *output) bool { return o.name == f }) {
			continue
		}
		o := &output{name: f, dir: filepath.Join(dir, f)}
		if err := cleanDir(o.dir); err != nil {
			return nil, err
		}
		o.sum.Dir = o.dir
		outs = append(outs, o)
	}
	return outs, nil
}

// cleanDir makes dir and removes the day files an earlier run left in it.
func cleanDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read output directory: %w", err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() && dayFile.MatchString(e.Name()) {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("remove old day file: %w", err)
			}
		}
	}
	return nil
}

// write adds an event to the day's file, opening the file on the day's
// first record.
func (o *output) write(ev *Event) error {
	if !o.day.Equal(ev.Day) {
		if err := o.finishDay(); err != nil {
			return err
		}
		o.day = ev.Day
	}
	mark, comma, depth := len(o.e.b), o.e.comma, len(o.e.stack)
	if !o.started {
		o.w.head(&o.e, ev.Day)
	}
	n, a := o.w.event(&o.e, ev)
	if n == 0 {
		o.e.b, o.e.comma, o.e.stack = o.e.b[:mark], comma, o.e.stack[:depth]
		return nil
	}
	o.started = true
	o.sum.Records += int64(n)
	o.sum.Alerts += int64(a)
	if len(o.e.b) >= 1<<18 {
		return o.flush()
	}
	return nil
}

func (o *output) flush() error {
	if o.f == nil {
		f, err := os.Create(filepath.Join(o.dir, o.day.Format(time.DateOnly)+"."+o.w.ext()))
		if err != nil {
			return fmt.Errorf("create day file: %w", err)
		}
		o.f = f
		o.sum.Files++
	}
	n, err := o.f.Write(o.e.b)
	o.sum.Bytes += int64(n)
	if o.progress != nil {
		o.progress.Add(n)
	}
	o.e.b = o.e.b[:0]
	if err != nil {
		return fmt.Errorf("write %s: %w", o.f.Name(), err)
	}
	return nil
}

// finishDay closes the day's file, if the day had records.
func (o *output) finishDay() error {
	if !o.started {
		return nil
	}
	o.w.tail(&o.e)
	o.started = false
	err := o.flush()
	if cerr := o.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write %s: %w", o.f.Name(), cerr)
	}
	o.f = nil
	o.e.reset()
	return err
}

func (o *output) abort() {
	if o.f != nil {
		o.f.Close()
	}
}
