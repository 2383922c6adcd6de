package wazuh

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/debrief-dev/debrief/ingest/internal/decodertest"
)

// genAlerts writes n alerts.json lines: Windows logon failures with ATT&CK
// ids, as a busy manager writes them.
func genAlerts(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"timestamp":"2024-03-04T09:%02d:%02d.118+0000","rule":{"level":%d,"description":"Multiple Windows logon failures.","id":"60204",`+
			`"mitre":{"id":["T1110","T1078.002"],"tactic":["Credential Access","Defense Evasion","Persistence","Privilege Escalation","Initial Access"],"technique":["Brute Force","Domain Accounts"]},`+
			`"frequency":8,"firedtimes":%d,"mail":false,"groups":["windows","windows_security","authentication_failures"],"pci_dss":["10.2.4","10.2.5"],"gdpr":["IV_35.7.d","IV_32.2"]},`+
			`"agent":{"id":"%03d","name":"WIN-SRV%03d.corp.example.org","ip":"10.10.%d.%d"},"manager":{"name":"wazuh-manager-1"},"id":"1709543564.%d",`+
			`"cluster":{"name":"wazuh","node":"master"},"decoder":{"name":"windows_eventchannel"},`+
			`"data":{"win":{"system":{"providerName":"Microsoft-Windows-Security-Auditing","eventID":"4625","computer":"WIN-SRV%03d.corp.example.org"},`+
			`"eventdata":{"targetUserName":"user%d","targetDomainName":"CORP","ipAddress":"203.0.113.%d","logonType":"3","processId":"0x2a4"}}},"location":"EventChannel"}`+"\n",
			i/60%60, i%60, i%16, i, i%200, i%200, i%250, i%200+1, 8800000+i, i%200, i%50, i%250+1)
	}
	return b.Bytes()
}

// BenchmarkDecode decodes 10,000 alerts.json lines in memory.
func BenchmarkDecode(b *testing.B) {
	const n = 10000
	decodertest.Bench(b, New(), genAlerts(n), "alerts", n, decodertest.Alerts)
}
