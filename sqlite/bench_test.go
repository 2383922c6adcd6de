package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/sqlite"
)

// benchAlert is a typical Defender alert: five techniques, four entities, a
// raw record of about 1.5 KiB.
func benchAlert(i int) debrief.Alert {
	created := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * 7 * time.Second)
	src := fmt.Sprintf("da638%015d_%d", i, i%97)
	dev := fmt.Sprintf("%040x", i%5000)
	user := fmt.Sprintf("user%d@contoso.com", i%2000)
	return debrief.Alert{
		ID: debrief.QualifiedID(debrief.SourceDefender, src), Source: debrief.SourceDefender, SourceID: src,
		ProviderID: src, IncidentID: fmt.Sprintf("defender:%d", 100000+i/5),
		Product: "Microsoft Defender for Endpoint", DetectionSource: "microsoftDefenderForEndpoint",
		RuleID: "7f8e3d8a-0c1b-4a5e-9d2f-123456789abc", Title: "Suspicious PowerShell command line",
		Description: "A suspicious PowerShell activity was observed on the machine. This activity matches a known technique used by attackers.",
		Category:    "Execution", Severity: debrief.SeverityMedium, Status: debrief.StatusNew,
		Techniques: []debrief.Technique{
			{ID: "T1059.001", Name: "PowerShell", Tactics: []string{"execution"}},
			{ID: "T1566.001", Name: "Spearphishing Attachment", Tactics: []string{"initial-access"}},
			{ID: "T1204.002", Name: "Malicious File", Tactics: []string{"execution"}},
			{ID: "T1027", Name: "Obfuscated Files or Information", Tactics: []string{"defense-evasion"}},
			{ID: "T1105", Name: "Ingress Tool Transfer", Tactics: []string{"command-and-control"}},
		},
		Tactics: []string{"execution", "initial-access", "defense-evasion", "command-and-control"},
		Entities: []debrief.Entity{
			{Kind: debrief.EntityDevice, ID: dev, Name: fmt.Sprintf("ws-%04d.contoso.com", i%5000), Role: "impacted"},
			{Kind: debrief.EntityUser, ID: user, Name: "Contoso User", Role: "impacted"},
			{Kind: debrief.EntityProcess, ID: fmt.Sprintf("%d", 4000+i), Name: "powershell.exe", Attributes: map[string]string{
				"command_line": "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA",
				"sha256":       "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}},
			{Kind: debrief.EntityURL, ID: "http://malicious.example/payload.ps1", Role: "related"},
		},
		FirstActivity: created.Add(-3 * time.Minute), LastActivity: created.Add(-time.Minute), Created: created,
		Updated: created.Add(time.Minute),
		Raw:     make([]byte, 1536),
	}
}

// BenchmarkWrite writes alerts in batches of 1000, each batch one Write,
// and reports alerts/s (wall clock) and cpu-µs/alert (this process's user
// and system time, which other load on the machine disturbs less). "new"
// writes alerts never seen, with and without a 1.5 KiB raw record;
// "unchanged" writes batches again (re-ingesting an export).
// "newBaseline" inserts the same new alerts' rows with one plain prepared
// INSERT each (sqlite.PlainInsert): the bench table's baseline for "new".
func BenchmarkWrite(b *testing.B) {
	b.Run("new", func(b *testing.B) { benchWrite(b, 1536, false, false) })
	b.Run("newBaseline", func(b *testing.B) { benchWrite(b, 1536, false, true) })
	b.Run("new-noraw", func(b *testing.B) { benchWrite(b, 0, false, false) })
	b.Run("unchanged", func(b *testing.B) { benchWrite(b, 1536, true, false) })
}

func benchWrite(b *testing.B, rawSize int, again, plain bool) {
	const batch = 1000
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	recs := make([]debrief.Record, batch)
	alerts := make([]debrief.Alert, batch)
	b.ReportAllocs()
	b.SetBytes(int64(batch * rawSize))
	n := 0
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		if !again || n == 0 {
			for i := range recs {
				alerts[i] = benchAlert(n)
				alerts[i].Raw = alerts[i].Raw[:rawSize]
				recs[i] = debrief.Record{Alert: &alerts[i]}
				n++
			}
		}
		if again && n == batch {
			if _, err := s.Write(ctx, recs); err != nil {
				b.Fatal(err)
			}
			n++
		}
		c0 := cpuTime()
		b.StartTimer()
		if plain {
			if err := sqlite.PlainInsert(ctx, s, alerts); err != nil {
				b.Fatal(err)
			}
			cpu += cpuTime() - c0
			continue
		}
		res, err := s.Write(ctx, recs)
		if err != nil {
			b.Fatal(err)
		}
		cpu += cpuTime() - c0
		if want := res.AlertsNew; again {
			want = res.AlertsUnchanged
			if want != batch {
				b.Fatalf("AlertsUnchanged = %d, want %d", want, batch)
			}
		} else if want != batch {
			b.Fatalf("AlertsNew = %d, want %d", want, batch)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "alerts/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*batch), "cpu-µs/alert")
}

// BenchmarkIncident reads an incident of 10,000 alerts with everything on
// them.
func BenchmarkIncident(b *testing.B) {
	const n = 10000
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	in := debrief.Incident{ID: "defender:100000", Source: debrief.SourceDefender, SourceID: "100000",
		Title: "Ransomware across the finance floor", Times: debrief.Times{Created: time.Now().UTC()}}
	recs := []debrief.Record{{Incident: &in}}
	for i := range n {
		a := benchAlert(i)
		a.IncidentID = in.ID
		recs = append(recs, debrief.Record{Alert: &a})
	}
	if _, err := s.Write(ctx, recs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		got, err := s.Incident(ctx, in.ID)
		if err != nil {
			b.Fatal(err)
		}
		if len(got.Alerts) != n {
			b.Fatalf("%d alerts, want %d", len(got.Alerts), n)
		}
	}
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
