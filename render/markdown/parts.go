package markdown

import (
	"strconv"
	"strings"

	"github.com/debrief-dev/debrief/review"
)

func (p *printer) header(r *review.Review) {
	h := r.Header
	p.line("# Post-incident review: ", Text(h.Title))
	p.line()
	var ids []string
	for _, x := range h.Incidents {
		ids = append(ids, link(x.ID, x.URL))
	}
	var sources []string
	for _, s := range h.Sources {
		sources = append(sources, Text(string(s)))
	}
	rows := [][]string{
		{"Incidents", strings.Join(ids, ", ")},
		{"Severity", orDash(Text(string(h.Severity)))},
		{"Status", orDash(Text(string(h.Status)))},
		{"Verdict", verdict(h)},
		{"Assignees", orDash(Text(strings.Join(h.Assignees, ", ")))},
		{"Sources", orDash(strings.Join(sources, ", "))},
		{"Period", review.Stamp(h.Start) + " → " + review.Stamp(h.End)},
		{"Alerts", strconv.Itoa(h.Alerts)},
	}
	if len(h.Tags) > 0 {
		rows = append(rows, []string{"Tags", Text(strings.Join(h.Tags, ", "))})
	}
	p.table([]string{"", ""}, rows)
}

func verdict(h review.Header) string {
	v := strings.ReplaceAll(string(h.Verdict), "_", " ")
	if v == "" {
		v = "not decided"
	}
	if h.Determination != "" {
		v += " (" + h.Determination + ")"
	}
	return Text(v)
}

func (p *printer) summary(r *review.Review) {
	s := r.Summary
	p.line("## Summary")
	p.line()
	p.line("- **What happened:** ", Text(s.What))
	p.line("- **Impact:** ", Text(s.Impact))
	p.line("- **How it was detected:** ", Text(s.Detection))
	p.line("- **How it was contained:** ", Text(s.Containment))
	if len(s.TopActions) > 0 {
		p.line("- **Top actions:**")
		for i, a := range s.TopActions {
			p.f("  %d. %s\n", i+1, Text(a))
		}
	}
	p.line()
}

func (p *printer) impact(r *review.Review) {
	p.line("## Impact")
	p.line()
	if len(r.Impact.Counts) == 0 {
		p.line("No entities were recorded.")
		p.line()
		return
	}
	var counts [][]string
	for _, c := range r.Impact.Counts {
		counts = append(counts, []string{Text(string(c.Kind)), strconv.Itoa(c.Count)})
	}
	p.table([]string{"Kind", "Count"}, counts)
	var rows [][]string
	for _, e := range r.Impact.Entities {
		rows = append(rows, []string{Text(string(e.Kind)), Text(e.Label()), Text(e.ID), orDash(Text(e.Role)),
			strconv.Itoa(e.Alerts), review.Stamp(e.First), review.Stamp(e.Last)})
	}
	p.table([]string{"Kind", "Name", "ID", "Role", "Alerts", "First seen", "Last seen"}, rows)
}

func (p *printer) timeline(r *review.Review) {
	p.line("## Timeline")
	p.line()
	var rows [][]string
	for _, e := range r.Timeline {
		title := Text(e.Title)
		if e.Kind == review.EventMilestone {
			title = "**" + title + "**"
		}
		detail := Text(e.Detail)
		if e.Kind == review.EventAlert && !e.Activity.IsZero() {
			detail = strings.TrimSpace("activity from " + review.Stamp(e.Activity) + ". " + detail)
		}
		rows = append(rows, []string{review.Stamp(e.At), string(e.Kind), title, orDash(Text(string(e.Severity))),
			orDash(Text(e.Actor)), orDash(ids(e.Techniques)), orDash(detail)})
	}
	p.table([]string{"Time", "Kind", "Event", "Severity", "By", "Techniques", "Details"}, rows)
}

func ids[T ~string](xs []T) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = Text(string(x))
	}
	return strings.Join(out, ", ")
}

func (p *printer) killChain(r *review.Review) {
	p.line("### By tactic, in kill-chain order")
	p.line()
	var rows [][]string
	for i, st := range r.KillChain {
		status := map[review.StageStatus]string{review.StageSeen: "✅ seen", review.StageGap: "⚠️ gap: not seen between stages that were",
			review.StageNotSeen: "not seen"}[st.Status]
		rows = append(rows, []string{strconv.Itoa(i + 1), link(st.Name, st.URL) + " (" + Text(string(st.TacticID)) + ")", status,
			strconv.Itoa(st.Alerts), orDash(ids(st.Techniques)), review.Stamp(st.First)})
	}
	p.table([]string{"#", "Tactic", "Status", "Alerts", "Techniques", "First activity"}, rows)
}

func (p *printer) metrics(r *review.Review) {
	p.line("## Metrics")
	p.line()
	var rows [][]string
	for _, m := range r.Metrics {
		value := "not known"
		if m.Known {
			value = m.Value.String()
		}
		base, p90 := "—", "—"
		if m.Baseline.N > 0 {
			base, p90 = m.Baseline.Median.String(), m.Baseline.P90.String()
		}
		rows = append(rows, []string{Text(m.Label), value, base, p90, strconv.Itoa(m.Baseline.N),
			strings.ReplaceAll(string(m.Assessment), "_", " "), Text(m.Definition)})
	}
	p.table([]string{"Metric", "This review", "Team median", "Team p90", "Incidents", "Assessment", "Definition"}, rows)
	p.f("%s\n\n", r.BaselineText())
}

func (p *printer) techniques(r *review.Review) {
	p.line("## Techniques")
	p.line()
	if len(r.Techniques) == 0 {
		p.line("No ATT&CK technique was recorded.")
		p.line()
		return
	}
	var rows [][]string
	for _, t := range r.Techniques {
		var ms []string
		for _, m := range t.Mitigations {
			ms = append(ms, link(m.ID, m.URL)+" "+Text(m.Name))
		}
		rows = append(rows, []string{link(string(t.ID), t.URL) + " " + Text(t.Name), orDash(ids(t.Tactics)),
			orDash(ids(t.Sources)), review.Stamp(t.FirstSeen), strconv.Itoa(t.Alerts), orDash(strings.Join(ms, "<br>")),
			orDash(countermeasures(t.Countermeasures))})
	}
	p.table([]string{"Technique", "Tactics", "Detected by", "First seen", "Alerts", "ATT&CK mitigations", "D3FEND countermeasures"}, rows)
}

// countermeasures groups D3FEND countermeasures by their tactic.
func countermeasures(cs []review.Countermeasure) string {
	var groups []string
	for i := 0; i < len(cs); {
		j := i
		var links []string
		for ; j < len(cs) && cs[j].Tactic == cs[i].Tactic; j++ {
			links = append(links, link(cs[j].ID, cs[j].URL))
		}
		groups = append(groups, "**"+Text(cs[i].Tactic)+":** "+strings.Join(links, ", "))
		i = j
	}
	return strings.Join(groups, "<br>")
}

func (p *printer) sections(r *review.Review) {
	for _, s := range r.Sections {
		p.line("## ", Text(s.Title))
		p.line()
		if s.Summary != "" {
			p.line(Text(s.Summary))
			p.line()
		}
		for _, f := range s.Facts {
			p.line("- **", Text(f.Label), ":** ", Text(f.Value))
		}
		if len(s.Facts) > 0 {
			p.line()
		}
		for _, t := range s.Tables {
			p.table1(t)
		}
		if sc := s.Scores; sc != nil {
			p.scores(sc)
		}
	}
}

func (p *printer) table1(t review.Table) {
	if t.Title != "" {
		p.line("**", Text(t.Title), "**")
		p.line()
	}
	if len(t.Columns) == 0 {
		return
	}
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = Text(c)
	}
	rows := make([][]string, len(t.Rows))
	for i, row := range t.Rows {
		rows[i] = make([]string, len(row))
		for j, c := range row {
			rows[i][j] = orDash(Text(c))
		}
	}
	p.table(head, rows)
}

func (p *printer) scores(sc *review.Scores) {
	p.line("**Scores:** ", Text(sc.Title()))
	p.line()
	var rows [][]string
	for _, it := range sc.Items {
		rows = append(rows, []string{Text(string(it.Technique)), orDash(Text(it.Tactic)), strconv.FormatFloat(it.Score, 'g', -1, 64),
			bar(sc.Fraction(it.Score)), orDash(Text(it.Comment))})
	}
	p.table([]string{"Technique", "Tactic", "Score", "", "Comment"}, rows)
}

// bar draws a fraction as ten blocks.
func bar(f float64) string {
	n := int(f*10 + 0.5)
	return strings.Repeat("█", n) + strings.Repeat("░", 10-n)
}

func (p *printer) questions(r *review.Review) {
	p.line("## Lessons learned")
	p.line()
	p.line("The questions of NIST SP 800-61, with what debrief knows beside each. Write the team's answers under them.")
	p.line()
	for i, q := range r.Questions {
		p.f("### %d. %s\n\n", i+1, Text(q.Text))
		for _, f := range q.Facts {
			p.line("- ", Text(f))
		}
		p.line()
		answer := Text(q.Answer)
		if answer == "" {
			answer = "_Answer:_ "
		}
		p.line("> ", answer)
		p.line()
	}
}

func (p *printer) actions(r *review.Review) {
	p.line("## Action items")
	p.line()
	if len(r.Actions) == 0 {
		p.line("No action items.")
		p.line()
		return
	}
	var rows [][]string
	for _, a := range r.Actions {
		rows = append(rows, []string{a.ID, string(a.Type), Text(a.Title), Text(a.Reason), Text(a.Owner),
			a.Due.Format("2006-01-02"), "**" + Text(a.CSF) + "** " + Text(a.CSFTitle)})
	}
	p.table([]string{"ID", "Type", "Action", "Why", "Owner", "Due", "CSF 2.0"}, rows)
}

func (p *printer) appendix(r *review.Review) {
	p.line("## Appendix: data")
	p.line()
	p.f("- Generated %s by debrief (review schema %s).\n", review.Stamp(r.Generated), Text(r.SchemaVersion))
	p.f("- MITRE ATT&CK® %s; MITRE D3FEND™ %s.\n", orDash(Text(r.Data.ATTACK)), orDash(Text(r.Data.D3FEND)))
}
