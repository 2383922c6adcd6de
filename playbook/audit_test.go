package playbook_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/playbook"
)

// verifyFile checks the chain of the log at path and returns its length.
func verifyFile(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, _, err := playbook.Verify(f)
	if err != nil {
		t.Fatalf("verify after %d entries: %v", n, err)
	}
	return n
}

// TestAuditTwoAppenders: two logs opened on one file, as a server and the
// CLI have them, append in turn; each entry follows the other's, also past
// entries longer than one read back from the end.
func TestAuditTwoAppenders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	var logs [2]*playbook.Audit
	for i := range logs {
		a, err := playbook.OpenAudit(path)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		logs[i] = a
	}
	long, _ := json.Marshal(map[string]string{"note": strings.Repeat("x", 9000)})
	for i := range 6 {
		e := playbook.AuditEntry{Event: "approve", Run: "r" + strconv.Itoa(i)}
		if i%3 == 1 {
			e.Detail = long
		}
		if err := logs[i%2].Append(e); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	if n := verifyFile(t, path); n != 6 {
		t.Errorf("%d entries, want 6", n)
	}
	// A reopened log follows them too.
	a, err := playbook.OpenAudit(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Append(playbook.AuditEntry{Event: "x", Run: "r"}); err != nil {
		t.Fatal(err)
	}
	if n := verifyFile(t, path); n != 7 {
		t.Errorf("%d entries, want 7", n)
	}
}

// TestAuditCutShort: a last line without its line break (a write cut off)
// is reported, not chained to.
func TestAuditCutShort(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	a, err := playbook.OpenAudit(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Append(playbook.AuditEntry{Event: "x", Run: "r"}); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"seq":2,"event":"x"`)
	f.Close()
	if err := a.Append(playbook.AuditEntry{Event: "y", Run: "r"}); err == nil || !strings.Contains(err.Error(), "cut short") {
		t.Errorf("append after a cut-off line: %v", err)
	}
}

// auditChildEnv names the log a re-executed test binary appends to.
const auditChildEnv = "DEBRIEF_TEST_AUDIT_APPEND"

// TestAuditTwoProcesses runs this test binary twice more. Each of the
// three processes opens the log, and once all have, appends to it; the
// chain holds.
func TestAuditTwoProcesses(t *testing.T) {
	const per = 40
	if path := os.Getenv(auditChildEnv); path != "" {
		a := openAudit(t, path)
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin) // until the parent says go
		appendMany(t, a, per, "child")
		return
	}
	if testing.Short() {
		t.Skip("starts processes")
	}
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	var cmds []*exec.Cmd
	var gos []io.Closer
	var errs [2]strings.Builder
	for i := range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestAuditTwoProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), auditChildEnv+"="+path)
		cmd.Stderr = &errs[i]
		in, _ := cmd.StdinPipe()
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill()
		if line, err := bufio.NewReader(out).ReadString('\n'); line != "ready\n" {
			t.Fatalf("child: %q %v\n%s", line, err, errs[i].String())
		}
		go io.Copy(io.Discard, out)
		cmds, gos = append(cmds, cmd), append(gos, in)
	}
	a := openAudit(t, path)
	for _, g := range gos {
		g.Close()
	}
	appendMany(t, a, per, "parent")
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child: %v\n%s", err, errs[i].String())
		}
	}
	if n := verifyFile(t, path); n != 3*per {
		t.Errorf("%d entries, want %d", n, 3*per)
	}
}

func openAudit(t *testing.T, path string) *playbook.Audit {
	t.Helper()
	a, err := playbook.OpenAudit(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func appendMany(t *testing.T, a *playbook.Audit, n int, who string) {
	t.Helper()
	for i := range n {
		if err := a.Append(playbook.AuditEntry{Event: "approve", Run: fmt.Sprintf("%s-%d-%d", who, os.Getpid(), i)}); err != nil {
			t.Fatal(err)
		}
	}
}
