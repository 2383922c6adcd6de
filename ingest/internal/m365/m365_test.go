package m365

import (
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

func TestProductAndDetermination(t *testing.T) {
	tests := []struct{ got, want string }{
		{Product(" MicrosoftDefenderATP "), "Microsoft Defender for Endpoint"},
		{Product("microsoftDefenderForEndpoint"), "Microsoft Defender for Endpoint"},
		{Product("unknownFutureValue"), ""},
		{Product("SomeNewService"), "SomeNewService"},
		{Product("O\u0130fficeATP"), "O\u0130fficeATP"}, // non-ASCII: as strings.ToLower
		{Product("MICROSOFTDEFENDERFOROFFICE365"), "Microsoft Defender for Office 365"},
		{Determination("NotAvailable"), ""},
		{Determination(" Malware "), "Malware"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
	if testing.AllocsPerRun(100, func() { Product("microsoftDefenderForEndpoint") }) != 0 {
		t.Error("Product allocates")
	}
	if got := Tags([]string{" a ", "", "b"}, []string{"a", "c"}); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("Tags = %q, want a b c", got)
	}
}

func TestIncidentTimes(t *testing.T) {
	t0 := time.Date(2024, 3, 11, 9, 0, 0, 0, time.UTC)
	in := &debrief.Incident{Status: debrief.StatusResolved, Times: debrief.Times{Updated: t0.Add(5 * time.Hour)},
		Alerts: []debrief.Alert{
			{Created: t0.Add(2 * time.Hour), FirstActivity: t0.Add(time.Hour), LastActivity: t0.Add(2 * time.Hour)},
			{Created: t0.Add(time.Hour), FirstActivity: t0, LastActivity: t0.Add(3 * time.Hour)},
		},
		Comments: []debrief.Comment{{At: t0.Add(4 * time.Hour)}, {At: t0.Add(6 * time.Hour), Text: "Contained: isolated ws-042."},
			{At: t0.Add(5 * time.Hour), Text: "contained the user"}},
	}
	IncidentTimes(in)
	got := in.Times
	if !got.FirstActivity.Equal(t0) || !got.FirstAlert.Equal(t0.Add(time.Hour)) || !got.LastActivity.Equal(t0.Add(3*time.Hour)) ||
		!got.FirstTriage.Equal(t0.Add(4*time.Hour)) || !got.Resolved.Equal(got.Updated) || !got.Contained.Equal(t0.Add(5*time.Hour)) {
		t.Errorf("times = %+v", got)
	}
	if !got.Created.Equal(got.FirstAlert) {
		t.Errorf("created = %v, want the first alert's time when the source gives none", got.Created)
	}
	in.Times.Created = t0.Add(-time.Hour)
	IncidentTimes(in)
	if !in.Times.Created.Equal(t0.Add(-time.Hour)) {
		t.Errorf("created = %v, want the source's own", in.Times.Created)
	}
}

// TestDetermination: the values that say there is none, in any case
// (Unicode's too, as strings.ToLower reads it), give none.
func TestDetermination(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"unknown", ""}, {"notAvailable", ""}, {" UnknownFutureValue ", ""}, {"UN\u212ANOWN", ""},
		{"multiStagedAttack", "multiStagedAttack"}, {"", ""}, {"unknown2", "unknown2"},
	} {
		if got := Determination(tc.in); got != tc.want {
			t.Errorf("Determination(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if testing.AllocsPerRun(100, func() { Determination("NotAvailable") }) != 0 {
		t.Error("Determination allocates")
	}
}
