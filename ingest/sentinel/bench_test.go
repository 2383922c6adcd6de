package sentinel

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/debrief-dev/debrief/ingest/internal/decodertest"
)

// alertRows generates n SecurityAlert rows as Log Analytics exports them,
// each with four entities (host, account, a process referring to both by
// $ref, its image file nested) and JSON text columns.
func alertRows(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		ts := fmt.Sprintf("2025-08-%02dT%02d:%02d:%02d.1234567Z", 1+i%28, i%24, i%60, (i/60)%60)
		ents := fmt.Sprintf(`[{\"$id\":\"3\",\"HostName\":\"ws-%05d\",\"DnsDomain\":\"corp.contoso.com\",\"OSFamily\":\"Windows\",\"Type\":\"host\"},`+
			`{\"$id\":\"4\",\"Name\":\"user%d\",\"NTDomain\":\"CORP\",\"Sid\":\"S-1-5-21-2002336348-1277238915-782003330-%d\",\"Type\":\"account\"},`+
			`{\"$id\":\"5\",\"ProcessId\":\"%d\",\"CommandLine\":\"powershell.exe -nop -enc SQBFAFgA%d\",\"CreationTimeUtc\":\"%s\",`+
			`\"ImageFile\":{\"$id\":\"6\",\"Directory\":\"C:\\\\Windows\\\\System32\",\"Name\":\"powershell.exe\",\"FileHashes\":[{\"$id\":\"7\",\"Algorithm\":\"SHA256\",\"Value\":\"4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b4%04d\",\"Type\":\"filehash\"}],\"Type\":\"file\"},`+
			`\"Host\":{\"$ref\":\"3\"},\"Account\":{\"$ref\":\"4\"},\"Type\":\"process\"},{\"$ref\":\"6\"}]`,
			i%5000, i%900, 1000+i%900, 1000+i%30000, i, ts, i%10000)
		fmt.Fprintf(&b, `{"TenantId":"0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b","TimeGenerated":"%s","DisplayName":"Encoded PowerShell command line","AlertName":"Encoded PowerShell command line","AlertSeverity":"Medium","Description":"A process ran PowerShell with an encoded command.","ProviderName":"ASI Scheduled Alerts","VendorName":"Microsoft","VendorOriginalId":"6f5e4d3c-2b1a-4098-8776-%012d","SystemAlertId":"6f5e4d3c-2b1a-4098-8776-%012d","AlertType":"0f1e2d3c_1a2b3c4d","IsIncident":0,"StartTime":"%s","EndTime":"%s","ProcessingEndTime":"%s","ExtendedProperties":"{\"Analytic Rule Ids\":\"[\\\"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d\\\"]\",\"Analytic Rule Name\":\"Encoded PowerShell\"}","Entities":"%s","ProductName":"Azure Sentinel","ProductComponentName":"Scheduled Alerts","Status":"New","Tactics":"Execution, DefenseEvasion","Techniques":"[\"T1059\",\"T1027\"]","SubTechniques":"[\"T1059.001\"]","Type":"SecurityAlert"}`+"\n",
			ts, i, i, ts, ts, ts, ents)
	}
	return b.Bytes()
}

// incidentRows generates n SecurityIncident rows: n/3 incidents written
// three times each.
func incidentRows(n int) []byte {
	var b bytes.Buffer
	states := []string{`"Status":"New","Owner":"{}"`, `"Status":"Active","Owner":"{\"assignedTo\":\"Priya Nair\",\"email\":\"priya.nair@contoso.com\"}"`,
		`"Status":"Closed","Classification":"TruePositive","ClassificationReason":"SuspiciousActivity","ClosedTime":"2025-06-11T10:00:00Z","Owner":"{\"assignedTo\":\"Priya Nair\"}"`}
	for i := range n {
		ts := fmt.Sprintf("2025-06-%02dT%02d:%02d:%02dZ", 1+i%28, i%24, i%60, (i/60)%60)
		fmt.Fprintf(&b, `{"TimeGenerated":"%s","IncidentName":"3c9a1f52-7d4e-4b8a-9e21-%012d","Title":"Password spray","Description":"Spray then success.","Severity":"Medium",%s,"IncidentNumber":%d,"FirstActivityTime":"%s","LastActivityTime":"%s","LastModifiedTime":"%s","CreatedTime":"%s","AlertIds":"[\"8d2e4f60-1a3b-4c5d-9e7f-%012d\"]","Comments":"[]","Labels":"[{\"labelName\":\"spray\",\"labelType\":\"User\"}]","AdditionalData":"{\"alertsCount\":1}","Type":"SecurityIncident"}`+"\n",
			ts, i/3, states[i%3], i/3, ts, ts, ts, ts, i/3)
	}
	return b.Bytes()
}

func BenchmarkDecode(b *testing.B) {
	for _, bc := range []struct {
		name, unit string
		data       []byte
	}{
		{"SecurityAlert", "alerts", alertRows(10000)},
		{"SecurityIncident", "incident-rows", incidentRows(10000)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			decodertest.Bench(b, New(), bc.data, bc.unit, 10000, decodertest.Records)
		})
	}
}
