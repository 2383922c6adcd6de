package ocsf

import "github.com/go-json-experiment/json/jsontext"

// finding is an OCSF Detection Finding (2004) or Security Finding (2001),
// with the attributes debrief maps.
type finding struct {
	ClassUID    int            `json:"class_uid"`
	ActivityID  int            `json:"activity_id"`
	Time        jsontext.Value `json:"time"`
	TimeDT      string         `json:"time_dt"`
	StartTime   jsontext.Value `json:"start_time"`
	StartTimeDT string         `json:"start_time_dt"`
	EndTime     jsontext.Value `json:"end_time"`
	EndTimeDT   string         `json:"end_time_dt"`
	Message     string         `json:"message"`
	Severity    string         `json:"severity"`
	SeverityID  int            `json:"severity_id"`
	Status      string         `json:"status"`
	StatusID    int            `json:"status_id"`
	State       string         `json:"state"`    // Security Finding
	StateID     int            `json:"state_id"` // Security Finding
	Verdict     string         `json:"verdict"`
	VerdictID   int            `json:"verdict_id"`
	Metadata    struct {
		UID     string `json:"uid"`
		Product struct {
			Name       string `json:"name"`
			VendorName string `json:"vendor_name"`
		} `json:"product"`
	} `json:"metadata"`
	FindingInfo *findingInfo `json:"finding_info"`
	Finding     *findingInfo `json:"finding"`  // Security Finding
	Attacks     []attack     `json:"attacks"`  // Security Finding, Security Control profile
	Analytic    *analytic    `json:"analytic"` // Security Finding
	Malware     []struct {
		Name string `json:"name"`
	} `json:"malware"`
	Resources   []resource   `json:"resources"`
	Evidences   []evidence   `json:"evidences"`
	Device      *device      `json:"device"`
	Actor       *actor       `json:"actor"`
	Process     *process     `json:"process"` // Security Finding
	Observables []observable `json:"observables"`
	Cloud       struct {
		Provider string `json:"provider"`
		Account  struct {
			UID string `json:"uid"`
		} `json:"account"`
	} `json:"cloud"`
}

// findingInfo is the finding_info object (finding in OCSF 1.0).
type findingInfo struct {
	UID             string         `json:"uid"`
	Title           string         `json:"title"`
	Desc            string         `json:"desc"`
	SrcURL          string         `json:"src_url"`
	Types           []string       `json:"types"`
	CreatedTime     jsontext.Value `json:"created_time"`
	CreatedTimeDT   string         `json:"created_time_dt"`
	FirstSeenTime   jsontext.Value `json:"first_seen_time"`
	FirstSeenTimeDT string         `json:"first_seen_time_dt"`
	LastSeenTime    jsontext.Value `json:"last_seen_time"`
	LastSeenTimeDT  string         `json:"last_seen_time_dt"`
	ModifiedTime    jsontext.Value `json:"modified_time"`
	ModifiedTimeDT  string         `json:"modified_time_dt"`
	Attacks         []attack       `json:"attacks"`
	Analytic        *analytic      `json:"analytic"`
}

// attack is a MITRE ATT&CK object: a tactic (or, in OCSF 1.0, a list of
// tactics) with a technique and sub-technique.
type attack struct {
	Tactic       *ref  `json:"tactic"`
	Tactics      []ref `json:"tactics"`
	Technique    *ref  `json:"technique"`
	SubTechnique *ref  `json:"sub_technique"`
}

type ref struct {
	UID  string `json:"uid"`
	Name string `json:"name"`
}

// analytic is the rule or model that produced the finding.
type analytic struct {
	UID  string `json:"uid"`
	Name string `json:"name"`
	Type string `json:"type"`
}

type resource struct {
	UID    string `json:"uid"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Region string `json:"region"`
}

// evidence is one element of evidences: the artifacts of the activity that
// triggered the detection.
type evidence struct {
	SrcEndpoint *endpoint  `json:"src_endpoint"`
	DstEndpoint *endpoint  `json:"dst_endpoint"`
	Device      *device    `json:"device"`
	Process     *process   `json:"process"`
	File        *file      `json:"file"`
	Actor       *actor     `json:"actor"`
	User        *user      `json:"user"`
	API         *api       `json:"api"`
	URL         *url       `json:"url"`
	Query       *query     `json:"query"`
	Email       *email     `json:"email"`
	Resources   []resource `json:"resources"`
}

type endpoint struct {
	IP       string `json:"ip"`
	Hostname string `json:"hostname"`
	Name     string `json:"name"`
	UID      string `json:"uid"`
}

type device struct {
	Hostname    string `json:"hostname"`
	Name        string `json:"name"`
	UID         string `json:"uid"`
	IP          string `json:"ip"`
	InstanceUID string `json:"instance_uid"`
}

type process struct {
	PID         int            `json:"pid"`
	UID         string         `json:"uid"`
	Name        string         `json:"name"`
	CmdLine     string         `json:"cmd_line"`
	CreatedTime jsontext.Value `json:"created_time"`
	File        *file          `json:"file"`
}

type file struct {
	Name   string        `json:"name"`
	Path   string        `json:"path"`
	Size   int64         `json:"size"`
	Hashes []fingerprint `json:"hashes"`
}

// fingerprint is a file hash; algorithm_id 1 MD5, 2 SHA-1, 3 SHA-256.
type fingerprint struct {
	Algorithm   string `json:"algorithm"`
	AlgorithmID int    `json:"algorithm_id"`
	Value       string `json:"value"`
}

type user struct {
	Name      string `json:"name"`
	UID       string `json:"uid"`
	EmailAddr string `json:"email_addr"`
	Domain    string `json:"domain"`
}

type actor struct {
	User    *user    `json:"user"`
	Process *process `json:"process"`
}

type api struct {
	Operation string `json:"operation"`
	Service   struct {
		Name string `json:"name"`
		UID  string `json:"uid"`
	} `json:"service"`
}

type url struct {
	URLString string `json:"url_string"`
}

type query struct {
	Hostname string `json:"hostname"`
}

type email struct {
	UID        string   `json:"uid"`
	MessageUID string   `json:"message_uid"`
	From       string   `json:"from"`
	To         []string `json:"to"`
	Subject    string   `json:"subject"`
}

// observable is a pivot value of the finding; type_id says what it is
// (1 hostname, 2 IP address, 4 user name, 5 e-mail address, 6 URL,
// 8 hash, 10 resource uid, …).
type observable struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	TypeID int    `json:"type_id"`
	Value  string `json:"value"`
}
