package auto

import (
	"bytes"
	"context"
	"iter"
	"path/filepath"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/elastic"
	"github.com/debrief-dev/debrief/rules/navigator"
	"github.com/debrief-dev/debrief/rules/sentinel"
	"github.com/debrief-dev/debrief/rules/sigma"
	"github.com/debrief-dev/debrief/rules/splunk"
)

// Corpus describes files of every corpus for rules.Load.
func Corpus() rules.Corpus {
	return rules.Corpus{Name: "", Match: match, Decode: Decode}
}

// Load decodes the rules of files and folders, whatever their corpus.
func Load(ctx context.Context, paths []string, opts rules.Options) iter.Seq2[debrief.Rule, error] {
	return rules.Load(ctx, Corpus(), paths, opts)
}

func match(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".yml", ".yaml", ".toml", ".json":
		return true
	}
	return false
}

// Decode picks the corpus of one file and decodes it. A JSON file that
// does not mention techniqueID (an index or manifest beside the rules)
// gives no rules and no error.
func Decode(data []byte, file string) ([]debrief.Rule, error) {
	return Sniff(data, file).Decode(data, file)
}

// Sniff names the corpus a file belongs to.
func Sniff(data []byte, file string) rules.Corpus {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".toml":
		return elastic.Corpus()
	case ".json":
		if !bytes.Contains(data, []byte(`"techniqueID"`)) {
			return rules.Corpus{Name: "none", Decode: func([]byte, string) ([]debrief.Rule, error) { return nil, nil }}
		}
		return navigator.Corpus()
	}
	switch {
	case hasKey(data, "relevantTechniques"), hasKey(data, "requiredDataConnectors"), hasKey(data, "queryFrequency"):
		return sentinel.Corpus()
	case bytes.Contains(data, []byte("mitre_attack_id:")), hasKey(data, "search") && hasKey(data, "how_to_implement"):
		return splunk.Corpus()
	case !hasKey(data, "title") && !hasKey(data, "logsource") && hasKey(data, "name"):
		return sentinel.Corpus() // e.g. a migration stub: id, name, description, version
	}
	return sigma.Corpus()
}

// hasKey reports whether a line of data starts with key:.
func hasKey(data []byte, key string) bool {
	k := []byte(key + ":")
	return bytes.HasPrefix(data, k) || bytes.Contains(data, append([]byte{'\n'}, k...))
}
