package kafka

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strconv"
	"strings"
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
	MaxPoll        int            // messages per poll, stored in one transaction; 0 means 5000
	// Idle ends Consume when no record arrives for this long; 0 consumes
	// until ctx ends.
	Idle time.Duration
	// Stored is called after a poll's records are stored, before their
	// offsets are committed; optional (tests end the context here to
	// simulate a crash).
	Stored func(Stats)
	// Progress is called after a poll's offsets are committed; optional.
	Progress func(Stats)
}

// Stats is what a run of Consume did.
type Stats struct {
	Polls    int                 `json:"polls"`
	Messages int                 `json:"messages"` // Kafka records read
	Records  int                 `json:"records"`  // rows in them, good and bad
	Alerts   int                 `json:"alerts"`
	Written  debrief.WriteResult `json:"written"`
	Rejected int                 `json:"rejected"`
	Rejects  []string            `json:"rejects,omitempty"` // the first 100
}

// Consume reads o.Topic as o.Group from the group's committed offsets
// (the start of the topic for a new group) until ctx ends, o.Idle passes
// without a record, or an error. It stores each poll's records in one
// transaction and then commits their offsets; the next poll is fetched
// and decoded meanwhile. It returns nil when ctx ends or the topic goes
// idle.
func Consume(ctx context.Context, o Options) (Stats, error) {
	var st Stats
	cl, err := kgo.NewClient(o.clientOpts()...)
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
	polls := make(chan poll, 1)
	go o.produce(ctx, cl, polls)
	for p := range polls {
		if p.err != nil {
			return st, p.err
		}
		if ctx.Err() != nil {
			break
		}
		res, err := o.Sink.Commit(ctx, p.batch, p.label)
		if err != nil {
			if ctx.Err() != nil {
				break // the store's transaction was rolled back
			}
			return st, err
		}
		st.add(res, p.messages)
		if o.Stored != nil {
			o.Stored(st)
		}
		if ctx.Err() != nil {
			break // stored, not committed: the next run re-reads the poll
		}
		if err := commit(ctx, cl, p.last); err != nil {
			return st, err
		}
		if o.Progress != nil {
			o.Progress(st)
		}
	}
	return st, nil
}

// poll is a poll's records, decoded, or the error that ended the stream.
type poll struct {
	batch    connect.Batch
	label    string        // the last message's place, for store errors
	messages int           // Kafka records
	last     []*kgo.Record // the last record of each partition: what to commit
	err      error
}

// produce polls and decodes until ctx ends, the topic goes idle or an
// error; it closes out.
func (o Options) produce(ctx context.Context, cl *kgo.Client, out chan<- poll) {
	defer close(out)
	for {
		fetches, idle := o.poll(ctx, cl)
		if ctx.Err() != nil {
			return
		}
		p := poll{err: fetchError(fetches)}
		if p.err == nil && idle {
			return
		}
		if p.err == nil {
			p = o.decode(ctx, fetches)
		}
		if ctx.Err() != nil {
			return
		}
		select {
		case out <- p:
		case <-ctx.Done():
			return
		}
		if p.err != nil {
			return
		}
	}
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
	return opts
}

// poll waits for records; idle reports that o.Idle passed without any.
func (o Options) poll(ctx context.Context, cl *kgo.Client) (kgo.Fetches, bool) {
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
	idle := o.Idle > 0 && f.NumRecords() == 0 && pctx.Err() != nil
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

// decode reads every message of a poll into one batch. A message that
// cannot be read at all is rejected, not retried: it would stop the
// stream for good.
func (o Options) decode(ctx context.Context, f kgo.Fetches) poll {
	var p poll
	at := map[int32]int{} // partition → index in p.last
	for it := f.RecordIter(); !it.Done(); {
		r := it.Next()
		p.messages++
		if i, ok := at[r.Partition]; ok {
			p.last[i] = r
		} else {
			at[r.Partition] = len(p.last)
			p.last = append(p.last, r)
		}
		if len(r.Value) == 0 {
			continue // a tombstone
		}
		p.label = r.Topic + "[" + strconv.Itoa(int(r.Partition)) + "]@" + strconv.FormatInt(r.Offset, 10)
		b, err := o.Sink.Decode(ctx, o.Decoder, bytes.NewReader(r.Value), p.label)
		if err != nil {
			b.Result.Rejected = append(b.Result.Rejected, &debrief.RecordError{File: p.label, Reason: err.Error()})
		}
		add(&p.batch, b)
	}
	return p
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
