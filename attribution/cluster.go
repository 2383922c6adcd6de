package attribution

import (
	"cmp"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// ClusterOptions tune how incidents are grouped into campaigns.
type ClusterOptions struct {
	// Window is how far apart in time two incidents sharing infrastructure
	// may be and still be one campaign. Default 60 days.
	Window time.Duration
	// MaxShare ignores an indicator seen in more incidents than this share
	// of all (default 0.05, at least 10 incidents): an address or hash
	// everyone sees is the environment's, not an adversary's.
	MaxShare float64
	// MaxSpan ignores an indicator seen over a longer time than this
	// (default 90 days): a campaign's infrastructure comes and goes, a VPN
	// exit or an update server stays.
	MaxSpan time.Duration
}

func (o ClusterOptions) withDefaults() ClusterOptions {
	if o.Window <= 0 {
		o.Window = 60 * 24 * time.Hour
	}
	if o.MaxShare <= 0 {
		o.MaxShare = 0.05
	}
	if o.MaxSpan <= 0 {
		o.MaxSpan = 90 * 24 * time.Hour
	}
	return o
}

// Campaign is a group of our incidents that one adversary most likely ran.
type Campaign struct {
	ID         string                `json:"id"` // the first incident's id, prefixed "campaign:"
	Incidents  []string              `json:"incidents"`
	First      time.Time             `json:"first"`
	Last       time.Time             `json:"last"`
	Indicators []string              `json:"indicators"` // the shared infrastructure that joined them, kind:value
	Techniques []debrief.TechniqueID `json:"techniques"` // the union of the incidents' techniques
}

// indicators returns an incident's adversary-side infrastructure: public
// IP addresses, domains and URL hosts, e-mail senders, and file hashes.
// The organisation's own devices, users and mailboxes are not indicators.
func indicators(in *debrief.Incident) []string {
	var out []string
	add := func(kind, v string) {
		if v = strings.ToLower(strings.TrimSpace(v)); v != "" {
			out = append(out, kind+":"+v)
		}
	}
	for _, a := range in.Alerts {
		for _, e := range a.Entities {
			switch e.Kind {
			case debrief.EntityIP:
				if ip, err := netip.ParseAddr(e.ID); err == nil && ip.IsGlobalUnicast() && !ip.IsPrivate() {
					add("ip", ip.String())
				}
			case debrief.EntityDomain:
				add("domain", e.ID)
			case debrief.EntityURL:
				if u, err := url.Parse(e.ID); err == nil && u.Hostname() != "" {
					add("domain", u.Hostname())
				}
			case debrief.EntityFile:
				if h := e.Attributes["sha256"]; h != "" {
					add("sha256", h)
				} else if len(e.ID) == 64 {
					add("sha256", e.ID)
				}
			case debrief.EntityMailMessage:
				add("sender", e.Attributes["sender"])
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Cluster groups incidents (with their alerts) into campaigns: incidents
// that share an indicator and lie within the window of each other join, and
// joining is transitive. Incidents that share nothing stay alone and are
// not returned. Campaigns come oldest first.
func Cluster(incidents []*debrief.Incident, opts ClusterOptions) []Campaign {
	opts = opts.withDefaults()
	n := len(incidents)
	keys := make([][]string, n)
	seen := map[string][]int{}
	for i, in := range incidents {
		keys[i] = indicators(in)
		for _, k := range keys[i] {
			seen[k] = append(seen[k], i)
		}
	}
	limit := max(10, int(opts.MaxShare*float64(n)))
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	shared := map[int][]string{}
	for k, idx := range seen {
		if len(idx) < 2 || len(idx) > limit {
			continue
		}
		slices.SortFunc(idx, func(a, b int) int { return incidents[a].Times.Created.Compare(incidents[b].Times.Created) })
		if !adversarial(incidents, idx, opts) {
			continue
		}
		for j := 1; j < len(idx); j++ {
			a, b := incidents[idx[j-1]], incidents[idx[j]]
			if b.Times.Created.Sub(a.Times.Created) > opts.Window {
				continue
			}
			ra, rb := find(idx[j-1]), find(idx[j])
			if ra != rb {
				parent[rb] = ra
			}
			shared[idx[j]] = append(shared[idx[j]], k)
		}
	}
	groups := map[int][]int{}
	for i := range incidents {
		groups[find(i)] = append(groups[find(i)], i)
	}
	var out []Campaign
	for _, members := range groups {
		if len(members) < 2 {
			continue
		}
		out = append(out, campaign(incidents, members, shared))
	}
	slices.SortFunc(out, func(a, b Campaign) int { return cmp.Or(a.First.Compare(b.First), strings.Compare(a.ID, b.ID)) })
	return out
}

// adversarial reports whether an indicator shared by the incidents idx
// (sorted by time) looks like an adversary's: seen over at most MaxSpan,
// and not mostly in incidents the team closed as benign or false positive.
func adversarial(incidents []*debrief.Incident, idx []int, opts ClusterOptions) bool {
	first, last := incidents[idx[0]].Times.Created, incidents[idx[len(idx)-1]].Times.Created
	if last.Sub(first) > opts.MaxSpan {
		return false
	}
	benign := 0
	for _, i := range idx {
		if v := incidents[i].Verdict; v == debrief.VerdictBenignPositive || v == debrief.VerdictFalsePositive {
			benign++
		}
	}
	return 2*benign <= len(idx)
}

func campaign(incidents []*debrief.Incident, members []int, shared map[int][]string) Campaign {
	slices.SortFunc(members, func(a, b int) int {
		return cmp.Or(incidents[a].Times.Created.Compare(incidents[b].Times.Created), strings.Compare(incidents[a].ID, incidents[b].ID))
	})
	c := Campaign{ID: "campaign:" + incidents[members[0]].ID}
	var inds []string
	var techs []debrief.TechniqueID
	for _, i := range members {
		in := incidents[i]
		c.Incidents = append(c.Incidents, in.ID)
		if c.First.IsZero() || in.Times.Created.Before(c.First) {
			c.First = in.Times.Created
		}
		if in.Times.Created.After(c.Last) {
			c.Last = in.Times.Created
		}
		inds = append(inds, shared[i]...)
		for _, a := range in.Alerts {
			for _, t := range a.Techniques {
				techs = append(techs, t.ID)
			}
		}
	}
	slices.Sort(inds)
	slices.Sort(techs)
	c.Indicators, c.Techniques = slices.Compact(inds), slices.Compact(techs)
	return c
}

// AdjustedRandIndex compares two labellings of the same items (label per
// item; "" means a singleton of its own): 1 for identical partitions, about
// 0 for chance agreement.
func AdjustedRandIndex(a, b []string) float64 {
	type pair struct{ x, y string }
	label := func(ls []string, i int) string {
		if ls[i] == "" {
			return fmt.Sprintf("\x00singleton %d", i)
		}
		return ls[i]
	}
	nij, ai, bj := map[pair]int{}, map[string]int{}, map[string]int{}
	for i := range a {
		x, y := label(a, i), label(b, i)
		nij[pair{x, y}]++
		ai[x]++
		bj[y]++
	}
	c2 := func(n int) float64 { return float64(n) * float64(n-1) / 2 }
	var sum, sa, sb float64
	for _, v := range nij {
		sum += c2(v)
	}
	for _, v := range ai {
		sa += c2(v)
	}
	for _, v := range bj {
		sb += c2(v)
	}
	total := c2(len(a))
	if total == 0 {
		return 1
	}
	expected := sa * sb / total
	maxIdx := (sa + sb) / 2
	if maxIdx == expected {
		return 1
	}
	return (sum - expected) / (maxIdx - expected)
}
