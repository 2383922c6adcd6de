package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module's build information.
var version = ""

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print debrief's version and the ATT&CK data it carries",
		Example: "  debrief version\n  debrief version --json",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			type domain struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			}
			out := struct {
				Version string   `json:"version"`
				Go      string   `json:"go"`
				ATTACK  []domain `json:"attack"`
			}{Version: buildVersion(), Go: runtime.Version()}
			for _, d := range cat.Domains() {
				out.ATTACK = append(out.ATTACK, domain{d.Name, d.Version})
			}
			if a.json {
				return a.printJSON(out)
			}
			fmt.Fprintf(a.stdout, "debrief %s (%s)\n", out.Version, out.Go)
			for _, d := range out.ATTACK {
				fmt.Fprintf(a.stdout, "ATT&CK %s v%s\n", d.Name, d.Version)
			}
			return nil
		},
	}
}
