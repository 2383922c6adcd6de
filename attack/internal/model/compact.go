package model

import (
	"encoding/hex"
	"strings"
)

// Site is the start of every ATT&CK URL.
const Site = "https://attack.mitre.org/"

var urlPaths = [numKinds]string{
	Technique:         "techniques/",
	Tactic:            "tactics/",
	Group:             "groups/",
	Campaign:          "campaigns/",
	Malware:           "software/",
	Tool:              "software/",
	Mitigation:        "mitigations/",
	DataComponent:     "datacomponents/",
	DetectionStrategy: "detectionstrategies/",
}

// DerivedURL is the URL ATT&CK gives an object of kind k with the ATT&CK
// id, e.g. https://attack.mitre.org/techniques/T1055/011; "" for kinds
// whose URL does not follow from the id (analytics, matrices).
func DerivedURL(k Kind, id string) string {
	return string(appendDerivedURL(nil, k, id))
}

func appendDerivedURL(b []byte, k Kind, id string) []byte {
	if !k.Valid() || urlPaths[k] == "" || id == "" {
		return b
	}
	b = append(append(b, Site...), urlPaths[k]...)
	if k == Technique {
		return append(b, strings.ReplaceAll(id, ".", "/")...)
	}
	return append(b, id...)
}

// packUUID returns the 16 bytes of a STIX id of the form
// "<type>--xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (lower-case hex), where
// type is k's STIX type; ok is false for any other form.
func packUUID(k Kind, id string) (out [16]byte, ok bool) {
	prefix := k.STIXType() + "--"
	if !k.Valid() || !strings.HasPrefix(id, prefix) {
		return out, false
	}
	u := id[len(prefix):]
	if len(u) != 36 || u[8] != '-' || u[13] != '-' || u[18] != '-' || u[23] != '-' {
		return out, false
	}
	h := u[:8] + u[9:13] + u[14:18] + u[19:23] + u[24:]
	if strings.ToLower(h) != h {
		return out, false
	}
	if _, err := hex.Decode(out[:], []byte(h)); err != nil {
		return out, false
	}
	return out, true
}

// appendSTIXID appends the STIX id of kind k with the 16 UUID bytes u.
func appendSTIXID(b []byte, k Kind, u string) []byte {
	const digits = "0123456789abcdef"
	b = append(append(b, k.STIXType()...), "--"...)
	for i := 0; i < 16; i++ {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, digits[u[i]>>4], digits[u[i]&15])
	}
	return b
}
