package markdown_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/render/markdown"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/review/reviewtest"
)

func render(t *testing.T, r *review.Review) string {
	t.Helper()
	var b bytes.Buffer
	if err := (markdown.Renderer{}).Render(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestRender(t *testing.T) {
	opts := reviewtest.Options(t)
	opts.Sections = reviewtest.Sections()
	r, err := review.Build(reviewtest.Slice(reviewtest.Incident()), opts)
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "TestRender", []byte(render(t, r)))
}

func TestRenderHostile(t *testing.T) {
	out := render(t, reviewtest.Build(t, reviewtest.Hostile()))
	for _, bad := range []string{"<script", "<img", "<svg", "<!--", "</style"} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q unescaped", bad)
		}
	}
	for _, bad := range []string{`[^\\]\]\(http://evil`, "[^\\\\]`md", `[^\\]\*bold`} {
		if m := regexp.MustCompile(bad).FindString(out); m != "" {
			t.Errorf("output contains markup %q unescaped", m)
		}
	}
	if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the hostile title is not shown as text")
	}
	// Every table row has as many cells as its header: no injected pipes.
	var width int
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			width = 0
			continue
		}
		n := cells(line)
		if width == 0 {
			width = n
		} else if n != width {
			t.Errorf("row with %d cells under a header of %d: %s", n, width, line)
		}
	}
	mermaid := out[strings.Index(out, "```mermaid"):]
	mermaid = mermaid[:strings.Index(mermaid[3:], "```")+3]
	for _, line := range strings.Split(mermaid, "\n") {
		if strings.Contains(line, `["`) && (strings.Count(line, `"`) != 2 || strings.ContainsAny(strings.ReplaceAll(line, "<br/>", ""), "<>&")) {
			t.Errorf("a Mermaid label lets text out of its quotes: %s", line)
		}
	}
}

// cells counts the cells of a table row, ignoring escaped pipes.
func cells(line string) int {
	return strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") - 1
}

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text 1.2", "plain text 1.2"},
		{"a|b", `a\|b`},
		{"<b>&amp;</b>", "&lt;b&gt;&amp;amp;&lt;/b&gt;"},
		{"ATT&CK, R&D & more &", "ATT&CK, R&D & more &"},
		{"&#60;b&#x3e; &lt &nbsp;x", `&amp;\#60;b&amp;\#x3e; &lt &amp;nbsp;x`},
		{"[x](http://e) *y* _z_ `c` # ~s~", `\[x\](http://e) \*y\* \_z\_ \` + "`c\\`" + ` \# \~s\~`},
		{"line\nbreak\r\ttab", "line break  tab"},
		{`back\slash`, `back\\slash`},
		{"esc\x1b]0;title\a nul\x00 del\x7f c1\u009b", `esc\x1b\]0;title\a nul\x00 del\x7f c1\u009b`},
		{"bidi \u202egnp.exe\u202c \u2066iso\u2069 \u202a\u202b\u202d \u2067\u2068", `bidi \u202egnp.exe\u202c \u2066iso\u2069 \u202a\u202b\u202d \u2067\u2068`},
		{"not UTF-8 \xff, é ü 名", "not UTF-8 \ufffd, é ü 名"},
	}
	for _, tc := range tests {
		if got := markdown.Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMermaid(t *testing.T) {
	if got, want := markdown.Mermaid(`a "b" <c> #d [e]`+"\n`f`"), "a #34;b#34; #60;c#62; #35;d #91;e#93; #96;f#96;"; got != want {
		t.Errorf("Mermaid = %q, want %q", got, want)
	}
}

func TestNoStages(t *testing.T) {
	in := reviewtest.Incident()
	in.Alerts = nil
	out := render(t, reviewtest.Build(t, in))
	for _, want := range []string{"No kill-chain stage was seen.", "No ATT&CK technique was recorded.", "No entities were recorded."} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
