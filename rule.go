package debrief

// RuleStatus is the maturity of a detection rule.
type RuleStatus string

// Rule statuses, as the corpora spell them after folding: Sigma's
// stable/test/experimental/deprecated/unsupported, Elastic's
// production/development/deprecated maturity, Splunk's production/
// experimental/deprecated, Sentinel's Available/Deprecated.
const (
	RuleStable       RuleStatus = "stable"
	RuleTest         RuleStatus = "test"
	RuleExperimental RuleStatus = "experimental"
	RuleDeprecated   RuleStatus = "deprecated"
	RuleUnsupported  RuleStatus = "unsupported"
	RuleUnknown      RuleStatus = ""
)

// LogSource names the telemetry a rule reads, as its corpus says it:
// Sigma's product/category/service, Elastic's index patterns or
// integrations, Sentinel's data connectors and tables, Splunk's data
// sources.
type LogSource struct {
	Product  string `json:"product,omitempty"`
	Category string `json:"category,omitempty"`
	Service  string `json:"service,omitempty"`
	Name     string `json:"name,omitempty"` // a data source, table, index or integration
}

// Rule is one detection rule of a team's or a reference corpus, reduced to
// what coverage needs.
type Rule struct {
	ID         string        `json:"id"`     // corpus-qualified: "sigma:<uuid>", "elastic:<rule_id>"
	Corpus     string        `json:"corpus"` // sigma, elastic, sentinel, splunk, navigator
	Title      string        `json:"title"`
	Status     RuleStatus    `json:"status,omitempty"`
	Level      Severity      `json:"level,omitempty"`
	Techniques []TechniqueID `json:"techniques,omitempty"` // as tagged, normalised (revoked ids remapped)
	Tactics    []string      `json:"tactics,omitempty"`    // shortnames, when the rule names them
	// Unknown holds tagged ids the ATT&CK catalog in use does not know
	// (kept and reported, never dropped), and Remapped the revoked ids that
	// were replaced (old → new).
	Unknown    []string          `json:"unknown,omitempty"`
	Remapped   map[string]string `json:"remapped,omitempty"`
	LogSources []LogSource       `json:"log_sources,omitempty"`
	Enabled    bool              `json:"enabled"`         // false for rules shipped disabled
	Building   bool              `json:"building_block"`  // Elastic building-block rules: they feed other rules
	File       string            `json:"file,omitempty"`  // where it was read
	Score      *float64          `json:"score,omitempty"` // declared coverage score (Navigator layers)
}

// Active reports whether the rule counts towards coverage by default:
// not deprecated or unsupported.
func (r *Rule) Active() bool { return r.Status != RuleDeprecated && r.Status != RuleUnsupported }
