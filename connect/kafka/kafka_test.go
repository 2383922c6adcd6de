package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/kafka"
	"github.com/debrief-dev/debrief/sqlite"
)

const topic = "defender-alerts"

// broker starts an in-process Kafka cluster with topic.
func broker(t testing.TB) []string {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, topic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

// infoRow is an AlertInfo row of alert i.
func infoRow(i int) string {
	return fmt.Sprintf(`{"Timestamp":"2026-03-01T08:%02d:00.0000000Z","AlertId":"da%06d","Title":"Suspicious PowerShell command line",`+
		`"Category":"Execution","Severity":"Medium","ServiceSource":"Microsoft Defender for Endpoint","DetectionSource":"EDR",`+
		`"AttackTechniques":"[\"PowerShell (T1059.001)\"]"}`, i%60, i)
}

// envelope wraps rows as Event Hubs delivers them.
func envelope(rows ...string) string {
	var recs []string
	for _, r := range rows {
		recs = append(recs, `{"time":"2026-03-01T08:00:01Z","tenantId":"t","operationName":"Publish","category":"AdvancedHunting-AlertInfo","properties":`+r+`}`)
	}
	return `{"records":[` + strings.Join(recs, ",") + `]}`
}

// produce writes n alerts to the topic: envelopes of up to per rows, and
// every seventh alert as a single row.
func produce(t testing.TB, brokers []string, n, per int) int {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var msgs []*kgo.Record
	var rows []string
	flush := func() {
		if len(rows) > 0 {
			msgs = append(msgs, &kgo.Record{Value: []byte(envelope(rows...))})
			rows = nil
		}
	}
	for i := range n {
		if i%7 == 0 {
			msgs = append(msgs, &kgo.Record{Value: []byte(infoRow(i))})
			continue
		}
		if rows = append(rows, infoRow(i)); len(rows) == per {
			flush()
		}
	}
	flush()
	if err := cl.ProduceSync(context.Background(), msgs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	return len(msgs)
}

func newStore(t testing.TB) *sqlite.Store {
	st, err := sqlite.Open(context.Background(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func options(brokers []string, st debrief.Store) kafka.Options {
	return kafka.Options{
		Brokers: brokers, Topic: topic, Group: "g1",
		Sink: &connect.Sink{Store: st}, Idle: 2 * time.Second,
	}
}

// alertIDs lists the stored alerts, which belong to no incident.
func alertIDs(t *testing.T, st debrief.Store) map[string]int {
	t.Helper()
	ids := map[string]int{}
	err := st.UnassignedAlerts(context.Background(), func(a debrief.Alert) error {
		ids[a.ID]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func assertAlerts(t *testing.T, st debrief.Store, n int) {
	t.Helper()
	ids := alertIDs(t, st)
	if len(ids) != n {
		t.Errorf("store holds %d alerts, want %d", len(ids), n)
	}
	for i := range n {
		if id := fmt.Sprintf("defender:da%06d", i); ids[id] != 1 {
			t.Errorf("alert %s stored %d times, want once", id, ids[id])
		}
	}
}

func TestConsume(t *testing.T) {
	const n = 200
	brokers := broker(t)
	msgs := produce(t, brokers, n, 5)
	st := newStore(t)
	s, err := kafka.Consume(context.Background(), options(brokers, st))
	if err != nil {
		t.Fatal(err)
	}
	if s.Messages != msgs || s.Records != n || s.Written.AlertsNew != n || s.Rejected != 0 {
		t.Errorf("stats %+v, want %d messages, %d records, %d new alerts", s, msgs, n, n)
	}
	assertAlerts(t, st, n)
	again, err := kafka.Consume(context.Background(), options(brokers, st))
	if err != nil || again.Messages != 0 {
		t.Errorf("second run read %d messages (err %v), want 0: offsets were committed", again.Messages, err)
	}
}

// TestKilledBeforeCommit ends the run after its first poll is stored and
// before its offsets are committed: the next run reads the poll again,
// and the store ends with every alert once.
func TestKilledBeforeCommit(t *testing.T) {
	const n = 300
	brokers := broker(t)
	produce(t, brokers, n, 4)
	st := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	o := options(brokers, st)
	o.MaxPoll = 20
	o.Stored = func(kafka.Stats) { cancel() }
	first, err := kafka.Consume(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if first.Polls != 1 || first.Written.AlertsNew == 0 || first.Written.AlertsNew >= n {
		t.Fatalf("first run %+v, want one stored poll of some alerts", first)
	}
	second, err := kafka.Consume(context.Background(), options(brokers, st))
	if err != nil {
		t.Fatal(err)
	}
	if got := first.Written.AlertsNew + second.Written.AlertsNew; got != n {
		t.Errorf("%d + %d new alerts, want %d", first.Written.AlertsNew, second.Written.AlertsNew, n)
	}
	if second.Written.AlertsUnchanged != first.Written.AlertsNew {
		t.Errorf("second run saw %d unchanged alerts, want the %d stored but not committed", second.Written.AlertsUnchanged, first.Written.AlertsNew)
	}
	assertAlerts(t, st, n)
}

// TestKilledAfterCommit ends the run after its first committed batch:
// the next run reads what follows, and at most the one batch that was
// stored while the first was committed (offsets are committed behind
// the store) again.
func TestKilledAfterCommit(t *testing.T) {
	const n = 300
	brokers := broker(t)
	produce(t, brokers, n, 4)
	st := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	o := options(brokers, st)
	o.MaxPoll = 20
	o.Progress = func(kafka.Stats) { cancel() }
	first, err := kafka.Consume(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	second, err := kafka.Consume(context.Background(), options(brokers, st))
	if err != nil {
		t.Fatal(err)
	}
	if again := second.Written.AlertsUnchanged; again > 4*o.MaxPoll || first.Written.AlertsNew+second.Written.AlertsNew != n {
		t.Errorf("first %+v, second %+v: want %d new alerts in all and at most one batch (%d rows) again", first.Written, second.Written, n, 4*o.MaxPoll)
	}
	assertAlerts(t, st, n)
}

func TestBadMessages(t *testing.T) {
	brokers := broker(t)
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(topic), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	values := []string{infoRow(1), `{"records":[{"category":"AdvancedHunting-AlertInfo","properties":{"AlertId":`, "", infoRow(2)}
	var recs []*kgo.Record
	for _, v := range values {
		recs = append(recs, &kgo.Record{Value: []byte(v)})
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	cl.Close()
	st := newStore(t)
	s, err := kafka.Consume(context.Background(), options(brokers, st))
	if err != nil {
		t.Fatal(err)
	}
	if s.Messages != 4 || s.Written.AlertsNew != 2 || s.Rejected != 1 || !strings.Contains(strings.Join(s.Rejects, "\n"), topic+"[0]@1") {
		t.Errorf("stats %+v, want 4 messages, 2 alerts, 1 rejected at %s[0]@1", s, topic)
	}
}

// TestBatches cuts polls into batches: each is stored and its offsets
// committed, and a second run reads nothing.
func TestBatches(t *testing.T) {
	const n = 300
	brokers := broker(t)
	produce(t, brokers, n, 4)
	st := newStore(t)
	o := options(brokers, st)
	o.Batch = 50
	s, err := kafka.Consume(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if s.Polls < n/50 || s.Written.AlertsNew != n {
		t.Errorf("stats %+v, want at least %d batches of at most 50 rows, %d new alerts", s, n/50, n)
	}
	assertAlerts(t, st, n)
	if again, err := kafka.Consume(context.Background(), options(brokers, st)); err != nil || again.Messages != 0 {
		t.Errorf("second run read %d messages (err %v), want 0: offsets were committed", again.Messages, err)
	}
}

// TestAfterStore checks that AfterStore is called after each stored
// batch, with the batch in the store, and that its error ends the run.
func TestAfterStore(t *testing.T) {
	const n = 200
	brokers := broker(t)
	produce(t, brokers, n, 4)
	st := newStore(t)
	o := options(brokers, st)
	o.Batch = 50
	calls := 0
	o.AfterStore = func(_ context.Context, s kafka.Stats) error {
		calls++
		if got := len(alertIDs(t, st)); s.Polls != calls || got != s.Written.AlertsNew {
			t.Errorf("call %d: stats %+v, store holds %d alerts; want the batches so far stored", calls, s, got)
		}
		return nil
	}
	s, err := kafka.Consume(context.Background(), o)
	if err != nil || calls != s.Polls || calls < n/50 {
		t.Errorf("err %v, %d calls for %d batches; want one a batch", err, calls, s.Polls)
	}

	boom := errors.New("boom")
	o = options(brokers, newStore(t))
	o.Group, o.Batch = "g2", 50
	o.AfterStore = func(context.Context, kafka.Stats) error { return boom }
	if s, err := kafka.Consume(context.Background(), o); !errors.Is(err, boom) || s.Polls != 1 {
		t.Errorf("AfterStore failing: err %v after %d batches; want it after the first", err, s.Polls)
	}
}

// BenchmarkConsume reads a topic of 50,000 alerts (Event Hubs envelopes
// of 50 rows, every seventh alert alone) into an in-memory store, a new
// consumer group each time, with the default poll and batch sizes.
// records/s counts the whole run, group join included; steady-records/s
// counts from the first committed batch on, which is what a long-running
// consumer sustains.
func BenchmarkConsume(b *testing.B) {
	benchConsume(b, kafka.Consume, func(*kafka.Options) {})
}

// BenchmarkConsumeBaseline is the consumer before the pipeline of
// batches and the committer (polls of 100 messages, as its benchmark
// ran it): each poll stored in one transaction, then its offsets
// committed before the next is stored.
func BenchmarkConsumeBaseline(b *testing.B) {
	benchConsume(b, kafka.ConsumeBaseline, func(o *kafka.Options) { o.MaxPoll = 100 })
}

func benchConsume(b *testing.B, consume func(context.Context, kafka.Options) (kafka.Stats, error), configure func(*kafka.Options)) {
	const n = 50000
	brokers := broker(b)
	produce(b, brokers, n, 50)
	b.ReportAllocs()
	var steady time.Duration
	var steadyRecords, runs int
	for ; b.Loop(); runs++ {
		st, err := sqlite.Open(context.Background(), sqlite.Memory)
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		o := options(brokers, st)
		o.Group, o.Idle = fmt.Sprintf("bench%d", runs), 0
		configure(&o)
		var first time.Time
		var firstRecords int
		o.Progress = func(s kafka.Stats) {
			if first.IsZero() {
				first, firstRecords = time.Now(), s.Records
			}
			if s.Records >= n {
				steady += time.Since(first)
				steadyRecords += s.Records - firstRecords
				cancel()
			}
		}
		s, err := consume(ctx, o)
		cancel()
		st.Close()
		if err != nil || s.Records != n {
			b.Fatalf("read %d records (err %v), want %d", s.Records, err, n)
		}
	}
	b.ReportMetric(float64(n*runs)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(steadyRecords)/steady.Seconds(), "steady-records/s")
}
