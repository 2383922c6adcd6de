package elastic

import (
	"errors"
	"fmt"

	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json/jsontext"
)

// The walker reads documents with wire.Scanner rather than jsontext's
// decoder, which costs as much as the rest of the decoding together on flat
// documents of a hundred members. It reads most documents in the pass that
// checks them (walker.parse, the scanner in strict mode); the others the
// splitter has checked first (walker.walk). errSyntax is what the scanner
// gives up with on JSON it cannot walk (which checked records never are).
var errSyntax = wire.ErrSlow

// errMalformed words errSyntax for a record error.
var errMalformed = errors.New("malformed JSON")

// elems calls fn for each element of the array that comes next; fn must
// consume the element. Errors are prefixed with the element's index.
func elems(s *wire.Scanner, fn func() error) error {
	return s.Elements(func(n int) error {
		if err := fn(); err != nil {
			return within(fmt.Sprintf("[%d]", n), err)
		}
		return nil
	})
}

// pathError is a type error inside a value, with the path below it.
type pathError struct {
	suffix, reason string
}

func (e *pathError) Error() string { return e.suffix + ": " + e.reason }

// within prefixes the path of err with p.
func within(p string, err error) error {
	var pe *pathError
	if errors.As(err, &pe) {
		return &pathError{suffix: p + pe.suffix, reason: pe.reason}
	}
	if errors.Is(err, errSyntax) {
		return err
	}
	return &pathError{suffix: p, reason: err.Error()}
}

// unquoteName appends a raw member name, unquoted, to dst; esc says
// whether it holds escapes.
func unquoteName(dst, name []byte, esc bool) ([]byte, error) {
	if !esc {
		return append(dst, name[1:len(name)-1]...), nil
	}
	return jsontext.AppendUnquote(dst, name)
}

func kindName(c byte) string {
	switch c {
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '[':
		return "an array"
	case '{':
		return "an object"
	case 0:
		return "nothing"
	}
	return "a number"
}
