package wire

import (
	"context"
	"io"
	"iter"

	"github.com/debrief-dev/debrief"
)

// Each is the record loop of a decoder: it hands each good record of r to
// one, and yields each bad one as a *debrief.RecordError of file. It stops
// when ctx is done (yielding ctx's error), when the input cannot be read
// further, or when one or yield returns false. It returns how many
// records, good or bad, it found.
func Each(ctx context.Context, r io.Reader, file string, yield func(debrief.Record, error) bool, one func(Item) bool, containers ...Container) int {
	return EachParsed(ctx, r, file, yield, nil, one, containers...)
}

// EachParsed is Each over RecordsParsed: parse decodes records in the
// pass that checks them, and one is told so by Item.Parsed.
func EachParsed(ctx context.Context, r io.Reader, file string, yield func(debrief.Record, error) bool, parse ParseFunc, one func(Item) bool, containers ...Container) int {
	return each(ctx, RecordsParsed(r, parse, containers...), file, yield, one)
}

// EachParsedKept is EachParsed over RecordsParsedKept: parse is told
// which records it may keep views of.
func EachParsedKept(ctx context.Context, r io.Reader, file string, yield func(debrief.Record, error) bool, parse KeptParseFunc, one func(Item) bool, containers ...Container) int {
	return each(ctx, RecordsParsedKept(r, parse, containers...), file, yield, one)
}

// EachParsedRoot is Each over RecordsParsedRoot: parse also refuses the
// records whose top-level object names a container.
func EachParsedRoot(ctx context.Context, r io.Reader, file string, yield func(debrief.Record, error) bool, parse ParseFunc, one func(Item) bool, containers ...Container) int {
	return each(ctx, RecordsParsedRoot(r, parse, containers...), file, yield, one)
}

func each(ctx context.Context, items iter.Seq[Item], file string, yield func(debrief.Record, error) bool, one func(Item) bool) int {
	seen := 0
	for it := range items {
		seen++
		if err := ctx.Err(); err != nil {
			yield(debrief.Record{}, err)
			return seen
		}
		if it.Err != nil {
			re := &debrief.RecordError{File: file, Line: it.Line, Record: it.Index, Reason: it.Err.Error()}
			if !yield(debrief.Record{}, re) || it.Fatal {
				return seen
			}
			continue
		}
		if !one(it) {
			return seen
		}
	}
	return seen
}
