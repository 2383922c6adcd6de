package rules

import (
	"errors"
	"fmt"

	"github.com/goccy/go-yaml"

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
// problems as a *FileError.
func DecodeYAML(data []byte, file string, v any) error {
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
