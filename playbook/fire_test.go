package playbook_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/playbook"
)

func namedTrigger(t *testing.T, name, trig string) *playbook.Playbook {
	t.Helper()
	src := "apiVersion: debrief/v1\nkind: Playbook\nmetadata: {name: " + name + "}\ntrigger:\n" + trig +
		"steps:\n  - {id: note, kind: comment, text: \"" + name + " on {{ incident.id }}\"}\n"
	pb, err := playbook.Parse([]byte(src), name+".yaml", playbook.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return pb
}

// TestFire: an event runs every playbook whose trigger matches it, once per
// event and version of the incident.
func TestFire(t *testing.T) {
	ctx := context.Background()
	rg := newRig(t, newFake(t))
	pbs := []*playbook.Playbook{
		namedTrigger(t, "on-create", "  events: [incident.created]\n  all: [{field: severity, op: at_least, values: [high]}]\n"),
		namedTrigger(t, "on-update", "  events: [incident.updated]\n  all: [{field: techniques, op: in, values: [T1486]}]\n"),
		namedTrigger(t, "any-event", "  all: [{field: tags, op: in, values: [finance]}]\n"),
		namedTrigger(t, "never", "  all: [{field: severity, op: in, values: [low]}]\n"),
	}
	in := incident()
	in.Times.Updated = in.Times.Created.Add(time.Minute)
	fire := func(event string, live bool) (ran, before []string) {
		t.Helper()
		fired, err := rg.Fire(ctx, pbs, in, event, live)
		if err != nil {
			t.Fatalf("fire %s: %v", event, err)
		}
		for _, f := range fired {
			if f.Before {
				before = append(before, f.Playbook)
				continue
			}
			ran = append(ran, f.Playbook)
			if want := map[bool]debrief.RunStatus{false: debrief.RunPlanned, true: debrief.RunSucceeded}[live]; f.Run.Status != want {
				t.Errorf("%s: run %s, want %s", f.Playbook, f.Run.Status, want)
			}
		}
		return ran, before
	}
	tests := []struct {
		name, event  string
		live         bool
		touch        bool // a new version of the incident first
		ran, before  []string
		wantComments int
	}{
		{"created", playbook.EventCreated, false, false, []string{"on-create", "any-event"}, nil, 0},
		{"created again", playbook.EventCreated, false, false, nil, []string{"on-create", "any-event"}, 0},
		{"updated, live", playbook.EventUpdated, true, false, []string{"on-update", "any-event"}, nil, 2},
		{"same version", playbook.EventUpdated, true, false, nil, []string{"on-update", "any-event"}, 2},
		{"next version", playbook.EventUpdated, true, true, []string{"on-update", "any-event"}, nil, 4},
		{"review completed", playbook.EventReviewCompleted, false, false, []string{"any-event"}, nil, 4},
		{"created, live after the dry run", playbook.EventCreated, true, false, []string{"on-create", "any-event"}, nil, 6},
	}
	for _, tc := range tests {
		if tc.touch {
			in.Times.Updated = in.Times.Updated.Add(time.Hour)
		}
		ran, before := fire(tc.event, tc.live)
		if !slices.Equal(ran, tc.ran) || !slices.Equal(before, tc.before) {
			t.Errorf("%s: ran %v, before %v; want %v and %v", tc.name, ran, before, tc.ran, tc.before)
		}
		if n := len(rg.store.comments[in.ID]); n != tc.wantComments {
			t.Errorf("%s: %d comments, want %d", tc.name, n, tc.wantComments)
		}
	}
	if _, err := rg.Fire(ctx, pbs, in, "incident.deleted", false); debrief.ErrorCode(err) != debrief.EINVALID {
		t.Errorf("unknown event: %v", err)
	}
	rg.Config.Live = false
	other := incident()
	other.ID = "defender:43"
	fired, err := rg.Fire(ctx, pbs[:1], other, playbook.EventCreated, true)
	if err == nil || len(fired) != 1 || fired[0].Error == "" {
		t.Errorf("live without the config: %+v %v, want the error on the fired playbook", fired, err)
	}
}
