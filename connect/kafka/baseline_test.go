package kafka

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/ingest/hunting"
)

// ConsumeBaseline is the consumer before the pipeline, for
// BenchmarkConsumeBaseline.
var ConsumeBaseline = consumeBaseline

// consumeBaseline is Consume as it was before batches were cut from
// polls and offsets committed behind the store (commit 7730098), kept to
// measure the pipeline against in the same run. It reads o.Topic as o.Group from the group's committed offsets
// (the start of the topic for a new group) until ctx ends, o.Idle passes
// without a record, or an error. It stores each poll's records in one
// transaction and then commits their offsets; the next poll is fetched
// and decoded meanwhile. It returns nil when ctx ends or the topic goes
// idle.
func consumeBaseline(ctx context.Context, o Options) (Stats, error) {
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
	polls := make(chan poll0, 1)
	go o.produce0(ctx, cl, polls)
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

// poll0 is a poll's records, decoded, or the error that ended the stream.
type poll0 struct {
	batch    connect.Batch
	label    string        // the last message's place, for store errors
	messages int           // Kafka records
	last     []*kgo.Record // the last record of each partition: what to commit
	err      error
}

// produce0 polls and decodes until ctx ends, the topic goes idle or an
// error; it closes out.
func (o Options) produce0(ctx context.Context, cl *kgo.Client, out chan<- poll0) {
	defer close(out)
	for {
		fetches, idle := o.poll0(ctx, cl)
		if ctx.Err() != nil {
			return
		}
		p := poll0{err: fetchError(fetches)}
		if p.err == nil && idle {
			return
		}
		if p.err == nil {
			p = o.decode0(ctx, fetches)
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

// poll0 waits for records; idle reports that o.Idle passed without any.
func (o Options) poll0(ctx context.Context, cl *kgo.Client) (kgo.Fetches, bool) {
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

// decode0 reads every message of a poll into one batch. A message that
// cannot be read at all is rejected, not retried: it would stop the
// stream for good.
func (o Options) decode0(ctx context.Context, f kgo.Fetches) poll0 {
	var p poll0
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
