package connect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client makes requests to a source API: each attempt has a timeout, and
// failures that may pass (a network error, a timeout, 5xx, 429, a page
// that fails Request.Check) are retried with exponential backoff and
// jitter, waiting at least as long as a Retry-After header asks. A 401 is
// retried once with fresh credentials. The zero value is usable.
type Client struct {
	HTTP       *http.Client  // nil: a plain client; Timeout bounds each attempt
	Auth       Auth          // nil: no credentials
	Timeout    time.Duration // per attempt, body included; 0 means 60s
	Retries    int           // attempts after the first; 0 means 6, negative none
	Backoff    time.Duration // first wait; 0 means 1s; doubles up to MaxBackoff
	MaxBackoff time.Duration // 0 means 2 minutes
	MaxBody    int64         // largest response body; 0 means 256 MiB
	UserAgent  string        // "" means "debrief"
	// Sleep waits d or until ctx ends; nil sleeps for real. Tests record
	// the waits instead.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter spreads a backoff wait; nil picks uniformly in [d/2, d].
	Jitter func(d time.Duration) time.Duration
}

// Request is one API call.
type Request struct {
	Method string // "" means GET
	URL    string
	Header http.Header
	Body   []byte
	// Check validates a successful body; an error (a truncated or
	// malformed page) fails the attempt, which is retried.
	Check func(body []byte) error
}

// StatusError is an HTTP response that retrying will not fix.
type StatusError struct {
	Method, URL string
	Status      int
	Body        string // the start of the response body
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, redact(e.URL), e.Status, e.Body)
}

// Do runs req until it succeeds, fails for good, or the retries run out,
// and returns the response body.
func (c *Client) Do(ctx context.Context, req Request) ([]byte, error) {
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	retries := c.Retries
	if retries == 0 {
		retries = 6
	}
	refreshed := false
	var last error
	for attempt := 0; ; attempt++ {
		body, wait, err := c.attempt(ctx, req)
		if err == nil {
			return body, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var se *StatusError
		if errors.As(err, &se) && se.Status == http.StatusUnauthorized && c.Auth != nil && !refreshed {
			refreshed = true // a token that expired early or was revoked
			c.Auth.Refresh()
			continue
		}
		if !retryable(err) {
			return nil, err
		}
		last = err
		if attempt >= retries {
			return nil, fmt.Errorf("%w (gave up after %d attempts)", last, attempt+1)
		}
		if err := c.sleep(ctx, max(wait, c.backoff(attempt))); err != nil {
			return nil, err
		}
	}
}

// transient marks an attempt's failure as worth retrying.
type transient struct{ err error }

func (e transient) Error() string { return e.err.Error() }
func (e transient) Unwrap() error { return e.err }

func retryable(err error) bool {
	var t transient
	return errors.As(err, &t)
}

// attempt makes one request. wait is what a Retry-After header asked for.
func (c *Client) attempt(ctx context.Context, req Request) (body []byte, wait time.Duration, err error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(actx, req.Method, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		return nil, 0, fmt.Errorf("%s %s: %w", req.Method, redact(req.URL), err)
	}
	for k, vs := range req.Header {
		hr.Header[k] = vs
	}
	hr.Header.Set("User-Agent", cmp(c.UserAgent, "debrief"))
	if c.Auth != nil {
		if err := c.Auth.Apply(actx, hr.Header); err != nil {
			return nil, 0, err
		}
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(hr)
	if err != nil {
		return nil, 0, transient{fmt.Errorf("%s %s: %w", req.Method, redact(req.URL), timedOut(actx, ctx, timeout, unwrapURL(err)))}
	}
	defer resp.Body.Close()
	body, err = c.read(resp.Body)
	if err != nil {
		return nil, 0, transient{fmt.Errorf("%s %s: read body: %w", req.Method, redact(req.URL), timedOut(actx, ctx, timeout, err))}
	}
	return c.judge(req, resp, body)
}

// judge turns a response into the body or an error.
func (c *Client) judge(req Request, resp *http.Response, body []byte) ([]byte, time.Duration, error) {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if req.Check != nil {
			if err := req.Check(body); err != nil {
				return nil, 0, transient{fmt.Errorf("%s %s: malformed page: %w", req.Method, redact(req.URL), err)}
			}
		}
		return body, 0, nil
	}
	se := &StatusError{Method: req.Method, URL: req.URL, Status: resp.StatusCode, Body: snippet(body)}
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests || s == http.StatusRequestTimeout || s >= 500:
		return nil, retryAfter(resp.Header.Get("Retry-After"), time.Now()), transient{se}
	}
	return nil, 0, se
}

func (c *Client) read(r io.Reader) ([]byte, error) {
	limit := c.MaxBody
	if limit <= 0 {
		limit = 256 << 20
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("response larger than %d bytes", limit)
	}
	return b, nil
}

// backoff is the jittered wait before retry attempt+1.
func (c *Client) backoff(attempt int) time.Duration {
	d, maxD := c.Backoff, c.MaxBackoff
	if d <= 0 {
		d = time.Second
	}
	if maxD <= 0 {
		maxD = 2 * time.Minute
	}
	for range attempt {
		if d *= 2; d >= maxD {
			d = maxD
			break
		}
	}
	if c.Jitter != nil {
		return c.Jitter(d)
	}
	return d/2 + rand.N(d/2+1)
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v = strings.TrimSpace(v); v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// timedOut names the attempt's timeout when it, not the caller, ended
// the request.
func timedOut(actx, ctx context.Context, d time.Duration, err error) error {
	if errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		return fmt.Errorf("no response within %s: %w", d, err)
	}
	return err
}

func snippet(b []byte) string {
	const n = 300
	s := strings.Join(strings.Fields(string(b[:min(len(b), n)])), " ")
	if len(b) > n {
		s += " …"
	}
	return s
}

// redact drops the query of a URL for error messages: it may hold a
// skip token or a filter as long as the message.
func redact(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// unwrapURL drops the *url.Error wrapper, whose message repeats the URL.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
