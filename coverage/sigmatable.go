package coverage

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"

	"github.com/debrief-dev/debrief"
)

//go:embed sigma_logsources.yaml
var sigmaTableYAML []byte

// SigmaSource is one row of the table from Sigma log sources to ATT&CK
// data components (sigma_logsources.yaml): the logsource fields it
// matches (empty matches anything) and the components it provides.
type SigmaSource struct {
	Product        string   `yaml:"product" json:"product,omitempty"`
	Category       string   `yaml:"category" json:"category,omitempty"`
	Service        string   `yaml:"service" json:"service,omitempty"`
	DataComponents []string `yaml:"data_components" json:"data_components"`
}

var sigmaTable = sync.OnceValues(func() ([]SigmaSource, error) {
	var t []SigmaSource
	if err := yaml.UnmarshalWithOptions(sigmaTableYAML, &t, yaml.Strict()); err != nil {
		return nil, fmt.Errorf("coverage: sigma_logsources.yaml: %w", err)
	}
	for i, s := range t {
		if s.Product == "" && s.Category == "" && s.Service == "" || len(s.DataComponents) == 0 {
			return nil, fmt.Errorf("coverage: sigma_logsources.yaml: entry %d: want product, category or service, and data_components", i)
		}
	}
	return t, nil
})

// SigmaTable returns the rows of the embedded table from Sigma log
// sources to ATT&CK data components.
func SigmaTable() []SigmaSource { return slices.Clone(table()) }

func table() []SigmaSource {
	t, err := sigmaTable()
	if err != nil {
		panic(err) // the table is embedded, and TestSigmaTable parses it
	}
	return t
}

// SigmaComponents lists, sorted, the data component ids the Sigma table
// gives a log source: those of every row whose fields all equal the
// source's (case-insensitively; a field the row leaves out matches any).
func SigmaComponents(src debrief.LogSource) []string {
	var out []string
	for _, row := range table() {
		if row.matches(src) {
			out = append(out, row.DataComponents...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (row SigmaSource) matches(src debrief.LogSource) bool {
	eq := func(want, got string) bool { return want == "" || strings.EqualFold(want, got) }
	return eq(row.Product, src.Product) && eq(row.Category, src.Category) && eq(row.Service, src.Service)
}

// sigmaCategory reports whether the table has a row for category c.
func sigmaCategory(c string) bool {
	for _, row := range table() {
		if strings.EqualFold(row.Category, c) {
			return true
		}
	}
	return false
}

// sigmaPath reads a log source written as a Sigma path: "category",
// "product/category" or "product/service" ("windows/process_creation",
// "windows/security"). The part after the product is a category when the
// table knows it as one, else a service. ok is false for a single word the
// table does not know as a category.
func sigmaPath(s string) (LogSource, bool) {
	product, rest, found := strings.Cut(strings.TrimSpace(s), "/")
	if !found {
		if sigmaCategory(product) {
			return LogSource{Category: product}, true
		}
		return LogSource{}, false
	}
	if product == "" || rest == "" || strings.Contains(rest, "/") {
		return LogSource{}, false
	}
	if sigmaCategory(rest) {
		return LogSource{Product: product, Category: rest}, true
	}
	return LogSource{Product: product, Service: rest}, true
}
