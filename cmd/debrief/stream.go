package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/kafka"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/internal/progress"
)

// streamOptions are the flags of "stream kafka".
type streamOptions struct {
	brokers            []string
	topic, group       string
	user, passwordFile string
	tls                bool
	idle               time.Duration
	maxPoll, batch     int
	window, every      time.Duration
	noCorrel           bool
}

// streamSummary is the JSON printed by "stream kafka --json": what the
// consumer did, and what afterWrite made of it.
type streamSummary struct {
	kafka.Stats
	Placeholders ingest.Tally `json:"placeholders"`
	Correlated   ingest.Tally `json:"correlated"`
}

func (a *app) streamCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stream SOURCE",
		Short: "Consume alerts from a stream into the store",
		Long: `Stream consumes alerts as a source pushes them, storing each batch before it
acknowledges it, so a consumer killed at any moment resumes without losing records.
Sources: kafka (the Defender XDR streaming API through Azure Event Hubs, or any
Kafka broker).`,
		Example: `  debrief stream kafka --brokers localhost:9092 --topic defender-alerts`,
	}
	cmd.AddCommand(a.streamKafkaCmd())
	return cmd
}

func (a *app) streamKafkaCmd() *cobra.Command {
	var o streamOptions
	cmd := &cobra.Command{
		Use:   "kafka",
		Short: "Consume Defender XDR AlertInfo/AlertEvidence from Kafka or Azure Event Hubs",
		Long: `Stream kafka consumes a topic that the Defender XDR streaming API fills with
AlertInfo and AlertEvidence rows (Event Hubs envelopes {"records":[…]}, or one row per
message), as a consumer group, from the group's committed offsets (the start of the
topic for a new group). The rows are stored in batches, one transaction each, and a
batch's offsets are committed only after it is stored (while the next one is).

Azure Event Hubs: --brokers <namespace>.servicebus.windows.net:9093, --topic the event
hub, --sasl-user '$ConnectionString' and --sasl-password-file holding the namespace's
connection string (or KAFKA_SASL_PASSWORD); SASL PLAIN goes over TLS. A local broker
needs neither. It runs until interrupted, or until --idle passes without a record.

As ingest does after its write, stream makes placeholder incidents of the incidents
stored alerts name but the store lacks, and groups the alerts that arrive without an
incident (AlertInfo rows) into incidents when they share a device, user, mailbox, IP
address or file hash within --window (not with --no-correlate): after a stored batch
once --correlate-every has passed since the start or the last time, and when the
stream goes --idle. An alert joins the incidents made the times before as it would
have joined them in one go, so --correlate-every does not split incidents. Alerts
stored after the last time when the stream is interrupted are grouped by the next
stream, pull or ingest.`,
		Example: `  debrief stream kafka --brokers contoso-ns.servicebus.windows.net:9093 --topic insights-logs-advancedhunting \
      --sasl-user '$ConnectionString' --sasl-password-file eventhubs.txt
  debrief stream kafka --brokers localhost:9092 --topic defender-alerts --group debrief --idle 30s`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runStreamKafka(cmd.Context(), o, cmd.Flags().Changed("tls"))
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&o.brokers, "brokers", nil, "bootstrap brokers, host:port, comma-separated (env KAFKA_BROKERS)")
	f.StringVar(&o.topic, "topic", "", "topic (Event Hubs: the event hub's name)")
	f.StringVar(&o.group, "group", kafka.DefaultGroup, "consumer group")
	f.StringVar(&o.user, "sasl-user", "", "SASL PLAIN user (Event Hubs: $ConnectionString); turns on TLS")
	f.StringVar(&o.passwordFile, "sasl-password-file", "", "a file holding the SASL password (or env KAFKA_SASL_PASSWORD)")
	f.BoolVar(&o.tls, "tls", false, "connect over TLS (default: when --sasl-user is given)")
	f.DurationVar(&o.idle, "idle", 0, "stop when no record arrives for this long (default: run until interrupted)")
	f.IntVar(&o.maxPoll, "max-poll", 0, "messages per poll (default 5000)")
	f.IntVar(&o.batch, "batch", 0, "rows stored in one transaction, their offsets committed together (default 5000)")
	f.DurationVar(&o.every, "correlate-every", 5*time.Minute, "make placeholders and correlate after a stored batch at most this often (0: after each)")
	correlateFlags(cmd, &o.window, &o.noCorrel)
	return cmd
}

// kafkaOptions checks the flags and turns them into consumer options.
func (o streamOptions) kafkaOptions(tlsSet bool) (kafka.Options, error) {
	if len(o.brokers) == 0 && os.Getenv("KAFKA_BROKERS") != "" {
		o.brokers = strings.Split(os.Getenv("KAFKA_BROKERS"), ",")
	}
	if len(o.brokers) == 0 || o.topic == "" {
		return kafka.Options{}, usagef("want --brokers (or KAFKA_BROKERS) and --topic")
	}
	ko := kafka.Options{Brokers: o.brokers, Topic: o.topic, Group: o.group, Idle: o.idle, MaxPoll: o.maxPoll, Batch: o.batch}
	if o.user != "" {
		ko.User, ko.Password = o.user, os.Getenv("KAFKA_SASL_PASSWORD")
		if o.passwordFile != "" {
			b, err := os.ReadFile(o.passwordFile)
			if err != nil {
				return ko, usagef("--sasl-password-file: %v", err)
			}
			ko.Password = strings.TrimSpace(string(b))
		}
		if ko.Password == "" {
			return ko, usagef("--sasl-user wants --sasl-password-file or KAFKA_SASL_PASSWORD")
		}
	}
	if o.tls || o.user != "" && !tlsSet {
		ko.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	return ko, nil
}

func (a *app) runStreamKafka(ctx context.Context, o streamOptions, tlsSet bool) error {
	ko, err := o.kafkaOptions(tlsSet)
	if err != nil {
		return err
	}
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	cat, err := a.catalog()
	if err != nil {
		return err
	}
	ko.Sink = &connect.Sink{Store: st, Knowledge: ingest.Catalog(cat)}
	tty := !a.quiet && progress.IsTerminal(a.stderr)
	if tty {
		ko.Progress = func(s kafka.Stats) {
			fmt.Fprintf(a.stderr, "\rkafka %s: %d messages, %d alerts (new %d, updated %d)   ", o.topic, s.Messages, s.Alerts, s.Written.AlertsNew, s.Written.AlertsUpdated)
		}
	}
	var sum streamSummary
	last, settled := time.Now(), 0 // when afterWrite last ran, and the batches stored by then
	settle := func(ctx context.Context, s kafka.Stats) error {
		p, c, err := afterWrite(ctx, st, o.window, o.noCorrel)
		addTally(&sum.Placeholders, p)
		addTally(&sum.Correlated, c)
		last, settled = time.Now(), s.Polls
		return err
	}
	ko.AfterStore = func(ctx context.Context, s kafka.Stats) error {
		if time.Since(last) < o.every {
			return nil
		}
		return settle(ctx, s)
	}
	sum.Stats, err = kafka.Consume(ctx, ko)
	if tty {
		fmt.Fprintln(a.stderr)
	}
	if err == nil && ctx.Err() == nil && sum.Polls > settled { // gone idle
		err = settle(ctx, sum.Stats)
	}
	if perr := a.printStream(o.topic, sum); perr != nil && err == nil {
		err = perr
	}
	return err
}

func addTally(t *ingest.Tally, u ingest.Tally) {
	t.Incidents += u.Incidents
	t.Alerts += u.Alerts
}

func (a *app) printStream(topic string, s streamSummary) error {
	if s.Rejected > 0 {
		a.exit = exitRejected
	}
	if a.json {
		return a.printJSON(s)
	}
	printStreamStats(a.stdout, topic, s)
	return nil
}

func printStreamStats(w io.Writer, topic string, s streamSummary) {
	fmt.Fprintf(w, "kafka %s: %d messages, %d records in %d batches\n", topic, s.Messages, s.Records, s.Polls)
	fmt.Fprintf(w, "  alerts     new %d  updated %d  unchanged %d\n", s.Written.AlertsNew, s.Written.AlertsUpdated, s.Written.AlertsUnchanged)
	if s.Rejected > 0 {
		fmt.Fprintf(w, "  rejected %d\n", s.Rejected)
		for _, r := range s.Rejects {
			fmt.Fprintf(w, "    %s\n", r)
		}
	}
	printAfterWrite(w, s.Placeholders, s.Correlated)
}
