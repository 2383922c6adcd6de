package attribution

import (
	"fmt"
	"math"
	"slices"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
)

// EvalOptions configure Evaluate.
type EvalOptions struct {
	Draws    *Draws   // saved partial observations; nil draws them with Seed
	Seed     uint64   // for drawing; 0 means DefaultSeed
	N        int      // draws per campaign and fraction when drawing; 0 means 20
	Protocol Protocol // what is left out for each campaign; "" means LOCOCite
	Ranker   *Ranker  // debrief's score; nil means DefaultOptions'
}

// Protocol is what the evaluation leaves out of the profiles for the
// campaign it asks about.
type Protocol string

// Protocols. LOCOCite is the reference benchmark's main
// setting (the protocol); LOCO is the easier one it is compared with.
const (
	// LOCO leaves the campaign out: its own techniques and software no
	// longer reach its groups' profiles.
	LOCO Protocol = "loco"
	// LOCOCite also drops, for every group, each uses relationship
	// (group, campaign or software to technique or software) whose
	// citations are all among the campaign's: what only its reports
	// tell.
	LOCOCite Protocol = "loco_cite"
)

// ParseProtocol reads a protocol name: "loco_cite" (or "") or "loco".
func ParseProtocol(s string) (Protocol, error) {
	switch Protocol(s) {
	case "", LOCOCite:
		return LOCOCite, nil
	case LOCO:
		return LOCO, nil
	}
	return "", fmt.Errorf("protocol %q: want loco_cite or loco", s)
}

// catalog is what the profiles are built from when campaign c is asked
// about: under LOCOCite, cat without what only c's reports support.
func (p Protocol) catalog(cat *attack.Catalog, c string) *attack.Catalog {
	if p == LOCO {
		return cat
	}
	if cp, ok := cat.Campaign(c); ok {
		return cat.WithoutCitedOnly(cp.Citations)
	}
	return cat
}

// Text describes the protocol, as the report prints it.
func (p Protocol) Text() string {
	left := "the campaign's own techniques and software are removed from every group's profile (leave-campaign-out, \"loco\"; " +
		"relationships that only the campaign's reports support stay)"
	if p != LOCO {
		left = "the campaign's own techniques and software are removed from every group's profile, and so is, for every group, " +
			"each uses relationship (group, campaign or software to technique or software) whose citations are all among the " +
			"campaign's own (its reports, and the citations of its uses and attributed-to relationships): what only its reports " +
			"tell (\"loco_cite\", the reference benchmark's main setting)"
	}
	return "on ATT&CK's attributed Enterprise campaigns (≥ 3 techniques): the campaign's techniques (T), optionally with " +
		"its software (T+S), are the evidence; the candidates are all current Enterprise groups; " + left +
		"; ties count at their expected rank; partial observation draws 30% and 50% of the techniques (at least 3) " +
		"and of the software, 20 times per campaign"
}

// DefaultSeed seeds the partial observations when no saved draws are given.
const DefaultSeed = 20251113

// Report is the outcome of Evaluate.
type Report struct {
	Catalog     string   `json:"catalog"`
	Setting     Protocol `json:"setting"`   // loco_cite or loco
	Protocol    string   `json:"protocol"`  // Setting's Text
	Campaigns   []string `json:"campaigns"` // evaluated, by id
	Skipped     []string `json:"skipped,omitempty"`
	Groups      int      `json:"groups"` // candidates
	Draws       string   `json:"draws"`  // where the partial observations came from
	Temperature float64  `json:"temperature"`
	Calibration string   `json:"calibration"`
	Rows        []Row    `json:"rows"`
	Reliability []Bin    `json:"reliability"` // debrief, techniques and software, every observation level
	ECE         float64  `json:"ece"`         // of Reliability
	// ECEInterval is the 95% interval of ECE when the campaigns are
	// resampled (bootstrap): how much 23 campaigns can tell.
	ECEInterval [2]float64 `json:"ece_interval"`
	// ReliabilityT is the table for techniques alone, every observation level.
	ReliabilityT []Bin      `json:"reliability_techniques"`
	ECET         float64    `json:"ece_techniques"`          // of ReliabilityT
	ECETInterval [2]float64 `json:"ece_techniques_interval"` // as ECEInterval
	Abstention   Abstain    `json:"abstention"`
}

// Row is one method at one observation level.
type Row struct {
	Method   string   `json:"method"`   // debrief, naive-bayes, jaccard
	Evidence string   `json:"evidence"` // T (techniques) or T+S (and software names)
	Obs      string   `json:"obs"`      // full, 0.5, 0.3
	N        int      `json:"n"`        // queries
	Top1     float64  `json:"top1"`
	Top3     float64  `json:"top3"`
	Top5     float64  `json:"top5"`
	Top10    float64  `json:"top10"`
	MRR      float64  `json:"mrr"`
	MeanRank float64  `json:"mean_rank"`
	ECE      *float64 `json:"ece,omitempty"` // of the top-1 confidence, debrief only
}

// Bin is one row of the reliability table: queries whose top-1
// confidence fell in [Lo, Hi), their mean confidence and how often the
// top-1 group was right.
type Bin struct {
	Lo        float64 `json:"lo"`
	Hi        float64 `json:"hi"`
	N         int     `json:"n"`
	Predicted float64 `json:"predicted"`
	Observed  float64 `json:"observed"`
}

// Abstain says how often the method declined to attribute.
type Abstain struct {
	Unattributed          int `json:"unattributed"`           // ATT&CK campaigns without attribution (≥ 3 techniques)
	UnattributedAbstained int `json:"unattributed_abstained"` // of them, "no confident attribution"
	AttributedConfident   int `json:"attributed_confident"`   // attributed campaigns (full) with a confident answer
	ConfidentCorrect      int `json:"confident_correct"`      // of them, right at top-1
	Attributed            int `json:"attributed"`
}

// method is one ranker of the evaluation.
type method struct {
	name, evidence string
	opts           func(base Options) Options
	score          func(m *Model, q query, s []float64)
	software       bool
}

func methods() []method {
	nb := func(m *Model, q query, s []float64) { m.score(q, s) }
	// The baselines keep their own fixed options whatever debrief's are:
	// the smoothed naive Bayes of the reference (m = 10, software
	// techniques at 0.25, names at 1, no parent matches, the plain
	// naive-Bayes score).
	nbBase := func(o Options) Options {
		o.SoftwareWeight, o.ParentWeight, o.Smoothing, o.NameWeight = 0.25, 0, 10, 1
		o.Ranker = Ranker{}
		return o
	}
	techOnly := func(o Options) Options { o = nbBase(o); o.SoftwareWeight = 0; return o }
	nbSW := nbBase
	same := func(o Options) Options { return o }
	return []method{
		{"jaccard", "T", techOnly, jaccard, false},
		{"naive-bayes", "T", techOnly, nb, false},
		{"naive-bayes", "T+S", nbSW, nb, true},
		{"debrief", "T", same, nb, false},
		{"debrief", "T+S", same, nb, true},
	}
}

// jaccard is the weighted Jaccard similarity of the observed techniques
// and a group's technique profile (of the model's domain): the summed
// weights of the shared techniques over the observed techniques (all of
// them, whether any profile holds them or not) plus the profile's summed
// weights less the shared. A candidate without techniques scores -Inf.
func jaccard(m *Model, q query, s []float64) {
	for _, f := range q.feats {
		if m.keys[f][0] == 'T' {
			for _, p := range m.post[f] {
				s[p.cand] += m.cands[p.cand].prof[f]
			}
		}
	}
	nq := float64(len(q.techs))
	tot := m.techniqueTotals()
	for ci := range m.cands {
		if tot[ci] == 0 {
			s[ci] = math.Inf(-1)
			continue
		}
		s[ci] /= nq + tot[ci] - s[ci]
	}
}

// benchCampaign is a campaign of the evaluation.
type benchCampaign struct {
	drawSet
	groups []string
}

// attributed returns the current Enterprise campaigns attributed to a
// current group, with at least 3 techniques (evaluated), and those with
// fewer (skipped).
func attributed(cat *attack.Catalog) (eval []benchCampaign, skipped []string) {
	for _, c := range cat.Campaigns() {
		if !c.Active() || !slices.Contains(c.Domains, enterprise) {
			continue
		}
		var gs []string
		for _, g := range c.Groups {
			if gg, ok := cat.Group(g); ok && gg.Active() {
				gs = append(gs, gg.ID)
			}
		}
		if len(gs) == 0 {
			continue
		}
		techs := enterpriseTechniques(cat, c.Techniques)
		if len(techs) < 3 {
			skipped = append(skipped, c.ID)
			continue
		}
		eval = append(eval, benchCampaign{drawSet{c.ID, techs, enterpriseSoftware(cat, c.Software)}, gs})
	}
	return eval, skipped
}

const enterprise = "enterprise-attack"

// enterpriseTechniques keeps the current Enterprise techniques of ts.
func enterpriseTechniques(cat *attack.Catalog, ts []debrief.TechniqueID) []string {
	var out []string
	for _, id := range ts {
		if t, ok := cat.Technique(string(id)); ok && t.Domain == enterprise && t.Active() {
			out = append(out, string(id))
		}
	}
	return out
}

// enterpriseSoftware keeps the current Enterprise software of ids: a
// campaign of several domains (C0030 is also ICS) names software of the
// others too, which the Enterprise evaluation does not observe.
func enterpriseSoftware(cat *attack.Catalog, ids []string) []string {
	var out []string
	for _, id := range ids {
		if s, ok := cat.Software(id); ok && s.Active() && slices.Contains(s.Domains, enterprise) {
			out = append(out, id)
		}
	}
	return out
}

func checkDraws(d *Draws, cs []benchCampaign) error {
	for _, fs := range fractions() {
		for _, c := range cs {
			if len(d.Techniques[fs][c.id]) == 0 {
				return fmt.Errorf("draws %s: no %s draws for campaign %s", d.Source, fs, c.id)
			}
		}
	}
	return nil
}
