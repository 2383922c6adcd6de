package server_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/postgres"
	"github.com/debrief-dev/debrief/server"
)

// TestTenants serves two tenants of one PostgreSQL database: each token
// sees, writes and manages only its own tenant's data, even where both
// hold an incident with the same id; a server for one tenant refuses the
// other's tokens.
func TestTenants(t *testing.T) {
	tn := newTenants(t, "tenant-bound tokens", debrief.RoleAdmin)
	base, names, secrets := tn.base, tn.names, tn.secrets
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	all, err := server.New(server.Config{Store: base, Tenants: base, Catalog: cat, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(all)
	defer srv.Close()
	call := func(method, path, secret, body string, want int) []byte {
		t.Helper()
		return callAs(t, srv.URL, method, path, secret, body, want)
	}
	ingestBody := `{"_id":"e1","_source":{"@timestamp":"2026-01-20T10:00:00Z","kibana.alert.uuid":"e1","kibana.alert.rule.name":"Encoded PowerShell","kibana.alert.severity":"high","kibana.alert.rule.threat":[{"framework":"MITRE ATT&CK","tactic":{"id":"TA0002","name":"Execution"},"technique":[{"id":"T1059","name":"Command and Scripting Interpreter"}]}],"host":{"name":"ws-1"}}}` + "\n"
	call("POST", "/api/v1/ingest", secrets[names[1]], ingestBody, 200)
	for i, name := range names {
		var in debrief.Incident
		if err := json.Unmarshal(call("GET", "/api/v1/incidents/defender:1", secrets[name], "", 200), &in); err != nil {
			t.Fatal(err)
		}
		if in.Title != "incident of "+name {
			t.Errorf("tenant %s's token reads %q", name, in.Title)
		}
		var page server.IncidentPage
		if err := json.Unmarshal(call("GET", "/api/v1/incidents", secrets[name], "", 200), &page); err != nil {
			t.Fatal(err)
		}
		if want := 1 + i; len(page.Incidents) != want { // globex also has the ingested alert's incident
			t.Errorf("tenant %s lists %d incidents, want %d: %+v", name, len(page.Incidents), want, page.Incidents)
		}
		var toks []debrief.Token
		if err := json.Unmarshal(call("GET", "/api/v1/tokens", secrets[name], "", 200), &toks); err != nil {
			t.Fatal(err)
		}
		if len(toks) != 1 || toks[0].Name != "admin of "+name {
			t.Errorf("tenant %s's admin lists tokens %+v, want only its own", name, toks)
		}
	}
	// A token issued through the API belongs to the issuer's tenant.
	var issued server.IssuedToken
	if err := json.Unmarshal(call("POST", "/api/v1/tokens", secrets[names[0]], `{"role":"viewer","name":"new"}`, 201), &issued); err != nil {
		t.Fatal(err)
	}
	var page server.IncidentPage
	if err := json.Unmarshal(call("GET", "/api/v1/incidents", issued.Secret, "", 200), &page); err != nil {
		t.Fatal(err)
	}
	if len(page.Incidents) != 1 || page.Incidents[0].Title != "incident of "+names[0] {
		t.Errorf("the new token lists %+v, want %s's incident", page.Incidents, names[0])
	}
	call("GET", "/api/v1/incidents", "dbf_unknown", "", 401)

	// A server of one tenant knows only that tenant's tokens.
	acme, err := base.ForTenant(names[0])
	if err != nil {
		t.Fatal(err)
	}
	one, err := server.New(server.Config{Store: acme, Catalog: cat, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv1 := httptest.NewServer(one)
	defer srv1.Close()
	for _, tc := range []struct {
		name, tenant string
		want         int
	}{{"own token", names[0], 200}, {"another tenant's token", names[1], 401}} {
		t.Run("server of one tenant, "+tc.name, func(t *testing.T) {
			callAs(t, srv1.URL, "GET", "/api/v1/incidents", secrets[tc.tenant], "", tc.want)
		})
	}
}

// tenants are two tenants of their own in the PostgreSQL database of
// DEBRIEF_TEST_POSTGRES, acme-… and globex-…, each holding the incident
// tenantIncident makes and a token.
type tenants struct {
	base    *postgres.Store // the default tenant's store, whose connections the others share
	names   []string
	secrets map[string]string // by tenant: the token's secret
	stores  map[string]*postgres.Store
}

// newTenants makes the two tenants, each with a token of role named
// "<role> of <tenant>", or skips the test when DEBRIEF_TEST_POSTGRES is
// unset (what names what it tests).
func newTenants(t *testing.T, what string, role debrief.Role) *tenants {
	t.Helper()
	dsn := os.Getenv("DEBRIEF_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("DEBRIEF_TEST_POSTGRES is unset: set it to a PostgreSQL DSN to test " + what + "; .ci/run starts a throwaway server")
	}
	ctx := context.Background()
	base, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { base.Close() })
	run := time.Now().UnixNano()
	tn := &tenants{base: base, names: []string{fmt.Sprintf("acme-%d", run), fmt.Sprintf("globex-%d", run)},
		secrets: map[string]string{}, stores: map[string]*postgres.Store{}}
	for _, name := range tn.names {
		st, err := base.ForTenant(name)
		if err != nil {
			t.Fatal(err)
		}
		tn.stores[name] = st
		in := tenantIncident(name)
		if _, err := st.Write(ctx, []debrief.Record{{Incident: &in}}); err != nil {
			t.Fatal(err)
		}
		if tn.secrets[name], _, err = server.IssueToken(ctx, st, rand.Reader, role, string(role)+" of "+name, now); err != nil {
			t.Fatal(err)
		}
	}
	return tn
}

// tenantIncident is the incident defender:1 of a tenant: the same id in
// every tenant, a title naming the tenant.
func tenantIncident(tenant string) debrief.Incident {
	return debrief.Incident{ID: "defender:1", Source: debrief.SourceDefender, SourceID: "1", Title: "incident of " + tenant,
		Severity: debrief.SeverityHigh, Times: debrief.Times{Created: now.Add(-time.Hour)}}
}

// callAs sends a request to the server at url with secret as the bearer
// token, reports a status other than want, and returns the JSON body.
func callAs(t *testing.T, url, method, path, secret, body string, want int) []byte {
	t.Helper()
	req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&raw)
	if resp.StatusCode != want {
		t.Errorf("%s %s as %s: %d, want %d: %s", method, path, secret[:min(8, len(secret))], resp.StatusCode, want, raw)
	}
	return raw
}
