package attack_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/internal/testutil"
)

// TestCampaignCitations checks every campaign's Citations against the
// attribution benchmark's campaigns.json, which the reference script
// wrote from mitre/cti's STIX 2.0 files of the same release, Enterprise
// only: the embedded catalog also holds Mobile, whose relationships add
// citations to the campaigns both domains share (mobileOnly).
func TestCampaignCitations(t *testing.T) {
	p := testutil.SharedData(t, "attribution/campaigns.json")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Campaigns []struct {
			ID        string   `json:"campaign_id"`
			Citations []string `json:"citations"`
		} `json:"campaigns"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	// Cited by C0033's Mobile uses relationships only.
	mobileOnly := map[string][]string{"C0033": {"trendmicro_strongpity"}}
	cat := testutil.Load(t, attack.Embedded)
	for _, rc := range ref.Campaigns {
		c, ok := cat.Campaign(rc.ID)
		if !ok {
			t.Errorf("%s: not in the embedded catalog", rc.ID)
			continue
		}
		want := slices.Concat(rc.Citations, mobileOnly[rc.ID])
		slices.Sort(want)
		if !slices.Equal(c.Citations, want) {
			got := map[string]bool{}
			for _, s := range c.Citations {
				got[s] = true
			}
			w := map[string]bool{}
			for _, s := range want {
				w[s] = true
			}
			testutil.SetDiff(t, rc.ID+" citations", got, w)
		}
	}
	if len(ref.Campaigns) < 40 {
		t.Errorf("campaigns.json has %d campaigns, want the 50-odd of v18.1", len(ref.Campaigns))
	}
}

// TestWithoutCitedOnly: in the tiny bundle, C0024's use of T1562 is cited
// only by the campaign's own report, APT29's use of T1059.001 also by
// another; leaving C0024's reports out drops the first and keeps the
// second.
func TestWithoutCitedOnly(t *testing.T) {
	cat, err := attack.LoadFile(tinyBundle)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := cat.Campaign("C0024")
	// The alias entry Solorigate (no URL, a citation mark only) is no report.
	want := []string{"CrowdStrike SUNSPOT", "Volexity SolarWinds"}
	if !slices.Equal(c.Citations, want) {
		t.Fatalf("C0024 citations %q, want %q", c.Citations, want)
	}
	rest := cat.WithoutCitedOnly(c.Citations)
	if got := ids(campaign(t, rest, "C0024").Techniques); slices.Contains(got, "T1562") {
		t.Errorf("C0024 still uses T1562 (cited only by its own report): %v", got)
	}
	if !slices.Contains(ids(c.Techniques), "T1562") {
		t.Errorf("the original catalog lost T1562 of C0024: %v", c.Techniques)
	}
	if got := ids(group(t, rest, "G0016").Techniques); !slices.Contains(got, "T1059.001") {
		t.Errorf("G0016 lost T1059.001, which Mandiant also cites: %v", got)
	}
	if got := campaign(t, rest, "C0024"); !slices.Equal(got.Groups, c.Groups) || !slices.Equal(got.Citations, c.Citations) {
		t.Errorf("C0024 after: groups %v citations %v, want them kept", got.Groups, got.Citations)
	}
	if cat.WithoutCitedOnly(nil) != cat {
		t.Error("no citations: want the catalog itself")
	}
}

func ids[T ~string](s []T) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = string(v)
	}
	return out
}

func campaign(t *testing.T, cat *attack.Catalog, id string) *attack.Campaign {
	t.Helper()
	c, ok := cat.Campaign(id)
	if !ok {
		t.Fatalf("no campaign %s", id)
	}
	return c
}

func group(t *testing.T, cat *attack.Catalog, id string) *attack.Group {
	t.Helper()
	g, ok := cat.Group(id)
	if !ok {
		t.Fatalf("no group %s", id)
	}
	return g
}

// BenchmarkWithoutCitedOnly measures one catalog without what only a
// campaign's reports support (C0024), as the evaluation
// builds one per campaign; compare with BenchmarkEmbedded, which builds
// the catalog from the snapshot.
func BenchmarkWithoutCitedOnly(b *testing.B) {
	cat := testutil.Load(b, attack.Embedded)
	c, ok := cat.Campaign("C0024")
	if !ok || len(c.Citations) == 0 {
		b.Fatal("C0024 has no citations")
	}
	b.ReportAllocs()
	for b.Loop() {
		cat.WithoutCitedOnly(c.Citations)
	}
}
