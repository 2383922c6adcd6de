package simulate

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// appendTruth renders one incident of the ground truth by hand: the same
// bytes as json.Marshal(ti, truthOptions) (TestAppendTruthMatchesMarshal
// checks every incident of a simulation), without reflection, because Run
// renders one per incident and undetected intrusion.
func appendTruth(b []byte, ti *TruthIncident) ([]byte, error) {
	t := truthEnc{b: b}
	t.b = append(t.b, `{"n":`...)
	t.b = strconv.AppendInt(t.b, ti.N, 10)
	t.str(`,"kind":`, ti.Kind)
	t.str(`,"source":`, ti.Source)
	t.bool(`,"detected":`, ti.Detected)
	if ti.IDs != nil && !ti.IDs.empty() {
		t.b = append(t.b, `,"ids":`...)
		t.ids(ti.IDs)
	}
	if ti.Actor != nil {
		t.b = append(t.b, `,"actor":`...)
		t.actor(ti.Actor)
	}
	if ti.Cluster != "" {
		t.str(`,"cluster":`, ti.Cluster)
	}
	t.str(`,"true_verdict":`, string(ti.Verdict))
	t.str(`,"true_determination":`, ti.Determination)
	t.time(`,"first_activity":`, ti.FirstActivity)
	t.time(`,"last_activity":`, ti.LastActivity)
	t.b = append(t.b, `,"techniques":[`...)
	for i, s := range ti.Techniques {
		if i > 0 {
			t.b = append(t.b, ',')
		}
		t.quote(s)
	}
	t.b = append(t.b, `],"steps":[`...)
	for i := range ti.Steps {
		if i > 0 {
			t.b = append(t.b, ',')
		}
		t.step(&ti.Steps[i])
	}
	t.b = append(t.b, ']')
	if len(ti.Alerts) > 0 {
		t.b = append(t.b, `,"alerts":[`...)
		for i := range ti.Alerts {
			if i > 0 {
				t.b = append(t.b, ',')
			}
			t.alert(&ti.Alerts[i])
		}
		t.b = append(t.b, ']')
	}
	if ti.Handling != nil {
		t.b = append(t.b, `,"handling":`...)
		t.handling(ti.Handling)
	}
	t.b = append(t.b, '}')
	return t.b, t.err
}

// truthEnc appends the ground truth's JSON; the first string that is not
// valid UTF-8 is its error, as it is json.Marshal's.
type truthEnc struct {
	b   []byte
	err error
}

func (t *truthEnc) str(key, v string) {
	t.b = append(t.b, key...)
	t.quote(v)
}

func (t *truthEnc) bool(key string, v bool) {
	t.b = append(t.b, key...)
	t.b = strconv.AppendBool(t.b, v)
}

// time writes RFC 3339 with nanoseconds, as json.Marshal does.
func (t *truthEnc) time(key string, v time.Time) {
	t.b = append(t.b, key...)
	t.b = append(t.b, '"')
	t.b = appendRFC3339Nano(t.b, v)
	t.b = append(t.b, '"')
}

// appendRFC3339Nano appends v.AppendFormat(b, time.RFC3339Nano), with a
// short way for UTC times of years 0 to 9999.
func appendRFC3339Nano(b []byte, v time.Time) []byte {
	if _, off := v.Zone(); off != 0 || v.Year() < 0 || v.Year() > 9999 {
		return v.AppendFormat(b, time.RFC3339Nano)
	}
	b = appendTime(b, v, timeLayout{})
	if ns := v.Nanosecond(); ns != 0 {
		b = append(b, '.')
		digits := 9
		for ns%10 == 0 {
			ns /= 10
			digits--
		}
		b = appendDigits(b, ns, digits)
	}
	return append(b, 'Z')
}

// quote writes s as json.Marshal does: the shortest escapes ("\b", "\f",
// "\n", "\r", "\t", else \u00XX) for control characters, quotes and
// backslashes, everything else as it is.
func (t *truthEnc) quote(s string) {
	const hex = "0123456789abcdef"
	if t.err == nil && !utf8.ValidString(s) {
		t.err = fmt.Errorf("ground truth: %q: invalid UTF-8", s)
	}
	t.b = append(t.b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		t.b = append(t.b, s[start:i]...)
		switch c {
		case '"', '\\':
			t.b = append(t.b, '\\', c)
		case '\b':
			t.b = append(t.b, '\\', 'b')
		case '\f':
			t.b = append(t.b, '\\', 'f')
		case '\n':
			t.b = append(t.b, '\\', 'n')
		case '\r':
			t.b = append(t.b, '\\', 'r')
		case '\t':
			t.b = append(t.b, '\\', 't')
		default:
			t.b = append(t.b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		}
		start = i + 1
	}
	t.b = append(t.b, s[start:]...)
	t.b = append(t.b, '"')
}

func (f *FormatIDs) empty() bool { return *f == FormatIDs{} }

func (t *truthEnc) ids(f *FormatIDs) {
	t.b = append(t.b, '{')
	n := len(t.b)
	for _, kv := range [...]struct{ k, v string }{{"defender", f.Defender}, {"graph", f.Graph}, {"sentinel", f.Sentinel},
		{"elastic", f.Elastic}, {"wazuh", f.Wazuh}, {"ocsf", f.OCSF}} {
		if kv.v == "" {
			continue
		}
		if len(t.b) > n {
			t.b = append(t.b, ',')
		}
		t.b = append(t.b, '"')
		t.b = append(t.b, kv.k...)
		t.b = append(t.b, '"', ':')
		t.quote(kv.v)
	}
	t.b = append(t.b, '}')
}

func (t *truthEnc) actor(a *TruthActorRef) {
	t.str(`{"group":`, a.Group)
	if a.Campaign != "" {
		t.str(`,"campaign":`, a.Campaign)
	}
	t.str(`,"name":`, a.Name)
	t.b = append(t.b, '}')
}

func (t *truthEnc) step(s *TruthStep) {
	t.time(`{"at":`, s.At)
	t.str(`,"technique":`, string(s.Technique))
	t.str(`,"tactic":`, s.Tactic)
	t.bool(`,"detected":`, s.Detected)
	t.b = append(t.b, `,"alert":`...)
	t.b = strconv.AppendInt(t.b, int64(s.Alert), 10)
	if s.Software != "" {
		t.str(`,"software":`, s.Software)
	}
	t.b = append(t.b, '}')
}

func (t *truthEnc) alert(a *TruthAlert) {
	t.b = append(t.b, `{"n":`...)
	t.b = strconv.AppendInt(t.b, a.N, 10)
	t.time(`,"created":`, a.Created)
	t.b = append(t.b, `,"techniques":[`...)
	for i, id := range a.Techniques {
		if i > 0 {
			t.b = append(t.b, ',')
		}
		t.quote(string(id))
	}
	t.b = append(t.b, `],"ids":`...)
	t.ids(&a.IDs)
	t.b = append(t.b, '}')
}

func (t *truthEnc) handling(h *TruthHandling) {
	t.str(`{"analyst":`, h.Analyst)
	if h.EscalatedTo != "" {
		t.str(`,"escalated_to":`, h.EscalatedTo)
	}
	t.time(`,"created":`, h.Created)
	for _, kv := range [...]struct {
		k string
		v time.Time
	}{{`,"first_triage":`, h.FirstTriage}, {`,"contained":`, h.Contained}, {`,"first_closed":`, h.FirstClosed},
		{`,"resolved":`, h.Resolved}} {
		if !kv.v.IsZero() {
			t.time(kv.k, kv.v)
		}
	}
	if h.FirstVerdict != "" {
		t.str(`,"first_verdict":`, string(h.FirstVerdict))
	}
	if h.FinalVerdict != "" {
		t.str(`,"final_verdict":`, string(h.FinalVerdict))
	}
	t.bool(`,"wrong_verdict":`, h.WrongVerdict)
	t.bool(`,"reopened":`, h.Reopened)
	t.bool(`,"escalated":`, h.Escalated)
	if len(h.Skills) > 0 {
		t.b = append(t.b, `,"skills":[`...)
		for i, s := range h.Skills {
			if i > 0 {
				t.b = append(t.b, ',')
			}
			t.quote(s)
		}
		t.b = append(t.b, ']')
	}
	t.b = append(t.b, `,"load":`...)
	t.b = strconv.AppendInt(t.b, int64(h.Load), 10)
	t.b = append(t.b, '}')
}
