package rules

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/token"

	"github.com/debrief-dev/debrief"
)

// YAMLError turns an error of the YAML parser into a FileError with the
// line it names.
func YAMLError(file string, err error) *FileError {
	fe := &FileError{File: file, Reason: "invalid YAML: " + err.Error(), Err: err}
	var ye yaml.Error
	if errors.As(err, &ye) {
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			fe.Line = tk.Position.Line
		}
		fe.Reason = "invalid YAML: " + ye.GetMessage()
	}
	return fe
}

// DecodeYAML decodes one YAML document of file into v, reporting
// problems as a *FileError. Files the parser would take too long on are
// refused before it sees them (see GuardYAML).
func DecodeYAML(data []byte, file string, v any) error {
	if err := GuardYAML(data, file); err != nil {
		return err
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		return YAMLError(file, err)
	}
	return nil
}

// TechniqueList files ids into r.Techniques; an entry that is not shaped
// like a technique id is an error naming field[i].
func TechniqueList(r *debrief.Rule, ids []string, file, field string) error {
	for i, s := range ids {
		id, ok := TechniqueTag(s)
		if !ok {
			return Errorf(file, 0, fmt.Sprintf("%s[%d]", field, i), "%q is not a technique id, want T#### or T####.###", s)
		}
		r.Techniques = append(r.Techniques, id)
	}
	return nil
}

// Limits of GuardYAML. Rule files nest a few levels and their longest
// lines are a few KiB (2,847 bytes in the Splunk corpus, under 1,000 in
// Sigma and Sentinel). The YAML parser (github.com/goccy/go-yaml) takes
// time quadratic in the nesting depth (20,000 "[" take 2 s) and its
// lexer quadratic in the length of some lines (54 KB of "0<<<…" take
// 5 s), so input beyond these is refused.
const (
	MaxYAMLDepth = 100
	MaxYAMLLine  = 8 << 10
)

// GuardYAML reports, as a *FileError naming the line, a YAML text with a
// line longer than MaxYAMLLine bytes or nested deeper than MaxYAMLDepth.
// Depth is read from the tokens of the YAML lexer (linear on lines of
// bounded length): flow collections count by their brackets, block ones
// by the columns of their indicators ("-", "?", ":", anchors and tags),
// so that "- - - x" on one line counts three levels.
func GuardYAML(data []byte, file string) (err error) {
	for n, rest := 1, data; len(rest) > 0; n++ {
		line, after, _ := bytes.Cut(rest, []byte{'\n'})
		if len(line) > MaxYAMLLine {
			return Errorf(file, n, "", "line longer than %d KiB, not a rule", MaxYAMLLine>>10)
		}
		rest = after
	}
	defer func() {
		if r := recover(); r != nil {
			err = &FileError{File: file, Reason: fmt.Sprintf("invalid YAML (%v)", r)}
		}
	}()
	flow := 0
	var block []int // columns of the open block collections
	for _, tk := range lexer.Tokenize(string(data)) {
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			flow++
		case token.SequenceEndType, token.MappingEndType:
			flow = max(flow-1, 0)
		case token.SequenceEntryType, token.MappingKeyType, token.MappingValueType, token.AnchorType, token.TagType:
			if flow > 0 || tk.Position == nil {
				continue
			}
			col := tk.Position.Column
			for len(block) > 0 && block[len(block)-1] >= col {
				block = block[:len(block)-1]
			}
			block = append(block, col)
		default:
			continue
		}
		if flow+len(block) > MaxYAMLDepth {
			line := 0
			if tk.Position != nil {
				line = tk.Position.Line
			}
			return Errorf(file, line, "", "nested deeper than %d levels, not a rule", MaxYAMLDepth)
		}
	}
	return nil
}
