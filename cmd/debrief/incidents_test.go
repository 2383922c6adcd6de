package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/internal/textsafe"
	"github.com/debrief-dev/debrief/sqlite"
)

// listFixture writes into home's default store three incidents:
//
//	defender:1001         T1566.001 (initial-access), a Defender alert
//	debrief:c0ffee01      T1110 (credential-access), correlated from a Wazuh alert
//	elastic's own alert   an Elastic alert without an incident is not listed
func listFixture(t *testing.T, home string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(home, "debrief.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	phish := debrief.Incident{ID: "defender:1001", Source: debrief.SourceDefender, SourceID: "1001",
		Title: "Phishing", Severity: debrief.SeverityHigh, Status: debrief.StatusActive, Times: debrief.Times{Created: t0},
		Alerts: []debrief.Alert{{ID: "defender:da1001", Source: debrief.SourceDefender, SourceID: "da1001", IncidentID: "defender:1001",
			Title: "Phishing link clicked", Created: t0,
			Techniques: []debrief.Technique{{ID: "T1566.001", Name: "Spearphishing Attachment", Tactics: []string{"initial-access"}}}}}}
	brute := debrief.Incident{ID: "debrief:c0ffee01", Source: debrief.SourceCorrelate, SourceID: "c0ffee01",
		Title: "Brute force on ubuntu2204", Severity: debrief.SeverityMedium, Status: debrief.StatusNew,
		Times: debrief.Times{Created: t0.Add(time.Hour)}}
	wa := debrief.Alert{ID: "wazuh:agent-1:1708", Source: debrief.SourceWazuh, SourceID: "agent-1:1708", IncidentID: brute.ID,
		Title: "sshd: brute force", Created: t0.Add(time.Hour),
		Techniques: []debrief.Technique{{ID: "T1110", Name: "Brute Force", Tactics: []string{"credential-access"}}}}
	lone := debrief.Alert{ID: "elastic:e1", Source: debrief.SourceElastic, SourceID: "e1", Title: "lone", Created: t0}
	recs := []debrief.Record{{Incident: &phish}, {Incident: &brute}, {Alert: &wa}, {Alert: &lone}}
	if _, err := st.Write(ctx, recs); err != nil {
		t.Fatal(err)
	}
}

func TestIncidentsFilterFlags(t *testing.T) {
	home := t.TempDir()
	listFixture(t, home)
	tests := []struct {
		name string
		args []string
		code int
		want string // the listed ids, or a substring of stderr when code is not 0
	}{
		{"tactic shortname", []string{"--tactic", "initial-access"}, 0, "defender:1001"},
		{"tactic name", []string{"--tactic", "Initial Access"}, 0, "defender:1001"},
		{"tactic id", []string{"--tactic", "TA0001"}, 0, "defender:1001"},
		{"tactic id lower case", []string{"--tactic", "ta0006"}, 0, "debrief:c0ffee01"},
		{"tactic camel case", []string{"--tactic", "InitialAccess"}, 0, "defender:1001"},
		{"tactic underscores", []string{"--tactic", "credential_access"}, 0, "debrief:c0ffee01"},
		{"source of the incident", []string{"--source", "defender"}, 0, "defender:1001"},
		{"source of an alert in a correlated incident", []string{"--source", "wazuh"}, 0, "debrief:c0ffee01"},
		{"source in capitals", []string{"--source", "WAZUH"}, 0, "debrief:c0ffee01"},
		{"sources", []string{"--source", "wazuh,defender"}, 0, "debrief:c0ffee01 defender:1001"},
		{"source of an alert in no incident", []string{"--source", "elastic"}, 0, ""},
		{"source unknown", []string{"--source", "splunk"}, 2, `--source "splunk": want one of defender, sentinel, elastic, wazuh, ocsf, debrief (Microsoft Graph and advanced hunting data are stored under defender)`},
		{"severity unknown", []string{"--severity", "extreme"}, 2, `--severity "extreme": want one of informational, low, medium, high, critical` + "\n"},
		{"tactic unknown", []string{"--tactic", "lateral"}, 2, `--tactic "lateral": not an ATT&CK tactic; want an id, name or shortname such as reconnaissance, resource-development, initial-access`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := cli(t, home, "", append([]string{"incidents"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if code != 0 {
				if !strings.Contains(errOut, tc.want) {
					t.Errorf("stderr lacks %q:\n%s", tc.want, errOut)
				}
				return
			}
			if got := listedIDs(out); got != tc.want {
				t.Errorf("listed %q, want %q\n%s", got, tc.want, out)
			}
		})
	}
}

// listedIDs returns the first column of "debrief incidents" text output,
// without its header.
func listedIDs(out string) string {
	var ids []string
	for i, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if f := strings.Fields(line); i > 0 && len(f) > 0 {
			ids = append(ids, f[0])
		}
	}
	return strings.Join(ids, " ")
}

// evil is text an attacker can place in an alert or incident: a window
// title, colours, a forged line, NUL and a bidi override.
const evil = "Mimi\u001b]0;pwned\u0007\u001b[31mRED\u001b[0m\nFAKE LINE\x00\u202egnp.exe\t\u0085\u009b"

func TestControlCharacters(t *testing.T) {
	home := t.TempDir()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(home, "debrief.db"))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	in := debrief.Incident{ID: "defender:666", Source: debrief.SourceDefender, SourceID: "666",
		Title: evil, Severity: debrief.SeverityHigh, Status: debrief.StatusActive, Assignee: evil, Determination: evil,
		Times:    debrief.Times{Created: t0},
		Comments: []debrief.Comment{{At: t0, Author: evil, Text: evil}},
		Alerts: []debrief.Alert{{ID: "defender:da666", Source: debrief.SourceDefender, SourceID: "da666", IncidentID: "defender:666",
			Title: evil, Created: t0, Techniques: []debrief.Technique{{ID: "T1566.001", Name: evil, Tactics: []string{evil}}},
			Entities: []debrief.Entity{{Kind: debrief.EntityFile, ID: evil, Name: evil + "x"}}}}}
	if _, err := st.Write(ctx, []debrief.Record{{Incident: &in}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	var got strings.Builder
	for _, args := range [][]string{{"incidents"}, {"incident", "show", "defender:666"}} {
		out, errOut, code := cli(t, home, "", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		for _, r := range out {
			if r != '\n' && textsafe.Unsafe(r) {
				t.Errorf("%v: output has %U:\n%s", args, r, out)
				break
			}
		}
		got.WriteString("$ debrief " + strings.Join(args, " ") + "\n" + out)
	}
	testutil.Golden(t, t.Name(), []byte(got.String()))
}

func TestIncidentsJSON(t *testing.T) {
	home := t.TempDir()
	listFixture(t, home)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(home, "debrief.db"))
	if err != nil {
		t.Fatal(err)
	}
	bare := debrief.Incident{ID: "sentinel:bare", Source: debrief.SourceSentinel, SourceID: "bare", Title: "no state"}
	if _, err := st.Write(ctx, []debrief.Record{{Incident: &bare}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out, errOut, code := cli(t, home, "", "incidents", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id         string
		keys, nots string // keys present, keys absent
	}{
		{"defender:1001", "id title severity status created techniques tactics", "verdict"},
		{"sentinel:bare", "id title techniques tactics", "severity status verdict created"},
	}
	for _, tc := range tests {
		i := slices.IndexFunc(rows, func(r map[string]any) bool { return r["id"] == tc.id })
		if i < 0 {
			t.Fatalf("%s not listed:\n%s", tc.id, out)
		}
		for _, k := range strings.Fields(tc.keys) {
			if _, ok := rows[i][k]; !ok {
				t.Errorf("%s: no %q", tc.id, k)
			}
		}
		for _, k := range strings.Fields(tc.nots) {
			if v, ok := rows[i][k]; ok {
				t.Errorf("%s: %q is %q, want it omitted", tc.id, k, v)
			}
		}
	}
}

func TestStoreAndArgumentErrors(t *testing.T) {
	t.Chdir(t.TempDir()) // where a DSN taken for a SQLite path would be made
	home := t.TempDir()
	listFixture(t, home)
	dir, missing := t.TempDir(), filepath.Join(t.TempDir(), "none.db")
	tests := []struct {
		name      string
		args      []string
		code      int
		want, not string // in stdout or stderr; not there
	}{
		{"store is a folder", []string{"incidents", "--db", dir}, 1, "debrief: open store " + dir + ": ", "open store " + dir + ": open store"},
		{"no store: incidents", []string{"incidents", "--db", missing}, 1,
			"debrief: store " + missing + " does not exist: create one with 'debrief ingest PATH…'", ""},
		{"no store: incident show", []string{"incident", "show", "defender:1001", "--db", missing}, 1, "does not exist", ""},
		{"no store: checkpoint list", []string{"checkpoint", "list", "--db", missing}, 1, "does not exist", ""},
		{"no store: trends", []string{"trends", "--db", missing}, 1, "does not exist", ""},
		{"negative limit", []string{"incidents", "--limit", "-1"}, 2, "debrief: --limit -1: want a count, or 0 for all", "offset"},
		{"usage points at the command's help", []string{"incidents", "--severity", "extreme"}, 2, "Run 'debrief incidents --help' for usage.", ""},
		{"flag error points at the command's help", []string{"incident", "show", "--frob"}, 2, "Run 'debrief incident show --help' for usage.", ""},
		{"source prefix in capitals", []string{"incident", "show", "DEFENDER:1001"}, 0, "defender:1001  Phishing", ""},
		{"source prefix mixed case", []string{"incident", "show", "Debrief:c0ffee01"}, 0, "debrief:c0ffee01  Brute force", ""},
		{"qualified id not found", []string{"incident", "show", "defender:9999"}, 1,
			`debrief: incident "defender:9999" not found (list them with 'debrief incidents')`, ""},
		{"graph prefix", []string{"incident", "show", "graph:1001"}, 1,
			`debrief: incident "graph:1001" not found: Graph incidents are stored as defender:1001` + "\n", ""},
		{"graph prefix of none", []string{"review", "Graph:9999"}, 1,
			`debrief: incident "Graph:9999" not found: Graph incidents are stored as defender:9999, which is not in the store either`, ""},
		{"another source's id", []string{"incident", "show", "sentinel:1001"}, 1,
			`debrief: incident "sentinel:1001" not found; did you mean defender:1001?`, ""},
		{"bare id not found", []string{"incident", "show", "9999"}, 1, `debrief: incident "9999" not found (list them with 'debrief incidents')`, ""},
		{"postgres store named once, masked", []string{"incidents", "--db", "postgres://postgres@/nodb?host=" + dir + "/pg&password=S3CRET"}, 1,
			"debrief: open store postgres://postgres@/nodb?host=" + dir + "/pg&password=xxxxx: failed to connect", "S3CRET"},
		{"mistyped scheme", []string{"ingest", "--db", "postgress://postgres@localhost/deb", os.DevNull}, 2,
			`debrief: --db postgress://postgres@localhost/deb: unknown scheme "postgress": want a postgres:// or postgresql:// URL, or a SQLite file path`, ""},
		{"key=value DSN", []string{"ingest", "--db", "host=/tmp/pg dbname=x password=S3CRET", os.DevNull}, 2,
			"debrief: --db host=/tmp/pg dbname=x password=xxxxx: a key=value DSN: write it as a URL, postgres://", "S3CRET"},
		{"tenant flag on SQLite", []string{"incidents", "--tenant", "acme"}, 2, "debrief: --tenant acme: tenants need a PostgreSQL store", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := cli(t, home, "", tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if !strings.Contains(out+errOut, tc.want) || tc.not != "" && strings.Contains(out+errOut, tc.not) {
				t.Errorf("want %q and not %q in\nstdout: %s\nstderr: %s", tc.want, tc.not, out, errOut)
			}
		})
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("a read-only command created %s", missing)
	}
	if _, err := os.Stat("postgress:"); err == nil {
		t.Errorf("a mistyped postgres:// URL made a SQLite store")
	}
	if m, _ := filepath.Glob("host=*"); len(m) > 0 {
		t.Errorf("a key=value DSN made a SQLite store: %v", m)
	}
	t.Setenv("DEBRIEF_DB", "postgresql+x://u@h/d")
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"incidents"}, strings.NewReader(""), io.Discard, &stderr); code != 2 ||
		!strings.Contains(stderr.String(), "debrief: DEBRIEF_DB=postgresql+x://u@h/d: unknown scheme") {
		t.Errorf("DEBRIEF_DB of another scheme: exit %d %q, want 2 naming DEBRIEF_DB", code, stderr.String())
	}
	t.Setenv("DEBRIEF_DB", "")
	t.Setenv("DEBRIEF_TENANT", "acme")
	if _, errOut, code := cli(t, home, "", "incidents"); code != 2 ||
		!strings.Contains(errOut, "debrief: DEBRIEF_TENANT=acme: tenants need a PostgreSQL store") {
		t.Errorf("DEBRIEF_TENANT on SQLite: exit %d %q, want 2 naming DEBRIEF_TENANT", code, errOut)
	}
}

// TestIncidentsUnknownCreated: an incident with no created time shows
// "-", not the zero time (--json leaves the field out).
func TestIncidentsUnknownCreated(t *testing.T) {
	var b strings.Builder
	printIncidents(&b, []debrief.Incident{{ID: "defender:7", Title: "no times", Severity: debrief.SeverityLow}})
	lines := strings.Split(b.String(), "\n")
	if f := strings.Fields(lines[1]); len(f) < 2 || f[1] != "-" || strings.Contains(b.String(), "0001-01-01") {
		t.Errorf("created column of an unknown time:\n%s", b.String())
	}
}
