package skill

import (
	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/handling"
)

// facts are what one incident says about its handling, as the tests use
// them.
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

// Facts returns the handling facts of in, which must carry its history
// and comments: what a debrief.HandlingStore keeps for it.
func Facts(in *debrief.Incident) debrief.HandlingFacts { return handling.Of(in) }

func factsOf(h *debrief.HandlingFacts) facts {
	f := facts{tta: nan, ttr: nan, tp: h.Verdict == debrief.VerdictTruePositive, closed: h.Closed,
		misclassified: h.Misclassified, reopened: h.Reopened, handedOver: h.HandedOver, owner: h.Owner}
	if h.TTA >= 0 {
		f.tta = h.TTA.Hours()
	}
	if h.TTR >= 0 && f.closed {
		f.ttr = h.TTR.Hours()
	}
	f.undetermined = f.closed && h.Verdict == debrief.VerdictUndetermined
	return f
}
