package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"

	"github.com/debrief-dev/debrief"
)

// Error codes of the server's own, beside debrief's EINVALID, ENOTFOUND,
// ECONFLICT and EINTERNAL.
const (
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOLARGE     = "too_large"
	ERATELIMITED  = "rate_limited"
	EMETHOD       = "method_not_allowed"
	EUNAVAILABLE  = "unavailable"
)

// status maps an error code to its HTTP status: the one place that does.
func status(code string) int {
	switch code {
	case "":
		return http.StatusOK
	case debrief.EINVALID:
		return http.StatusBadRequest
	case debrief.ENOTFOUND:
		return http.StatusNotFound
	case debrief.ECONFLICT:
		return http.StatusConflict
	case EUNAUTHORIZED:
		return http.StatusUnauthorized
	case EFORBIDDEN:
		return http.StatusForbidden
	case ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case ERATELIMITED:
		return http.StatusTooManyRequests
	case EMETHOD:
		return http.StatusMethodNotAllowed
	case EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// codeOf classifies err: the debrief code in its chain, or the server's
// for an oversized body or a request that ran out of time.
func codeOf(err error) string {
	var mb *http.MaxBytesError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &mb):
		return ETOOLARGE
	case errors.Is(err, context.DeadlineExceeded):
		return EUNAVAILABLE
	}
	return debrief.ErrorCode(err)
}

// errorBody is the JSON of every API error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// message is what a client may read of err: internal failures are logged,
// not shown.
func message(err error, code string) string {
	switch code {
	case debrief.EINTERNAL:
		return "internal error (see the server log)"
	case ETOOLARGE:
		return "request body too large"
	case EUNAVAILABLE:
		return "the request took too long"
	}
	return err.Error()
}

// writeError writes err as a JSON error body with its status.
func writeError(w http.ResponseWriter, err error) {
	code := codeOf(err)
	if code == ERATELIMITED {
		w.Header().Set("Retry-After", "1")
	}
	if code == EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="debrief"`)
	}
	writeJSON(w, status(code), errorBody{errorDetail{code, message(err, code)}})
}

// jsonBuffers are the buffers writeJSON encodes into, reused across
// requests; one that grew past maxPooledJSON is left to the collector.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledJSON = 1 << 20

// writeJSON writes v as compact JSON with status and its length. A value
// that does not encode is an internal error, answered as one.
func writeJSON(w http.ResponseWriter, st int, v any) {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledJSON {
			jsonBuffers.Put(buf)
		}
	}()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		buf.Reset()
		st = http.StatusInternalServerError
		json.NewEncoder(buf).Encode(errorBody{errorDetail{debrief.EINTERNAL, "internal error (see the server log)"}})
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(st)
	w.Write(buf.Bytes())
}
