package elastic

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/debrief-dev/debrief/ingest/internal/decodertest"

	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// genAlerts writes n alert documents shaped like those of an 8.x
// deployment: flat kibana.alert.* keys, nested ECS objects from the source
// event, a rule threat mapping. lean leaves out what debrief skips
// (rule parameters, ancestors, event details).
func genAlerts(n int, lean bool) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"_index":".internal.alerts-security.alerts-default-000001","_id":"%040x","_source":{`, i)
		fmt.Fprintf(&b, `"@timestamp":"2024-05-01T10:%02d:%02d.000Z","kibana.alert.uuid":"%040x",`, i/60%60, i%60, i)
		b.WriteString(`"kibana.alert.rule.name":"Suspicious PowerShell Encoded Command","kibana.alert.rule.uuid":"0a1b2c3d-1111-2222-3333-444455556666",` +
			`"kibana.alert.rule.rule_id":"48b6edfc-079d-4907-b43c-baffa243270d","kibana.alert.rule.type":"eql","kibana.alert.severity":"high","kibana.alert.risk_score":73,` +
			`"kibana.alert.workflow_status":"open","kibana.alert.reason":"process event with process powershell.exe, by bob on host-1 created high alert Suspicious PowerShell Encoded Command.",` +
			`"kibana.alert.original_time":"2024-05-01T09:59:58.000Z","kibana.alert.start":"2024-05-01T10:00:00.000Z",` +
			`"kibana.alert.rule.threat":[{"framework":"MITRE ATT&CK","tactic":{"id":"TA0002","name":"Execution","reference":"https://attack.mitre.org/tactics/TA0002/"},` +
			`"technique":[{"id":"T1059","name":"Command and Scripting Interpreter","reference":"https://attack.mitre.org/techniques/T1059/",` +
			`"subtechnique":[{"id":"T1059.001","name":"PowerShell","reference":"https://attack.mitre.org/techniques/T1059/001/"}]}]}],`)
		if !lean {
			b.WriteString(`"kibana.alert.rule.tags":["Domain: Endpoint","OS: Windows","Tactic: Execution"],"kibana.space_ids":["default"],"kibana.version":"8.13.0",` +
				`"kibana.alert.rule.parameters":{"description":"Identifies encoded PowerShell","risk_score":73,"severity":"high","from":"now-6m","index":["logs-endpoint.events.*"],` +
				`"query":"process where event.type == \"start\" and process.name : \"powershell.exe\" and process.args : \"-enc\"","language":"eql","type":"eql","version":3},` +
				`"kibana.alert.rule.description":"Identifies encoded PowerShell","kibana.alert.depth":1,"kibana.alert.status":"active",` +
				`"kibana.alert.ancestors":[{"id":"abc","type":"event","index":"logs-endpoint.events.process-default","depth":0}],` +
				`"event":{"kind":"signal","category":["process"],"type":["start"],"dataset":"endpoint.events.process","module":"endpoint"},` +
				`"agent":{"id":"a1b2","type":"endpoint","version":"8.13.0"},"ecs":{"version":"8.11.0"},`)
		}
		fmt.Fprintf(&b, `"host":{"name":"HOST-%d.corp.example","hostname":"host-%d","id":"3f1c%04d","ip":["10.0.%d.%d"],"os":{"name":"Windows","family":"windows"}},`, i%500, i%500, i%500, i%250, i%200+1)
		b.WriteString(`"user":{"name":"bob","domain":"CORP","id":"S-1-5-21-1-2-3-1001"},` +
			`"process":{"pid":4242,"entity_id":"ZGVmYXVsdC1wcm9jZXNz","command_line":"powershell.exe -enc SQBFAFgA","executable":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",` +
			`"name":"powershell.exe","hash":{"sha256":"de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c"},"parent":{"pid":100,"name":"explorer.exe"}},` +
			`"source":{"ip":"10.0.0.9","port":51515},"destination":{"ip":"203.0.113.7","port":443}}}` + "\n")
	}
	return b.Bytes()
}

// BenchmarkDecode decodes 10,000 alerts in memory: "full" documents as an
// 8.x deployment stores them, and "lean" ones without the fields debrief
// skips. fullBaseline and leanBaseline parse the same input with
// encoding/json into maps and map nothing (decodertest.StdlibBaseline), for
// the bench table's ratio.
func BenchmarkDecode(b *testing.B) {
	const n = 10000
	for _, lean := range []bool{false, true} {
		name := "full"
		if lean {
			name = "lean"
		}
		in := genAlerts(n, lean)
		b.Run(name, func(b *testing.B) { decodertest.Bench(b, New(), in, "alerts", n, decodertest.Alerts) })
		b.Run(name+"Baseline", func(b *testing.B) {
			decodertest.Bench(b, decodertest.StdlibBaseline{}, in, "alerts", n, decodertest.Alerts)
		})
	}
}

// BenchmarkSplit measures the record splitter alone on the full input: the
// ceiling BenchmarkDecode/full can reach.
func BenchmarkSplit(b *testing.B) {
	const n = 10000
	in := genAlerts(n, false)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	cpu0 := decodertest.CPUTime()
	for b.Loop() {
		got := 0
		for it := range wire.Records(bytes.NewReader(in), "hits.hits") {
			if it.Err != nil {
				b.Fatal(it.Err)
			}
			got++
		}
		if got != n {
			b.Fatalf("split %d records, want %d", got, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	if cpu := (decodertest.CPUTime() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/cpu, "records/cpu-s")
	}
}
