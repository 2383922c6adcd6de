package html

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/debrief-dev/debrief/review"
)

// The timeline and entity tables can have tens of thousands of rows, too
// many to execute template actions for each within the time budget. They
// are written here instead, every value through template.HTMLEscapeString
// (the escaper html/template uses for text), into markup whose tags and
// attributes are fixed.

// esc writes s escaped for HTML text or a quoted attribute value.
func esc(b *strings.Builder, s string) { template.HTMLEscape(writer{b}, []byte(s)) }

type writer struct{ b *strings.Builder }

func (w writer) Write(p []byte) (int, error) { return w.b.Write(p) }

// timelineRows writes the rows of the timeline table.
func timelineRows(evs []review.Event) template.HTML {
	var b strings.Builder
	b.Grow(len(evs) * 300)
	for i := range evs {
		e := &evs[i]
		if e.Kind == review.EventMilestone {
			b.WriteString(`<tr class="milestone"><td class="when">`)
			b.WriteString(review.Stamp(e.At))
			b.WriteString(`</td><td>milestone</td><td colspan="5">`)
			esc(&b, e.Title)
			b.WriteString("</td></tr>\n")
			continue
		}
		b.WriteString(`<tr><td class="when">`)
		b.WriteString(review.Stamp(e.At))
		b.WriteString(`</td><td>`)
		esc(&b, string(e.Kind))
		b.WriteString(`</td><td>`)
		esc(&b, e.Title)
		b.WriteString(`</td><td>`)
		if e.Severity != "" {
			b.WriteString(`<span class="sev" style="background:`)
			b.WriteString(severityColor(e.Severity))
			b.WriteString(`"></span>`)
			esc(&b, string(e.Severity))
		}
		b.WriteString(`</td><td>`)
		esc(&b, e.Actor)
		b.WriteString(`</td><td>`)
		for j, id := range e.Techniques {
			if j > 0 {
				b.WriteByte(' ')
			}
			esc(&b, string(id))
		}
		b.WriteString(`</td><td>`)
		if !e.Activity.IsZero() {
			b.WriteString("activity from ")
			b.WriteString(review.Stamp(e.Activity))
			b.WriteString(". ")
		}
		esc(&b, e.Detail)
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String())
}

// entityRows writes the rows of the entity table.
func entityRows(es []review.Entity) template.HTML {
	var b strings.Builder
	b.Grow(len(es) * 200)
	for i := range es {
		e := &es[i]
		b.WriteString(`<tr><td>`)
		esc(&b, strings.ReplaceAll(string(e.Kind), "_", " "))
		b.WriteString(`</td><td>`)
		esc(&b, e.Label())
		b.WriteString(`</td><td><code>`)
		esc(&b, e.ID)
		b.WriteString(`</code></td><td>`)
		esc(&b, e.Role)
		b.WriteString(`</td><td class="num">`)
		b.WriteString(strconv.Itoa(e.Alerts))
		b.WriteString(`</td><td class="when">`)
		b.WriteString(review.Stamp(e.First))
		b.WriteString(`</td><td class="when">`)
		b.WriteString(review.Stamp(e.Last))
		b.WriteString("</td></tr>\n")
	}
	return template.HTML(b.String())
}
