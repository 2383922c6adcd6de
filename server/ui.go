package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/debrief-dev/debrief"
)

//go:embed ui/templates/*.tmpl ui/static
var uiFS embed.FS

// uiCSP is the policy of every UI page: the stylesheet and frames from the
// server itself, no script at all.
const uiCSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"

// parsePages parses each page template with the layout.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(uiFS, "ui/templates/*.tmpl")
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{"path": url.PathEscape, "ts": ago, "day": day, "value": metricValue,
		"list": func(xs ...string) []string { return xs }}
	pages := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(n[len("ui/templates/"):], ".tmpl")
		if base == "layout" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(uiFS, "ui/templates/layout.tmpl", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", base, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// view is what every page template receives.
type view struct {
	Title string
	User  *debrief.Token // nil before login
	CSRF  string
	Data  any
}

// page renders a page template with status st.
func (s *Server) page(w http.ResponseWriter, r *http.Request, st int, name, title string, data any) error {
	v := view{Title: title, Data: data}
	if p := principalOf(r); p != nil {
		v.User = &p.token
		if p.session != nil {
			v.CSRF = p.session.csrf
		}
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("page %s: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", uiCSP)
	w.WriteHeader(st)
	_, err := w.Write(buf.Bytes())
	return err
}

// uiError answers a UI request's error: to the login page when it lacks a
// session, else an error page with the status of its code.
func (s *Server) uiError(w http.ResponseWriter, r *http.Request, err error) {
	code := codeOf(err)
	if code == EUNAUTHORIZED && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if code == ERATELIMITED {
		w.Header().Set("Retry-After", "1")
	}
	if perr := s.page(w, r, status(code), "error", "Error", message(err, code)); perr != nil {
		http.Error(w, message(err, code), status(code))
	}
}

// uiFallback answers paths outside every route with a 404 page.
func (s *Server) uiFallback() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.uiError(w, r, debrief.Errorf(debrief.ENOTFOUND, "no page %s", r.URL.Path))
	})
}

func (s *Server) uiRoutes() []route {
	v := debrief.RoleViewer
	ui := func(method, path string, role debrief.Role, h handlerFunc) route {
		return route{method: method, path: path, role: role, h: h}
	}
	return []route{
		ui("GET", "/{$}", "", func(w http.ResponseWriter, r *http.Request) error {
			http.Redirect(w, r, "/incidents", http.StatusSeeOther)
			return nil
		}),
		ui("GET", "/login", "", s.loginPage),
		ui("POST", "/login", "", s.login),
		ui("POST", "/logout", v, s.logout),
		ui("GET", "/incidents", v, s.incidentsPage),
		ui("GET", "/incidents/{id}", v, s.incidentView),
		ui("GET", "/incidents/{id}/review.html", v, s.reviewDoc),
		ui("GET", "/matrix", v, s.matrixPage),
		ui("GET", "/matrix/techniques/{id}", v, s.techniquePage),
		ui("GET", "/playbooks", v, s.runsPage),
		ui("POST", "/playbooks/runs/{run}/steps/{step}/approve", debrief.RoleAnalyst, s.decideForm(false)),
		ui("POST", "/playbooks/runs/{run}/steps/{step}/deny", debrief.RoleAnalyst, s.decideForm(true)),
		ui("GET", "/trends", v, s.trendsPage),
		ui("GET", "/skills", v, s.skillsPage),
		ui("GET", "/static/{file}", "", s.static),
		ui("GET", "/favicon.ico", "", func(w http.ResponseWriter, _ *http.Request) error {
			w.WriteHeader(http.StatusNoContent) // browsers ask; there is none
			return nil
		}),
	}
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	b, err := uiFS.ReadFile("ui/static/" + r.PathValue("file"))
	if err != nil {
		return debrief.Errorf(debrief.ENOTFOUND, "no file %s", r.PathValue("file"))
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err = w.Write(b)
	return err
}

type loginView struct {
	Next, CSRF, Error string
}

// localPath keeps a post-login redirect on this site: a path that starts
// with one slash, without backslashes, control characters or spaces
// (browsers drop tabs and newlines, so "/\t/evil.com" would become
// "//evil.com"), and without a scheme or host once parsed. Anything else
// goes to the incident list.
func localPath(next string) string {
	const home = "/incidents"
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(r rune) bool { return r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) }) {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return home
	}
	return next
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	return s.showLogin(w, r, http.StatusOK, "")
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, st int, msg string) error {
	csrf, err := randomString(s.cfg.Random)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(r, loginCookie, csrf, 3600))
	return s.page(w, r, st, "login", "Log in", loginView{Next: localPath(r.FormValue("next")), CSRF: csrf, Error: msg})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	if err := sameOrigin(r); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return debrief.Errorf(debrief.EINVALID, "login form: %v", err)
	}
	c, err := r.Cookie(loginCookie)
	if err != nil || !equalSecret(c.Value, r.PostFormValue("csrf")) {
		return s.showLogin(w, r, http.StatusForbidden, "The form expired; try again.")
	}
	t, _, err := s.lookup(r.Context(), strings.TrimSpace(r.PostFormValue("token")))
	if codeOf(err) == EUNAUTHORIZED {
		return s.showLogin(w, r, http.StatusUnauthorized, "Unknown or revoked token.")
	}
	if err != nil {
		return err
	}
	sid, err := s.sessions.create(t.Hash)
	if err != nil {
		return err
	}
	info(r).token = t.ID
	http.SetCookie(w, s.cookie(r, loginCookie, "", -1))
	http.SetCookie(w, s.cookie(r, sessionCookie, sid, int(s.cfg.Session.Seconds())))
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := sameOrigin(r); err != nil {
		return err
	}
	p := principalOf(r)
	if !equalSecret(p.session.csrf, r.PostFormValue("csrf")) {
		return debrief.Errorf(EFORBIDDEN, "missing or wrong CSRF token")
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.sessions.drop(c.Value)
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}
