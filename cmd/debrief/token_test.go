package main

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// dateTime matches the times of "token list": created and revoked.
var dateTime = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`)

func TestTokenCommands(t *testing.T) {
	home := t.TempDir()
	out, errOut, code := cli(t, home, "", "token", "create", "--role", "analyst", "--name", "forwarder")
	secret := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(secret, "dbf_") || !strings.Contains(errOut, "shown only now") {
		t.Fatalf("create: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, _, code = cli(t, home, "", "token", "list", "--json")
	var list []struct{ ID, Name, Role string }
	if err := json.Unmarshal([]byte(out), &list); err != nil || code != 0 || len(list) != 1 || list[0].Role != "analyst" ||
		list[0].Name != "forwarder" || strings.Contains(out, secret) {
		t.Fatalf("list: exit %d, %v: %s", code, err, out)
	}
	tests := []struct {
		name string
		args []string
		want int
		says string // in stderr
	}{
		{"revoke", []string{"token", "revoke", list[0].ID}, 0, ""},
		{"revoke unknown", []string{"token", "revoke", "nope"}, 1, ""},
		{"bad role", []string{"token", "create", "--role", "root"}, 2, `--role "root": want one of viewer, analyst, admin` + "\n"},
		{"no role", []string{"token", "create"}, 2, ""},
		{"empty name", []string{"token", "create", "--role", "viewer", "--name", ""}, 1, "token name: empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, errOut, code := cli(t, home, "", tc.args...); code != tc.want || !strings.Contains(errOut, tc.says) {
				t.Errorf("exit %d, want %d and %q: %s", code, tc.want, tc.says, errOut)
			}
		})
	}
	out, _, _ = cli(t, home, "", "token", "list")
	if !strings.Contains(out, "forwarder") || strings.Count(out, "\n") != 2 || len(dateTime.FindAllString(out, -1)) != 2 {
		t.Errorf("list after revoke:\n%s", out)
	}
	// Without --name, a token is named by its role and day.
	if _, errOut, code := cli(t, home, "", "token", "create", "--role", "viewer", "-q"); code != 0 {
		t.Fatalf("create without --name: exit %d: %s", code, errOut)
	}
	out, _, _ = cli(t, home, "", "token", "list", "--json")
	list = nil
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 2 ||
		!slices.ContainsFunc(list, func(tk struct{ ID, Name, Role string }) bool {
			return regexp.MustCompile(`^cli-viewer-\d{4}-\d\d-\d\d$`).MatchString(tk.Name)
		}) {
		t.Errorf("list, want a token named cli-viewer-DATE: %v %s", err, out)
	}
}
