package reviewtest

import (
	"strings"

	"github.com/debrief-dev/debrief"
)

// XSS are the hostile strings Hostile puts in every field an alert, a
// product or an analyst can fill.
func XSS() []string {
	return []string{
		`<script>alert(1)</script>`,
		`"><img src=x onerror=alert(2)>`,
		`javascript:alert(3)`,
		`</style><svg onload=alert(4)>`,
		`' onmouseover='alert(5)`,
		`{{.Header}} ]]> <!-- -->`,
		"| `md` *bold* [link](http://evil.example) # head",
	}
}

// Hostile is Incident with hostile text in every alert-derived and
// analyst-written field: titles, descriptions, entity names and ids,
// detection sources, products, comments, assignees, history, tags,
// determination, and the name of a technique the catalog does not know.
func Hostile() *debrief.Incident {
	x := XSS()
	in := Incident()
	pick := func(i int) string { return x[i%len(x)] }
	in.Title = pick(0) + " incident " + pick(1)
	in.Description = pick(2)
	in.Assignee = pick(3)
	in.Determination = pick(4)
	in.Tags = append(in.Tags, pick(5))
	in.URL = "javascript:alert(6)"
	for i := range in.Alerts {
		a := &in.Alerts[i]
		a.Title = pick(i) + " " + a.Title
		a.Description = pick(i+1) + " " + strings.Join(x, " ")
		a.DetectionSource = pick(i + 2)
		a.Product = pick(i + 3)
		for j := range a.Entities {
			e := &a.Entities[j]
			e.Name = pick(i+j) + " " + e.Name
			e.Role = pick(i + j + 1)
		}
		a.Entities = append(a.Entities, debrief.Entity{Kind: debrief.EntityURL, ID: pick(i + 4), Name: pick(i + 5)})
	}
	in.Alerts[0].Techniques = append(in.Alerts[0].Techniques,
		debrief.Technique{ID: "T1999", Name: pick(0) + pick(1), Tactics: []string{"initial-access", pick(1)}, Status: debrief.TechniqueUnknown})
	for i := range in.History {
		in.History[i].By = pick(i)
		in.History[i].To = pick(i + 1)
	}
	for i := range in.Comments {
		in.Comments[i].Author = pick(i + 2)
		in.Comments[i].Text = strings.Join(x, "\n")
	}
	return in
}
