package skill

import (
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
)

// facts are what one incident says about its handling.
type facts struct {
	tta, ttr      float64 // hours; NaN when unknown
	tp            bool    // final verdict true positive
	closed        bool
	misclassified bool // closed benign or false positive, later true positive
	undetermined  bool // closed without a verdict
	reopened      bool
	handedOver    bool // more than one analyst owned or worked on it
	owner         string
}

func factsOf(in *debrief.Incident) facts {
	f := facts{tta: nan, ttr: nan, tp: in.Verdict == debrief.VerdictTruePositive, closed: in.Status == debrief.StatusResolved}
	if d, ok := in.Times.TimeToAcknowledge(); ok {
		f.tta = d.Hours()
	}
	if d, ok := in.Times.TimeToResolve(); ok && f.closed {
		f.ttr = d.Hours()
	}
	f.undetermined = f.closed && in.Verdict == debrief.VerdictUndetermined
	benign := false
	people := []string{}
	for _, c := range in.History {
		switch c.Field {
		case "verdict":
			v, _ := debrief.ParseVerdict(c.To)
			if v == debrief.VerdictBenignPositive || v == debrief.VerdictFalsePositive {
				benign = true
			}
			if v == debrief.VerdictTruePositive && benign {
				f.misclassified = true
			}
		case "status":
			if s, _ := debrief.ParseStatus(c.From); s == debrief.StatusResolved {
				if t, _ := debrief.ParseStatus(c.To); t != debrief.StatusResolved {
					f.reopened = true
				}
			}
		case "assignee":
			people = addPerson(people, c.From)
			people = addPerson(people, c.To)
		}
	}
	if f.tp && benign {
		f.misclassified = true
	}
	for _, c := range in.Comments {
		people = addPerson(people, c.Author)
	}
	people = addPerson(people, in.Assignee)
	f.handedOver = len(people) > 1
	f.owner = owner(in)
	return f
}

// addPerson adds a person's account (an address with @) once.
func addPerson(people []string, s string) []string {
	s = strings.ToLower(strings.TrimSpace(s))
	if !strings.Contains(s, "@") || slices.Contains(people, s) {
		return people
	}
	return append(people, s)
}

// owner is the first analyst to own the incident: the first assignee in the
// history, else the first person to comment, else the assignee.
func owner(in *debrief.Incident) string {
	for _, c := range in.History {
		if c.Field != "assignee" {
			continue
		}
		if c.From != "" {
			return strings.ToLower(c.From)
		}
		if c.To != "" {
			return strings.ToLower(c.To)
		}
	}
	for _, c := range in.Comments {
		if strings.Contains(c.Author, "@") {
			return strings.ToLower(c.Author)
		}
	}
	return strings.ToLower(in.Assignee)
}
