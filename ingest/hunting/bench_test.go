package hunting

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/decodertest"
)

// streamInput generates n alerts as the streaming API delivers them: per
// alert one AlertInfo and two AlertEvidence records (device and file), one
// Event Hubs record per line.
func streamInput(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		id := fmt.Sprintf("da6380349385%08d_%d", i, 1000000000+i)
		ts := fmt.Sprintf("2025-03-%02dT%02d:%02d:%02d.1234567Z", 1+i%28, i%24, i%60, (i/60)%60)
		fmt.Fprintf(&b, `{"time":"%s","tenantId":"0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b","operationName":"Publish","category":"AdvancedHunting-AlertInfo","properties":{"Timestamp":"%s","AlertId":"%s","Title":"Suspicious process injection observed","Category":"DefenseEvasion","Severity":"Medium","ServiceSource":"Microsoft Defender for Endpoint","DetectionSource":"EDR","AttackTechniques":"[\"Process Injection (T1055)\",\"Dynamic-link Library Injection (T1055.001)\"]","MachineGroup":null},"Tenant":"DefaultTenant"}`+"\n", ts, ts, id)
		fmt.Fprintf(&b, `{"time":"%s","tenantId":"0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b","operationName":"Publish","category":"AdvancedHunting-AlertEvidence","properties":{"Timestamp":"%s","AlertId":"%s","EntityType":"Machine","EvidenceRole":"Impacted","DeviceId":"4f1c0e7a9b2d3c4e5f60718293a4b5c6d7e%05d","DeviceName":"ws-%05d.corp.contoso.com","AccountName":null,"AdditionalFields":"{\"HostName\":\"ws-%05d\"}"},"Tenant":"DefaultTenant"}`+"\n", ts, ts, id, i%100000, i%5000, i%5000)
		fmt.Fprintf(&b, `{"time":"%s","tenantId":"0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b","operationName":"Publish","category":"AdvancedHunting-AlertEvidence","properties":{"Timestamp":"%s","AlertId":"%s","EntityType":"File","EvidenceRole":"Related","FileName":"payload%d.dll","FolderPath":"C:\\Users\\Public","SHA1":"a94a8fe5ccb19ba61c4c0873d391e98798%06d","SHA256":null,"FileSize":48128,"ThreatFamily":null,"AdditionalFields":"{}"},"Tenant":"DefaultTenant"}`+"\n", ts, ts, id, i, i)
	}
	return b.Bytes()
}

// BenchmarkDecode decodes 10,000 alerts of three rows each; an alert is
// counted at its AlertInfo row (the evidence rows are partial).
func BenchmarkDecode(b *testing.B) {
	const alerts = 10000
	decodertest.Bench(b, New(), streamInput(alerts), "alerts", alerts, func(rec debrief.Record) int {
		if rec.Partial {
			return 0
		}
		return 1
	})
}
