// Command debrief turns a security team's incidents into lessons: it reads
// the ATT&CK-labelled alerts of Defender, Sentinel, Elastic, Wazuh and OCSF
// products, keeps them in a store, and writes post-incident reviews.
//
// Run "debrief --help" for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
