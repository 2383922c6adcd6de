package server_test

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/playbook"
	"github.com/debrief-dev/debrief/server"
)

// badPlaybook has a step of an unknown kind on line 7.
const badPlaybook = `apiVersion: debrief/v1
kind: Playbook
metadata: {name: broken}
trigger: {events: [incident.created], expr: "true"}
steps:
  - id: x
    kind: teleport
`

// TestPlaybookList lists the playbook folder: each good file with its
// trigger, steps and what the server does with it, and each bad one as a
// problem with its file and line; no folder is a conflict.
func TestPlaybookList(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"note.yaml": notePlaybook, "broken.yml": badPlaybook,
		"notes.txt": "not a playbook", playbook.ConfigFileName: "fire: dry\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		cfg     playbook.Config
		enabled bool
		dryRun  bool
	}{
		{"fire off", playbook.Config{Live: true}, false, true},
		{"fire dry", playbook.Config{Live: true, Fire: playbook.FireDry}, true, true},
		{"fire live without live runs", playbook.Config{Fire: playbook.FireLive}, true, true},
		{"fire live", playbook.Config{Live: true, Fire: playbook.FireLive}, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *server.Config) { c.Playbooks = &server.Playbooks{Dir: dir, Config: tc.cfg} })
			var l server.PlaybookList
			e.getJSON(t, "/api/v1/playbooks", &l)
			resp, b := e.do(t, "GET", "/api/v1/playbooks", debrief.RoleViewer, nil)
			loadSpec(t, e).check(t, "GET", "/api/v1/playbooks", resp.StatusCode, b)
			if len(l.Playbooks) != 1 {
				t.Fatalf("%d playbooks, want note.yaml alone: %+v", len(l.Playbooks), l)
			}
			p := l.Playbooks[0]
			want := server.PlaybookInfo{Name: "note-after-approval", Description: "Comment on the incident once an analyst approves.",
				Labels: []string{}, File: "note.yaml", Digest: p.Digest,
				Trigger: server.TriggerInfo{Events: []string{"incident.created"},
					All: []playbook.Matcher{{Field: "severity", Op: "at_least", Values: []string{"informational"}}}, Any: []playbook.Matcher{}},
				Steps:   []server.PlaybookStepIn{{ID: "note", Kind: "comment", Approval: true}},
				Enabled: tc.enabled, DryRun: tc.dryRun}
			if len(p.Digest) != 64 || !samePlaybook(p, want) {
				t.Errorf("playbook\n%+v\nwant\n%+v", p, want)
			}
			if l.Fire != or(tc.cfg.Fire, "off") || l.Live != tc.cfg.Live {
				t.Errorf("fire %q live %v, want %q %v", l.Fire, l.Live, or(tc.cfg.Fire, "off"), tc.cfg.Live)
			}
			if len(l.Problems) != 1 || !strings.HasPrefix(l.Problems[0], "broken.yml:7:") || strings.Contains(l.Problems[0], dir) {
				t.Errorf("problems %q, want broken.yml's line 7 without the folder", l.Problems)
			}
		})
	}
	e := newEnv(t, nil)
	for _, c := range []struct {
		role debrief.Role
		want int
	}{{"", 401}, {"bad", 401}, {debrief.RoleViewer, 409}} {
		if resp, b := e.do(t, "GET", "/api/v1/playbooks", c.role, nil); resp.StatusCode != c.want {
			t.Errorf("role %q without a folder: %d %s, want %d", c.role, resp.StatusCode, b, c.want)
		}
	}
}

func samePlaybook(a, b server.PlaybookInfo) bool {
	eqM := func(x, y []playbook.Matcher) bool {
		return slices.EqualFunc(x, y, func(m, n playbook.Matcher) bool {
			return m.Field == n.Field && m.Op == n.Op && slices.Equal(m.Values, n.Values)
		})
	}
	return a.Name == b.Name && a.Description == b.Description && a.Owner == b.Owner && slices.Equal(a.Labels, b.Labels) &&
		a.File == b.File && a.Digest == b.Digest && slices.Equal(a.Trigger.Events, b.Trigger.Events) &&
		eqM(a.Trigger.All, b.Trigger.All) && eqM(a.Trigger.Any, b.Trigger.Any) && a.Trigger.Expr == b.Trigger.Expr &&
		slices.Equal(a.Steps, b.Steps) && a.Enabled == b.Enabled && a.DryRun == b.DryRun
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TestUIPlaybookList: the playbooks page lists the folder's playbooks and
// its problems, escaped, next to the runs.
func TestUIPlaybookList(t *testing.T) {
	dir := t.TempDir()
	evil := strings.Replace(notePlaybook, "Comment on the incident once an analyst approves.", "<script>alert(1)</script>", 1)
	if err := os.WriteFile(filepath.Join(dir, "note.yaml"), []byte(evil), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.yml"), []byte(badPlaybook), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *server.Config) {
		c.Playbooks = &server.Playbooks{Dir: dir, Config: playbook.Config{Fire: playbook.FireDry}}
	})
	c := browser(t)
	login(t, c, e.srv.URL, e.tokens[debrief.RoleViewer])
	resp, page := fetch(t, c, e.srv.URL+"/playbooks", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("playbooks page: %d\n%s", resp.StatusCode, page)
	}
	for _, want := range []string{`id="playbooks"`, "note-after-approval", "note.yaml", "incident.created", "severity at_least informational",
		"note: comment (approval)", "dry run", "broken.yml:7:", "&lt;script&gt;alert(1)&lt;/script&gt;"} {
		if !strings.Contains(page, want) {
			t.Errorf("playbooks page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>alert(1)") {
		t.Errorf("playbooks page shows a playbook's description unescaped")
	}
}
