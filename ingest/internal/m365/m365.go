package m365

import (
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// IncidentTimes sets the times of an incident that come from its alerts
// and comments (containment from the first comment that records one, see
// debrief.Comment.RecordsContainment); a resolved incident was resolved at its last update. An
// incident whose created time is missing (or was dropped as invalid) was
// created, as far as anyone can tell, when its first alert was raised.
func IncidentTimes(in *debrief.Incident) {
	t := &in.Times
	for i := range in.Alerts {
		a := &in.Alerts[i]
		t.FirstActivity = Earliest(t.FirstActivity, a.FirstActivity)
		t.FirstAlert = Earliest(t.FirstAlert, a.Created)
		t.LastActivity = Latest(t.LastActivity, a.LastActivity)
	}
	for _, c := range in.Comments {
		t.FirstTriage = Earliest(t.FirstTriage, c.At)
		if c.RecordsContainment() {
			t.Contained = Earliest(t.Contained, c.At)
		}
	}
	if t.Created.IsZero() {
		t.Created = t.FirstAlert
	}
	if in.Status == debrief.StatusResolved {
		t.Resolved = t.Updated
	}
}

// FirstSet returns the first of ts that is set.
func FirstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// Earliest returns the earlier of a and b, ignoring an unset one.
func Earliest(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

// Latest returns the later of a and b.
func Latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Determination keeps the vendor's text, except the values that say there
// is none.
func Determination(s string) string {
	s = wire.TrimSpace(s)
	if noDetermination(s) { // in lower case already
		return ""
	}
	var buf [32]byte
	if noDetermination(string(wire.AppendLower(buf[:0], s))) {
		return ""
	}
	return s
}

// noDetermination reports whether s, in lower case, is a value that
// says there is no determination.
func noDetermination(s string) bool {
	switch s {
	case "notavailable", "unknown", "unknownfuturevalue":
		return true
	}
	return false
}

// Tags drops empty tags and duplicates, keeping the order.
func Tags(groups ...[]string) []string {
	var out []string
	for _, g := range groups {
		for _, t := range g {
			if t == "" { // as null members leave them: no call to trim
				continue
			}
			t = wire.TrimSpace(t)
			if t != "" && !contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// Names drops empty names and duplicates, keeping the order.
func Names(ss ...string) []string {
	return Tags(ss)
}

func contains(ss []string, s string) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}

// product names the product behind a serviceSource value of the
// incidents API or of Microsoft Graph, in lower case, so that both give
// the same name. (A switch: quicker than a map's hash of the value.)
func product(lower string) (string, bool) {
	switch lower {
	case "microsoftdefenderatp", "microsoftdefenderforendpoint":
		return "Microsoft Defender for Endpoint", true
	case "microsoftcloudappsecurity", "microsoftdefenderforcloudapps":
		return "Microsoft Defender for Cloud Apps", true
	case "officeatp", "microsoftdefenderforoffice365":
		return "Microsoft Defender for Office 365", true
	case "azureatp", "microsoftdefenderforidentity":
		return "Microsoft Defender for Identity", true
	case "microsoft365defender":
		return "Microsoft 365 Defender", true
	case "azureadidentityprotection":
		return "Microsoft Entra ID Protection", true
	case "microsoftappgovernance":
		return "Microsoft app governance", true
	case "datalossprevention":
		return "Microsoft Purview Data Loss Prevention", true
	case "microsoftdefenderforcloud":
		return "Microsoft Defender for Cloud", true
	case "microsoftsentinel":
		return "Microsoft Sentinel", true
	}
	return "", false
}

// Product names the product of a serviceSource value; unknown values are
// kept as written.
func Product(s string) string {
	s = wire.TrimSpace(s)
	var buf [64]byte
	if name, ok := product(string(wire.AppendLower(buf[:0], s))); ok {
		return name
	}
	if strings.EqualFold(s, "unknown") || strings.EqualFold(s, "unknownFutureValue") {
		return ""
	}
	return s
}
