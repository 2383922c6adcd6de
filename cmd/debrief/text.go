package main

import (
	"fmt"
	"io"
	"reflect"

	"github.com/debrief-dev/debrief/internal/textsafe"
)

// textf is fmt.Fprintf for the human-readable output of stored data: each
// string argument (of any string type, alone or in a slice, or an error's
// text) is passed through textsafe.Escape first, so that what an alert or
// incident carries cannot move the cursor, set the window title, colour
// the terminal, forge lines or table cells, or reorder text. The format is
// the program's own and is written as it is. JSON output does not need
// this: JSON escapes control characters.
func textf(w io.Writer, format string, args ...any) {
	for i, v := range args {
		args[i] = safeArg(v)
	}
	fmt.Fprintf(w, format, args...)
}

func safeArg(v any) any {
	switch v := v.(type) {
	case string:
		return textsafe.Escape(v)
	case error:
		return textsafe.Escape(v.Error())
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.String:
		return textsafe.Escape(rv.String())
	case rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.String:
		out := make([]string, rv.Len())
		for i := range out {
			out[i] = textsafe.Escape(rv.Index(i).String())
		}
		return out
	}
	return v
}
