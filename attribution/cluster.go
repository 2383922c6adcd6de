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
	// Evidence is what the incidents show together, for Model.Rank.
	Evidence Evidence `json:"-"`
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
// not returned. Campaigns come oldest first. It is NewClusterer, Add for
// each incident, then Campaigns.
func Cluster(incidents []*debrief.Incident, opts ClusterOptions) []Campaign {
	c := NewClusterer(opts)
	for _, in := range incidents {
		c.Add(in)
	}
	return c.Campaigns()
}

// Clusterer clusters incidents added one at a time, as a store streams
// them: it keeps of each only what clustering and attribution need (its
// id, creation time, verdict and indicators, and the evidence of those
// with indicators), never the incident itself. Indicators are interned
// and indexed by the incidents that show them, so clustering only
// compares incidents that share one (blocking), never all pairs.
type Clusterer struct {
	opts  ClusterOptions
	recs  []clusterRec
	ind   map[string]int32 // indicator → index
	names []string         // index → indicator
	post  [][]int32        // indicator → incidents showing it, in the order added
}

type clusterRec struct {
	id      string
	created time.Time
	benign  bool
	ev      *Evidence // nil without indicators: it can join nothing
}

// NewClusterer returns an empty Clusterer.
func NewClusterer(opts ClusterOptions) *Clusterer {
	return &Clusterer{opts: opts.withDefaults(), ind: map[string]int32{}}
}

// Add adds an incident with its alerts. It does not keep in.
func (c *Clusterer) Add(in *debrief.Incident) {
	i := int32(len(c.recs))
	r := clusterRec{id: in.ID, created: in.Times.Created,
		benign: in.Verdict == debrief.VerdictBenignPositive || in.Verdict == debrief.VerdictFalsePositive}
	keys := indicators(in)
	if len(keys) > 0 {
		ev := EvidenceOf(in)
		r.ev = &ev
	}
	for _, k := range keys {
		f, ok := c.ind[k]
		if !ok {
			f = int32(len(c.names))
			c.ind[k] = f
			c.names = append(c.names, k)
			c.post = append(c.post, nil)
		}
		c.post[f] = append(c.post[f], i)
	}
	c.recs = append(c.recs, r)
}

// Len is the number of incidents added.
func (c *Clusterer) Len() int { return len(c.recs) }

// Campaigns clusters the incidents added so far.
func (c *Clusterer) Campaigns() []Campaign {
	n := len(c.recs)
	limit := max(10, int(c.opts.MaxShare*float64(n)))
	parent := make([]int32, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	shared := map[int32][]int32{} // incident → indicators that joined it to an earlier one
	for k, idx := range c.post {
		if len(idx) < 2 || len(idx) > limit {
			continue
		}
		idx = slices.Clone(idx)
		slices.SortFunc(idx, func(a, b int32) int { return c.recs[a].created.Compare(c.recs[b].created) })
		if !c.adversarial(idx) {
			continue
		}
		for j := 1; j < len(idx); j++ {
			if c.recs[idx[j]].created.Sub(c.recs[idx[j-1]].created) > c.opts.Window {
				continue
			}
			ra, rb := find(idx[j-1]), find(idx[j])
			if ra != rb {
				parent[rb] = ra
			}
			shared[idx[j]] = append(shared[idx[j]], int32(k))
		}
	}
	groups := map[int32][]int32{}
	for i := range c.recs {
		if c.recs[i].ev != nil {
			r := find(int32(i))
			groups[r] = append(groups[r], int32(i))
		}
	}
	var out []Campaign
	for _, members := range groups {
		if len(members) > 1 {
			out = append(out, c.campaign(members, shared))
		}
	}
	slices.SortFunc(out, func(a, b Campaign) int { return cmp.Or(a.First.Compare(b.First), strings.Compare(a.ID, b.ID)) })
	return out
}

// adversarial reports whether an indicator shared by the incidents idx
// (sorted by time) looks like an adversary's: seen over at most MaxSpan,
// and not mostly in incidents the team closed as benign or false positive.
func (c *Clusterer) adversarial(idx []int32) bool {
	first, last := c.recs[idx[0]].created, c.recs[idx[len(idx)-1]].created
	if last.Sub(first) > c.opts.MaxSpan {
		return false
	}
	benign := 0
	for _, i := range idx {
		if c.recs[i].benign {
			benign++
		}
	}
	return 2*benign <= len(idx)
}

func (c *Clusterer) campaign(members []int32, shared map[int32][]int32) Campaign {
	slices.SortFunc(members, func(a, b int32) int {
		return cmp.Or(c.recs[a].created.Compare(c.recs[b].created), strings.Compare(c.recs[a].id, c.recs[b].id))
	})
	cp := Campaign{ID: "campaign:" + c.recs[members[0]].id}
	var inds []string
	var ev Evidence
	for _, i := range members {
		r := &c.recs[i]
		cp.Incidents = append(cp.Incidents, r.id)
		if cp.First.IsZero() || r.created.Before(cp.First) {
			cp.First = r.created
		}
		if r.created.After(cp.Last) {
			cp.Last = r.created
		}
		for _, k := range shared[i] {
			inds = append(inds, c.names[k])
		}
		ev.Techniques = append(ev.Techniques, r.ev.Techniques...)
		ev.Names = append(ev.Names, r.ev.Names...)
		ev.FileNames = append(ev.FileNames, r.ev.FileNames...)
	}
	slices.Sort(inds)
	cp.Indicators = slices.Compact(inds)
	cp.Evidence = ev.compact()
	cp.Techniques = cp.Evidence.Techniques
	return cp
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
