package stix

// wireObject holds the members of a STIX object that debrief keeps, for
// every object type at once; members of other types stay empty. Member
// order in the bundle does not matter, and everything else (contributors,
// the text of descriptions …) is skipped without being stored; of a
// description only its citation names are kept.
type wireObject struct {
	Type        string      `json:"type"`
	ID          string      `json:"id"`
	SpecVersion string      `json:"spec_version"`
	Name        string      `json:"name"`
	Modified    string      `json:"modified"`
	Revoked     bool        `json:"revoked"`
	Deprecated  bool        `json:"x_mitre_deprecated"`
	ExtRefs     []wireRef   `json:"external_references"`
	Domains     []string    `json:"x_mitre_domains"`
	Platforms   []string    `json:"x_mitre_platforms"`
	Description description `json:"description"`

	// attack-pattern
	Phases []wirePhase `json:"kill_chain_phases"`
	IsSub  bool        `json:"x_mitre_is_subtechnique"`
	// x-mitre-tactic
	Shortname string `json:"x_mitre_shortname"`
	// x-mitre-matrix
	TacticRefs []string `json:"tactic_refs"`
	// intrusion-set, campaign; malware and tool carry x_mitre_aliases
	Aliases      []string `json:"aliases"`
	MitreAliases []string `json:"x_mitre_aliases"`
	FirstSeen    string   `json:"first_seen"`
	LastSeen     string   `json:"last_seen"`
	// campaign
	FirstSeenCite citeNames `json:"x_mitre_first_seen_citation"`
	LastSeenCite  citeNames `json:"x_mitre_last_seen_citation"`
	// x-mitre-detection-strategy
	AnalyticRefs []string `json:"x_mitre_analytic_refs"`
	// x-mitre-analytic
	LogSourceRefs []wireLogSourceRef `json:"x_mitre_log_source_references"`
	// x-mitre-data-component
	LogSources []wireLogSource `json:"x_mitre_log_sources"`
	// x-mitre-collection
	Version string `json:"x_mitre_version"`
	// relationship
	RelType   string `json:"relationship_type"`
	SourceRef string `json:"source_ref"`
	TargetRef string `json:"target_ref"`
}

type wireRef struct {
	SourceName string `json:"source_name"`
	ExternalID string `json:"external_id"`
	URL        string `json:"url"`
	// CiteOnly: the description is only a citation mark (an alias entry)
	CiteOnly citeDescription `json:"description"`
}

type wirePhase struct {
	KillChain string `json:"kill_chain_name"`
	Phase     string `json:"phase_name"`
}

type wireLogSourceRef struct {
	DataComponent string `json:"x_mitre_data_component_ref"`
	Name          string `json:"name"`
	Channel       string `json:"channel"`
}

type wireLogSource struct {
	Name    string `json:"name"`
	Channel string `json:"channel"`
}
