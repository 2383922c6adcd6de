package playbook

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/debrief-dev/debrief"
)

// Fired is what Fire did with one playbook whose trigger matched.
type Fired struct {
	Playbook string               `json:"playbook"`
	Incident string               `json:"incident"`
	Event    string               `json:"event"`
	Run      *debrief.PlaybookRun `json:"run,omitempty"` // nil when it had fired before
	Before   bool                 `json:"before,omitempty"`
	Error    string               `json:"error,omitempty"`
}

// Fire runs, on an incident event, every playbook whose trigger matches.
// Each fires once per event and version of the incident, as a dry run and
// as a live run: the run's ID is derived from the playbook's digest, the
// incident, the event, (for incident.updated and review.completed) the
// incident's updated time and live, so firing again for the same change
// starts nothing. A playbook that fails
// does not stop the others; their errors are joined. Live runs need
// Config.Live, as Run does.
func (r *Runner) Fire(ctx context.Context, pbs []*Playbook, in *debrief.Incident, event string, live bool) ([]Fired, error) {
	if !slices.Contains(events, event) {
		return nil, debrief.Errorf(debrief.EINVALID, "event %q: want one of %v", event, events)
	}
	f := NewFacts(in)
	var out []Fired
	var errs []error
	for _, pb := range pbs {
		if !pb.Matches(f, event) {
			continue
		}
		fd := Fired{Playbook: pb.Name(), Incident: in.ID, Event: event}
		id := firedID(pb, in, event, live)
		switch _, err := r.Store.Run(ctx, id); {
		case err == nil:
			fd.Before = true
		case debrief.ErrorCode(err) != debrief.ENOTFOUND:
			return out, err
		default:
			fd.Run, err = r.run(ctx, pb, in, live, id, event, nil)
			if err != nil {
				fd.Error = err.Error()
				errs = append(errs, fmt.Errorf("%s on %s: %w", pb.Name(), in.ID, err))
			}
		}
		out = append(out, fd)
	}
	return out, errors.Join(errs...)
}

// firedID is the run ID of a playbook fired, as a dry or a live run, by an
// event on a version of an incident.
func firedID(pb *Playbook, in *debrief.Incident, event string, live bool) string {
	version := ""
	if event != EventCreated {
		version = strconv.FormatInt(in.Times.Updated.UnixNano(), 10)
	}
	sum := sha256.Sum256([]byte(pb.Digest + "\x00" + in.ID + "\x00" + event + "\x00" + version + "\x00" + strconv.FormatBool(live)))
	return "fire-" + hex.EncodeToString(sum[:10])
}
