package playbook

import (
	"fmt"
	"os"
	"strings"

	"github.com/goccy/go-yaml"
)

// Config is the operator's side of playbooks: whether live runs are
// allowed at all, where webhooks may go, credentials and endpoints. Secrets
// are named here by environment variable or file, never written inline.
type Config struct {
	// Live must be true for any run to act; a run also needs --live.
	Live bool `yaml:"live"`
	// WebhookHosts lists the hosts webhooks may call: exact names, or
	// "*.example.com" for any subdomain. Empty: no webhook may be called live.
	WebhookHosts []string    `yaml:"webhook_hosts,omitempty"`
	Graph        GraphConfig `yaml:"graph,omitempty"`
	SMTP         SMTPConfig  `yaml:"smtp,omitempty"`
	Exec         ExecConfig  `yaml:"exec,omitempty"`
	// Fire is what "debrief serve --playbooks DIR" does with DIR's
	// playbooks as incidents are created and updated: "off" (the default:
	// nothing), "dry" (records their plans) or "live" (acts; needs live:
	// true as well).
	Fire string `yaml:"fire,omitempty"`
}

// Fire modes.
const (
	FireOff  = "off"
	FireDry  = "dry"
	FireLive = "live"
)

// GraphConfig is how graph steps reach Microsoft Graph and the Defender
// for Endpoint API with OAuth2 client credentials. Endpoints default to
// Microsoft's public cloud; tests point them at a local server.
type GraphConfig struct {
	TenantID         string `yaml:"tenant_id,omitempty"`
	ClientID         string `yaml:"client_id,omitempty"`
	ClientSecretEnv  string `yaml:"client_secret_env,omitempty"`
	ClientSecretFile string `yaml:"client_secret_file,omitempty"`
	TokenURL         string `yaml:"token_url,omitempty"`    // default https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token
	GraphURL         string `yaml:"graph_url,omitempty"`    // default https://graph.microsoft.com
	DefenderURL      string `yaml:"defender_url,omitempty"` // default https://api.security.microsoft.com
}

// SMTPConfig is the mail relay email steps use.
type SMTPConfig struct {
	Addr         string `yaml:"addr,omitempty"` // host:port
	From         string `yaml:"from,omitempty"`
	Username     string `yaml:"username,omitempty"`
	PasswordEnv  string `yaml:"password_env,omitempty"`
	PasswordFile string `yaml:"password_file,omitempty"`
}

// ExecConfig allows exec steps. Off unless Enabled, and then only the
// programs in Allow (absolute paths) run.
type ExecConfig struct {
	Enabled bool     `yaml:"enabled,omitempty"`
	Allow   []string `yaml:"allow,omitempty"`
}

// LoadConfig reads a configuration file.
func LoadConfig(path string) (Config, error) {
	var c Config
	data, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("read playbook config: %w", err)
	}
	if err := yaml.UnmarshalWithOptions(data, &c, yaml.Strict(), yaml.DisallowUnknownField()); err != nil {
		p := yamlProblem(path, err)
		return c, p
	}
	switch {
	case c.Fire != "" && c.Fire != FireOff && c.Fire != FireDry && c.Fire != FireLive:
		return c, Problem{File: path, Path: "$.fire", Reason: fmt.Sprintf("want off, dry or live, got %q", c.Fire)}
	case c.Fire == FireLive && !c.Live:
		return c, Problem{File: path, Path: "$.fire", Reason: "fire: live needs live: true"}
	}
	return c, nil
}

func (g GraphConfig) graphURL() string {
	return strings.TrimRight(or(g.GraphURL, "https://graph.microsoft.com"), "/")
}
func (g GraphConfig) defenderURL() string {
	return strings.TrimRight(or(g.DefenderURL, "https://api.security.microsoft.com"), "/")
}
func (g GraphConfig) tokenURL() string {
	return or(g.TokenURL, "https://login.microsoftonline.com/"+g.TenantID+"/oauth2/v2.0/token")
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// hostAllowed reports whether host is on the allow-list.
func (c *Config) hostAllowed(host string) bool {
	host = strings.ToLower(host)
	for _, h := range c.WebhookHosts {
		h = strings.ToLower(h)
		if h == host || strings.HasPrefix(h, "*.") && strings.HasSuffix(host, h[1:]) {
			return true
		}
	}
	return false
}

// secret reads a secret from an environment variable or a file.
func secret(getenv func(string) string, env, file string) (string, error) {
	switch {
	case env != "":
		v := getenv(env)
		if v == "" {
			return "", fmt.Errorf("environment variable %s is empty", env)
		}
		return v, nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read secret: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return "", fmt.Errorf("no secret configured")
}
