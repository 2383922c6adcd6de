package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/debrief-dev/debrief"
)

// handlerFunc serves a request or returns the error to answer with.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is one endpoint of the API or the UI.
type route struct {
	method, path string       // a ServeMux pattern: "GET", "/api/v1/incidents/{id}"
	role         debrief.Role // the least role it needs; "" for anyone
	api          bool         // JSON errors and bearer tokens (else HTML and a session)
	maxBody      int64        // 0: Config.MaxBody
	h            handlerFunc
}

// reqInfo is what the access log learns from inside a request.
type reqInfo struct {
	token string
	err   error
}

type infoKey struct{}

func info(r *http.Request) *reqInfo {
	if ri, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logged adds the baseline security headers, recovers from panics and
// writes one structured access log line per request.
func (s *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{}
		sw := &statusWriter{ResponseWriter: w}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("Cache-Control", "no-store")
		defer func() {
			if p := recover(); p != nil {
				ri.err = fmt.Errorf("panic: %v", p)
				if sw.status == 0 {
					writeError(sw, ri.err)
				}
			}
			s.logRequest(r, sw, ri, time.Since(start))
		}()
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), infoKey{}, ri)))
	})
}

func (s *Server) logRequest(r *http.Request, sw *statusWriter, ri *reqInfo, d time.Duration) {
	level := slog.LevelInfo
	if sw.status >= 500 {
		level = slog.LevelError
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", or(sw.status, 200)),
		slog.Int64("bytes", sw.bytes), slog.Duration("duration", d), slog.String("remote", remoteHost(r)),
	}
	if ri.token != "" {
		attrs = append(attrs, slog.String("token", ri.token))
	}
	if ri.err != nil {
		attrs = append(attrs, slog.String("error", ri.err.Error()))
	}
	s.cfg.Log.LogAttrs(r.Context(), level, "request", attrs...)
}

func remoteHost(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

// wrap applies a route's body limit, timeout, access check and rate limit
// around its handler, and answers its error.
func (s *Server) wrap(rt route) http.Handler {
	limit := or(rt.maxBody, s.cfg.MaxBody)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
		defer cancel()
		r = r.WithContext(ctx)
		r, err := s.admit(r, rt)
		if err == nil {
			err = rt.h(w, r)
		}
		if err == nil {
			return
		}
		info(r).err = err
		if rt.api {
			writeError(w, err)
			return
		}
		s.uiError(w, r, err)
	})
}

// admit authenticates and rate-limits a request for rt, and returns it
// with the caller's principal in its context.
func (s *Server) admit(r *http.Request, rt route) (*http.Request, error) {
	key := "ip:" + remoteHost(r)
	if rt.role != "" {
		var p *principal
		var err error
		if rt.api {
			p, err = s.bearer(r)
		} else {
			p, err = s.session(r)
		}
		if err != nil {
			return r, err
		}
		info(r).token = p.token.ID
		if !p.token.Role.Allows(rt.role) {
			return r, debrief.Errorf(EFORBIDDEN, "this needs the %s role; the token has %s", rt.role, p.token.Role)
		}
		key = "token:" + p.token.ID
		r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
	}
	if !s.limiter.allow(key) {
		return r, debrief.Errorf(ERATELIMITED, "too many requests; slow down")
	}
	return r, nil
}

// apiFallback answers API paths that match no route: 405 with the path's
// methods in Allow when the path exists for another method, else 404,
// both as JSON.
func (s *Server) apiFallback() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pat := s.probe.Handler(r); pat != "" {
			w.Header().Set("Allow", s.allow[pat])
			writeError(w, debrief.Errorf(EMETHOD, "%s is not allowed on %s", r.Method, r.URL.Path))
			return
		}
		writeError(w, debrief.Errorf(debrief.ENOTFOUND, "no API endpoint %s (see /api/v1/openapi.json)", r.URL.Path))
	})
}
