package playbook

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/debrief-dev/debrief"
)

// APIVersion is the playbook file format this package reads.
const APIVersion = "debrief/v1"

// MaxFileSize bounds a playbook file.
const MaxFileSize = 1 << 20

// File is a playbook as written in YAML.
type File struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Metadata   Metadata `yaml:"metadata"`
	Trigger    Trigger  `yaml:"trigger"`
	Steps      []Spec   `yaml:"steps"`
}

// Metadata names and describes a playbook.
type Metadata struct {
	Name        string   `yaml:"name"`
	Description string   `yaml:"description,omitempty"`
	Owner       string   `yaml:"owner,omitempty"`
	Labels      []string `yaml:"labels,omitempty"`
}

// Trigger says which incidents and events start a playbook. All matchers of
// All must hold, and at least one of Any when Any is not empty. Expr is a
// CEL expression (see Options.Expr).
type Trigger struct {
	Events []string  `yaml:"events,omitempty"`
	All    []Matcher `yaml:"all,omitempty"`
	Any    []Matcher `yaml:"any,omitempty"`
	Expr   string    `yaml:"expr,omitempty"`
}

// Matcher is one declarative condition: an operator applied to a field of
// the incident with a list of values.
type Matcher struct {
	Field  string   `yaml:"field" json:"field"`
	Op     string   `yaml:"op" json:"op"`
	Values []string `yaml:"values,omitempty" json:"values,omitempty"`
}

// Spec is one step as written in the file.
type Spec struct {
	ID             string            `yaml:"id"`
	Kind           string            `yaml:"kind"`             // webhook, graph, email, comment, exec
	Action         string            `yaml:"action,omitempty"` // graph: isolate_device …
	Preset         string            `yaml:"preset,omitempty"` // webhook: generic, power_automate, logic_apps, teams, slack
	Method         string            `yaml:"method,omitempty"`
	URL            string            `yaml:"url,omitempty"`
	URLEnv         string            `yaml:"url_env,omitempty"`  // the URL is a secret in this environment variable
	URLFile        string            `yaml:"url_file,omitempty"` // … or in this file
	Headers        map[string]string `yaml:"headers,omitempty"`
	Body           any               `yaml:"body,omitempty"`
	Text           string            `yaml:"text,omitempty"`
	Subject        string            `yaml:"subject,omitempty"`
	To             []string          `yaml:"to,omitempty"`
	Argv           []string          `yaml:"argv,omitempty"`
	Inputs         map[string]string `yaml:"inputs,omitempty"`
	ForEach        string            `yaml:"for_each,omitempty"` // an entity kind
	Approval       string            `yaml:"approval,omitempty"` // "required" or "none"
	ApprovalWait   string            `yaml:"approval_timeout,omitempty"`
	Retry          *RetrySpec        `yaml:"retry,omitempty"`
	Timeout        string            `yaml:"timeout,omitempty"`
	IdempotencyKey string            `yaml:"idempotency_key,omitempty"`
}

// RetrySpec is how a step retries transient failures (network errors,
// timeouts, 429 and 5xx replies): up to Attempts tries, waiting an
// exponentially growing, jittered delay from Backoff up to MaxBackoff, or
// what the server's Retry-After asks (up to MaxBackoff).
type RetrySpec struct {
	Attempts   int    `yaml:"attempts,omitempty"`
	Backoff    string `yaml:"backoff,omitempty"`
	MaxBackoff string `yaml:"max_backoff,omitempty"`
}

// Playbook is a checked playbook file, ready to match and plan.
type Playbook struct {
	File
	Path   string // where it was read
	Digest string // hex SHA-256 of the file's bytes
	Source []byte // the file's bytes: a run keeps them, so that resuming it needs no file
	match  *compiled
	steps  []*step
}

// Name returns the playbook's metadata name.
func (p *Playbook) Name() string { return p.Metadata.Name }

// Problem is one error in a playbook file, with where it is.
type Problem struct {
	File   string
	Line   int    // 1-based, 0 when unknown
	Path   string // YAML path, e.g. "$.steps[1].kind"
	Reason string
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	if p.Path != "" {
		b.WriteString(": ")
		b.WriteString(strings.TrimPrefix(p.Path, "$."))
	}
	b.WriteString(": ")
	b.WriteString(p.Reason)
	return b.String()
}

// Problems is every error found in a file; it is an error itself.
type Problems []Problem

func (ps Problems) Error() string {
	switch len(ps) {
	case 0:
		return "no problems"
	case 1:
		return ps[0].Error()
	}
	return fmt.Sprintf("%s (and %d more)", ps[0].Error(), len(ps)-1)
}

// LoadFile reads and checks the playbook at path.
func LoadFile(path string, opts Options) (*Playbook, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open playbook: %w", err)
	}
	defer f.Close()
	return Load(f, path, opts)
}

// Load reads and checks a playbook. A bad file gives Problems naming line
// and field of every error found.
func Load(r io.Reader, name string, opts Options) (*Playbook, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read playbook %s: %w", name, err)
	}
	if len(data) > MaxFileSize {
		return nil, Problems{{File: name, Reason: fmt.Sprintf("file is larger than %d bytes", MaxFileSize)}}
	}
	return Parse(data, name, opts)
}

// Parse checks a playbook held in memory.
func Parse(data []byte, name string, opts Options) (*Playbook, error) {
	f, tree, err := decode(data, name)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	pb := &Playbook{File: f, Path: name, Digest: hex.EncodeToString(sum[:]), Source: bytes.Clone(data)}
	c := &checker{file: name, opts: opts, ast: tree}
	c.check(pb)
	if len(c.problems) > 0 {
		return nil, c.problems
	}
	return pb, nil
}

// decode parses the YAML, refuses anchors and aliases (a playbook needs
// none, and they let a small file expand without bound) and decodes it
// strictly. A panic inside the YAML library becomes a Problem.
func decode(data []byte, name string) (f File, tree *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = Problems{{File: name, Reason: fmt.Sprintf("malformed YAML (%v)", r)}}
		}
	}()
	tree, err = parser.ParseBytes(data, 0)
	if err != nil {
		return f, nil, Problems{yamlProblem(name, err)}
	}
	var alias ast.Node
	for _, doc := range tree.Docs {
		ast.Walk(visitor(func(n ast.Node) bool {
			if alias != nil {
				return false
			}
			if t := n.Type(); t == ast.AliasType || t == ast.AnchorType {
				alias = n
			}
			return alias == nil
		}), doc)
	}
	if alias != nil {
		p := Problem{File: name, Reason: "anchors and aliases are not allowed in playbooks"}
		if tk := alias.GetToken(); tk != nil && tk.Position != nil {
			p.Line = tk.Position.Line
		}
		return f, nil, Problems{p}
	}
	if err := yaml.UnmarshalWithOptions(data, &f, yaml.Strict(), yaml.DisallowUnknownField()); err != nil {
		return f, nil, Problems{yamlProblem(name, err)}
	}
	return f, tree, nil
}

type visitor func(ast.Node) bool

func (v visitor) Visit(n ast.Node) ast.Visitor {
	if n == nil || !v(n) {
		return nil
	}
	return v
}

func yamlProblem(name string, err error) Problem {
	var ye yaml.Error
	if errors.As(err, &ye) {
		p := Problem{File: name, Reason: ye.GetMessage()}
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			p.Line = tk.Position.Line
		}
		return p
	}
	msg := err.Error()
	if i := bytes.IndexByte([]byte(msg), '\n'); i > 0 {
		msg = msg[:i]
	}
	return Problem{File: name, Reason: msg}
}

// lineOf finds the line of a YAML path, or 0.
func lineOf(f *ast.File, path string) (line int) {
	if f == nil {
		return 0
	}
	defer func() {
		if recover() != nil {
			line = 0
		}
	}()
	p, err := yaml.PathString(path)
	if err != nil {
		return 0
	}
	n, err := p.FilterFile(f)
	if err != nil || n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
		return 0
	}
	return n.GetToken().Position.Line
}

// ConfigFileName is the playbook configuration's file name; LoadDir skips
// it.
const ConfigFileName = "playbooks.yaml"

// LoadDir reads and checks the playbooks of a folder: its *.yaml and *.yml
// files, except a playbooks.yaml configuration. A file with problems does
// not stop the rest: the good playbooks come back with the errors joined.
func LoadDir(dir string, opts Options) ([]*Playbook, error) {
	var files []string
	for _, ext := range []string{"*.yaml", "*.yml"} {
		m, err := filepath.Glob(filepath.Join(dir, ext))
		if err != nil {
			return nil, fmt.Errorf("playbook folder %s: %w", dir, err)
		}
		for _, f := range m {
			if filepath.Base(f) != ConfigFileName {
				files = append(files, f)
			}
		}
	}
	sort.Strings(files)
	var pbs []*Playbook
	var errs []error
	for _, f := range files {
		pb, err := LoadFile(f, opts)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		pbs = append(pbs, pb)
	}
	if len(files) == 0 {
		errs = append(errs, debrief.Errorf(debrief.EINVALID, "no playbook files (*.yaml, *.yml) in %s", dir))
	}
	return pbs, errors.Join(errs...)
}
