package elastic_test

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/debrief-dev/debrief/connect/internal/faketest"
)

// expirePIT is the fault that expires every PIT open so far (404).
const expirePIT = faketest.Custom

// fakeES serves an alerts index the way Elasticsearch does: points in
// time (POST /<index>/_pit, DELETE /_pit) and POST /_search with pit,
// sort [@timestamp, _shard_doc] and search_after. It wants an API key.
// Only search requests count for faults.
type fakeES struct {
	t      testing.TB
	srv    *faketest.Server
	mu     sync.Mutex
	docs   []doc
	pits   map[string]bool // open PITs
	opened int
	closed int
	ranges []string // the since of each search's range filter
}

type doc struct {
	uuid   string
	ts     time.Time
	source jsontext.Value // a real document's _source; nil: one rendered from uuid and ts
}

func newFakeES(t testing.TB, n int, from time.Time) *fakeES {
	f := &fakeES{t: t, srv: faketest.NewServer(t), pits: map[string]bool{}}
	for i := range n {
		f.docs = append(f.docs, doc{uuid: fmt.Sprintf("a1e7%04d-0000-4000-8000-000000000000", i), ts: from.Add(time.Duration(i) * time.Minute)})
	}
	f.srv.Authorize = func(r *http.Request) bool { return r.Header.Get("Authorization") == "ApiKey a2V5aWQ6c2VjcmV0" }
	f.srv.ExpiredBody = `{"error":{"type":"security_exception","reason":"missing authentication credentials"},"status":401}`
	f.srv.ThrottleBody = `{"error":{"type":"es_rejected_execution_exception"},"status":429}`
	f.srv.FailStatus, f.srv.FailBody = http.StatusServiceUnavailable, `{"error":{"type":"unavailable_shards_exception"},"status":503}`
	f.srv.Mux.HandleFunc("POST /{index}/_pit", f.servePIT)
	f.srv.Mux.HandleFunc("DELETE /_pit", f.serveClose)
	f.srv.Handle("POST /_search", f.serveSearch)
	return f
}

func (f *fakeES) authorised(w http.ResponseWriter, r *http.Request) bool {
	if !f.srv.Authorize(r) {
		http.Error(w, f.srv.ExpiredBody, http.StatusUnauthorized)
		return false
	}
	return true
}

func (f *fakeES) servePIT(w http.ResponseWriter, r *http.Request) {
	if !f.authorised(w, r) {
		return
	}
	if r.PathValue("index") != ".alerts-security.alerts-*" || r.URL.Query().Get("keep_alive") == "" {
		f.t.Errorf("open PIT on %q keep_alive %q", r.PathValue("index"), r.URL.Query().Get("keep_alive"))
	}
	f.mu.Lock()
	f.opened++
	id := "pit-" + strconv.Itoa(f.opened)
	f.pits[id] = true
	f.mu.Unlock()
	fmt.Fprintf(w, `{"id":%q,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}`, id)
}

func (f *fakeES) serveClose(w http.ResponseWriter, r *http.Request) {
	var req struct{ ID string }
	body, _ := io.ReadAll(r.Body)
	json.Unmarshal(body, &req, json.MatchCaseInsensitiveNames(true))
	f.mu.Lock()
	freed := f.pits[req.ID]
	delete(f.pits, req.ID)
	if freed {
		f.closed++
	}
	f.mu.Unlock()
	fmt.Fprintf(w, `{"succeeded":true,"num_freed":%d}`, map[bool]int{true: 1}[freed])
}

// searchRequest is the part of a search body the fake reads.
type searchRequest struct {
	Size int `json:"size"`
	PIT  struct {
		ID string `json:"id"`
	} `json:"pit"`
	Query struct {
		Bool struct {
			Should []map[string]map[string]map[string]string `json:"should"`
		} `json:"bool"`
	} `json:"query"`
	After []int64 `json:"search_after"`
}

func (f *fakeES) serveSearch(r *http.Request, flt faketest.Fault) (string, int) {
	body, _ := io.ReadAll(r.Body)
	if flt == expirePIT {
		f.mu.Lock()
		clear(f.pits)
		f.mu.Unlock()
	}
	var req searchRequest
	if err := json.Unmarshal(body, &req); err != nil {
		f.t.Errorf("search body %s: %v", body, err)
	}
	return f.page(req, flt == faketest.Repeat)
}

// page answers a search: the docs at or after the range's since, sorted
// by time then position, after search_after.
func (f *fakeES) page(req searchRequest, again bool) (string, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.pits[req.PIT.ID] {
		return `{"error":{"root_cause":[{"type":"search_context_missing_exception","reason":"No search context found for id [42]"}],` +
			`"type":"search_phase_execution_exception","reason":"all shards failed"},"status":404}`, http.StatusNotFound
	}
	var since time.Time
	if len(req.Query.Bool.Should) > 0 {
		gte := req.Query.Bool.Should[0]["range"]["@timestamp"]["gte"]
		f.ranges = append(f.ranges, gte)
		since, _ = time.Parse(time.RFC3339Nano, gte)
	} else {
		f.ranges = append(f.ranges, "")
	}
	var hits []string
	var last string
	for i, d := range f.docs {
		key := []int64{d.ts.UnixMilli(), int64(i)}
		if d.ts.Before(since) {
			continue
		}
		if len(req.After) == 2 && (key[0] < req.After[0] || key[0] == req.After[0] && key[1] <= req.After[1]) {
			last = hitJSON(d, key)
			continue
		}
		if len(hits) == req.Size {
			break
		}
		if again && len(hits) == 0 && last != "" {
			hits = append(hits, last)
		}
		hits = append(hits, hitJSON(d, key))
	}
	return fmt.Sprintf(`{"pit_id":%q,"took":3,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},`+
		`"hits":{"total":{"value":%d,"relation":"eq"},"max_score":null,"hits":[%s]}}`, req.PIT.ID, len(f.docs), strings.Join(hits, ",")), http.StatusOK
}

// hitJSON writes one alert document as a search hit.
func hitJSON(d doc, sort []int64) string {
	if d.source != nil {
		return fmt.Sprintf(`{"_index":".internal.alerts-security.alerts-default-000001","_id":%q,"_score":null,"_source":%s,"sort":[%d,%d]}`,
			d.uuid, d.source, sort[0], sort[1])
	}
	ts := d.ts.UTC().Format(time.RFC3339Nano)
	return fmt.Sprintf(`{"_index":".internal.alerts-security.alerts-default-000001","_id":"%s","_score":null,"_source":{`+
		`"@timestamp":%q,"kibana.alert.uuid":%q,"kibana.alert.status":"active","kibana.alert.workflow_status":"open",`+
		`"kibana.alert.severity":"high","kibana.alert.risk_score":73,"kibana.alert.reason":"process event created high alert",`+
		`"kibana.alert.original_time":%q,"kibana.alert.rule.name":"Suspicious PowerShell","kibana.alert.rule.uuid":"r-1",`+
		`"kibana.alert.rule.rule_id":"rule-1","kibana.alert.rule.threat":[{"framework":"MITRE ATT&CK",`+
		`"tactic":{"id":"TA0002","name":"Execution","reference":"https://attack.mitre.org/tactics/TA0002/"},`+
		`"technique":[{"id":"T1059","name":"Command and Scripting Interpreter","subtechnique":[{"id":"T1059.001","name":"PowerShell"}]}]}],`+
		`"host":{"name":"ws-%d"},"user":{"name":"alice"}},"sort":[%d,%d]}`,
		d.uuid, ts, d.uuid, ts, sort[1], sort[0], sort[1])
}
