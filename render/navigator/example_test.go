package navigator_test

import (
	"fmt"
	"log"

	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/render/navigator"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/review/reviewtest"
)

func ExampleFromReview() {
	cat, err := attack.Embedded()
	if err != nil {
		log.Fatal(err)
	}
	r, err := review.Build(reviewtest.Slice(reviewtest.Incident()), review.Options{Catalog: cat, Now: reviewtest.Now})
	if err != nil {
		log.Fatal(err)
	}
	l := navigator.FromReview(r)
	fmt.Println(l.Versions.Layer, l.Domain, "ATT&CK", l.Versions.ATTACK)
	for _, t := range l.Techniques[:3] {
		fmt.Printf("%s %s score %g %s\n", t.TechniqueID, t.Tactic, *t.Score, t.Color)
	}
	fmt.Println(navigator.Validate(l, cat))
	// Output:
	// 4.5 enterprise-attack ATT&CK 18.1
	// T1566 initial-access score 1 #fc8d59
	// T1566.001 initial-access score 1 #fc8d59
	// T1059 execution score 1 #d7301f
	// <nil>
}
