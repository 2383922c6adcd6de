package simulate

import (
	"strconv"
	"time"

	"github.com/debrief-dev/debrief"
)

// Ids. Every format's ids derive from the incident's and the alert's
// sequence numbers (and the seed), so the ground truth can name them
// without keeping them.

const defenderIncidentBase = 100000

// defenderIncidentID is the Defender XDR (and Graph) incident id.
func defenderIncidentID(seq int64) string { return strconv.FormatInt(defenderIncidentBase+seq, 10) }

// unixTicks is 1970-01-01 in .NET ticks (100 ns since 0001-01-01).
const unixTicks = 621355968000000000

// appendDefenderAlertID appends a Defender alert id: endpoint alerts look like
// "da637551227677560813_-961444813" (prefix, .NET ticks of creation, a
// number unique per alert); others like "fa" + a GUID.
func appendDefenderAlertID(b []byte, seed uint64, seq int64, prefix string, created time.Time) []byte {
	b = append(b, prefix...)
	if prefix != "da" {
		return appendGUID(b, mix64(seed^uint64(seq)), mix64(uint64(seq)<<1|1))
	}
	ticks := uint64(created.UnixNano()/100) + unixTicks
	suffix := int32(uint32(seq) * 0x9E3779B1)
	b = strconv.AppendUint(b, ticks, 10)
	b = append(b, '_')
	return strconv.AppendInt(b, int64(suffix), 10)
}

// sentinelIncidentName is the GUID Sentinel names an incident by.
func sentinelIncidentName(seed uint64, seq int64) string {
	return formatGUID(mix64(seed^0x5e17^uint64(seq)<<8), mix64(uint64(seq)^seed<<1))
}

// sentinelAlertID is a SecurityAlert SystemAlertId.
func sentinelAlertID(seed uint64, seq int64) string {
	return formatGUID(mix64(seed^0xa1e7^uint64(seq)<<8), mix64(uint64(seq)^seed<<2))
}

// elasticAlertID is a kibana.alert.uuid: 64 hex digits.
func elasticAlertID(seed uint64, seq int64) string {
	b := make([]byte, 0, 64)
	for i := range 4 {
		v := mix64(seed ^ uint64(seq)<<2 ^ uint64(i) ^ 0xe1a5)
		b = appendHex64(b, v)
	}
	return string(b)
}

// wazuhAlertID is "<epoch seconds>.<offset>" as Wazuh writes it; the
// offset is unique per alert.
func wazuhAlertID(seq int64, created time.Time) string {
	return strconv.FormatInt(created.Unix(), 10) + "." + strconv.FormatInt(seq*1024+int64(mix64(uint64(seq))%1000), 10)
}

// ocsfFindingID is a finding_info.uid.
func ocsfFindingID(seed uint64, seq int64) string {
	return formatGUID(mix64(seed^0x0c5f^uint64(seq)<<8), mix64(uint64(seq)^seed<<3))
}

func appendHex64(b []byte, v uint64) []byte {
	const digits = "0123456789abcdef"
	for i := 15; i >= 0; i-- {
		b = append(b, digits[(v>>(4*i))&15])
	}
	return b
}

// incidentIDs returns the source-qualified incident id per format (alert
// formats have none: their incidents are correlated by debrief); defender
// is the qualified Defender id, which Graph shares.
func incidentIDs(seed uint64, seq int64, defender string, formats []string) FormatIDs {
	var out FormatIDs
	for _, f := range formats {
		switch f {
		case FormatDefender:
			out.Defender = defender
		case FormatGraph:
			out.Graph = defender
		case FormatSentinel:
			out.Sentinel = debrief.QualifiedID(debrief.SourceSentinel, sentinelIncidentName(seed, seq))
		}
	}
	return out
}

// alertIDs returns the source-qualified alert id per format.
func alertIDs(seed uint64, seq int64, a *debrief.Alert, formats []string) FormatIDs {
	var out FormatIDs
	for _, f := range formats {
		switch f {
		case FormatDefender:
			out.Defender = a.ID
		case FormatGraph:
			out.Graph = a.ID
		case FormatSentinel:
			out.Sentinel = debrief.QualifiedID(debrief.SourceSentinel, sentinelAlertID(seed, seq))
		case FormatElastic:
			out.Elastic = debrief.QualifiedID(debrief.SourceElastic, elasticAlertID(seed, seq))
		case FormatWazuh:
			agent, _, _ := wazuhAgent(a)
			out.Wazuh = debrief.QualifiedID(debrief.SourceWazuh, agent+":"+wazuhAlertID(seq, a.Created))
		case FormatOCSF:
			out.OCSF = debrief.QualifiedID(debrief.SourceOCSF, ocsfFindingID(seed, seq))
		}
	}
	return out
}
