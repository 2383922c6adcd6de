package analysishtml

import (
	"bufio"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/debrief-dev/debrief/attack"
)

//go:embed page.css *.html.tmpl
var files embed.FS

// css is the pages' stylesheet, and csp their policy: the stylesheet by its
// hash and nothing else.
var css = sync.OnceValues(func() (string, error) {
	b, err := files.ReadFile("page.css")
	return string(b), err
})

func csp(style string) string {
	sum := sha256.Sum256([]byte(style))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src data:; base-uri 'none'; form-action 'none'"
}

var templates = sync.OnceValues(func() (*template.Template, error) {
	return template.New("pages").Funcs(template.FuncMap{
		"hours":  hours,
		"pct":    pct,
		"value":  value,
		"metric": metricTitle,
		"f1":     func(f float64) string { return fmt.Sprintf("%.1f", f) },
		"f2":     func(f float64) string { return fmt.Sprintf("%.2f", f) },
		"g2":     func(f float64) string { return fmt.Sprintf("%.2g", f) },
		"day":    func(t interface{ Format(string) string }) string { return t.Format("2006-01-02") },
		"words":  func(s any) string { return strings.ReplaceAll(fmt.Sprint(s), "_", " ") },
	}).ParseFS(files, "*.html.tmpl")
})

// doc is what every page template receives.
type doc struct {
	Title  string
	Style  template.CSS
	Policy string
	ATTACK string // ATT&CK release of the catalog
	Data   any
}

// write executes the page template name with data.
func write(w io.Writer, name, title string, cat *attack.Catalog, data any) error {
	t, err := templates()
	if err != nil {
		return fmt.Errorf("analysis html: parse templates: %w", err)
	}
	style, err := css()
	if err != nil {
		return fmt.Errorf("analysis html: %w", err)
	}
	d := doc{Title: title, Style: template.CSS(style), Policy: csp(style), Data: data}
	if cat != nil {
		if ds := cat.Domains(); len(ds) > 0 {
			d.ATTACK = ds[0].Version
		}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := t.ExecuteTemplate(bw, name, d); err != nil {
		return fmt.Errorf("analysis html: %s: %w", name, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("analysis html: %w", err)
	}
	return nil
}

// ref is a key of an analysis with its ATT&CK name and page.
type ref struct {
	ID, Name, URL string
}

// web returns u when it is a web address, else "".
func web(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return ""
}

// lookup names key with the catalog: a technique or a tactic.
func lookup(cat *attack.Catalog, key, name string) ref {
	r := ref{ID: key, Name: name}
	if cat == nil {
		return r
	}
	if t, ok := cat.Technique(key); ok && string(t.ID) == key {
		r.URL = web(t.URL)
		if r.Name == "" {
			r.Name = t.Name
		}
	} else if ta, ok := cat.Tactic(key); ok {
		r.URL = web(ta.URL)
		if r.Name == "" {
			r.Name = ta.Name
		}
	}
	return r
}

func label(id, name string) string { return strings.TrimSpace(id + " " + name) }

func hours(h float64) string { return fmt.Sprintf("%.1f h", h) }

func pct(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }
