package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
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
	if code != 0 || !strings.Contains(out, "kafka alerts: 3 messages, 6 records") || !strings.Contains(out, "alerts     new 6") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = cli(t, home, "", "stream", "kafka", "--brokers", brokers, "--topic", "alerts", "--idle", "1s")
	if code != 0 || !strings.Contains(out, "kafka alerts: 0 messages") {
		t.Errorf("second run, offsets committed: exit %d\n%s%s", code, out, errOut)
	}
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
