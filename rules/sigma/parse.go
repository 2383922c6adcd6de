package sigma

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/goccy/go-yaml"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/rules"
)

// doc is one YAML document of a Sigma file, loosely typed so that a value
// of the wrong shape can be reported by field.
type doc struct {
	Title     any `yaml:"title"`
	ID        any `yaml:"id"`
	Status    any `yaml:"status"`
	Level     any `yaml:"level"`
	Tags      any `yaml:"tags"`
	LogSource any `yaml:"logsource"`
}

// parse reads data with the YAML parser: every document, the first giving
// the rule and the others adding tags and log sources.
func parse(data []byte, file string) (raw, error) {
	var r raw
	if err := rules.GuardYAML(data, file); err != nil {
		return r, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for n := 0; ; n++ {
		var d doc
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			if n == 0 {
				return r, rules.Errorf(file, 0, "", "empty file, want a Sigma rule")
			}
			return r, nil
		}
		if err != nil {
			return r, rules.YAMLError(file, err)
		}
		if err := d.merge(&r, file); err != nil {
			return r, err
		}
	}
}

func (d *doc) merge(r *raw, file string) error {
	for _, f := range []struct {
		name string
		v    any
		dst  *string
	}{{"title", d.Title, &r.title}, {"id", d.ID, &r.id}, {"status", d.Status, &r.status}, {"level", d.Level, &r.level}} {
		if f.v == nil || *f.dst != "" {
			continue
		}
		s, ok := text(f.v)
		if !ok {
			return rules.Errorf(file, 0, f.name, "want a string, got %s", kind(f.v))
		}
		*f.dst = s
	}
	if err := d.tags(r, file); err != nil {
		return err
	}
	return d.logsource(r, file)
}

func (d *doc) tags(r *raw, file string) error {
	if d.Tags == nil {
		return nil
	}
	list, ok := d.Tags.([]any)
	if !ok {
		return rules.Errorf(file, 0, "tags", "want a list of strings, got %s", kind(d.Tags))
	}
	for i, t := range list {
		s, ok := t.(string)
		if !ok {
			return rules.Errorf(file, 0, fmt.Sprintf("tags[%d]", i), "want a string, got %s", kind(t))
		}
		r.tags = append(r.tags, s)
	}
	return nil
}

func (d *doc) logsource(r *raw, file string) error {
	if d.LogSource == nil {
		return nil
	}
	m, ok := d.LogSource.(map[string]any)
	if !ok {
		return rules.Errorf(file, 0, "logsource", "want a mapping, got %s", kind(d.LogSource))
	}
	var ls debrief.LogSource
	for _, k := range []string{"product", "category", "service"} {
		v, present := m[k]
		if !present || v == nil {
			continue
		}
		s, ok := text(v)
		if !ok {
			return rules.Errorf(file, 0, "logsource."+k, "want a string, got %s", kind(v))
		}
		*lsField(&ls, k) = s
	}
	if ls != (debrief.LogSource{}) {
		r.logsources = append(r.logsources, ls)
	}
	return nil
}

// text accepts strings and the scalars YAML may read from an unquoted
// word (numbers, booleans, dates).
func text(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case map[string]any, []any:
		return "", false
	}
	return fmt.Sprint(v), true
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case []any:
		return "list"
	case map[string]any:
		return "mapping"
	case bool:
		return "boolean"
	}
	return "number"
}
