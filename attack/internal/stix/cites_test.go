package stix

import (
	"slices"
	"testing"
)

func TestAppendCiteNames(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"no marks", nil},
		{"a (Citation: A) b(Citation: B c)", []string{"A", "B c"}},
		{"(Citation: )(Citation: X)", []string{"X"}},
		{"(Citation: unclosed", nil},
		{"(Citation: A)(Citation: A)", []string{"A", "A"}},
	} {
		if got := appendCiteNames(nil, []byte(tc.text)); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.text, got, tc.want)
		}
	}
}
