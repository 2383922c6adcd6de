package kafka

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strconv"
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
	MaxPoll        int            // records stored per transaction; 0 means 5000
	// Idle ends Consume when no record arrives for this long; 0 consumes
	// until ctx ends.
	Idle time.Duration
	// Stored is called after a poll's records are stored, before their
	// offsets are committed; optional (tests end the context here to
	// simulate a crash).
	Stored func(Stats)
	// Progress is called after a poll's offsets are committed; optional.
	Progress func(Stats)
	// Extra client options (tests: short timeouts); optional.
	Extra []kgo.Opt
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
// transaction and then commits their offsets. It returns nil when ctx
// ends or the topic goes idle.
func Consume(ctx context.Context, o Options) (Stats, error) {
	var st Stats
	cl, err := kgo.NewClient(o.clientOpts()...)
	if err != nil {
		return st, fmt.Errorf("kafka client: %w", err)
	}
	defer cl.CloseAllowingRebalance()
	dec := o.Decoder
	if dec == nil {
		dec = hunting.New()
	}
	for {
		fetches, idle := poll(ctx, cl, o)
		if ctx.Err() != nil || idle {
			return st, nil
		}
		if err := fetchError(fetches); err != nil {
			return st, err
		}
		if err := o.store(ctx, dec, fetches, &st); err != nil {
			return st, err
		}
		if o.Stored != nil {
			o.Stored(st)
		}
		if ctx.Err() != nil {
			return st, nil // stored, not committed: the next run re-reads the poll
		}
		if err := cl.CommitUncommittedOffsets(ctx); err != nil {
			return st, fmt.Errorf("kafka commit: %w", err)
		}
		cl.AllowRebalance()
		if o.Progress != nil {
			o.Progress(st)
		}
	}
}

func (o Options) clientOpts() []kgo.Opt {
	opts := []kgo.Opt{
		kgo.SeedBrokers(o.Brokers...),
		kgo.ConsumeTopics(o.Topic),
		kgo.ConsumerGroup(cmp(o.Group, DefaultGroup)),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
		kgo.ClientID("debrief"),
	}
	if o.User != "" {
		opts = append(opts, kgo.SASL(plain.Auth{User: o.User, Pass: o.Password}.AsMechanism()))
	}
	if o.TLS != nil {
		opts = append(opts, kgo.DialTLSConfig(o.TLS))
	}
	return append(opts, o.Extra...)
}

// poll waits for records; idle reports that o.Idle passed without any.
func poll(ctx context.Context, cl *kgo.Client, o Options) (kgo.Fetches, bool) {
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

// store decodes every message of a poll and stores the good records in
// one transaction. A message that cannot be read at all is rejected, not
// retried: it would stop the stream for good.
func (o Options) store(ctx context.Context, dec ingest.Decoder, f kgo.Fetches, st *Stats) error {
	var batch connect.Batch
	var label string
	for it := f.RecordIter(); !it.Done(); {
		r := it.Next()
		st.Messages++
		if len(r.Value) == 0 {
			continue // a tombstone
		}
		label = r.Topic + "[" + strconv.Itoa(int(r.Partition)) + "]@" + strconv.FormatInt(r.Offset, 10)
		b, err := o.Sink.Decode(ctx, dec, bytes.NewReader(r.Value), label)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			b.Result.Rejected = append(b.Result.Rejected, &debrief.RecordError{File: label, Reason: err.Error()})
		}
		add(&batch, b)
	}
	res, err := o.Sink.Commit(ctx, batch, label)
	if err != nil {
		return err
	}
	st.add(res)
	return nil
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

func (st *Stats) add(r connect.PageResult) {
	st.Polls++
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
