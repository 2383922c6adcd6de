package playbook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// errStatus is a reply that is not 2xx.
type errStatus struct {
	code int
	body string
}

func (e *errStatus) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.code, e.body)
}

// transient reports whether a failed try may succeed later.
func transient(err error, code int) bool {
	if code == http.StatusTooManyRequests || code >= 500 {
		return true
	}
	return code == 0 && err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, errRedirect)
}

// errRedirect is a redirect a step does not follow.
var errRedirect = errors.New("redirect refused")

// redirects returns a copy of client that follows at most 5 redirects, and
// only to hosts allowed says yes to: a redirect must not carry a request
// (or, through an OAuth2 transport, a token) past the allow-list.
func redirects(client *http.Client, allowed func(host string) bool) *http.Client {
	c := *client
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		switch {
		case len(via) >= 5:
			return fmt.Errorf("%w: more than 5", errRedirect)
		case !allowed(req.URL.Hostname()):
			return fmt.Errorf("%w: to host %s, which this step may not call", errRedirect, req.URL.Hostname())
		}
		return nil
	}
	return &c
}

// send makes the request, retrying transient failures with exponential
// backoff and jitter, or as long as Retry-After asks (capped at
// MaxBackoff). Each try has the step's timeout.
func (r *Runner) send(ctx context.Context, s Step, client *http.Client) (Outcome, []byte, error) {
	var out Outcome
	req := s.live
	for attempt := 1; ; attempt++ {
		out.Attempts = attempt
		code, body, wait, err := r.try(ctx, s, req, client)
		out.Status = code
		if err == nil {
			return out, body, nil
		}
		if !transient(err, code) || attempt >= s.Retry.Attempts {
			return out, body, fmt.Errorf("%s %s: attempt %d: %w", req.Method, s.Request.URL, attempt, err)
		}
		if wait <= 0 {
			wait = r.backoff(s.Retry, attempt)
		}
		if err := r.sleep(ctx, min(wait, s.Retry.MaxBackoff)); err != nil {
			return out, body, err
		}
	}
}

// try makes one request and reads at most 1 MiB of the reply.
func (r *Runner) try(ctx context.Context, s Step, req *Request, client *http.Client) (int, []byte, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	var body io.Reader
	if len(req.Body) > 0 {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, body)
	if err != nil {
		return 0, nil, 0, err
	}
	for k, v := range req.Header {
		hr.Header.Set(k, v)
	}
	if len(req.Body) > 0 {
		hr.Header.Set("Content-Type", "application/json")
	}
	if s.IdempotencyKey != "" {
		hr.Header.Set("Idempotency-Key", s.IdempotencyKey)
	}
	resp, err := client.Do(hr)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) && s.Request != nil {
			ue.URL = s.Request.URL // the masked URL: the real one may carry a signature
		}
		return 0, nil, 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, nil, 0, fmt.Errorf("read reply: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, data, r.retryAfter(resp.Header.Get("Retry-After")), &errStatus{resp.StatusCode, snippet(data)}
	}
	return resp.StatusCode, data, 0, nil
}

// retryAfter parses delay-seconds or an HTTP date.
func (r *Runner) retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(r.now()), 0)
	}
	return 0
}

// backoff is Backoff·2^(attempt−1), capped, with full jitter.
func (r *Runner) backoff(p RetryPolicy, attempt int) time.Duration {
	d := float64(p.Backoff) * math.Pow(2, float64(attempt-1))
	d = math.Min(d, float64(p.MaxBackoff))
	return time.Duration(d/2 + r.rand()*d/2)
}

func snippet(b []byte) string {
	if len(b) > 200 {
		b = b[:200]
	}
	return string(bytes.ToValidUTF8(bytes.TrimSpace(b), []byte("?")))
}
