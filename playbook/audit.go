package playbook

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Seq      int64           `json:"seq"`
	At       time.Time       `json:"at"`
	Event    string          `json:"event"` // run.start, plan, approval.wait, approve, deny, approval.timeout, execute, outcome, skip, run.resume, run.end
	Run      string          `json:"run"`
	Playbook string          `json:"playbook,omitempty"`
	Incident string          `json:"incident,omitempty"`
	Step     string          `json:"step,omitempty"`
	Live     bool            `json:"live"`
	Detail   json.RawMessage `json:"detail,omitempty"` // secrets masked
	Prev     string          `json:"prev"`             // hash of the previous entry, "" for the first
	Hash     string          `json:"hash,omitempty"`   // SHA-256 of this line without its hash member
}

// Audit is an append-only, hash-chained log: a JSON Lines file where each
// entry carries the hash of the one before. Changing, removing or
// reordering any line breaks the chain, which Verify detects. (Cutting
// lines off the end does not; compare the head hash Verify returns with
// one kept elsewhere.)
type Audit struct {
	mu   sync.Mutex
	f    *os.File
	prev string
	seq  int64
}

// OpenAudit opens (creating it if needed) the log at path, checking the
// chain so far.
func OpenAudit(path string) (*Audit, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	n, head, err := Verify(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open audit log %s: %w", path, err)
	}
	return &Audit{f: f, prev: head, seq: int64(n)}, nil
}

// Close closes the log file.
func (a *Audit) Close() error { return a.f.Close() }

// Append writes one entry, filling its Seq, Prev and Hash.
func (a *Audit) Append(e AuditEntry) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	e.Seq, e.Prev, e.Hash = a.seq+1, a.prev, ""
	body, err := json.Marshal(e)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	h := hex.EncodeToString(sum[:])
	line := append(body[:len(body)-1:len(body)-1], `,"hash":"`+h+"\"}\n"...)
	if _, err := a.f.Write(line); err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	a.seq, a.prev = e.Seq, h
	return nil
}

// Verify reads a log and checks every line's hash and its link to the line
// before. It returns the number of entries and the last hash; the error
// names the first broken line.
func Verify(r io.Reader) (n int, head string, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	marker := []byte(`,"hash":"`)
	for sc.Scan() {
		line := sc.Bytes()
		n++
		i := bytes.LastIndex(line, marker)
		if i < 0 || len(line) != i+len(marker)+64+2 || !bytes.HasSuffix(line, []byte(`"}`)) {
			return n - 1, head, fmt.Errorf("line %d: no hash member at the end", n)
		}
		h := string(line[i+len(marker) : i+len(marker)+64])
		body := append(bytes.Clone(line[:i]), '}')
		sum := sha256.Sum256(body)
		if hex.EncodeToString(sum[:]) != h {
			return n - 1, head, fmt.Errorf("line %d: hash mismatch: the entry was changed", n)
		}
		var e AuditEntry
		if err := json.Unmarshal(body, &e); err != nil {
			return n - 1, head, fmt.Errorf("line %d: %w", n, err)
		}
		if e.Prev != head || e.Seq != int64(n) {
			return n - 1, head, fmt.Errorf("line %d: chain broken: entry %d does not follow the one before (lines removed, added or reordered)", n, e.Seq)
		}
		head = h
	}
	if err := sc.Err(); err != nil {
		return n, head, fmt.Errorf("read audit log: %w", err)
	}
	return n, head, nil
}

// Entries reads a log's entries, keeping those keep says yes to (nil: all).
// It does not check the chain; Verify does.
func Entries(r io.Reader, keep func(AuditEntry) bool) ([]AuditEntry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var out []AuditEntry
	for n := 1; sc.Scan(); n++ {
		var e AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return out, fmt.Errorf("line %d: %w", n, err)
		}
		if keep == nil || keep(e) {
			out = append(out, e)
		}
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("read audit log: %w", err)
	}
	return out, nil
}
