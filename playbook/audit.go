package playbook

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
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
//
// Several processes may append to one file (a server and the CLI): each
// append holds an exclusive advisory lock on the file (flock, where the
// system has it) and chains to the last entry it reads back under the lock.
type Audit struct {
	mu sync.Mutex
	f  *os.File
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
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("open audit log %s: lock: %w", path, err)
	}
	_, _, err = Verify(f)
	unlockFile(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open audit log %s: %w", path, err)
	}
	return &Audit{f: f}, nil
}

// Close closes the log file.
func (a *Audit) Close() error { return a.f.Close() }

// Append writes one entry, filling its Seq, Prev and Hash. Under the file's
// lock it reads the last entry back, so that it follows entries other
// processes appended, then writes and syncs.
func (a *Audit) Append(e AuditEntry) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := lockFile(a.f); err != nil {
		return fmt.Errorf("lock audit log: %w", err)
	}
	defer unlockFile(a.f)
	seq, prev, err := lastEntry(a.f)
	if err != nil {
		return fmt.Errorf("audit log %s: last entry: %w", a.f.Name(), err)
	}
	e.Seq, e.Prev, e.Hash = seq+1, prev, ""
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
	if err := a.f.Sync(); err != nil {
		return fmt.Errorf("sync audit log: %w", err)
	}
	return nil
}

// maxLine bounds an audit line, as Verify's scanner does.
const maxLine = 16 << 20

// lastEntry reads the file's last line back from its end and returns that
// entry's Seq and hash (0 and "" for an empty file), checking its hash.
func lastEntry(f *os.File) (int64, string, error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, "", err
	}
	off := fi.Size()
	if off == 0 {
		return 0, "", nil
	}
	var line []byte // the end of the file, read back until a line break before its last byte
	for {
		n := min(off, 4096)
		off -= n
		chunk := make([]byte, n, n+int64(len(line)))
		if _, err := f.ReadAt(chunk, off); err != nil {
			return 0, "", err
		}
		line = append(chunk, line...)
		if line[len(line)-1] != '\n' {
			return 0, "", errors.New("the last line is cut short (no line break at the end)")
		}
		if i := bytes.LastIndexByte(line[:len(line)-1], '\n'); i >= 0 {
			line = line[i+1:]
			break
		}
		if off == 0 {
			break
		}
		if len(line) > maxLine {
			return 0, "", fmt.Errorf("the last line is longer than %d bytes", maxLine)
		}
	}
	e, h, err := checkLine(line[:len(line)-1])
	if err != nil {
		return 0, "", err
	}
	return e.Seq, h, nil
}

// Verify reads a log and checks every line's hash and its link to the line
// before. It returns the number of entries and the last hash; the error
// names the first broken line.
func Verify(r io.Reader) (n int, head string, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	for sc.Scan() {
		n++
		e, h, err := checkLine(sc.Bytes())
		if err != nil {
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

var hashMarker = []byte(`,"hash":"`)

// checkLine checks one line's hash member against the rest of the line and
// decodes the entry. It returns the entry and its hash.
func checkLine(line []byte) (AuditEntry, string, error) {
	var e AuditEntry
	i := bytes.LastIndex(line, hashMarker)
	if i < 0 || len(line) != i+len(hashMarker)+64+2 || !bytes.HasSuffix(line, []byte(`"}`)) {
		return e, "", errors.New("no hash member at the end")
	}
	h := string(line[i+len(hashMarker) : i+len(hashMarker)+64])
	body := append(bytes.Clone(line[:i]), '}')
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != h {
		return e, "", errors.New("hash mismatch: the entry was changed")
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return e, "", err
	}
	return e, h, nil
}

// Entries reads a log's entries, keeping those keep says yes to (nil: all).
// It does not check the chain; Verify does.
func Entries(r io.Reader, keep func(AuditEntry) bool) ([]AuditEntry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
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
