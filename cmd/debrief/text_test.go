package main

import (
	"bytes"
	"errors"
	"testing"

	"github.com/debrief-dev/debrief"
)

func TestTextf(t *testing.T) {
	var b bytes.Buffer
	textf(&b, "%s\t%s %v %d %s\n", "x\ny", debrief.Severity("high\x1b"), []debrief.TechniqueID{"T1\n"}, 7, errors.New("e\x07"))
	if got, want := b.String(), "x\\ny\thigh\\x1b [T1\\n] 7 e\\a\n"; got != want {
		t.Errorf("textf wrote %q, want %q", got, want)
	}
}
