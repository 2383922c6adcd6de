package sigma

import (
	"context"
	"iter"
	"path/filepath"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/rules"
)

// Name is the corpus name rules carry.
const Name = "sigma"

// Corpus describes Sigma files for rules.Load: .yml and .yaml files.
func Corpus() rules.Corpus {
	return rules.Corpus{Name: Name, Match: isYAML, Decode: Decode}
}

func isYAML(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".yml" || ext == ".yaml"
}

// Load decodes the Sigma rules of files and folders (see rules.Load).
func Load(ctx context.Context, paths []string, opts rules.Options) iter.Seq2[debrief.Rule, error] {
	return rules.Load(ctx, Corpus(), paths, opts)
}

// raw is what a Sigma file says that debrief keeps.
type raw struct {
	title, id, status, level string
	tags                     []string
	logsources               []debrief.LogSource
}

// Decode reads one Sigma file (one rule; a legacy multi-document file is
// one rule whose documents add log sources) from data. Techniques are
// canonical but not checked against a catalog (rules.Normalise does).
func Decode(data []byte, file string) ([]debrief.Rule, error) {
	r, ok := scan(data)
	if !ok || r.title == "" && r.id == "" {
		var err error
		if r, err = parse(data, file); err != nil {
			return nil, err
		}
	}
	if r.title == "" && r.id == "" {
		return nil, rules.Errorf(file, 0, "title", "required: not a Sigma rule (no title and no id)")
	}
	return []debrief.Rule{r.rule(file)}, nil
}

func (r *raw) rule(file string) debrief.Rule {
	id := r.id
	if id == "" {
		id = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	out := debrief.Rule{
		ID: Name + ":" + id, Corpus: Name, Title: r.title, Status: rules.Status(r.status),
		LogSources: r.logsources, Enabled: true,
	}
	out.Level, _ = debrief.ParseSeverity(r.level)
	for _, t := range r.tags {
		addTag(&out, t)
	}
	return out
}

// addTag files one tag: attack.tNNNN[.NNN] is a technique, attack.<name>
// a tactic; attack.gNNNN, attack.sNNNN and other namespaces are ignored.
// A technique-like tag that is not a valid id is kept as unknown.
func addTag(r *debrief.Rule, tag string) {
	tag = strings.TrimSpace(tag)
	name, ok := cutPrefixFold(tag, "attack.")
	if !ok || name == "" {
		return
	}
	switch c := name[0] | 0x20; {
	case (c == 't' || c == 'g' || c == 's') && len(name) > 1 && name[1] >= '0' && name[1] <= '9':
		if c != 't' {
			return
		}
		if id, ok := rules.TechniqueTag(name); ok {
			r.Techniques = append(r.Techniques, id)
		} else {
			r.Unknown = append(r.Unknown, strings.ToUpper(name))
		}
	default:
		r.Tactics = append(r.Tactics, name)
	}
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}
