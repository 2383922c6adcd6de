package kafka_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/kafka"
)

// TestSASLOverTLS consumes from a broker that, like Event Hubs, wants
// SASL PLAIN over TLS; a wrong password is refused.
func TestSASLOverTLS(t *testing.T) {
	const user, pass = "$ConnectionString", "Endpoint=sb://contoso-ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s"
	srv := httptest.NewUnstartedServer(nil) // only for its certificate for 127.0.0.1
	srv.StartTLS()
	cert := srv.TLS.Certificates[0]
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	srv.Close()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, topic), kfake.EnableSASL(),
		kfake.Superuser("PLAIN", user, pass), kfake.TLS(&tls.Config{Certificates: []tls.Certificate{cert}}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	clientTLS := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	pc, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.DefaultProduceTopic(topic), kgo.DialTLSConfig(clientTLS),
		kgo.SASL(plain.Auth{User: user, Pass: pass}.AsMechanism()))
	if err != nil {
		t.Fatal(err)
	}
	if err := pc.ProduceSync(context.Background(), &kgo.Record{Value: []byte(envelope(infoRow(1), infoRow(2)))}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	pc.Close()
	tests := []struct {
		name, pass string
		alerts     int
		fails      bool
	}{
		{"good password", pass, 2, false},
		{"wrong password", "nope", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			s, err := kafka.Consume(ctx, kafka.Options{
				Brokers: c.ListenAddrs(), Topic: topic, User: user, Password: tc.pass, TLS: clientTLS,
				Sink: &connect.Sink{Store: st}, Idle: 3 * time.Second,
			})
			if (err != nil) != tc.fails || s.Written.AlertsNew != tc.alerts {
				t.Errorf("err %v, %d new alerts; want failure %v, %d alerts", err, s.Written.AlertsNew, tc.fails, tc.alerts)
			}
		})
	}
}
