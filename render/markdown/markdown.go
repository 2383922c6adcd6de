package markdown

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/debrief-dev/debrief/internal/textsafe"
	"github.com/debrief-dev/debrief/review"
)

// Renderer writes a review as GitHub-flavoured Markdown. The zero value
// is ready to use.
type Renderer struct{}

// Name returns "md".
func (Renderer) Name() string { return "md" }

// MediaType returns "text/markdown; charset=utf-8".
func (Renderer) MediaType() string { return "text/markdown; charset=utf-8" }

// Ext returns ".md".
func (Renderer) Ext() string { return ".md" }

// Render writes r as Markdown.
func (Renderer) Render(w io.Writer, r *review.Review) error {
	bw := bufio.NewWriter(w)
	p := &printer{w: bw}
	for _, part := range []func(*review.Review){
		p.header, p.summary, p.impact, p.timeline, p.killChain, p.flow, p.metrics,
		p.techniques, p.sections, p.questions, p.actions, p.appendix,
	} {
		part(r)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render markdown: %w", err)
	}
	return nil
}

// printer writes Markdown; its writer keeps the first error, which
// Flush returns.
type printer struct{ w *bufio.Writer }

func (p *printer) f(format string, args ...any) { fmt.Fprintf(p.w, format, args...) }

func (p *printer) line(s ...string) {
	for _, x := range s {
		p.w.WriteString(x)
	}
	p.w.WriteByte('\n')
}

// table writes a table whose cells are already escaped.
func (p *printer) table(head []string, rows [][]string) {
	p.line("| ", strings.Join(head, " | "), " |")
	sep := make([]string, len(head))
	for i := range sep {
		sep[i] = "---"
	}
	p.line("|", strings.Join(sep, "|"), "|")
	for _, r := range rows {
		p.line("| ", strings.Join(r, " | "), " |")
	}
	p.line()
}

// Text escapes s for Markdown text and table cells: Markdown and HTML
// syntax characters get a backslash or become entities ('&' only where
// it would start an entity reference), line breaks
// become spaces, and other control characters (C0, DEL, C1) and the
// Unicode bidirectional overrides and isolates (U+202A–U+202E,
// U+2066–U+2069) are written as Go escapes (\x1b, \u202e), so text from
// alerts cannot add markup, links or HTML, nor drive the terminal that
// shows the Markdown.
func Text(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, c := range s {
		switch c {
		case '\\', '`', '*', '_', '[', ']', '#', '|', '~':
			b.WriteByte('\\')
			b.WriteRune(c)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			if entity(s[i+1:]) {
				b.WriteString("&amp;")
			} else {
				b.WriteByte('&') // "ATT&CK" stays as it is
			}
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			if textsafe.Unsafe(c) {
				b.WriteString(textsafe.EscapeRune(c))
				continue
			}
			b.WriteRune(c)
		}
	}
	return b.String()
}

// entity reports whether s, which follows an '&', would make it an entity
// reference (&amp;, &#38;, &#x26;): a name or number, then ';'.
func entity(s string) bool {
	n := strings.IndexFunc(s, func(c rune) bool {
		return !(c == '#' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
	})
	return n > 0 && s[n] == ';'
}

// link writes a Markdown link when url is a web address, else the text.
func link(text, url string) string {
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return Text(text)
	}
	return "[" + Text(text) + "](<" + strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20").Replace(url) + ">)"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
