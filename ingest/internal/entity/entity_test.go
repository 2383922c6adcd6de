package entity

import (
	"net/netip"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

func TestKeys(t *testing.T) {
	start := time.Date(2024, 3, 11, 9, 2, 11, 12345600, time.UTC)
	tests := []struct {
		name, got, want string
	}{
		{"host without domain", HostID(" WKS-0042.Fabrikam.example "), "wks-0042"},
		{"host that is an address", HostID("10.0.0.7"), "10.0.0.7"},
		{"host that is an IPv6 address", HostID(" FE80::1%eth0 "), "fe80::1%eth0"},
		{"host name of digits", HostID("1234.corp"), "1234"},
		{"process started with an offset", ProcessID("wks", "7312", start.In(time.FixedZone("", 5*3600+1800)), ""), "wks:7312:2024-03-11T14:32:11.0123456+05:30"},
		{"process by host, pid, start", ProcessID("wks", "7312", start, "cmd"), "wks:7312:2024-03-11T09:02:11.0123456Z"},
		{"process by command line", ProcessID("wks", "7312", time.Time{}, "a"), "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"},
		{"process by host and pid", ProcessID("wks", "7312", time.Time{}, ""), "wks:7312:"},
		{"process id appended", string(AppendProcessID([]byte("x/"), "wks", "7312", start, "")), "x/wks:7312:2024-03-11T09:02:11.0123456Z"},
		{"process hash appended", string(AppendProcessID([]byte("x/"), "", "", start, "a")), "x/ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"},
		{"process of nothing", ProcessID("", "7312", start, ""), ""},
		{"path with backslash", JoinPath(`C:\Tools\`, "x.exe"), `C:\Tools\x.exe`},
		{"path with slash", JoinPath("/usr/bin", "sh"), "/usr/bin/sh"},
		{"folder holds the name", JoinPath(`C:\Tools\X.EXE`, "x.exe"), `C:\Tools\X.EXE`},
		{"canonical IPv6", IP("2001:DB8:0::1").ID, "2001:db8::1"},
		{"not an IP", IP("999.1.1.1").ID, ""},
		{"IPv4 trimmed", IP(" 10.1.2.3 ").ID, "10.1.2.3"},
		{"IPv4 with a leading zero is not an IP", IP("10.01.2.3").ID, ""},
		{"IPv4-mapped IPv6", IP("::FFFF:10.1.2.3").ID, "::ffff:10.1.2.3"},
		{"loose IP keeps text", first(LooseIP(" not-an-ip ")).ID, "not-an-ip"},
		{"domain", Domain("Evil.Example.").ID, "evil.example"},
		{"user by UPN", first(User("JDoe@Fabrikam.example", "FAB", "jdoe", "S-1", "")).ID, "jdoe@fabrikam.example"},
		{"user by domain and name", first(User("", "FAB", "jdoe", "S-1", "")).ID, `FAB\jdoe`},
		{"fold", Fold("Registry-Value_Name x"), "registryvaluenamex"},
		{"first not blank", FirstOf(" ", " b ", "c"), "b"},
		{"join not blank", JoinNonEmpty(", ", "a", " ", "b"), "a, b"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func first(e debrief.Entity, _ bool) debrief.Entity { return e }

func TestSetMerge(t *testing.T) {
	var es Set
	es.Merge(debrief.Entity{Kind: debrief.EntityDevice, ID: "wks"})
	es.Merge(debrief.Entity{Kind: debrief.EntityDevice, ID: "wks", Name: "WKS", Attributes: Attrs("os", "Windows", "ip", "")})
	es.Merge(debrief.Entity{Kind: debrief.EntityUser})
	if len(es) != 1 || es[0].Name != "WKS" || len(es[0].Attributes) != 1 || es[0].Attributes["os"] != "Windows" {
		t.Errorf("got %+v, want one device named WKS with os Windows", es)
	}
}

// TestSetMergeLeavesGivenMaps checks that Merge never writes to the
// attribute map of an entity it was given: decoders share them between
// alerts.
func TestSetMergeLeavesGivenMaps(t *testing.T) {
	shared := Attrs("device_id", "d1")
	var es Set
	es.Merge(debrief.Entity{Kind: debrief.EntityDevice, ID: "wks", Attributes: shared})
	es.Merge(debrief.Entity{Kind: debrief.EntityDevice, ID: "wks", Attributes: Attrs("os", "Windows", "device_id", "d2")})
	if len(shared) != 1 || shared["device_id"] != "d1" {
		t.Errorf("the given map became %v, want it untouched", shared)
	}
	if got := es[0].Attributes; len(got) != 2 || got["device_id"] != "d1" || got["os"] != "Windows" {
		t.Errorf("merged attributes %v, want device_id d1 and os Windows", got)
	}
}

func TestAppendNew(t *testing.T) {
	e := debrief.Entity{Kind: debrief.EntityIP, ID: "10.0.0.1", Attributes: TrimmedAttrs("port", " 443 ")}
	es := AppendNew(nil, e)
	es = AppendNew(es, debrief.Entity{Kind: debrief.EntityIP, ID: "10.0.0.1", Attributes: map[string]string{"port": "443"}})
	es = AppendNew(es, debrief.Entity{Kind: debrief.EntityIP, ID: "10.0.0.1", Role: "attacker"})
	if len(es) != 2 {
		t.Errorf("got %+v, want the equal entity dropped and the other role kept", es)
	}
}

// TestDottedQuad: DottedQuad says yes exactly to the IPv4 addresses
// netip reads and writes back unchanged.
func TestDottedQuad(t *testing.T) {
	for _, s := range []string{
		"1.2.3.4", "0.0.0.0", "255.255.255.255", "203.0.113.45", "10.01.2.3", "256.1.1.1", "1.2.3", "1.2.3.4.5", "1..2.3",
		".1.2.3", "1.2.3.", "1.2.3.4 ", "", "a.b.c.d", "::1", "::ffff:1.2.3.4", "1.2.3.4%eth0", "00.1.2.3", "1.2.3.0400", "999.1.1.1",
	} {
		checkDottedQuad(t, s)
	}
}

func FuzzDottedQuad(f *testing.F) {
	f.Add("203.0.113.45")
	f.Add("10.01.2.3")
	f.Fuzz(checkDottedQuad)
}

func checkDottedQuad(t *testing.T, s string) {
	a, err := netip.ParseAddr(s)
	want := err == nil && a.Is4() && a.String() == s
	if got := DottedQuad(s); got != want {
		t.Errorf("DottedQuad(%q) = %v, want %v", s, got, want)
	}
}
