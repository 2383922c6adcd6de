package testutil

import "testing"

func TestLoad(t *testing.T) {
	calls := 0
	got := Load(t, func() ([]string, error) { calls++; return []string{"T1059"}, nil })
	if len(got) != 1 || got[0] != "T1059" || calls != 1 {
		t.Errorf("Load = %q after %d calls, want [T1059] after one", got, calls)
	}
}
