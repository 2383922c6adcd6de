package elastic

import (
	"path"
	"strings"
	"testing"
)

// TestBaseName checks baseName against path.Base of the path with its
// backslashes turned to slashes, which it stands for.
func TestBaseName(t *testing.T) {
	for _, p := range []string{`C:\Windows\System32\cmd.exe`, "/usr/bin/sh", "sh", `C:\Tools\`, "/usr/bin/", "/", `\`, `a/b\c`, "//x//", "x/"} {
		if got, want := baseName(p), path.Base(strings.ReplaceAll(p, `\`, "/")); got != want {
			t.Errorf("baseName(%q) = %q, want %q", p, got, want)
		}
	}
}

// TestLowerJoin checks lowerJoin against strings.ToLower.
func TestLowerJoin(t *testing.T) {
	for _, c := range [][2]string{{"CORP", "Bob"}, {"corp", "bob"}, {"ÉCOLE", "Zoë"}, {"", "X"}} {
		if got, want := lowerJoin(c[0], c[1]), strings.ToLower(c[0]+`\`+c[1]); got != want {
			t.Errorf("lowerJoin(%q, %q) = %q, want %q", c[0], c[1], got, want)
		}
	}
}
