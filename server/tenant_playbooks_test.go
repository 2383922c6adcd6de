package server_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/playbook"
	"github.com/debrief-dev/debrief/server"
)

// TestTenantPlaybooks serves the playbook runs of two tenants from one
// server: each token lists, approves and continues only its tenant's
// runs, each approval goes to its tenant's audit log, and the sweep
// times out an overdue approval in every tenant.
func TestTenantPlaybooks(t *testing.T) {
	tn := newTenants(t, "playbooks of many tenants", debrief.RoleAnalyst)
	ctx, base, names, secrets := context.Background(), tn.base, tn.names, tn.secrets
	dir, audits := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "note.yaml"), []byte(notePlaybook), 0o600); err != nil {
		t.Fatal(err)
	}
	pb, err := playbook.LoadFile(filepath.Join(dir, "note.yaml"), playbook.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var clock atomic.Int64 // the server's clock
	clock.Store(now.UnixNano())
	nowFn := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	runs := map[string]string{}
	for _, name := range names {
		in := tenantIncident(name)
		rn := &playbook.Runner{Store: tn.stores[name], Config: playbook.Config{Live: true}, Now: nowFn}
		r, err := rn.Run(ctx, pb, &in, true)
		if err != nil || r.Status != debrief.RunWaiting {
			t.Fatalf("run in %s: %v %v", name, r, err)
		}
		runs[name] = r.ID
	}
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(server.Config{Store: base, Tenants: base, Catalog: cat, Now: nowFn,
		Playbooks: &server.Playbooks{Dir: dir, Config: playbook.Config{Live: true}, Sweep: 20 * time.Millisecond,
			TenantAudit: func(tenant string) (*playbook.Audit, error) {
				return playbook.OpenAudit(filepath.Join(audits, tenant+".jsonl"))
			}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	call := func(method, path, secret string, want int) []byte {
		t.Helper()
		return callAs(t, srv.URL, method, path, secret, "", want)
	}
	acme, globex := names[0], names[1]
	for _, name := range names {
		var listed []debrief.PlaybookRun
		if err := json.Unmarshal(call("GET", "/api/v1/playbooks/runs", secrets[name], 200), &listed); err != nil {
			t.Fatal(err)
		}
		if len(listed) != 1 || listed[0].ID != runs[name] {
			t.Errorf("tenant %s lists runs %+v, want only %s", name, listed, runs[name])
		}
	}
	approve := "/api/v1/playbooks/runs/" + runs[acme] + "/steps/note/approve"
	call("POST", approve, secrets[globex], 404) // another tenant's run is not there
	var a server.Approval
	if err := json.Unmarshal(call("POST", approve, secrets[acme], 200), &a); err != nil {
		t.Fatal(err)
	}
	if !a.Resumed || a.Run.Status != debrief.RunSucceeded {
		t.Errorf("approval in %s: %+v, want the run continued to success", acme, a)
	}
	for name, comments := range map[string]int{acme: 1, globex: 0} {
		in, err := tn.stores[name].Incident(ctx, "defender:1")
		if err != nil || len(in.Comments) != comments {
			t.Errorf("tenant %s's incident has %d comments (%v), want %d", name, len(in.Comments), err, comments)
		}
	}
	// The sweep times out globex's run, a day and more later.
	clock.Add(int64(49 * time.Hour))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Serve(sctx, l) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := tn.stores[globex].Run(ctx, runs[globex])
		if err == nil && r.Status == debrief.RunDenied {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("globex's run after the sweep: %+v %v, want denied", r, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	for name, want := range map[string][]string{acme: {"approve", runs[acme]}, globex: {"approval.timeout", runs[globex]}} {
		b, err := os.ReadFile(filepath.Join(audits, name+".jsonl"))
		other := runs[acme]
		if name == acme {
			other = runs[globex]
		}
		if err != nil || !strings.Contains(string(b), `"event":"`+want[0]+`"`) || !strings.Contains(string(b), want[1]) ||
			strings.Contains(string(b), other) {
			t.Errorf("audit log of %s: %v, want its %s of %s and nothing of the other's\n%s", name, err, want[0], want[1], b)
		}
	}
}
