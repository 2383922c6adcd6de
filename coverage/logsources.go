package coverage

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
)

// LogSource is one entry of a team's log-sources file: an ATT&CK data
// component (id or name), a log source as ATT&CK's analytics name it
// (name and optional channel, e.g. WinEventLog:Security / EventCode=4688),
// or a rule-style log source (product, category, service, as Sigma
// writes them).
type LogSource struct {
	DataComponent string `yaml:"data_component" json:"data_component,omitempty"`
	Name          string `yaml:"name" json:"name,omitempty"`
	Channel       string `yaml:"channel" json:"channel,omitempty"`
	Product       string `yaml:"product" json:"product,omitempty"`
	Category      string `yaml:"category" json:"category,omitempty"`
	Service       string `yaml:"service" json:"service,omitempty"`

	file string // where the entry was read, for UnknownError
	line int
	text string // a string entry as written
}

// UnknownError is an entry of a log-sources file that gives no data
// component: an id or name ATT&CK does not have, a log source neither the
// Sigma table nor ATT&CK's analytics know. It counts for nothing.
type UnknownError struct {
	File  string
	Line  int    // 0 when unknown
	Entry string // as written, or its fields
}

func (e *UnknownError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc += fmt.Sprintf(":%d", e.Line)
	}
	return fmt.Sprintf("%s: log source %s gives no data component (ATT&CK has no data component or log source so called, "+
		"and the Sigma table no such log source): want a data component id or name (DC0032, \"Process Creation\"; 'debrief attack search DC0 --limit 0' lists them), "+
		"a Sigma log source (windows/process_creation, product: windows + service: security) "+
		"or an ATT&CK log source name (WinEventLog:Security)", loc, e.Entry)
}

// LogSources is what a team collects, resolved to data components.
type LogSources struct {
	Entries    []LogSource
	Components map[string]bool // data component ids
	// Unknown are the entries that resolve to no data component
	// (*UnknownError), in file order; they are kept in Entries.
	Unknown []error
	// declared are the components entries name as data components (by
	// id or name): telemetry the team vouches for on every platform, as
	// opposed to components derived from a log of one platform.
	declared map[string]bool
}

// ParseLogSources reads a YAML list whose items are strings or mappings
// with the fields of LogSource. A string is a data component id or name,
// else a Sigma log source path ("process_creation",
// "windows/process_creation", "windows/security": the part after the
// product is a category when the Sigma table knows it, else a service),
// else a log source name as ATT&CK's analytics write them
// ("WinEventLog:Security"). Entries that resolve to no data component
// are listed in Unknown with their file and line.
func ParseLogSources(data []byte, file string, cat *attack.Catalog) (*LogSources, error) {
	var items []any
	if err := yaml.Unmarshal(data, &items); err != nil {
		return nil, fmt.Errorf("%s: want a YAML list of log sources or data components: %w", file, err)
	}
	lines := itemLines(data)
	var es []LogSource
	for i, it := range items {
		var e LogSource
		switch v := it.(type) {
		case string:
			if dc, ok := cat.DataComponent(v); ok {
				e = LogSource{DataComponent: dc.ID}
			} else if p, ok := sigmaPath(v); ok {
				e = p
			} else {
				e = LogSource{Name: v}
			}
			e.text = v
		case map[string]any:
			b, _ := yaml.Marshal(v)
			if err := yaml.UnmarshalWithOptions(b, &e, yaml.Strict()); err != nil {
				return nil, fmt.Errorf("%s: item %d: want data_component, name, channel, product, category or service: %w", file, i, err)
			}
		default:
			return nil, fmt.Errorf("%s: item %d: want a string or a mapping, got %T", file, i, it)
		}
		e.file = file
		if i < len(lines) {
			e.line = lines[i]
		}
		es = append(es, e)
	}
	return NewLogSources(cat, es), nil
}

// itemLines returns the line of each item of a YAML list, nil when data
// is not one.
func itemLines(data []byte) []int {
	f, err := parser.ParseBytes(data, 0)
	if err != nil || len(f.Docs) == 0 {
		return nil
	}
	seq, ok := f.Docs[0].Body.(*ast.SequenceNode)
	if !ok {
		return nil
	}
	lines := make([]int, len(seq.Values))
	for i, n := range seq.Values {
		if tok := n.GetToken(); tok != nil && tok.Position != nil {
			lines[i] = tok.Position.Line
		}
	}
	return lines
}

// NewLogSources resolves entries to data components: by id or name, by
// the Sigma table for entries with a product, category or service (see
// SigmaComponents), by a category spelled as a component's name, and by
// log source names and channels as ATT&CK's data components and analytics
// list them. An entry that resolves to no data component (one the
// catalog does not know, a log source no table or analytic names) is
// listed in Unknown.
func NewLogSources(cat *attack.Catalog, es []LogSource) *LogSources {
	ls := &LogSources{Entries: es, Components: map[string]bool{}, declared: map[string]bool{}}
	for _, e := range es {
		got := ls.resolve(cat, e)
		for _, id := range got {
			ls.Components[id] = true
		}
		if len(got) == 0 {
			ls.Unknown = append(ls.Unknown, &UnknownError{File: e.file, Line: e.line, Entry: e.String()})
		}
	}
	return ls
}

// resolve returns the data components entry e gives, recording the
// declared ones.
func (ls *LogSources) resolve(cat *attack.Catalog, e LogSource) []string {
	var out []string
	if e.DataComponent != "" {
		if dc, ok := cat.DataComponent(e.DataComponent); ok {
			out = append(out, dc.ID)
			ls.declared[dc.ID] = true
		}
	}
	if e.Product != "" || e.Category != "" || e.Service != "" {
		out = append(out, SigmaComponents(debrief.LogSource{Product: e.Product, Category: e.Category, Service: e.Service})...)
	}
	for _, dc := range cat.DataComponents() {
		if e.Category != "" && debrief.TacticKey(e.Category) == debrief.TacticKey(dc.Name) || e.Name != "" && namesSource(dc.LogSources, e) {
			out = append(out, dc.ID)
		}
	}
	if e.Name != "" {
		for _, a := range cat.Analytics() {
			for _, s := range a.LogSources {
				if namesSource([]attack.LogSource{s}, e) {
					out = append(out, s.DataComponent)
				}
			}
		}
	}
	return out
}

// String is the entry as written when it was a string, else its fields
// (data_component: DC9999).
func (e LogSource) String() string {
	if e.text != "" {
		return fmt.Sprintf("%q", e.text)
	}
	var parts []string
	for _, f := range [][2]string{{"data_component", e.DataComponent}, {"name", e.Name}, {"channel", e.Channel},
		{"product", e.Product}, {"category", e.Category}, {"service", e.Service}} {
		if f[1] != "" {
			parts = append(parts, f[0]+": "+f[1])
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func namesSource(ss []attack.LogSource, e LogSource) bool {
	for _, s := range ss {
		if strings.EqualFold(s.Name, e.Name) && (e.Channel == "" || strings.EqualFold(s.Channel, e.Channel)) {
			return true
		}
	}
	return false
}

// visibility is the share of the data components ATT&CK uses for id
// (or its parent) that the team collects; nil when unassessed.
func (ls *LogSources) visibility(cat *attack.Catalog, id debrief.TechniqueID) *float64 {
	if ls == nil {
		return nil
	}
	dcs := cat.DataComponentsOf(string(id))
	if len(dcs) == 0 && id.IsSub() {
		dcs = cat.DataComponentsOf(string(id.Parent()))
	}
	if len(dcs) == 0 {
		return nil
	}
	n := 0
	for _, dc := range dcs {
		if ls.Components[dc.ID] {
			n++
		}
	}
	v := float64(n) / float64(len(dcs))
	return &v
}

// Has reports whether the team collects what rule r reads: one of its log
// sources matches an entry on every field the entry sets, or the team
// declared (as data components, by id or name) what it provides: the
// component its category names, or by the Sigma table, every component of
// a matching row that names a category (one kind of event), or at least
// one of a matching row that names only a product and service (a whole
// log). Components derived from the team's own log sources do not count
// here, as they say nothing of other platforms: collecting
// windows/security does not give an Azure sign-in rule its log. With no
// entries, or a rule that names no log source, it is true.
func (ls *LogSources) Has(cat *attack.Catalog, r *debrief.Rule) bool {
	if ls == nil || len(r.LogSources) == 0 {
		return true
	}
	for _, rs := range r.LogSources {
		for _, e := range ls.Entries {
			if matches(e, rs) {
				return true
			}
		}
		if rs.Category != "" {
			if dc, ok := cat.DataComponent(strings.ReplaceAll(rs.Category, "_", " ")); ok && ls.declared[dc.ID] {
				return true
			}
		}
		if ls.hasSigma(rs) {
			return true
		}
	}
	return false
}

func matches(e LogSource, rs debrief.LogSource) bool {
	if e.Product == "" && e.Category == "" && e.Service == "" && e.Name == "" {
		return false
	}
	eq := func(want, got string) bool { return want == "" || strings.EqualFold(want, got) }
	return eq(e.Product, rs.Product) && eq(e.Category, rs.Category) && eq(e.Service, rs.Service) && eq(e.Name, rs.Name)
}

func (ls *LogSources) hasSigma(rs debrief.LogSource) bool {
	for _, row := range table() {
		if !row.matches(rs) {
			continue
		}
		n := 0
		for _, id := range row.DataComponents {
			if ls.declared[id] {
				n++
			}
		}
		if n > 0 && (row.Category == "" || n == len(row.DataComponents)) {
			return true
		}
	}
	return false
}
