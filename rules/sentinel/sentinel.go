package sentinel

import (
	"context"
	"iter"
	"path/filepath"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/rules"
)

// Name is the corpus name rules carry.
const Name = "sentinel"

// Corpus describes Sentinel rule files for rules.Load: .yaml and .yml.
func Corpus() rules.Corpus {
	return rules.Corpus{Name: Name, Match: func(p string) bool {
		ext := strings.ToLower(filepath.Ext(p))
		return ext == ".yaml" || ext == ".yml"
	}, Decode: Decode}
}

// Load decodes the Sentinel rules of files and folders (see rules.Load).
func Load(ctx context.Context, paths []string, opts rules.Options) iter.Seq2[debrief.Rule, error] {
	return rules.Load(ctx, Corpus(), paths, opts)
}

type template struct {
	ID         string   `yaml:"id"`
	Name       string   `yaml:"name"`
	Severity   string   `yaml:"severity"`
	Status     string   `yaml:"status"`
	Kind       string   `yaml:"kind"`
	Enabled    *bool    `yaml:"enabled"`
	Tactics    []string `yaml:"tactics"`
	Techniques []string `yaml:"relevantTechniques"`
	Connectors []struct {
		ConnectorID string   `yaml:"connectorId"`
		DataTypes   []string `yaml:"dataTypes"`
	} `yaml:"requiredDataConnectors"`
}

// Decode reads one analytics-rule template.
func Decode(data []byte, file string) ([]debrief.Rule, error) {
	var t template
	if err := rules.DecodeYAML(data, file, &t); err != nil {
		return nil, err
	}
	if t.ID == "" {
		return nil, rules.Errorf(file, 0, "id", "required: not a Sentinel analytics rule")
	}
	r := debrief.Rule{ID: Name + ":" + strings.ToLower(t.ID), Corpus: Name, Title: t.Name, Status: rules.Status(t.Status),
		Tactics: t.Tactics, Enabled: t.Enabled == nil || *t.Enabled}
	r.Level, _ = debrief.ParseSeverity(t.Severity)
	if err := rules.TechniqueList(&r, t.Techniques, file, "relevantTechniques"); err != nil {
		return nil, err
	}
	for _, c := range t.Connectors {
		for _, dt := range c.DataTypes {
			r.LogSources = append(r.LogSources, debrief.LogSource{Product: c.ConnectorID, Name: dt})
		}
		if len(c.DataTypes) == 0 {
			r.LogSources = append(r.LogSources, debrief.LogSource{Product: c.ConnectorID})
		}
	}
	return []debrief.Rule{r}, nil
}
