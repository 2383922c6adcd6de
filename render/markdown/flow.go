package markdown

import (
	"fmt"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"

	"github.com/debrief-dev/debrief/review"
)

// maxFlowTechniques bounds the techniques a flowchart node lists.
const maxFlowTechniques = 4

// flow draws the attack as a Mermaid flowchart: the kill-chain stages from
// the first seen to the last, each with its techniques; stages not seen
// in between are dashed.
func (p *printer) flow(r *review.Review) {
	p.line("## Attack flow")
	p.line()
	first, last := -1, -1
	for i, st := range r.KillChain {
		if st.Status == review.StageSeen {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		p.line("No kill-chain stage was seen.")
		p.line()
		return
	}
	names := names(r.Techniques)
	p.line("```mermaid")
	p.line("flowchart LR")
	var nodes []string
	for i := first; i <= last; i++ {
		st := r.KillChain[i]
		id := fmt.Sprintf("S%d", i)
		nodes = append(nodes, id)
		if st.Status == review.StageGap {
			p.f("  %s[\"%s<br/>not seen\"]:::gap\n", id, Mermaid(st.Name))
			continue
		}
		p.f("  %s[\"%s<br/>%s\"]\n", id, Mermaid(st.Name), stageLabel(st, names))
	}
	p.line("  ", strings.Join(nodes, " --> "))
	p.line("  classDef gap stroke-dasharray: 5 5,fill:#fff3cd,color:#664d03")
	p.line("```")
	p.line()
}

func names(ts []review.Technique) map[string]string {
	out := map[string]string{}
	for _, t := range ts {
		out[string(t.ID)] = t.Name
	}
	return out
}

func stageLabel(st review.Stage, names map[string]string) string {
	var lines []string
	leaves := slices.DeleteFunc(slices.Clone(st.Techniques), func(id debrief.TechniqueID) bool {
		return slices.ContainsFunc(st.Techniques, func(s debrief.TechniqueID) bool { return s.IsSub() && s.Parent() == id && s != id })
	})
	for _, id := range leaves {
		if len(lines) == maxFlowTechniques {
			lines = append(lines, fmt.Sprintf("+%d more", len(leaves)-maxFlowTechniques))
			break
		}
		lines = append(lines, Mermaid(string(id)+" "+names[string(id)]))
	}
	lines = append(lines, fmt.Sprintf("%d alert%s", st.Alerts, plural(st.Alerts)))
	return strings.Join(lines, "<br/>")
}

// Mermaid escapes s for a quoted Mermaid label: quotes, angle brackets,
// ampersands, hashes and backticks become Mermaid entity codes, line
// breaks spaces.
func Mermaid(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '"', '<', '>', '&', '#', '`', '[', ']', '{', '}', '|':
			fmt.Fprintf(&b, "#%d;", c)
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
