package debrief

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes classify failures so that the CLI and the server map them to
// exit codes and HTTP statuses in one place.
const (
	ECONFLICT = "conflict"
	EINTERNAL = "internal"
	EINVALID  = "invalid"
	ENOTFOUND = "not_found"
)

// Error is an application error with a code and a message fit for a user.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error or *RecordError in err's
// chain: EINVALID for record errors, EINTERNAL for anything else, "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var re *RecordError
	if errors.As(err, &re) {
		return EINVALID
	}
	return EINTERNAL
}

// RecordError says which record of an input was bad and why. Decoders yield
// it for one bad record and go on with the next.
type RecordError struct {
	File   string // path of the input, "-" for stdin
	Line   int    // 1-based line, 0 when the format has no lines (a JSON array)
	Record int    // 1-based index of the record in the file, 0 when unknown
	Field  string // dotted path of the offending field, "" for the record as a whole
	Reason string // what was expected and what was found
	// Kept is set when the record itself was kept and only Field was
	// dropped (e.g. one malformed technique id among good ones).
	Kept bool
}

func (e *RecordError) Error() string {
	var b strings.Builder
	b.WriteString(e.Location())
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	if e.Kept {
		b.WriteString(" (field dropped, record kept)")
	}
	return b.String()
}

// Location renders file, line and record as "file:line: record N".
func (e *RecordError) Location() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
	} else {
		b.WriteString("<input>")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Record > 0 {
		fmt.Fprintf(&b, ": record %d", e.Record)
	}
	return b.String()
}
