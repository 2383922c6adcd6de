package analysishtml_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/render/analysishtml"
	"github.com/debrief-dev/debrief/trend"
)

// A trends page from incidents: analyse them, then write the page (here
// to a buffer; the CLI writes it to a file or stdout).
func ExampleTrends() {
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	var ins []debrief.Incident
	for d := range 120 {
		in := debrief.Incident{ID: fmt.Sprint("defender:", d), Times: debrief.Times{Created: start.AddDate(0, 0, d)},
			Techniques: []debrief.TechniqueID{"T1566"}}
		if d >= 90 {
			in.Techniques = append(in.Techniques, "T1110") // brute force in the last month only
		}
		ins = append(ins, in)
	}
	res, err := trend.Analyse(ins, trend.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var page bytes.Buffer
	if err := analysishtml.Trends(&page, res, nil); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.SplitN(page.String(), "\n", 2)[0])
	fmt.Println(strings.Count(page.String(), "<svg "), "charts")
	// Output:
	// <!DOCTYPE html>
	// 2 charts
}
