package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/debrief-dev/debrief/ingest"
)

// kafkaTopic starts an in-process broker with a topic holding n AlertInfo
// rows in Event Hubs envelopes of two.
func kafkaTopic(t *testing.T, n int) string {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "alerts"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic("alerts"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	row := func(i int) string {
		return fmt.Sprintf(`{"time":"2026-02-01T10:00:01Z","category":"AdvancedHunting-AlertInfo","properties":{"Timestamp":"2026-02-01T10:00:00Z",`+
			`"AlertId":"da%d","Title":"Phishing link clicked","Category":"InitialAccess","Severity":"High",`+
			`"ServiceSource":"Microsoft Defender for Office 365","AttackTechniques":"[\"Spearphishing Link (T1566.002)\"]"}}`, i)
	}
	for i := 0; i < n; i += 2 {
		v := `{"records":[` + row(i) + "," + row(i+1) + `]}`
		if err := cl.ProduceSync(context.Background(), &kgo.Record{Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	return strings.Join(c.ListenAddrs(), ",")
}

func TestStreamKafka(t *testing.T) {
	brokers := kafkaTopic(t, 6)
	home := t.TempDir()
	out, errOut, code := cli(t, home, "", "stream", "kafka", "--brokers", brokers, "--topic", "alerts", "--idle", "1s")
	if code != 0 || !strings.Contains(out, "kafka alerts: 3 messages, 6 records") || !strings.Contains(out, "alerts     new 6") ||
		!strings.Contains(out, "correlated 6 alerts into 6 incidents") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = cli(t, home, "", "stream", "kafka", "--brokers", brokers, "--topic", "alerts", "--idle", "1s")
	if code != 0 || !strings.Contains(out, "kafka alerts: 0 messages") || strings.Contains(out, "correlated") {
		t.Errorf("second run, offsets committed: exit %d\n%s%s", code, out, errOut)
	}
	if n := countIncidents(t, home); n != 6 {
		t.Errorf("%d incidents after stream, want 6 (each alert alone: they share no entity)", n)
	}
}

// TestStreamKafkaCorrelates checks that stream groups the alerts it stored
// into incidents after batches (--correlate-every 0: after each) or not at
// all (--no-correlate), and counts them in its --json summary.
func TestStreamKafkaCorrelates(t *testing.T) {
	brokers := kafkaTopic(t, 6)
	tests := []struct {
		args []string
		want ingest.Tally
	}{
		{[]string{"--correlate-every", "0"}, ingest.Tally{Incidents: 6, Alerts: 6}},
		{[]string{"--no-correlate"}, ingest.Tally{}},
	}
	for i, tc := range tests {
		home := t.TempDir()
		args := append([]string{"stream", "kafka", "--brokers", brokers, "--topic", "alerts", "--idle", "1s", "--json",
			"--group", fmt.Sprint("g", i)}, tc.args...)
		out, errOut, code := cli(t, home, "", args...)
		var got struct {
			Alerts       int          `json:"alerts"`
			Placeholders ingest.Tally `json:"placeholders"`
			Correlated   ingest.Tally `json:"correlated"`
		}
		if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
			t.Fatalf("%v: exit %d, %v\n%s%s", tc.args, code, err, out, errOut)
		}
		if got.Alerts != 6 || got.Correlated != tc.want || got.Placeholders != (ingest.Tally{}) {
			t.Errorf("%v: summary %s; want correlated %+v", tc.args, out, tc.want)
		}
		if n := countIncidents(t, home); n != tc.want.Incidents {
			t.Errorf("%v: %d incidents after stream, want %d", tc.args, n, tc.want.Incidents)
		}
	}
}

// countIncidents is how many incidents "incidents --json" lists.
func countIncidents(t *testing.T, home string) int {
	t.Helper()
	out, errOut, _ := cli(t, home, "", "incidents", "--json")
	var list []json.RawMessage
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("incidents: %v\n%s%s", err, out, errOut)
	}
	return len(list)
}

func TestStreamKafkaUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--topic", "x"}, "--brokers"},
		{[]string{"--brokers", "localhost:9092", "--topic", "x", "--sasl-user", "$ConnectionString"}, "--sasl-password-file"},
	}
	for _, tc := range tests {
		t.Setenv("KAFKA_BROKERS", "")
		t.Setenv("KAFKA_SASL_PASSWORD", "")
		_, errOut, code := cli(t, t.TempDir(), "", append([]string{"stream", "kafka"}, tc.args...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, %s; want usage error naming %s", tc.args, code, errOut, tc.want)
		}
	}
}

func TestStreamKafkaTLS(t *testing.T) {
	dir := t.TempDir()
	pw := dir + "/pw"
	if err := os.WriteFile(pw, []byte("Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		o      streamOptions
		tlsSet bool
		tls    bool
	}{
		{streamOptions{brokers: []string{"b:9093"}, topic: "t"}, false, false},
		{streamOptions{brokers: []string{"b:9093"}, topic: "t", user: "$ConnectionString", passwordFile: pw}, false, true},
		{streamOptions{brokers: []string{"b:9093"}, topic: "t", user: "u", passwordFile: pw}, true, false},
		{streamOptions{brokers: []string{"b:9093"}, topic: "t", tls: true}, true, true},
	}
	for i, tc := range tests {
		ko, err := tc.o.kafkaOptions(tc.tlsSet)
		if err != nil {
			t.Fatal(err)
		}
		if (ko.TLS != nil) != tc.tls || tc.o.user != "" && !strings.HasPrefix(ko.Password, "Endpoint=sb://") {
			t.Errorf("case %d: TLS %v, password %q; want TLS %v", i, ko.TLS != nil, ko.Password, tc.tls)
		}
	}
}

// TestStreamKafkaInterrupted runs stream until interrupted, as it is
// meant to run, with --correlate-every 0: the alerts are grouped into
// incidents after the batches that stored them, before the interrupt.
func TestStreamKafkaInterrupted(t *testing.T) {
	brokers := kafkaTopic(t, 6)
	home := t.TempDir()
	// The store exists, with one incident, before the stream and the
	// test read it at once.
	seed := `{"AlertId":"seed","Timestamp":"2026-01-02T03:04:05Z","Title":"t","Category":"Execution","Severity":"High","ServiceSource":"Microsoft Defender for Endpoint"}`
	if out, errOut, code := cli(t, home, seed, "ingest", "-", "--format", "defender-hunting"); code != 0 || countIncidents(t, home) != 1 {
		t.Fatalf("seed: exit %d\n%s%s", code, out, errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"stream", "kafka", "--brokers", brokers, "--topic", "alerts", "--correlate-every", "0"},
			strings.NewReader(""), &out, &errOut)
	}()
	for deadline := time.Now().Add(30 * time.Second); countIncidents(t, home) < 7; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatalf("no 6 more incidents after 30s\n%s%s", out.String(), errOut.String())
		}
	}
	cancel()
	if code := <-done; code != 0 || !strings.Contains(out.String(), "correlated 6 alerts into 6 incidents") {
		t.Errorf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
}
