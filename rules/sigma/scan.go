package sigma

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/debrief-dev/debrief"
)

// scan reads the top-level keys Decode needs from a rule written in plain
// block YAML. It gives up (ok false) on anything outside that subset, and
// parse takes over.
func scan(data []byte) (r raw, ok bool) {
	if !utf8.Valid(data) {
		return raw{}, false
	}
	s := scanner{r: &r}
	for len(data) > 0 {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte{'\n'})
		if !s.line(string(bytes.TrimRight(line, "\r"))) {
			return raw{}, false
		}
	}
	s.flush()
	return r, true
}

type scanner struct {
	r      *raw
	key    string // the current top-level key
	indent int    // indentation of the tag items or logsource keys; -1 before the first
	nested bool   // the last logsource key had no inline value: deeper lines are its
	ls     debrief.LogSource
	inLS   bool
}

func (s *scanner) line(line string) bool {
	body := strings.TrimLeft(line, " ")
	indent := len(line) - len(body)
	switch {
	case strings.HasPrefix(line, "---") || strings.HasPrefix(line, "..."):
		return false // several documents
	case strings.HasPrefix(body, "\t"):
		return false
	case body == "" || body[0] == '#':
		return true
	case indent > 0 && s.key == "":
		return false // an indented first key: the whole mapping is indented
	case body[0] == '-' && len(body) > 1 && body[1] != ' ':
		return false // a key or scalar starting with '-' ("-0:"), not a sequence item
	case indent > 0 && s.scalarKey():
		return false // a multi-line scalar
	case indent == 0 && body[0] != '-':
		return s.topKey(body)
	case s.key == "tags":
		if s.indent < 0 {
			s.indent = indent
		}
		return indent == s.indent && s.tag(body)
	case s.key == "logsource":
		return s.logsource(body, indent)
	}
	return true
}

func (s *scanner) scalarKey() bool {
	switch s.key {
	case "title", "id", "status", "level":
		return true
	}
	return false
}

func (s *scanner) topKey(body string) bool {
	s.flush()
	key, rest, found := cutKey(body)
	if !found || !plainKey(key) {
		return false
	}
	s.key = key
	rest = strings.Trim(rest, " ")
	switch key {
	case "title", "id", "status", "level":
		v, ok := scalar(rest)
		if !ok || v == "" {
			return false
		}
		*s.field(key) = v
	case "tags":
		s.indent = -1
		return rest == "" || rest[0] == '#'
	case "logsource":
		s.inLS, s.indent = true, -1
		return rest == "" || rest[0] == '#'
	}
	return oneLine(rest)
}

// oneLine reports whether the value of a key the scanner does not read
// leaves the structure alone: not a tag, anchor or alias, and a quoted
// scalar or flow collection ends on its line.
func oneLine(v string) bool {
	if v == "" {
		return true
	}
	switch v[0] {
	case '!', '&', '*':
		return false
	case '\'':
		_, ok := singleQuoted(v)
		return ok
	case '"':
		end := strings.LastIndexByte(v, '"')
		tail := strings.Trim(v[end+1:], " ")
		return end > 0 && v[end-1] != '\\' && (tail == "" || tail[0] == '#')
	case '[', '{':
		v = strings.TrimRight(v, " ")
		return v[len(v)-1] == ']' || v[len(v)-1] == '}'
	}
	return true
}

func (s *scanner) field(key string) *string {
	switch key {
	case "title":
		return &s.r.title
	case "id":
		return &s.r.id
	case "status":
		return &s.r.status
	}
	return &s.r.level
}

func (s *scanner) tag(body string) bool {
	item, ok := strings.CutPrefix(body, "- ")
	if !ok {
		return false
	}
	v, ok := scalar(strings.Trim(item, " "))
	if !ok {
		return false
	}
	s.r.tags = append(s.r.tags, v)
	return true
}

func (s *scanner) logsource(body string, indent int) bool {
	if indent == 0 || body[0] == '-' {
		return false
	}
	if s.indent < 0 {
		s.indent = indent
	}
	if indent > s.indent {
		return s.nested // inside a nested value; else a multi-line scalar
	}
	if indent < s.indent {
		return false
	}
	key, rest, found := cutKey(body)
	if !found || !plainKey(key) {
		return false
	}
	rest = strings.Trim(rest, " ")
	s.nested = rest == "" || rest[0] == '#' || rest[0] == '|' || rest[0] == '>'
	switch key {
	case "product", "category", "service":
		v, ok := scalar(rest)
		if !ok {
			return false
		}
		*lsField(&s.ls, key) = v
	}
	return true
}

func lsField(ls *debrief.LogSource, key string) *string {
	switch key {
	case "product":
		return &ls.Product
	case "category":
		return &ls.Category
	}
	return &ls.Service
}

func (s *scanner) flush() {
	if s.inLS && s.ls != (debrief.LogSource{}) {
		s.r.logsources = append(s.r.logsources, s.ls)
	}
	s.inLS, s.ls = false, debrief.LogSource{}
}

// scalar reads a plain or single-quoted scalar with an optional trailing
// comment; double quotes, flow collections, block scalars, anchors and
// tags are left to the YAML parser.
func scalar(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f {
			return "", false // tabs and control characters
		}
	}
	switch s[0] {
	case '\'':
		return singleQuoted(s)
	case '"', '[', '{', '|', '>', '&', '*', '!', '%', '@', '`', '?', ':', ',':
		return "", false
	case '#':
		return "", true
	}
	if i := strings.Index(s, " #"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(s, " ")
	if strings.Contains(s, ": ") || strings.HasSuffix(s, ":") || typed(s) {
		return "", false
	}
	return s, true
}

// typed reports whether YAML would read the plain scalar s as something
// other than a string: a number, boolean, null or date.
func typed(s string) bool {
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ".inf", "-.inf", "+.inf", ".nan":
		return true
	}
	if c := s[0]; c != '-' && c != '+' && c != '.' && (c < '0' || c > '9') {
		return false
	}
	if c := s[0]; (c == '-' || c == '+' || c == '.') && len(s) > 1 && strings.IndexByte("+-.0123456789", s[1]) >= 0 {
		return true // a signed or dotted number in some spelling ("+-0"): left to the parser
	}
	if strings.Contains(s, "_") {
		return true // digits with separators ("0_"), which the parser may read as a number
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseInt(s, 0, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseUint(strings.TrimPrefix(s, "+"), 0, 64); err == nil {
		return true
	}
	return len(s) >= 8 && s[4] == '-' && strings.Count(s, "-") <= 2 && strings.Count(s, ":") <= 2 // a date or timestamp
}

func singleQuoted(s string) (string, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		rest := strings.TrimLeft(s[i+1:], " ")
		if rest != "" && rest[0] != '#' {
			return "", false
		}
		return b.String(), true
	}
	return "", false // continues on the next line
}

// cutKey splits "key: value" at the first colon followed by a space or
// the end of the line, as YAML does.
func cutKey(s string) (key, rest string, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ') {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// plainKey accepts the keys rules use: a letter, then letters, digits,
// '_', '-' and '.'.
func plainKey(k string) bool {
	for i := 0; i < len(k); i++ {
		c := k[i]
		letter := c|0x20 >= 'a' && c|0x20 <= 'z'
		other := c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
		if !letter && (i == 0 || !other) {
			return false
		}
	}
	return k != ""
}
