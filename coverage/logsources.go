package coverage

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"

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
}

// LogSources is what a team collects, resolved to data components.
type LogSources struct {
	Entries    []LogSource
	Components map[string]bool // data component ids
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
// ("WinEventLog:Security").
func ParseLogSources(data []byte, file string, cat *attack.Catalog) (*LogSources, error) {
	var items []any
	if err := yaml.Unmarshal(data, &items); err != nil {
		return nil, fmt.Errorf("%s: want a YAML list of log sources or data components: %w", file, err)
	}
	var es []LogSource
	for i, it := range items {
		switch v := it.(type) {
		case string:
			if dc, ok := cat.DataComponent(v); ok {
				es = append(es, LogSource{DataComponent: dc.ID})
			} else if e, ok := sigmaPath(v); ok {
				es = append(es, e)
			} else {
				es = append(es, LogSource{Name: v})
			}
		case map[string]any:
			var e LogSource
			b, _ := yaml.Marshal(v)
			if err := yaml.UnmarshalWithOptions(b, &e, yaml.Strict()); err != nil {
				return nil, fmt.Errorf("%s: item %d: want data_component, name, channel, product, category or service: %w", file, i, err)
			}
			es = append(es, e)
		default:
			return nil, fmt.Errorf("%s: item %d: want a string or a mapping, got %T", file, i, it)
		}
	}
	return NewLogSources(cat, es)
}

// NewLogSources resolves entries to data components: by id or name, by
// the Sigma table for entries with a product, category or service (see
// SigmaComponents), by a category spelled as a component's name, and by
// log source names and channels as ATT&CK's data components and analytics
// list them. A data component the catalog does not know is an error.
func NewLogSources(cat *attack.Catalog, es []LogSource) (*LogSources, error) {
	ls := &LogSources{Entries: es, Components: map[string]bool{}, declared: map[string]bool{}}
	for i, e := range es {
		if e.DataComponent != "" {
			dc, ok := cat.DataComponent(e.DataComponent)
			if !ok {
				return nil, fmt.Errorf("log source %d: data component %q: not in ATT&CK", i, e.DataComponent)
			}
			ls.Components[dc.ID] = true
			ls.declared[dc.ID] = true
		}
		if e.Product != "" || e.Category != "" || e.Service != "" {
			for _, id := range SigmaComponents(debrief.LogSource{Product: e.Product, Category: e.Category, Service: e.Service}) {
				ls.Components[id] = true
			}
		}
	}
	for _, dc := range cat.DataComponents() {
		if ls.Components[dc.ID] {
			continue
		}
		for _, e := range es {
			if e.Category != "" && debrief.TacticKey(e.Category) == debrief.TacticKey(dc.Name) || e.Name != "" && namesSource(dc.LogSources, e) {
				ls.Components[dc.ID] = true
			}
		}
	}
	for _, a := range cat.Analytics() {
		for _, s := range a.LogSources {
			for _, e := range es {
				if e.Name != "" && namesSource([]attack.LogSource{s}, e) {
					ls.Components[s.DataComponent] = true
				}
			}
		}
	}
	return ls, nil
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
