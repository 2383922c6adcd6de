package rules_test

import (
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/rules"
)

func TestGuardYAML(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // substring of the error; "" for none
	}{
		{"plain rule", "title: x\ntags:\n    - attack.t1059\nlogsource:\n    product: windows\n", ""},
		{"flow and block nesting within the limit", strings.Repeat("[", 60) + strings.Repeat("]", 60) + "\n" + strings.Repeat("- ", 40) + "x\n", ""},
		{"closed brackets do not add up", strings.Repeat("[[]]", 500), ""},
		{"deep flow", strings.Repeat("[", 5000), "x.yml:1: nested deeper than 100 levels"},
		{"deep flow over lines", "a:\n" + strings.Repeat("  {\n", 200), "x.yml:"},
		{"deep block sequence on one line", strings.Repeat("- ", 3000) + "x", "nested deeper than 100"},
		{"deep complex keys", strings.Repeat("? ", 3000), "nested deeper than 100"},
		{"long line", "title: x\n0: 0\n0" + strings.Repeat("<", 9000) + "\n", "x.yml:3: line longer than 8 KiB"},
		{"long line last, no newline", "title: x\n" + strings.Repeat("%", 9000), "x.yml:2: line longer"},
		{"line at the limit", strings.Repeat("a", rules.MaxYAMLLine), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := rules.GuardYAML([]byte(tc.in), "x.yml")
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
