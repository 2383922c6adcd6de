package postgres

import (
	"context"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/storecodec"
)

// prep is the work on one record that needs no database: validation, the
// content hashes and the alerts' column values. Write does it on a goroutine
// of its own, ahead of the statements (from before it waits for the tenant's
// write lock), so that it overlaps with the database's work and other writers'.
type prep struct {
	err     error
	incHash string      // the incident's content hash
	alerts  []alertPrep // one per Record.Alerts()
}

// alertPrep holds an alert's hash and its alertCopyColumns values up to and
// including the content columns (the tenant, at 0, is filled in on insert).
type alertPrep struct {
	hash string
	vals []any
}

// content returns the contentColumns values.
func (p *alertPrep) content() []any { return p.vals[2:] }

// prepare sends one prep per record to out, in order, until it runs out of
// records or stop is closed; then it closes out.
func prepare(recs []debrief.Record, out chan<- prep, stop <-chan struct{}) {
	defer close(out)
	h := storecodec.NewHasher()
	enc := newEncoder()
	for _, r := range recs {
		p := prepareOne(r, h, &enc)
		select {
		case out <- p:
		case <-stop:
			return
		}
		if p.err != nil {
			return
		}
	}
}

func prepareOne(r debrief.Record, h *storecodec.Hasher, enc *encoder) prep {
	if err := checkRecord(r); err != nil {
		return prep{err: err}
	}
	var p prep
	if r.Incident != nil {
		p.incHash = h.Incident(r.Incident)
		if r.Incident.Placeholder {
			p.incHash = placeholderHash + p.incHash
		}
	}
	as := r.Alerts()
	p.alerts = make([]alertPrep, len(as))
	for i, a := range as {
		hash := h.Alert(a)
		if r.Partial {
			hash = "partial:" + hash
		}
		vals := make([]any, 2, 2+27+5)
		vals[1] = a.ID
		p.alerts[i] = alertPrep{hash: hash, vals: enc.content(vals, a)}
	}
	return p
}

// content appends a's contentColumns values to vals.
func (e *encoder) content(vals []any, a *debrief.Alert) []any {
	return append(vals, string(a.Source), a.SourceID, text(a.ProviderID), text(a.IncidentID), text(a.Product),
		text(a.DetectionSource), text(a.RuleID), text(a.RuleName), text(a.Title), text(a.Description),
		text(a.Category), text(string(a.Severity)), text(string(a.Status)), text(string(a.Verdict)),
		text(a.Determination), e.Strings(a.Tactics), e.Strings(a.ThreatNames), e.Techniques(a.Techniques),
		e.Entities(a.Entities), e.TechniqueIDs(a.Techniques), e.AllTactics(a), nanos(a.FirstActivity),
		nanos(a.LastActivity), nanos(a.Created), nanos(a.Updated), nanos(a.Resolved), text(a.URL))
}

// runPrepare starts prepare and returns its output and a function that stops
// it and waits until it has stopped (so that recs is no longer read).
func runPrepare(ctx context.Context, recs []debrief.Record) (<-chan prep, func()) {
	out := make(chan prep, min(len(recs), 4096)) // room to run ahead while Write waits for the lock
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		prepare(recs, out, stop)
	}()
	return out, func() {
		close(stop)
		for range out { // unblock a pending send
		}
		<-done
	}
}
