package playbook_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/smtp"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/playbook"
	"github.com/debrief-dev/debrief/sqlite"
)

// TestCrashResumeSQLite kills the runner after the first step succeeded,
// while the second is in flight, closes the store as a dying process would,
// reopens it and resumes from the playbook the run keeps (no file): the
// first step is not repeated, and the second is sent again with the same
// idempotency key (at least once).
func TestCrashResumeSQLite(t *testing.T) {
	ctx := context.Background()
	var first, second atomic.Int32
	keys := make(chan string, 2)
	runCtx, kill := context.WithCancel(ctx)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/first":
			first.Add(1)
		case "/second":
			keys <- r.Header.Get("Idempotency-Key")
			if second.Add(1) == 1 {
				io.Copy(io.Discard, r.Body) // so the server notices the client going away
				kill()                      // the process dies with the second call in flight
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			}
		}
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "store.db")
	pb := steps(t, fmt.Sprintf("  - {id: a, kind: webhook, url: %s/first}\n  - {id: b, kind: webhook, url: %s/second}\n", srv.URL, srv.URL))
	f := &fake{srv: srv}
	open := func() (*sqlite.Store, *rig) {
		st, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		rg := newRig(t, f)
		rg.Store = st
		return st, rg
	}
	st, rg := open()
	run, err := rg.Run(runCtx, pb, incident(), true)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want the run killed, got %v (%v)", err, run.Status)
	}
	st.Close()
	st, rg = open()
	defer st.Close()
	run, err = rg.Resume(ctx, run.ID, playbook.ResumeOptions{Incident: incident()})
	if err != nil || run.Status != debrief.RunSucceeded {
		t.Fatalf("resume: %v %v", run.Status, err)
	}
	if first.Load() != 1 || second.Load() != 2 {
		t.Errorf("first called %d times, second %d; want 1 and 2", first.Load(), second.Load())
	}
	if k1, k2 := <-keys, <-keys; k1 == "" || k1 != k2 {
		t.Errorf("idempotency keys %q and %q differ", k1, k2)
	}
}

func TestEmail(t *testing.T) {
	f := newFake(t)
	rg := newRig(t, f)
	rg.Config.SMTP = playbook.SMTPConfig{Addr: "mail.example.com:25", From: "debrief@example.com"}
	var got string
	rg.SendMail = func(addr string, _ smtp.Auth, from string, to []string, msg []byte) error {
		got = fmt.Sprint(addr, from, to, "\n", string(msg))
		return nil
	}
	pb := steps(t, "  - {id: mail, kind: email, to: [soc@example.com], subject: \"{{ incident.title }}\", text: \"{{ incident.id }}\"}\n")
	in := incident()
	in.Title = "hi\r\nBcc: all@example.com"
	run, err := rg.Run(context.Background(), pb, in, true)
	if err != nil || run.Status != debrief.RunSucceeded {
		t.Fatalf("%v %v", run, err)
	}
	if !strings.Contains(got, "Subject: hi  Bcc: all@example.com\r\n") || strings.Contains(got, "\r\nBcc:") {
		t.Errorf("mail:\n%q", got)
	}
}

func TestSlackAndLogicApps(t *testing.T) {
	f := newFake(t)
	rg := newRig(t, f)
	pb := steps(t, fmt.Sprintf(`  - {id: slack, kind: webhook, preset: slack, url: %s/services/T0/B0/XYZ, text: "*{{ incident.title }}*"}
  - {id: la, kind: webhook, preset: logic_apps, url: "%s/workflows/w/triggers/manual/paths/invoke?sv=1.0&sig=S", body: {id: "{{ incident.id }}", sev: "{{ incident.severity }}"}}
`, f.srv.URL, f.srv.URL))
	run, err := rg.Run(context.Background(), pb, incident(), true)
	if err != nil || run.Status != debrief.RunSucceeded {
		t.Fatalf("%v %v", run, err)
	}
	if b := f.body("/services/T0/B0/XYZ", 0); b != `{"text":"*Ransomware on FIN-WS-07*"}` {
		t.Errorf("slack body %s", b)
	}
	if b := f.body("/workflows/w/triggers/manual/paths/invoke", 0); b != `{"id":"defender:42","sev":"high"}` {
		t.Errorf("logic apps body %s", b)
	}
	if p := string(run.Steps[0].Plan); strings.Contains(p, "XYZ") {
		t.Errorf("slack URL path not masked: %s", p)
	}
}

func BenchmarkReplay(b *testing.B) {
	var pbs []*playbook.Playbook
	for i := range 50 {
		pbs = append(pbs, trigger(b, fmt.Sprintf(`  all: [{field: severity, op: at_least, values: [medium]}]
  any: [{field: techniques, op: in, values: [T%04d, T1059]}, {field: tags, op: in, values: [t%d]}]`, 1000+i, i)))
	}
	ins := replayIncidents()
	b.ReportAllocs()
	for b.Loop() {
		rep := playbook.Replay(pbs, ins)
		if rep.Matched == 0 {
			b.Fatal("nothing matched")
		}
	}
}
