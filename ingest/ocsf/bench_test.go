package ocsf

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/debrief-dev/debrief/ingest/internal/decodertest"
)

// genFindings writes n Detection Findings as NDJSON, shaped like an EDR's
// export: ATT&CK, device, actor, a process evidence with file hashes.
func genFindings(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"activity_id":1,"class_uid":2004,"category_uid":2,"type_uid":200401,"time":%d,"severity_id":%d,"status_id":1,`+
			`"metadata":{"version":"1.3.0","product":{"name":"Falcon Insight","vendor_name":"CrowdStrike"}},`+
			`"finding_info":{"uid":"ldt:%016x:%d","title":"Credential dumping via LSASS access","types":["Credential Theft"],"created_time":%d,`+
			`"first_seen_time":%d,"analytic":{"uid":"CST0418","name":"CredentialDumpingLsass","type":"Rule","type_id":1},`+
			`"attacks":[{"version":"v14","tactic":{"uid":"TA0006","name":"Credential Access"},"technique":{"uid":"T1003","name":"OS Credential Dumping"},"sub_technique":{"uid":"T1003.001","name":"LSASS Memory"}}]},`+
			`"device":{"hostname":"WS-%04d.corp.example.org","uid":"%016x","ip":"10.20.%d.%d"},"actor":{"user":{"name":"user%d","domain":"CORP"}},`+
			`"evidences":[{"process":{"pid":%d,"name":"procdump64.exe","cmd_line":"procdump64.exe -accepteula -ma lsass.exe out.dmp","created_time":%d,`+
			`"file":{"name":"procdump64.exe","path":"C:\\Tools\\procdump64.exe","hashes":[{"algorithm_id":3,"value":"05732e84de58a3cc142535431b3aa04efbe034cc96e837f93c360a6387d8faad"}]}}}]}`+"\n",
			1718093742120+int64(i)*1000, i%5+1, i, i, 1718093742120+int64(i)*1000, 1718093700000+int64(i)*1000,
			i%500, i%500, i%250, i%200+1, i%300, 1000+i%9000, 1718093699650+int64(i)*1000)
	}
	return b.Bytes()
}

// BenchmarkDecode decodes 10,000 findings in memory.
func BenchmarkDecode(b *testing.B) {
	const n = 10000
	decodertest.Bench(b, New(), genFindings(n), "alerts", n, decodertest.Alerts)
}
