package playbook

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"

	"github.com/debrief-dev/debrief"
)

// Options changes how playbooks are read.
type Options struct {
	// Expr compiles trigger expressions. Nil: CEL.
	Expr ExprCompiler
	// Hosts, when set, also checks that every webhook goes to a host of
	// this configuration's webhook_hosts (as "debrief playbook lint"
	// does); nil: hosts are checked only when a live run calls them.
	Hosts *Config
	// Getenv reads the url_env targets of webhooks for the Hosts check;
	// nil: they are not read. url_file targets are read when Hosts is set.
	// Only their host is ever reported.
	Getenv func(string) string
}

// Step kinds.
const (
	KindWebhook = "webhook"
	KindGraph   = "graph"
	KindEmail   = "email"
	KindComment = "comment"
	KindExec    = "exec"
)

var kinds = []string{KindWebhook, KindGraph, KindEmail, KindComment, KindExec}

// checker collects the problems of one file.
type checker struct {
	file     string
	ast      *ast.File
	opts     Options
	problems Problems
}

func (c *checker) addf(path, format string, args ...any) {
	c.problems = append(c.problems, Problem{File: c.file, Line: lineOf(c.ast, path), Path: path,
		Reason: fmt.Sprintf(format, args...)})
}

func (c *checker) check(pb *Playbook) {
	if pb.APIVersion != APIVersion {
		c.addf("$.apiVersion", "want %q, got %q", APIVersion, pb.APIVersion)
	}
	if pb.Kind != "Playbook" {
		c.addf("$.kind", "want \"Playbook\", got %q", pb.Kind)
	}
	if !validName(pb.Metadata.Name) {
		c.addf("$.metadata.name", "want a name of letters, digits, '-', '_' or '.', got %q", pb.Metadata.Name)
	}
	pb.match = c.trigger(pb.Trigger)
	if len(pb.Steps) == 0 {
		c.addf("$.steps", "want at least one step")
	}
	seen := map[string]bool{}
	for i := range pb.Steps {
		path := fmt.Sprintf("$.steps[%d]", i)
		s := c.step(path, &pb.Steps[i])
		if s == nil {
			continue
		}
		if seen[s.ID] {
			c.addf(path+".id", "step id %q is used twice", s.ID)
		}
		seen[s.ID] = true
		s.playbook = pb.Metadata.Name
		pb.steps = append(pb.steps, s)
	}
}

func validName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func (c *checker) trigger(t Trigger) *compiled {
	m := &compiled{events: map[string]bool{}}
	for i, e := range t.Events {
		if !slices.Contains(events, e) {
			c.addf(fmt.Sprintf("$.trigger.events[%d]", i), "event %q: want one of %s", e, strings.Join(events, ", "))
		}
		m.events[e] = true
	}
	group := func(name string, ms []Matcher) []cmatcher {
		var out []cmatcher
		for i, x := range ms {
			cm, err := compileMatcher(x)
			if err != nil {
				c.addf(fmt.Sprintf("$.trigger.%s[%d]", name, i), "%v", err)
				continue
			}
			out = append(out, cm)
		}
		return out
	}
	m.all, m.any = group("all", t.All), group("any", t.Any)
	if t.Expr != "" {
		compile := c.opts.Expr
		if compile == nil {
			compile = CEL
		}
		if e, err := compile(t.Expr); err != nil {
			c.addf("$.trigger.expr", "%v", err)
		} else {
			m.expr = e
		}
	}
	if len(t.All)+len(t.Any) == 0 && t.Expr == "" {
		c.addf("$.trigger", "want at least one matcher in all or any, or an expr (a playbook that fires on every incident must say so: all: [{field: severity, op: at_least, values: [informational]}])")
	}
	return m
}

// step is a checked step: its spec with parsed templates and durations.
type step struct {
	*Spec
	playbook     string
	path         string
	tpl          map[string]template
	retry        RetryPolicy
	timeout      time.Duration
	approval     bool
	approvalWait time.Duration
}

func (c *checker) step(path string, sp *Spec) *step {
	s := &step{Spec: sp, path: path, tpl: map[string]template{},
		retry:   RetryPolicy{Attempts: 3, Backoff: time.Second, MaxBackoff: 30 * time.Second},
		timeout: 30 * time.Second, approvalWait: 24 * time.Hour}
	if !validName(sp.ID) {
		c.addf(path+".id", "want an id of letters, digits, '-', '_' or '.', got %q", sp.ID)
	}
	if !slices.Contains(kinds, sp.Kind) {
		c.addf(path+".kind", "kind %q: want one of %s", sp.Kind, strings.Join(kinds, ", "))
		return nil
	}
	if sp.ForEach != "" && !slices.Contains(debrief.EntityKinds, debrief.EntityKind(sp.ForEach)) {
		c.addf(path+".for_each", "want an entity kind (%v), got %q", debrief.EntityKinds, sp.ForEach)
	}
	switch sp.Approval {
	case "", "none":
	case "required":
		s.approval = true
	default:
		c.addf(path+".approval", "want \"required\" or \"none\", got %q", sp.Approval)
	}
	c.durations(path, s)
	c.tmpl(s, "idempotency_key", sp.IdempotencyKey)
	switch sp.Kind {
	case KindWebhook:
		c.webhook(s)
	case KindGraph:
		c.graph(s)
	case KindEmail:
		c.email(s)
	case KindComment:
		if sp.Text == "" {
			c.addf(path+".text", "a comment step needs text")
		}
		c.tmpl(s, "text", sp.Text)
	case KindExec:
		c.exec(s)
	}
	return s
}

func (c *checker) durations(path string, s *step) {
	d := func(field, v string, dst *time.Duration, max time.Duration) {
		if v == "" {
			return
		}
		x, err := time.ParseDuration(v)
		if err != nil || x <= 0 || x > max {
			c.addf(path+"."+field, "want a duration between 0 and %s such as \"30s\", got %q", max, v)
			return
		}
		*dst = x
	}
	d("timeout", s.Timeout, &s.timeout, time.Hour)
	d("approval_timeout", s.ApprovalWait, &s.approvalWait, 30*24*time.Hour)
	if r := s.Retry; r != nil {
		if r.Attempts < 0 || r.Attempts > 20 {
			c.addf(path+".retry.attempts", "want 1 to 20 attempts, got %d", r.Attempts)
		} else if r.Attempts > 0 {
			s.retry.Attempts = r.Attempts
		}
		d("retry.backoff", r.Backoff, &s.retry.Backoff, time.Hour)
		d("retry.max_backoff", r.MaxBackoff, &s.retry.MaxBackoff, time.Hour)
	}
}

// tmpl parses one templated field and checks its entity use.
func (c *checker) tmpl(s *step, field, src string) template {
	t, err := parseTemplate(src, s.ForEach != "")
	if err != nil {
		c.addf(s.path+"."+field, "%v", err)
		return t
	}
	if t.usesEntity() && s.ForEach == "" {
		c.addf(s.path+"."+field, "entity.* variables need for_each")
	}
	s.tpl[field] = t
	return t
}

// Webhook presets.
const (
	PresetGeneric       = "generic"
	PresetPowerAutomate = "power_automate"
	PresetLogicApps     = "logic_apps"
	PresetTeams         = "teams"
	PresetSlack         = "slack"
)

var presets = []string{PresetGeneric, PresetPowerAutomate, PresetLogicApps, PresetTeams, PresetSlack}

func (c *checker) webhook(s *step) {
	sp := s.Spec
	if sp.Preset == "" {
		sp.Preset = PresetGeneric
	}
	if !slices.Contains(presets, sp.Preset) {
		c.addf(s.path+".preset", "preset %q: want one of %s", sp.Preset, strings.Join(presets, ", "))
	}
	c.target(s)
	switch sp.Method {
	case "":
		sp.Method = "POST"
	case "POST", "PUT", "PATCH", "GET":
	default:
		c.addf(s.path+".method", "want POST, PUT, PATCH or GET, got %q", sp.Method)
	}
	for k, v := range sp.Headers {
		if !validHeaderName(k) || forbiddenHeader(k) {
			c.addf(s.path+".headers", "header %q: want a token name other than Host, Content-Length, Authorization", k)
		}
		c.tmpl(s, "headers."+k, v)
	}
	if (sp.Preset == PresetTeams || sp.Preset == PresetSlack) && sp.Text == "" {
		c.addf(s.path+".text", "preset %s needs text", sp.Preset)
	}
	c.tmpl(s, "text", sp.Text)
	c.body(s, "body", sp.Body)
}

// target checks where a webhook goes: a literal URL (templates only in its
// path and query, never in scheme or host) or a secret from env or file.
func (c *checker) target(s *step) {
	sp := s.Spec
	n := 0
	for _, v := range []string{sp.URL, sp.URLEnv, sp.URLFile} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		c.addf(s.path+".url", "want exactly one of url, url_env and url_file")
		return
	}
	if sp.URL == "" {
		c.secretHost(s)
		return
	}
	t := c.tmpl(s, "url", sp.URL)
	lit := sp.URL
	if i := strings.Index(lit, "{{"); i >= 0 {
		lit = lit[:i]
	}
	u, err := url.Parse(lit)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || u.User != nil {
		c.addf(s.path+".url", "want an http(s) URL with a literal host, got %q", sp.URL)
		return
	}
	if len(t.parts) > 1 && !strings.Contains(lit[len(u.Scheme)+3:], "/") {
		c.addf(s.path+".url", "templates may only appear after the host's first '/'")
		return
	}
	c.allowed(s.path+".url", "", u.Hostname())
}

// allowed reports a webhook host that is not in the Hosts allow-list.
func (c *checker) allowed(path, from, host string) {
	h := c.opts.Hosts
	if h == nil || h.hostAllowed(host) {
		return
	}
	list := "it is empty, so no webhook may be called live"
	if len(h.WebhookHosts) > 0 {
		list = "it allows " + strings.Join(h.WebhookHosts, ", ")
	}
	c.addf(path, "host %q%s is not in the config's webhook_hosts (%s)", host, from, list)
}

// secretHost checks the host of a url_env or url_file target when it can
// be read, naming only the host: the rest of such a URL is a secret.
func (c *checker) secretHost(s *step) {
	if c.opts.Hosts == nil {
		return
	}
	sp := s.Spec
	var v, from, field string
	switch {
	case sp.URLEnv != "" && c.opts.Getenv != nil:
		v, from, field = c.opts.Getenv(sp.URLEnv), " (from $"+sp.URLEnv+")", ".url_env"
	case sp.URLFile != "":
		b, err := os.ReadFile(sp.URLFile)
		if err != nil {
			return // the file may be only on the machine that runs it
		}
		v, from, field = strings.TrimSpace(string(b)), " (from "+sp.URLFile+")", ".url_file"
	}
	if v == "" {
		return
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		c.addf(s.path+field, "the URL%s is not an http(s) URL with a host", from)
		return
	}
	c.allowed(s.path+field, from, u.Hostname())
}

func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		ch := k[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", ch) >= 0) {
			return false
		}
	}
	return true
}

func forbiddenHeader(k string) bool {
	switch strings.ToLower(k) {
	case "host", "content-length", "authorization", "transfer-encoding", "connection", "cookie":
		return true
	}
	return false
}

// body checks the templates in every string of a JSON body.
func (c *checker) body(s *step, path string, v any) {
	switch x := v.(type) {
	case string:
		c.tmpl(s, path, x)
	case map[string]any:
		for k, e := range x {
			c.body(s, path+"."+k, e)
		}
	case []any:
		for i, e := range x {
			c.body(s, fmt.Sprintf("%s[%d]", path, i), e)
		}
	}
}

func (c *checker) email(s *step) {
	sp := s.Spec
	if len(sp.To) == 0 {
		c.addf(s.path+".to", "an email step needs at least one recipient")
	}
	for i, to := range sp.To {
		c.tmpl(s, fmt.Sprintf("to[%d]", i), to)
	}
	if sp.Subject == "" {
		c.addf(s.path+".subject", "an email step needs a subject")
	}
	c.tmpl(s, "subject", sp.Subject)
	c.tmpl(s, "text", sp.Text)
}

func (c *checker) exec(s *step) {
	sp := s.Spec
	if len(sp.Argv) == 0 {
		c.addf(s.path+".argv", "an exec step needs argv: [program, args…]")
		return
	}
	if strings.Contains(sp.Argv[0], "{{") || !filepath.IsAbs(sp.Argv[0]) {
		c.addf(s.path+".argv[0]", "the program must be a literal absolute path, got %q", sp.Argv[0])
	}
	for i, a := range sp.Argv[1:] {
		t := c.tmpl(s, fmt.Sprintf("argv[%d]", i+1), a)
		if t.startsWithVar() {
			c.addf(s.path+fmt.Sprintf(".argv[%d]", i+1), "an argument may not start with a variable (it could become an option); write --flag={{ … }} or put a literal first")
		}
	}
}
