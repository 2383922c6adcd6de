package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"text/tabwriter"
	"time"
)

// ingestRSS measures peak memory of "debrief ingest" on a generated Elastic
// NDJSON file of size bytes, against the same run on a file 1/16 of the
// size: flat memory shows as a ratio near 1.
func ingestRSS(size int64) error {
	dir, err := os.MkdirTemp("", "debrief-rss-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "debrief")
	build := exec.Command("go", "build", "-o", bin, "./cmd/debrief")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build debrief: %w", err)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "work\tinput\talerts\ttime\talerts/s\tpeak RSS\tvs baseline\t")
	var baseRSS int64
	for i, sz := range []int64{size / 16, size} {
		file := filepath.Join(dir, fmt.Sprintf("alerts-%d.ndjson", i))
		n, err := writeAlerts(file, sz)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "ingesting %s (%d alerts)…\n", mib(sz), n)
		cmd := exec.Command(bin, "ingest", "-q", "--no-correlate", "--db", filepath.Join(dir, fmt.Sprintf("s%d.db", i)), file)
		cmd.Stderr = os.Stderr
		start := time.Now()
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("debrief ingest: %w", err)
		}
		el := time.Since(start)
		rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss * 1024
		ratio := "baseline"
		if i == 0 {
			baseRSS = rss
		} else {
			ratio = fmt.Sprintf("%.2f× the RSS for 1/16 of the input", float64(rss)/float64(baseRSS))
		}
		fmt.Fprintf(tw, "ingest RSS\t%s\t%d\t%.1f s\t%.0f\t%s\t%s\t\n", mib(sz), n, el.Seconds(), float64(n)/el.Seconds(), mib(rss), ratio)
		os.Remove(file)
	}
	return tw.Flush()
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// writeAlerts streams Elastic alert documents into file until it holds
// size bytes, and returns how many it wrote.
func writeAlerts(file string, size int64) (int, error) {
	f, err := os.Create(file)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var written int64
	n := 0
	hosts := []string{"ws-0142", "ws-0388", "srv-dc01", "srv-sql02", "lt-0917"}
	for written < size {
		host := hosts[n%len(hosts)]
		t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Second)
		k, err := fmt.Fprintf(w, `{"_id":"a%015d","_source":{"@timestamp":%q,"kibana.alert.uuid":"a%015d","kibana.alert.rule.name":"Suspicious PowerShell Encoded Command","kibana.alert.rule.uuid":"r%04d","kibana.alert.severity":"medium","kibana.alert.workflow_status":"open","kibana.alert.reason":"process event with process powershell.exe, on %s created medium alert","kibana.alert.rule.threat":[{"framework":"MITRE ATT&CK","tactic":{"id":"TA0002","name":"Execution","reference":"https://attack.mitre.org/tactics/TA0002/"},"technique":[{"id":"T1059","name":"Command and Scripting Interpreter","reference":"https://attack.mitre.org/techniques/T1059/","subtechnique":[{"id":"T1059.001","name":"PowerShell","reference":"https://attack.mitre.org/techniques/T1059/001/"}]}]}],"host":{"name":%q,"id":"h%d"},"user":{"name":"user%d","domain":"CORP"},"process":{"pid":%d,"command_line":"powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQ==","executable":"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"},"source":{"ip":"10.20.%d.%d"}}}`+"\n",
			n, t.Format(time.RFC3339Nano), n, n%40, host, host, n%len(hosts), n%300, 1000+n%50000, n%250, 1+n%250)
		if err != nil {
			f.Close()
			return n, err
		}
		written += int64(k)
		n++
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return n, err
	}
	return n, f.Close()
}
