package splunk

import (
	"context"
	"iter"
	"path/filepath"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/rules"
)

// Name is the corpus name rules carry.
const Name = "splunk"

// Corpus describes Splunk detection files for rules.Load: .yml and .yaml.
func Corpus() rules.Corpus {
	return rules.Corpus{Name: Name, Match: func(p string) bool {
		ext := strings.ToLower(filepath.Ext(p))
		return ext == ".yaml" || ext == ".yml"
	}, Decode: Decode}
}

// Load decodes the Splunk detections of files and folders (see rules.Load).
func Load(ctx context.Context, paths []string, opts rules.Options) iter.Seq2[debrief.Rule, error] {
	return rules.Load(ctx, Corpus(), paths, opts)
}

type detection struct {
	ID         string   `yaml:"id"`
	Name       string   `yaml:"name"`
	Status     string   `yaml:"status"`
	Type       string   `yaml:"type"`
	DataSource []string `yaml:"data_source"`
	Tags       struct {
		MitreAttackID []string `yaml:"mitre_attack_id"`
	} `yaml:"tags"`
}

// Decode reads one detection.
func Decode(data []byte, file string) ([]debrief.Rule, error) {
	var d detection
	if err := rules.DecodeYAML(data, file, &d); err != nil {
		return nil, err
	}
	if d.ID == "" {
		return nil, rules.Errorf(file, 0, "id", "required: not a Splunk detection")
	}
	r := debrief.Rule{ID: Name + ":" + strings.ToLower(d.ID), Corpus: Name, Title: d.Name, Status: rules.Status(d.Status), Enabled: true}
	if err := rules.TechniqueList(&r, d.Tags.MitreAttackID, file, "tags.mitre_attack_id"); err != nil {
		return nil, err
	}
	for _, ds := range d.DataSource {
		r.LogSources = append(r.LogSources, debrief.LogSource{Name: ds})
	}
	return []debrief.Rule{r}, nil
}
