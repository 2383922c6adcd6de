package review

// CSFTitle returns the text of a NIST Cybersecurity Framework 2.0 outcome
// (subcategory) that action items use, e.g. "ID.IM-01"; "" for others.
func CSFTitle(id string) string {
	switch id {
	case "ID.IM-01":
		return "Improvements are identified from evaluations"
	case "ID.IM-02":
		return "Improvements are identified from security tests and exercises, including those done in coordination with suppliers and relevant third parties"
	case "ID.IM-03":
		return "Improvements are identified from execution of operational processes, procedures, and activities"
	case "ID.IM-04":
		return "Incident response plans and other cybersecurity plans that affect operations are established, communicated, maintained, and improved"
	case "ID.RA-01":
		return "Vulnerabilities in assets are identified, validated, and recorded"
	case "PR.AA-01":
		return "Identities and credentials for authorized users, services, and hardware are managed by the organization"
	case "PR.AA-03":
		return "Users, services, and hardware are authenticated"
	case "PR.AA-05":
		return "Access permissions, entitlements, and authorizations are defined in a policy, managed, enforced, and reviewed, and incorporate the principles of least privilege and separation of duties"
	case "PR.AT-01":
		return "Personnel are provided with awareness and training so that they possess the knowledge and skills to perform general tasks with cybersecurity risks in mind"
	case "PR.DS-01":
		return "The confidentiality, integrity, and availability of data-at-rest are protected"
	case "PR.DS-11":
		return "Backups of data are created, protected, maintained, and tested"
	case "PR.IR-01":
		return "Networks and environments are protected from unauthorized logical access and usage"
	case "PR.PS-01":
		return "Configuration management practices are established and applied"
	case "PR.PS-02":
		return "Software is maintained, replaced, and removed commensurate with risk"
	case "PR.PS-05":
		return "Installation and execution of unauthorized software are prevented"
	case "DE.CM-01":
		return "Networks and network services are monitored to find potentially adverse events"
	case "DE.CM-09":
		return "Computing hardware and software, runtime environments, and their data are monitored to find potentially adverse events"
	case "DE.AE-02":
		return "Potentially adverse events are analyzed to better understand associated activities"
	case "RS.MA-02":
		return "Incident reports are triaged and validated"
	case "RS.MA-03":
		return "Incidents are categorized and prioritized"
	case "RS.MI-01":
		return "Incidents are contained"
	case "RS.AN-03":
		return "Analysis is performed to establish what has taken place during an incident and the root cause of the incident"
	case "RS.AN-06":
		return "Actions performed during an investigation are recorded, and the records' integrity and provenance are preserved"
	}
	return ""
}

// mitigationCSF maps an ATT&CK mitigation to the CSF 2.0 outcome that
// verifying it serves; configuration management (PR.PS-01) by default.
func mitigationCSF(id string) string {
	switch id {
	case "M1017": // User Training
		return "PR.AT-01"
	case "M1032": // Multi-factor Authentication
		return "PR.AA-03"
	case "M1027": // Password Policies
		return "PR.AA-01"
	case "M1026", "M1018", "M1036": // Privileged Account Management, User Account Management, Account Use Policies
		return "PR.AA-05"
	case "M1051": // Update Software
		return "PR.PS-02"
	case "M1016": // Vulnerability Scanning
		return "ID.RA-01"
	case "M1038": // Execution Prevention
		return "PR.PS-05"
	case "M1030", "M1031", "M1035", "M1037": // Network Segmentation, Network Intrusion Prevention, Limit Access to Resource Over Network, Filter Network Traffic
		return "PR.IR-01"
	case "M1041": // Encrypt Sensitive Information
		return "PR.DS-01"
	case "M1053": // Data Backup
		return "PR.DS-11"
	}
	return "PR.PS-01"
}

// networkTactic reports whether a tactic is mostly seen in network
// telemetry rather than on hosts.
func networkTactic(shortname string) bool {
	switch shortname {
	case "reconnaissance", "lateral-movement", "command-and-control", "exfiltration":
		return true
	}
	return false
}
