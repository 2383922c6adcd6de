package simulate_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/simulate"
)

// TestIntrusionsFollowTheirActors checks that each intrusion uses only
// techniques of its actor's ATT&CK profile, in kill-chain order, and that
// its alerts name the actor's software where they name any.
func TestIntrusionsFollowTheirActors(t *testing.T) {
	h := loadHistory(t)
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	order := map[string]int{}
	for _, tt := range cat.Tactics("enterprise-attack") {
		order[tt.Shortname] = tt.Order
	}
	profiles := map[string]map[debrief.TechniqueID]bool{}
	n, named := 0, 0
	for _, seq := range h.seqs {
		tr := h.truth[seq]
		if tr.Kind != simulate.KindIntrusion {
			continue
		}
		n++
		profile := profiles[tr.Source]
		if profile == nil {
			profile = profileOf(cat, tr)
			profiles[tr.Source] = profile
		}
		for i, st := range tr.Steps {
			if !profile[st.Technique] {
				t.Errorf("incident %d (%s): %s is not in the actor's profile", tr.N, tr.Source, st.Technique)
			}
			if i > 0 && (order[st.Tactic] < order[tr.Steps[i-1].Tactic] || st.At.Before(tr.Steps[i-1].At)) {
				t.Errorf("incident %d: step %d (%s at %s) comes before step %d (%s at %s)", tr.N, i, st.Tactic, st.At,
					i-1, tr.Steps[i-1].Tactic, tr.Steps[i-1].At)
			}
		}
		named += checkSoftwareNames(t, cat, h.last[seq])
	}
	if n < 100 || named == 0 {
		t.Errorf("%d intrusions, %d alerts naming software; want many of both", n, named)
	}
}

func profileOf(cat *attack.Catalog, tr *simulate.TruthIncident) map[debrief.TechniqueID]bool {
	var used []attack.UsedTechnique
	if tr.Actor.Campaign != "" {
		used = cat.TechniquesOfCampaign(tr.Actor.Campaign)
	} else {
		used = cat.TechniquesOfGroup(tr.Actor.Group)
	}
	out := map[debrief.TechniqueID]bool{}
	for _, u := range used {
		out[u.ID] = true
	}
	return out
}

// checkSoftwareNames checks that threat names are ATT&CK software names
// and returns how many alerts carry one.
func checkSoftwareNames(t *testing.T, cat *attack.Catalog, in *debrief.Incident) int {
	t.Helper()
	n := 0
	for _, a := range in.Alerts {
		for _, name := range a.ThreatNames {
			if _, ok := cat.Software(name); !ok {
				t.Errorf("alert %s names %q, not ATT&CK software", a.ID, name)
			}
			n++
		}
	}
	return n
}

// TestInfrastructureStaysInItsCluster checks that attacker addresses,
// senders and file hashes in alerts belong to the incident's own cluster,
// and that no two clusters share any.
func TestInfrastructureStaysInItsCluster(t *testing.T) {
	h := loadHistory(t)
	owner := map[string]string{}
	clusters := map[string]simulate.TruthCluster{}
	for _, c := range h.head.Clusters {
		clusters[c.ID] = c
		items := append(append(slices.Clone(c.IPs), c.Domains...), c.Senders...)
		for _, f := range c.Files {
			items = append(items, f.SHA256)
		}
		for _, it := range items {
			if o, ok := owner[it]; ok && o != c.ID {
				t.Errorf("%s belongs to clusters %s and %s", it, o, c.ID)
			}
			owner[it] = c.ID
		}
	}
	if len(clusters) < 10 {
		t.Fatalf("%d clusters, want more", len(clusters))
	}
	for _, seq := range h.seqs {
		tr := h.truth[seq]
		if tr.Cluster == "" {
			continue
		}
		for _, a := range h.last[seq].Alerts {
			for _, e := range a.Entities {
				it := infraOf(e)
				if it == "" {
					continue
				}
				if o := owner[it]; o != tr.Cluster {
					t.Errorf("incident %d of cluster %s: %s %s belongs to %q", tr.N, tr.Cluster, e.Kind, it, o)
				}
			}
		}
	}
}

// infraOf returns the attacker infrastructure an entity shows: an
// attacker's address, a dropped file's hash, an external sender.
func infraOf(e debrief.Entity) string {
	switch {
	case e.Kind == debrief.EntityIP && e.Role == "attacker":
		return e.ID
	case e.Kind == debrief.EntityFile:
		return e.ID
	case e.Kind == debrief.EntityMailMessage && !strings.HasSuffix(e.Attributes["sender"], "@contoso.com"):
		return e.Attributes["sender"]
	}
	return ""
}

// TestCoverageIsTheDetectionRate compares the ground truth's coverage
// with how often steps were detected.
func TestCoverageIsTheDetectionRate(t *testing.T) {
	h := loadHistory(t)
	p := map[debrief.TechniqueID]float64{}
	for _, c := range h.head.Coverage {
		p[c.Technique] = c.Probability
	}
	var expected, detected float64
	steps := 0
	for _, tr := range h.truth {
		if tr.Kind == simulate.KindNoise {
			continue
		}
		for _, st := range tr.Steps {
			prob, ok := p[st.Technique]
			if !ok {
				t.Fatalf("no coverage for %s", st.Technique)
			}
			expected += prob
			if st.Detected {
				detected++
			}
			steps++
		}
	}
	// Detected incidents over-represent detected steps (an intrusion with
	// none raises no incident), so the rate runs above the mean coverage,
	// but not far.
	if rate, want := detected/float64(steps), expected/float64(steps); rate < want || rate > want+0.2 {
		t.Errorf("detected %.2f of %d steps, mean coverage %.2f", rate, steps, want)
	}
}
