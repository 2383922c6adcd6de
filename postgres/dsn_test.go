package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/postgres"
)

func TestRedact(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"postgres://debrief@db/debrief", "postgres://debrief@db/debrief"},
		{"postgres://debrief:S3CRET@db:5432/debrief", "postgres://debrief:xxxxx@db:5432/debrief"},
		{"postgres://postgres@/nodb?host=/tmp/pg", "postgres://postgres@/nodb?host=/tmp/pg"},
		{"postgres://postgres@/nodb?host=/tmp/pg&password=S3CRET", "postgres://postgres@/nodb?host=/tmp/pg&password=xxxxx"},
		{"postgresql://u@h/d?sslpassword=S3CRET&passfile=/S3CRET/.pgpass&sslmode=verify-full",
			"postgresql://u@h/d?sslpassword=xxxxx&passfile=xxxxx&sslmode=verify-full"},
		{"postgres://u@h/d?pass%77ord=S3CRET", "postgres://u@h/d?pass%77ord=xxxxx"},
		{"postgress://u:S3CRET@h/d", "postgress://u:xxxxx@h/d"},
		{"host=/tmp/pg dbname=x password=S3CRET", "host=/tmp/pg dbname=x password=xxxxx"},
		{"host=h password = 'S3 CRET' user=u", "host=h password=xxxxx user=u"},
		{"host=h password='S3 \\' CRET", "host=h password=xxxxx"},
		{"password=S3CRET sslpassword=S3CRET passfile=/S3CRET dbname=x", "password=xxxxx sslpassword=xxxxx passfile=xxxxx dbname=x"},
	}
	for _, tc := range tests {
		if got := postgres.Redact(tc.dsn); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.dsn, got, tc.want)
		}
	}
}

// TestOpenErrorDSN checks that a store that cannot be opened is named once,
// as the user wrote it, without its secrets. No server is needed.
func TestOpenErrorDSN(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"postgres://postgres@/nodb?host=/nonexistent/pg&password=S3CRET&passfile=/S3CRET",
			"open store postgres://postgres@/nodb?host=/nonexistent/pg&password=xxxxx&passfile=xxxxx: "},
		{"host=/nonexistent/pg dbname=nodb password=S3CRET sslpassword=S3CRET",
			"open store host=/nonexistent/pg dbname=nodb password=xxxxx sslpassword=xxxxx: "},
		{"postgres://u@h/d?passfile=/S3CRET&connect_timeout=soon", "open store postgres://u@h/d?passfile=xxxxx&connect_timeout=soon: "},
		{"host=h passfile=/S3CRET connect_timeout=soon", "open store host=h passfile=xxxxx connect_timeout=soon: "},
	}
	for _, tc := range tests {
		st, err := postgres.OpenTenant(context.Background(), tc.dsn, "acme")
		if err == nil {
			st.Close()
			t.Fatalf("OpenTenant(%q) opened", tc.dsn)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, tc.want) || strings.Count(msg, "open store") != 1 || strings.Contains(msg, "S3CRET") {
			t.Errorf("OpenTenant(%q): %q, want it to start with %q, naming the store once and no secret", tc.dsn, msg, tc.want)
		}
	}
}
