package kafka

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/hunting"
)

// DefaultGroup is the consumer group when Options.Group is empty.
const DefaultGroup = "debrief"

// Options configure Consume.
type Options struct {
	Brokers []string // host:port; Event Hubs: <namespace>.servicebus.windows.net:9093
	Topic   string   // Event Hubs: the event hub's name
	Group   string   // consumer group; "" means DefaultGroup
	// User and Password enable SASL PLAIN (Event Hubs: "$ConnectionString"
	// and the namespace's connection string); "" means no authentication.
	User, Password string
	TLS            *tls.Config // nil: plain TCP (a local broker)
	Sink           *connect.Sink
	Decoder        ingest.Decoder // nil: the advanced hunting decoder
	MaxPoll        int            // messages per poll; 0 means 5000
	// Batch is how many rows are stored in one transaction at most, and
	// their offsets committed together: a poll is cut into batches as it
	// is decoded, so that the store writes one batch while the next is
	// decoded. 0 means 5000.
	Batch int
	// Idle ends Consume when no record arrives for this long once the
	// group has assigned this consumer its partitions; 0 consumes until
	// ctx ends.
	Idle time.Duration
	// Stored is called after a batch is stored, before its offsets are
	// committed; optional (tests end the context here to simulate a
	// crash).
	Stored func(Stats)
	// Progress is called after a batch's offsets are committed, from
	// another goroutine than Stored; optional.
	Progress func(Stats)
	// AfterStore is called after a batch is stored and its offsets are
	// handed to the committer, in the goroutine that stores, so that it
	// sees the batch and no later one; an error ends the run. Optional
	// (debrief stream groups the stored alerts into incidents here).
	AfterStore func(context.Context, Stats) error
}

// Stats is what a run of Consume did.
type Stats struct {
	Polls    int                 `json:"polls"`    // batches stored, each in one transaction
	Messages int                 `json:"messages"` // Kafka records read
	Records  int                 `json:"records"`  // rows in them, good and bad
	Alerts   int                 `json:"alerts"`
	Written  debrief.WriteResult `json:"written"`
	Rejected int                 `json:"rejected"`
	Rejects  []string            `json:"rejects,omitempty"` // the first 100
}

// Consume reads o.Topic as o.Group from the group's committed offsets
// (the start of the topic for a new group) until ctx ends, o.Idle passes
// without a record, or an error. Three stages overlap: polling and
// decoding cut the records into batches; the store writes each batch in
// one transaction; and the offsets after a stored batch are committed
// while the store writes the next. A batch's offsets are committed only
// after it is stored. When ctx ends, the offsets of the batches already
// handed to the committer are still committed (for up to ten seconds);
// a batch stored but not yet handed over is read again by the next run.
// Consume returns nil when ctx ends or the topic goes idle.
func Consume(ctx context.Context, o Options) (Stats, error) {
	var st Stats
	assigned := make(chan struct{})
	var once sync.Once
	opts := append(o.clientOpts(), kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, got map[string][]int32) {
		if len(got[o.Topic]) > 0 {
			once.Do(func() { close(assigned) })
		}
	}))
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return st, fmt.Errorf("kafka client: %w", err)
	}
	defer cl.Close()
	if err := cl.Ping(ctx); err != nil {
		if ctx.Err() != nil {
			return st, nil
		}
		hint := ""
		if o.User != "" {
			hint = " (a refused SASL login or TLS handshake ends the connection: check the user, password and TLS)"
		}
		return st, fmt.Errorf("kafka brokers %s: %w%s", strings.Join(o.Brokers, ","), err, hint)
	}
	if o.Decoder == nil {
		o.Decoder = hunting.New()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 2)
	go o.produce(ctx, cl, assigned, batches)
	cm := startCommitter(ctx, cl, o.Progress, cancel)
	err = o.store(ctx, batches, cm, &st)
	return st, errors.Join(err, cm.close())
}

// store writes the batches in turn and hands each one's offsets to the
// committer.
func (o Options) store(ctx context.Context, batches <-chan batch, cm *committer, st *Stats) error {
	for b := range batches {
		if b.err != nil {
			return b.err
		}
		if ctx.Err() != nil {
			return nil
		}
		res, err := o.Sink.Commit(ctx, b.batch, b.label)
		if err != nil {
			if ctx.Err() != nil {
				return nil // the store's transaction was rolled back
			}
			return err
		}
		st.add(res, b.messages)
		if o.Stored != nil {
			o.Stored(*st)
		}
		if ctx.Err() != nil {
			return nil // stored, not committed: the next run re-reads the batch
		}
		cm.hand(b.last, *st)
		if o.AfterStore != nil {
			if err := o.AfterStore(ctx, *st); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
		}
	}
	return nil
}

// batch is decoded records and the offsets to commit after storing
// them, or the error that ended the stream.
type batch struct {
	batch    connect.Batch
	label    string        // the last message's place, for store errors
	messages int           // Kafka records
	last     []*kgo.Record // the last record of each partition: what to commit
	at       map[int32]int // partition → index in last
	err      error
}

// produce polls and decodes until ctx ends, the topic goes idle or an
// error; it closes out.
func (o Options) produce(ctx context.Context, cl *kgo.Client, assigned <-chan struct{}, out chan<- batch) {
	defer close(out)
	for {
		fetches, idle := o.poll(ctx, cl, assigned)
		if ctx.Err() != nil {
			return
		}
		if err := fetchError(fetches); err != nil {
			select {
			case out <- batch{err: err}:
			case <-ctx.Done():
			}
			return
		}
		if idle || !o.decode(ctx, fetches, out) {
			return
		}
	}
}

// committer commits offsets in its own goroutine, so that the store
// need not wait for the broker.
type committer struct {
	cl       *kgo.Client
	progress func(Stats)
	in       chan handoff
	done     chan struct{}
	fail     context.CancelFunc // ends the run when a commit fails
	err      error
}

type handoff struct {
	last []*kgo.Record
	st   Stats
}

func startCommitter(ctx context.Context, cl *kgo.Client, progress func(Stats), fail context.CancelFunc) *committer {
	c := &committer{cl: cl, progress: progress, in: make(chan handoff, 1), done: make(chan struct{}), fail: fail}
	go c.run(context.WithoutCancel(ctx))
	return c
}

// hand queues the offsets of a stored batch; it waits while a commit
// before the last is still under way.
func (c *committer) hand(last []*kgo.Record, st Stats) { c.in <- handoff{last, st} }

func (c *committer) run(ctx context.Context) {
	defer close(c.done)
	for h := range c.in {
		if c.err != nil {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := commit(cctx, c.cl, h.last)
		cancel()
		if err != nil {
			c.err = err
			c.fail()
			continue
		}
		if c.progress != nil {
			c.progress(h.st)
		}
	}
}

// close commits what was handed over and returns the first commit error.
func (c *committer) close() error {
	close(c.in)
	<-c.done
	return c.err
}

// commit commits the offsets after records. A commit refused because the
// group is rebalancing is let pass: the records are stored, and whichever
// member gets their partition reads them again.
func commit(ctx context.Context, cl *kgo.Client, records []*kgo.Record) error {
	if len(records) == 0 {
		return nil
	}
	err := cl.CommitRecords(ctx, records...)
	switch {
	case err == nil, ctx.Err() != nil,
		errors.Is(err, kerr.RebalanceInProgress), errors.Is(err, kerr.IllegalGeneration), errors.Is(err, kerr.UnknownMemberID):
		return nil
	}
	return fmt.Errorf("kafka commit: %w", err)
}

func (o Options) clientOpts() []kgo.Opt {
	opts := []kgo.Opt{
		kgo.SeedBrokers(o.Brokers...),
		kgo.ConsumeTopics(o.Topic),
		kgo.ConsumerGroup(cmp(o.Group, DefaultGroup)),
		kgo.DisableAutoCommit(),
		kgo.ClientID("debrief"),
	}
	if o.User != "" {
		opts = append(opts, kgo.SASL(plain.Auth{User: o.User, Pass: o.Password}.AsMechanism()))
	}
	if o.TLS != nil {
		opts = append(opts, kgo.DialTLSConfig(o.TLS))
	}
	if o.Idle > 0 {
		// A fetch waits up to FetchMaxWait (5s) for partitions without
		// records, and a partition assigned meanwhile waits with it: keep
		// that well inside Idle, or a short Idle ends a run with records.
		opts = append(opts, kgo.FetchMaxWait(min(5*time.Second, max(o.Idle/4, 10*time.Millisecond))))
	}
	return opts
}

// poll waits for records; idle reports that o.Idle passed without any
// while the partitions were assigned (joining the group takes no idle
// time).
func (o Options) poll(ctx context.Context, cl *kgo.Client, assigned <-chan struct{}) (kgo.Fetches, bool) {
	joined := false
	select {
	case <-assigned:
		joined = true
	default:
	}
	pctx := ctx
	if o.Idle > 0 {
		var cancel context.CancelFunc
		pctx, cancel = context.WithTimeout(ctx, o.Idle)
		defer cancel()
	}
	n := o.MaxPoll
	if n <= 0 {
		n = 5000
	}
	f := cl.PollRecords(pctx, n)
	idle := joined && o.Idle > 0 && f.NumRecords() == 0 && pctx.Err() != nil && ctx.Err() == nil
	return f, idle
}

// fetchError is the first error of a poll that retrying will not fix.
func fetchError(f kgo.Fetches) error {
	for _, e := range f.Errors() {
		if errors.Is(e.Err, context.Canceled) || errors.Is(e.Err, context.DeadlineExceeded) || kerr.IsRetriable(e.Err) {
			continue
		}
		return fmt.Errorf("kafka fetch %s[%d]: %w", e.Topic, e.Partition, e.Err)
	}
	return nil
}

// decode reads the messages of a poll into batches of at most o.Batch
// rows and sends each as it fills; it is false when ctx ended. A message
// that cannot be read at all is rejected, not retried: it would stop the
// stream for good.
func (o Options) decode(ctx context.Context, f kgo.Fetches, out chan<- batch) bool {
	size := o.Batch
	if size <= 0 {
		size = 5000
	}
	b := batch{at: map[int32]int{}}
	// The decoders read through a 64 KiB bufio.Reader, which they take
	// as it is when handed one: one for all the messages of the poll
	// rather than one allocated for each (a message is read to its end
	// before the next, and decoders copy what they keep).
	var msg bytes.Reader
	br := bufio.NewReaderSize(&msg, 1<<16)
	send := func() bool {
		if b.messages == 0 {
			return true
		}
		select {
		case out <- b:
		case <-ctx.Done():
			return false
		}
		b = batch{at: map[int32]int{}}
		return true
	}
	for it := f.RecordIter(); !it.Done(); {
		r := it.Next()
		b.messages++
		if i, ok := b.at[r.Partition]; ok {
			b.last[i] = r
		} else {
			b.at[r.Partition] = len(b.last)
			b.last = append(b.last, r)
		}
		if len(r.Value) == 0 {
			continue // a tombstone
		}
		b.label = r.Topic + "[" + strconv.Itoa(int(r.Partition)) + "]@" + strconv.FormatInt(r.Offset, 10)
		msg.Reset(r.Value)
		br.Reset(&msg)
		d, err := o.Sink.Decode(ctx, o.Decoder, br, b.label)
		if err != nil {
			if ctx.Err() != nil {
				return false
			}
			d.Result.Rejected = append(d.Result.Rejected, &debrief.RecordError{File: b.label, Reason: err.Error()})
		}
		add(&b.batch, d)
		if b.batch.Result.Records >= size && !send() {
			return false
		}
	}
	return send()
}

func add(into *connect.Batch, b connect.Batch) {
	into.Records = append(into.Records, b.Records...)
	r := &into.Result
	r.Records += b.Result.Records
	r.Alerts += b.Result.Alerts
	r.Rejected = append(r.Rejected, b.Result.Rejected...)
	if b.Result.Latest.After(r.Latest) {
		r.Latest = b.Result.Latest
	}
}

func (st *Stats) add(r connect.PageResult, messages int) {
	st.Polls++
	st.Messages += messages
	st.Records += r.Records
	st.Alerts += r.Alerts
	st.Written.Add(r.Written)
	for _, re := range r.Rejected {
		if !re.Kept {
			st.Rejected++
		}
		if len(st.Rejects) < 100 {
			st.Rejects = append(st.Rejects, re.Error())
		}
	}
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
