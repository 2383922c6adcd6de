package review_test

import (
	"fmt"
	"log"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/d3fend"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/review/reviewtest"
)

func ExampleBuild() {
	cat, err := attack.Embedded()
	if err != nil {
		log.Fatal(err)
	}
	d3f, err := d3fend.Embedded()
	if err != nil {
		log.Fatal(err)
	}
	opts := review.Options{
		Catalog:  cat,
		D3FEND:   d3f,
		Baseline: review.NewBaseline(reviewtest.History(), reviewtest.Now()),
		Now:      reviewtest.Now,
	}
	r, err := review.Build([]*debrief.Incident{reviewtest.Incident()}, opts)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Summary.What)
	for _, m := range r.Metrics[:2] {
		fmt.Printf("%s: %s\n", m.Label, m.Compare())
	}
	a := r.Actions[0]
	fmt.Printf("%s %s %s: %s\n", a.ID, a.Type, a.CSF, a.Title)
	// Output:
	// 6 alerts from 2024-03-04 09:16 UTC to 2024-03-05 09:00 UTC, 12 ATT&CK techniques across 7 kill-chain stages (Initial Access → Command and Control). Not seen in between: Defense Evasion, Discovery, Collection.
	// Time to detect: 4m (team median 23m, p90 27m): better
	// Time to acknowledge: 6h 9m (team median 43m, p90 57m): slow
	// A1 detect DE.CM-09: Review telemetry for Defense Evasion on ws-alice-01: T1078 Valid Accounts, T1140 Deobfuscate/Decode Files or Information, T1112 Modify Registry
}

func ExampleNewBaseline() {
	b := review.NewBaseline(reviewtest.History(), reviewtest.Now())
	s := b.Stats[review.TimeToAcknowledge]
	fmt.Printf("%d incidents since %s; time to acknowledge: median %s, p90 %s\n",
		b.Incidents, b.Since.Format("2006-01-02"), s.Median, s.P90)
	// Output:
	// 40 incidents since 2023-12-07; time to acknowledge: median 43m, p90 57m
}
