package playbook

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"net/smtp"
	"os/exec"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
)

// emailAction sends mail through the configured SMTP relay.
type emailAction struct {
	s *step
	r *Runner
}

func (e emailAction) Plan(_ context.Context, in *debrief.Incident, runID string) ([]Step, error) {
	var out []Step
	for _, v := range e.s.scopes(in, runID, e.s.playbook) {
		st := e.s.base(v)
		m := &Mail{Subject: oneLine(e.s.tpl["subject"].render(v, nil)), Body: e.s.tpl["text"].render(v, nil)}
		for i := range e.s.To {
			raw := oneLine(e.s.tpl[fmt.Sprintf("to[%d]", i)].render(v, nil))
			a, err := mail.ParseAddress(raw)
			if err != nil || strings.ContainsAny(a.Address, ",;<> ") {
				return nil, fmt.Errorf("step %s: to[%d]: %q is not one mail address", e.s.ID, i, raw)
			}
			m.To = append(m.To, a.Address)
		}
		st.Mail = m
		st.Summary = "mail " + strings.Join(m.To, ", ") + ": " + m.Subject
		out = append(out, st)
	}
	return out, nil
}

func (e emailAction) Execute(ctx context.Context, s Step) (Outcome, error) {
	c := e.r.Config.SMTP
	if c.Addr == "" || c.From == "" {
		return Outcome{}, debrief.Errorf(debrief.EINVALID, "step %s: smtp.addr and smtp.from are not configured", s.Key)
	}
	var auth smtp.Auth
	if c.Username != "" {
		pw, err := secret(e.r.getenv, c.PasswordEnv, c.PasswordFile)
		if err != nil {
			return Outcome{}, fmt.Errorf("step %s: smtp password: %w", s.Key, err)
		}
		host, _, _ := strings.Cut(c.Addr, ":")
		auth = smtp.PlainAuth("", c.Username, pw, host)
	}
	msg := mailBytes(c.From, s.Mail)
	if err := e.r.sendMail(c.Addr, auth, c.From, s.Mail.To, msg); err != nil {
		return Outcome{Attempts: 1}, fmt.Errorf("step %s: send mail: %w", s.Key, err)
	}
	return Outcome{Attempts: 1, Result: "sent"}, nil
}

// mailBytes writes an RFC 5322 message. Subject and addresses are one
// line each (oneLine), so no header can be injected.
func mailBytes(from string, m *Mail) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
		oneLine(from), strings.Join(m.To, ", "), mimeWord(m.Subject))
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n"))
	return b.Bytes()
}

func mimeWord(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return "=?utf-8?q?" + strings.NewReplacer("=", "=3D", "?", "=3F", "_", "=5F", " ", "_").Replace(s) + "?="
		}
	}
	return s
}

// commentAction adds a comment to the incident in debrief's store.
type commentAction struct {
	s *step
	r *Runner
}

func (c commentAction) Plan(_ context.Context, in *debrief.Incident, runID string) ([]Step, error) {
	var out []Step
	for _, v := range c.s.scopes(in, runID, c.s.playbook) {
		st := c.s.base(v)
		st.Comment = c.s.tpl["text"].render(v, nil)
		st.Summary = "comment on " + in.ID
		out = append(out, st)
	}
	return out, nil
}

func (c commentAction) Execute(ctx context.Context, s Step) (Outcome, error) {
	if c.r.Store == nil {
		return Outcome{}, debrief.Errorf(debrief.EINVALID, "step %s: no store to comment in", s.Key)
	}
	err := c.r.Store.AddComment(ctx, s.Incident, debrief.Comment{At: c.r.now(), Author: "debrief playbook", Text: s.Comment})
	if err != nil {
		return Outcome{Attempts: 1}, fmt.Errorf("step %s: %w", s.Key, err)
	}
	return Outcome{Attempts: 1, Result: "commented"}, nil
}

// execAction runs an allow-listed program with an argument vector: no
// shell ever sees the arguments.
type execAction struct {
	s *step
	r *Runner
}

func (x execAction) Plan(_ context.Context, in *debrief.Incident, runID string) ([]Step, error) {
	var out []Step
	for _, v := range x.s.scopes(in, runID, x.s.playbook) {
		st := x.s.base(v)
		st.Argv = []string{x.s.Argv[0]}
		for i := 1; i < len(x.s.Argv); i++ {
			a := x.s.tpl[fmt.Sprintf("argv[%d]", i)].render(v, nil)
			if strings.ContainsRune(a, 0) {
				return nil, fmt.Errorf("step %s: argv[%d] holds a NUL byte", x.s.ID, i)
			}
			st.Argv = append(st.Argv, a)
		}
		st.Summary = "exec " + st.Argv[0]
		out = append(out, st)
	}
	return out, nil
}

func (x execAction) Execute(ctx context.Context, s Step) (Outcome, error) {
	c := x.r.Config.Exec
	if !c.Enabled || !slices.Contains(c.Allow, s.Argv[0]) {
		return Outcome{}, debrief.Errorf(debrief.EINVALID, "step %s: exec of %s is not enabled (exec.enabled and exec.allow in the config)", s.Key, s.Argv[0])
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.Argv[0], s.Argv[1:]...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "DEBRIEF_IDEMPOTENCY_KEY=" + s.IdempotencyKey}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	o := Outcome{Attempts: 1, Status: -1, Result: snippet(out.Bytes())}
	if cmd.ProcessState != nil {
		o.Status = cmd.ProcessState.ExitCode()
	}
	if err != nil {
		return o, fmt.Errorf("step %s: %s: %w", s.Key, s.Argv[0], err)
	}
	return o, nil
}
