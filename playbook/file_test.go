package playbook_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/playbook"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		file string
		line int    // of the first problem
		want string // in the first problem
	}{
		{"contain.good.yaml", 0, ""},
		{"bad_kind.bad.yaml", 10, `steps[0].kind: kind "shell": want one of webhook`},
		{"bad_field.bad.yaml", 8, `trigger.all[1]: field "colour"`},
		{"unknown_key.bad.yaml", 12, `unknown field "colour"`},
		{"url_host_template.bad.yaml", 11, "want an http(s) URL with a literal host"},
		{"exec_var_first.bad.yaml", 12, "may not start with a variable"},
		{"entity_without_foreach.bad.yaml", 11, "entity.* variables need for_each"},
		{"unknown_variable.bad.yaml", 12, `unknown variable "entity.attributes.command_line" (want one of entity.id, entity.key, entity.kind, ` +
			`entity.name, incident.assignee, incident.id, incident.severity, incident.source, incident.source_id, incident.status, ` +
			`incident.tactics, incident.tags, incident.techniques, incident.title, incident.url, incident.verdict, playbook.name, run.id, step.id)`},
		{"unknown_variable_no_foreach.bad.yaml", 11, `unknown variable "entity.attributes.command_line" (want one of incident.assignee, ` +
			`incident.id, incident.severity, incident.source, incident.source_id, incident.status, incident.tactics, incident.tags, ` +
			`incident.techniques, incident.title, incident.url, incident.verdict, playbook.name, run.id, step.id)`},
		{"bad_version.bad.yaml", 1, `apiVersion: want "debrief/v1"`},
		{"syntax.bad.yaml", 4, ""},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			pb, err := playbook.LoadFile(filepath.Join("testdata", tc.file), playbook.Options{})
			if strings.HasSuffix(tc.file, ".good.yaml") {
				if err != nil {
					t.Fatal(err)
				}
				if pb.Name() == "" || len(pb.Digest) != 64 {
					t.Errorf("name %q digest %q", pb.Name(), pb.Digest)
				}
				return
			}
			var ps playbook.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("want Problems, got %v", err)
			}
			if ps[0].Line != tc.line {
				t.Errorf("line %d, want %d: %v", ps[0].Line, tc.line, err)
			}
			if !strings.Contains(ps[0].Error(), tc.want) || !strings.HasPrefix(ps[0].Error(), filepath.Join("testdata", tc.file)) {
				t.Errorf("got %q, want it to contain %q", ps[0].Error(), tc.want)
			}
		})
	}
}

func TestLoadCollectsEveryProblem(t *testing.T) {
	_, err := playbook.LoadFile("testdata/bad_version.bad.yaml", playbook.Options{})
	var ps playbook.Problems
	if !errors.As(err, &ps) || len(ps) != 3 {
		t.Fatalf("want 3 problems (apiVersion, technique id, for_each), got %v", err)
	}
	if !strings.Contains(err.Error(), "(and 2 more)") {
		t.Errorf("error %q does not count the rest", err)
	}
}

func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pb, err := playbook.Parse(data, "fuzz.yaml", playbook.Options{})
		if err == nil && (pb.Name() == "" || len(pb.Steps) == 0) {
			t.Fatalf("accepted a playbook without name or steps")
		}
		var ps playbook.Problems
		if err != nil && !errors.As(err, &ps) {
			t.Fatalf("error is not Problems: %v", err)
		}
	})
}

// hostsPlaybook has one webhook per line 8 onwards, so that each problem's
// line names its step.
const hostsPlaybook = `apiVersion: debrief/v1
kind: Playbook
metadata: {name: hosts}
trigger:
  all: [{field: severity, op: at_least, values: [high]}]
steps:
  # one webhook a line, from line 7
  - {id: ok, kind: webhook, url: "https://prod-12.westeurope.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=S"}
  - {id: flow, kind: webhook, preset: power_automate, url: "https://evil.example.net/{{ incident.id }}"}
  - {id: teams, kind: webhook, preset: teams, text: hi, url: "https://contoso.webhook.office.com.evil.example/x"}
  - {id: slack, kind: webhook, preset: slack, text: hi, url_env: SLACK_URL}
  - {id: unset, kind: webhook, preset: slack, text: hi, url_env: UNSET_URL}
  - {id: file, kind: webhook, preset: logic_apps, url_file: FILE}
  - {id: sub, kind: webhook, url: "https://contoso.webhook.office.com/webhookb2/x"}
  - {id: port, kind: webhook, url: "https://hooks.slack.com:8443/services/x"}
`

// TestLintWebhookHosts: with a config, every webhook target whose host can
// be known (a literal URL, or a url_env/url_file secret that can be read)
// must be in webhook_hosts; problems name the line and only the host.
func TestLintWebhookHosts(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "flow.url")
	if err := os.WriteFile(secretFile, []byte("https://attacker.example/flow?sig=TOPSECRET\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(hostsPlaybook, "FILE", secretFile, 1)
	env := map[string]string{"SLACK_URL": "https://hooks.slack.com.attacker.example/services/T0/B0/TOPSECRET"}
	cfg := &playbook.Config{WebhookHosts: []string{"*.logic.azure.com", "*.webhook.office.com", "hooks.slack.com"}}
	_, err := playbook.Parse([]byte(src), "hosts.yaml", playbook.Options{Hosts: cfg, Getenv: func(k string) string { return env[k] }})
	var ps playbook.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	want := []string{
		`hosts.yaml:9: steps[1].url: host "evil.example.net" is not in the config's webhook_hosts (it allows *.logic.azure.com, *.webhook.office.com, hooks.slack.com)`,
		`hosts.yaml:10: steps[2].url: host "contoso.webhook.office.com.evil.example" is not in`,
		`hosts.yaml:11: steps[3].url_env: host "hooks.slack.com.attacker.example" (from $SLACK_URL) is not in`,
		`hosts.yaml:13: steps[5].url_file: host "attacker.example" (from ` + secretFile + `) is not in`,
	}
	if len(ps) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(ps), len(want), ps)
	}
	for i, w := range want {
		if !strings.HasPrefix(ps[i].Error(), w) {
			t.Errorf("problem %d:\n got %s\nwant %s…", i, ps[i].Error(), w)
		}
		if strings.Contains(ps[i].Error(), "TOPSECRET") {
			t.Errorf("problem %d shows a secret: %s", i, ps[i].Error())
		}
	}
	// An empty allow-list refuses every webhook and says why.
	_, err = playbook.Parse([]byte(src), "hosts.yaml", playbook.Options{Hosts: &playbook.Config{}})
	if !errors.As(err, &ps) || !strings.Contains(ps[0].Error(), "it is empty, so no webhook may be called live") {
		t.Errorf("empty allow-list: %v", err)
	}
	// Without a config, hosts are checked only when a live run calls them.
	if _, err := playbook.Parse([]byte(src), "hosts.yaml", playbook.Options{}); err != nil {
		t.Errorf("without a config: %v", err)
	}
}

// TestTemplatedHostsImpossible: no template in a webhook URL can reach its
// scheme, user, host or port; it may only follow the host's first '/'.
func TestTemplatedHostsImpossible(t *testing.T) {
	for _, u := range []string{
		"https://{{ incident.title }}/x",
		"https://{{ incident.title }}.example.com/x",
		"https://hooks.example.com{{ incident.title }}/x",
		"https://hooks.{{ incident.title }}.com/x",
		"https://hooks.example.com:{{ incident.title }}/x",
		"https://{{ incident.title }}@hooks.example.com/x",
		"https://hooks.example.com?x={{ incident.title }}",
		"https://hooks.example.com#{{ incident.title }}",
		"{{ incident.url }}",
		"http{{ incident.title }}://hooks.example.com/x",
		"https://user@hooks.example.com/{{ incident.title }}",
		"ftp://hooks.example.com/{{ incident.title }}",
	} {
		src := hostsPlaybook[:strings.Index(hostsPlaybook, "  # one")] + "  - {id: w, kind: webhook, url: \"" + u + "\"}\n"
		_, err := playbook.Parse([]byte(src), "t.yaml", playbook.Options{})
		var ps playbook.Problems
		if !errors.As(err, &ps) || !strings.Contains(ps[0].Error(), "steps[0].url") {
			t.Errorf("url %q: got %v, want a problem at steps[0].url", u, err)
		}
	}
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       string // in the error; "" for none
	}{
		{"default", "webhook_hosts: [hooks.slack.com]\n", ""},
		{"fire dry", "fire: dry\n", ""},
		{"fire live", "live: true\nfire: live\n", ""},
		{"fire live without live", "fire: live\n", "fire: live needs live: true"},
		{"fire unknown", "fire: always\n", `fire: want off, dry or live, got "always"`},
		{"unknown key", "webhook_host: [x]\n", "unknown field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "playbooks.yaml")
			if err := os.WriteFile(p, []byte(tc.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := playbook.LoadConfig(p)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), p)):
				t.Errorf("error %v, want %q naming the file", err, tc.want)
			}
		})
	}
}

// TestLoadDir: a folder gives its good playbooks, not its config, and the
// problems of the bad ones.
func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	good, _ := os.ReadFile("testdata/contain.good.yaml")
	bad, _ := os.ReadFile("testdata/bad_kind.bad.yaml")
	for name, data := range map[string][]byte{"a.yaml": good, "b.yml": good, "c.yaml": bad, "playbooks.yaml": []byte("live: true\n"),
		"notes.txt": []byte("x")} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	pbs, err := playbook.LoadDir(dir, playbook.Options{})
	if len(pbs) != 2 || err == nil || !strings.Contains(err.Error(), "c.yaml:10") {
		t.Errorf("%d playbooks, %v; want 2 and c.yaml's problem", len(pbs), err)
	}
	if _, err := playbook.LoadDir(t.TempDir(), playbook.Options{}); err == nil || !strings.Contains(err.Error(), "no playbook files") {
		t.Errorf("empty folder: %v", err)
	}
}

// TestDocsExamples: the playbook and the config in docs/playbooks.md load.
func TestDocsExamples(t *testing.T) {
	doc, err := os.ReadFile("../docs/playbooks.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(doc), "```yaml\n")
	if len(blocks) != 3 {
		t.Fatalf("want 2 yaml blocks in docs/playbooks.md, found %d", len(blocks)-1)
	}
	example := func(i int) []byte { return []byte(blocks[i][:strings.Index(blocks[i], "```")]) }
	if _, err := playbook.Parse(example(1), "docs/playbooks.md", playbook.Options{}); err != nil {
		t.Errorf("the documented playbook: %v", err)
	}
	cfg := filepath.Join(t.TempDir(), "playbooks.yaml")
	if err := os.WriteFile(cfg, example(2), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := playbook.LoadConfig(cfg); err != nil {
		t.Errorf("the documented config: %v", err)
	}
}
