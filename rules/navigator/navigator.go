package navigator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"path/filepath"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/render/navigator"
	"github.com/debrief-dev/debrief/rules"
)

// Name is the corpus name rules carry.
const Name = "navigator"

// Corpus describes layer files for rules.Load: .json files.
func Corpus() rules.Corpus {
	return rules.Corpus{Name: Name, Match: func(p string) bool { return strings.EqualFold(filepath.Ext(p), ".json") }, Decode: Decode}
}

// Load reads the layers of files and folders (see rules.Load).
func Load(ctx context.Context, paths []string, opts rules.Options) iter.Seq2[debrief.Rule, error] {
	return rules.Load(ctx, Corpus(), paths, opts)
}

// Layers decodes one layer or a JSON list of layers.
func Layers(data []byte, file string) ([]*navigator.Layer, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var ls []*navigator.Layer
		if err := json.Unmarshal(trimmed, &ls); err != nil {
			return nil, jsonError(file, trimmed, err)
		}
		return ls, nil
	}
	l, err := navigator.Decode(bytes.NewReader(trimmed))
	if err != nil {
		return nil, jsonError(file, trimmed, err)
	}
	return []*navigator.Layer{l}, nil
}

// Decode reads a layer file: one rule per technique (a technique listed
// under several tactics is one rule with those tactics, and its highest
// weight). Each rule's Score is the weight the layer declares for its
// technique, 0–1 (see Weight); entries that are disabled, or whose weight
// is 0, declare nothing and are left out.
func Decode(data []byte, file string) ([]debrief.Rule, error) {
	ls, err := Layers(data, file)
	if err != nil {
		return nil, err
	}
	var out []debrief.Rule
	for n, l := range ls {
		if l == nil || l.Techniques == nil && l.Name == "" {
			return nil, rules.Errorf(file, 0, fmt.Sprintf("[%d]", n), "not a Navigator layer (no name, no techniques)")
		}
		rs, err := layerRules(l, file, n)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

func layerRules(l *navigator.Layer, file string, n int) ([]debrief.Rule, error) {
	var out []debrief.Rule
	at := map[debrief.TechniqueID]int{}
	for i, t := range l.Techniques {
		w := Weight(l, t)
		if w == 0 {
			continue
		}
		id, ok := rules.TechniqueTag(t.TechniqueID)
		if !ok {
			return nil, rules.Errorf(file, 0, fmt.Sprintf("techniques[%d].techniqueID", i), "%q is not a technique id", t.TechniqueID)
		}
		k, seen := at[id]
		if !seen {
			k = len(out)
			at[id] = k
			out = append(out, debrief.Rule{ID: fmt.Sprintf("%s:%s#%d:%s", Name, cmpOr(l.Name, filepath.Base(file)), n, id),
				Corpus: Name, Title: l.Name, Techniques: []debrief.TechniqueID{id}, Enabled: true})
		}
		r := &out[k]
		if t.Tactic != "" {
			r.Tactics = append(r.Tactics, t.Tactic)
		}
		if r.Score == nil || w > *r.Score {
			r.Score = navigator.Score(w)
		}
	}
	return out, nil
}

// DefaultGradient is the score range the Navigator colours a layer by
// when the layer names none.
var DefaultGradient = navigator.Gradient{MinValue: 0, MaxValue: 100}

// Weight is what a layer declares for one of its entries, 0–1: 0 for a
// disabled entry; 1 for an enabled entry without a score; else the score
// placed on the layer's gradient, (score − minValue) / (maxValue −
// minValue), clamped to 0–1 (a score at or below minValue weighs 0, one at
// or above maxValue 1). A layer without a gradient, or with an empty
// range, uses the Navigator's default range 0–100.
func Weight(l *navigator.Layer, t navigator.Technique) float64 {
	if t.Enabled != nil && !*t.Enabled {
		return 0
	}
	if t.Score == nil {
		return 1
	}
	g := DefaultGradient
	if l.Gradient != nil && l.Gradient.MaxValue > l.Gradient.MinValue {
		g = *l.Gradient
	}
	w := (*t.Score - g.MinValue) / (g.MaxValue - g.MinValue)
	if math.IsNaN(w) {
		return 0
	}
	return math.Round(min(max(w, 0), 1)*1000) / 1000
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func jsonError(file string, data []byte, err error) *rules.FileError {
	fe := &rules.FileError{File: file, Reason: "invalid layer: " + err.Error(), Err: err}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case asErr(err, &se):
		off = se.Offset
	case asErr(err, &te):
		off, fe.Field = te.Offset, te.Field
		fe.Reason = fmt.Sprintf("want %s, got JSON %s", te.Type, te.Value)
	}
	if off >= 0 && off <= int64(len(data)) {
		fe.Line = bytes.Count(data[:off], []byte{'\n'}) + 1
	}
	return fe
}

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }
