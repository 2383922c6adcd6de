package elastic

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"path/filepath"
	"strings"

	toml "github.com/pelletier/go-toml/v2"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/rules"
)

// Name is the corpus name rules carry.
const Name = "elastic"

// Corpus describes Elastic rule files for rules.Load: .toml files.
func Corpus() rules.Corpus {
	return rules.Corpus{Name: Name, Match: func(p string) bool { return strings.EqualFold(filepath.Ext(p), ".toml") }, Decode: Decode}
}

// Load decodes the Elastic rules of files and folders (see rules.Load).
func Load(ctx context.Context, paths []string, opts rules.Options) iter.Seq2[debrief.Rule, error] {
	return rules.Load(ctx, Corpus(), paths, opts)
}

// file is the part of a rule file debrief reads, shaped like the
// detection-rules schema.
type file struct {
	Metadata struct {
		Maturity    string `toml:"maturity"`
		Integration any    `toml:"integration"` // a string or a list of strings
	} `toml:"metadata"`
	Rule struct {
		Name          string   `toml:"name"`
		RuleID        string   `toml:"rule_id"`
		Severity      string   `toml:"severity"`
		Enabled       *bool    `toml:"enabled"`
		BuildingBlock string   `toml:"building_block_type"`
		Index         []string `toml:"index"`
		Threat        []threat `toml:"threat"`
	} `toml:"rule"`
}

type threat struct {
	Framework string `toml:"framework"`
	Tactic    struct {
		ID   string `toml:"id"`
		Name string `toml:"name"`
	} `toml:"tactic"`
	Technique []struct {
		ID           string `toml:"id"`
		Subtechnique []struct {
			ID string `toml:"id"`
		} `toml:"subtechnique"`
	} `toml:"technique"`
}

// Decode reads one rule file.
func Decode(data []byte, name string) ([]debrief.Rule, error) {
	var f file
	if err := toml.Unmarshal(data, &f); err != nil {
		return nil, tomlError(name, err)
	}
	if f.Rule.RuleID == "" {
		return nil, rules.Errorf(name, 0, "rule.rule_id", "required: not an Elastic rule")
	}
	r := debrief.Rule{
		ID: Name + ":" + f.Rule.RuleID, Corpus: Name, Title: f.Rule.Name, Status: rules.Status(f.Metadata.Maturity),
		Enabled: f.Rule.Enabled == nil || *f.Rule.Enabled, Building: f.Rule.BuildingBlock != "",
	}
	r.Level, _ = debrief.ParseSeverity(f.Rule.Severity)
	ins, err := strings1(f.Metadata.Integration)
	if err != nil {
		return nil, rules.Errorf(name, 0, "metadata.integration", "%v", err)
	}
	for _, in := range ins {
		r.LogSources = append(r.LogSources, debrief.LogSource{Product: in})
	}
	for _, ix := range f.Rule.Index {
		r.LogSources = append(r.LogSources, debrief.LogSource{Name: ix})
	}
	for i, t := range f.Rule.Threat {
		if err := addThreat(&r, t, name, i); err != nil {
			return nil, err
		}
	}
	return []debrief.Rule{r}, nil
}

func addThreat(r *debrief.Rule, t threat, name string, i int) error {
	if t.Framework != "" && !strings.EqualFold(t.Framework, "MITRE ATT&CK") {
		return nil
	}
	if t.Tactic.ID != "" || t.Tactic.Name != "" {
		r.Tactics = append(r.Tactics, strings.TrimSpace(cmpOr(t.Tactic.Name, t.Tactic.ID)))
	}
	add := func(field, id string) error {
		tid, ok := rules.TechniqueTag(id)
		if !ok {
			return rules.Errorf(name, 0, field, "%q is not a technique id, want T#### or T####.###", id)
		}
		r.Techniques = append(r.Techniques, tid)
		return nil
	}
	for j, te := range t.Technique {
		if err := add(fmt.Sprintf("rule.threat[%d].technique[%d].id", i, j), te.ID); err != nil {
			return err
		}
		for k, s := range te.Subtechnique {
			if err := add(fmt.Sprintf("rule.threat[%d].technique[%d].subtechnique[%d].id", i, j, k), s.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// strings1 accepts a string or a list of strings.
func strings1(v any) ([]string, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{v}, nil
	case []any:
		out := make([]string, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("item %d: want a string, got %T", i, e)
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a string or a list of strings, got %T", v)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// tomlError turns a go-toml error into a FileError with line and key.
func tomlError(name string, err error) *rules.FileError {
	fe := &rules.FileError{File: name, Reason: "invalid TOML: " + err.Error(), Err: err}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		fe.Line, _ = de.Position()
		fe.Field = strings.Join(de.Key(), ".")
		fe.Reason = "invalid TOML: " + de.Error()
	}
	return fe
}
