package rules

import (
	"errors"

	"github.com/goccy/go-yaml"
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
