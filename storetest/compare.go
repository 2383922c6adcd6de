package storetest

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
)

// expect builds what a store returns for in from Incident, given the alerts
// it has stored for it: alerts oldest first without raw records and with
// their incident id, alert ids the union of both sides, comments and history
// in time order, techniques and tactics summed up from the alerts and the
// incident's own.
func expect(in debrief.Incident, alerts ...debrief.Alert) debrief.Incident {
	out := in
	out.Alerts = nil
	ids := slices.Clone(in.AlertIDs)
	for _, a := range in.Alerts {
		ids = append(ids, a.ID)
	}
	var techs []debrief.TechniqueID
	var tactics []string
	for _, a := range alerts {
		a.Raw = nil
		if a.IncidentID == "" {
			a.IncidentID = in.ID
		}
		out.Alerts = append(out.Alerts, a)
		ids = append(ids, a.ID)
		tactics = append(tactics, a.Tactics...)
		for _, t := range a.Techniques {
			techs = append(techs, t.ID)
			tactics = append(tactics, t.Tactics...)
		}
	}
	techs = append(techs, in.OwnTechniques...)
	tactics = append(tactics, in.OwnTactics...)
	slices.SortFunc(out.Alerts, func(a, b debrief.Alert) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
	})
	slices.Sort(ids)
	out.AlertIDs = slices.Compact(ids)
	slices.Sort(techs)
	out.Techniques = slices.Compact(techs)
	slices.Sort(tactics)
	out.Tactics = slices.Compact(tactics)
	out.Comments = slices.Clone(in.Comments)
	slices.SortStableFunc(out.Comments, func(a, b debrief.Comment) int { return a.At.Compare(b.At) })
	out.History = slices.Clone(in.History)
	sortHistory(out.History)
	return out
}

func sortHistory(h []debrief.Change) {
	slices.SortFunc(h, func(a, b debrief.Change) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Field, b.Field), cmp.Compare(a.From, b.From),
			cmp.Compare(a.To, b.To), cmp.Compare(a.By, b.By))
	})
}

// normalise puts what the contract leaves open into one order: tactics
// (stores may order them by first sight or by matrix), changes at the same
// instant, and the raw records of an incident's alerts (Alert has those).
func normalise(t *testing.T, in *debrief.Incident) debrief.Incident {
	t.Helper()
	if !slices.IsSortedFunc(in.History, func(a, b debrief.Change) int { return a.At.Compare(b.At) }) {
		t.Errorf("incident %s: history not in time order: %v", in.ID, in.History)
	}
	if !slices.IsSortedFunc(in.Comments, func(a, b debrief.Comment) int { return a.At.Compare(b.At) }) {
		t.Errorf("incident %s: comments not in time order: %v", in.ID, in.Comments)
	}
	out := *in
	out.Tactics = slices.Sorted(slices.Values(in.Tactics))
	out.History = slices.Clone(in.History)
	sortHistory(out.History)
	out.Alerts = slices.Clone(in.Alerts)
	for i := range out.Alerts {
		out.Alerts[i].Raw = nil
	}
	return out
}

// same reports a difference between got and want, compared as JSON (raw
// records, which JSON leaves out, are compared too).
func same[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	g, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatalf("%s: marshal got: %v", what, err)
	}
	w, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatalf("%s: marshal want: %v", what, err)
	}
	if string(g) != string(w) {
		t.Errorf("%s: got and want differ:\n%s", what, lineDiff(string(g), string(w)))
	}
	switch g := any(got).(type) {
	case debrief.Incident:
		if w := any(want).(debrief.Incident); string(g.Raw) != string(w.Raw) {
			t.Errorf("%s: raw = %q, want %q", what, g.Raw, w.Raw)
		}
	case debrief.Alert:
		if w := any(want).(debrief.Alert); string(g.Raw) != string(w.Raw) {
			t.Errorf("%s: raw = %q, want %q", what, g.Raw, w.Raw)
		}
	}
}

// lineDiff shows the lines around the first difference of two texts.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	i := 0
	for i < len(g) && i < len(w) && g[i] == w[i] {
		i++
	}
	from := max(0, i-4)
	var b strings.Builder
	for j := from; j < i; j++ {
		b.WriteString("    " + g[j] + "\n")
	}
	for j := i; j < min(len(g), i+6); j++ {
		b.WriteString("got  " + g[j] + "\n")
	}
	for j := i; j < min(len(w), i+6); j++ {
		b.WriteString("want " + w[j] + "\n")
	}
	return b.String()
}
