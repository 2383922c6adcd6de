package playbook

import (
	"fmt"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/review"
)

// Section is the review's playbook part: the response steps the built-in
// technique → action table suggests for the incidents' techniques and
// entities, and the playbook runs recorded on them. runs may be nil.
func Section(ins []*debrief.Incident, runs []debrief.PlaybookRun) *review.Section {
	s := &review.Section{ID: "playbooks", Title: "Remediation playbooks"}
	sug := review.Table{Title: "Suggested automated responses", Columns: []string{"technique", "action", "for each", "targets"}}
	seen := map[string]bool{}
	var saved time.Duration
	for _, in := range ins {
		contains := false
		targets := map[string][]string{}
		for i := range in.Alerts {
			for _, e := range in.Alerts[i].Entities {
				targets[string(e.Kind)] = appendNew(targets[string(e.Kind)], e.Name, e.ID)
			}
		}
		for _, t := range observed(in) {
			for _, r := range responsesFor(t) {
				k := string(t) + r.action + r.forEach
				if len(targets[r.forEach]) > 0 && containing[r.action] {
					contains = true
				}
				if seen[k] || len(targets[r.forEach]) == 0 {
					continue
				}
				seen[k] = true
				sug.Rows = append(sug.Rows, []string{string(t), r.action, r.forEach, strings.Join(targets[r.forEach], ", ")})
			}
		}
		saved += suggestedSaving(in, contains)
	}
	ran := review.Table{Title: "Playbook runs", Columns: []string{"run", "playbook", "incident", "mode", "status", "when"}}
	for _, r := range runs {
		mode := "dry run"
		if r.Live {
			mode = "live"
		}
		ran.Rows = append(ran.Rows, []string{r.ID, r.Playbook, r.IncidentID, mode, string(r.Status), r.Created.Format("2006-01-02 15:04")})
	}
	s.Summary = fmt.Sprintf("%d automated responses fit these incidents' techniques and entities; %d playbook runs are recorded. "+
		"Write a playbook with 'debrief playbook suggest ID' and see what it would have done with 'debrief playbook replay'.",
		len(sug.Rows), len(ran.Rows))
	if saved > 0 {
		s.Summary += fmt.Sprintf(" Fired when the incident was created, the suggested playbook would have saved an estimated %s "+
			"(created → contained when it contains, else created → first triage: what 'debrief playbook replay' counts).",
			review.Seconds(saved/time.Second))
	}
	if len(sug.Rows) > 0 {
		s.Tables = append(s.Tables, sug)
	}
	if len(ran.Rows) > 0 {
		s.Tables = append(s.Tables, ran)
	}
	return s
}

// suggestedSaving estimates what the playbook "debrief playbook suggest"
// writes for the incident would have saved, as Replay estimates it: it
// always notifies, and contains when a containing response has targets.
func suggestedSaving(in *debrief.Incident, contains bool) time.Duration {
	if contains {
		if d, ok := in.Times.TimeToContain(); ok {
			return d
		}
	}
	if d, ok := in.Times.TimeToAcknowledge(); ok {
		return d
	}
	return 0
}

func appendNew(list []string, name, id string) []string {
	v := name
	if v == "" {
		v = id
	}
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, oneLine(v))
}
