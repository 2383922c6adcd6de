package elasticv0

import (
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
)

// TechniqueInfo is what normalisation needs to know of one technique.
type TechniqueInfo struct {
	ID      debrief.TechniqueID
	Name    string
	Tactics []string // shortnames in matrix order
}

// Knowledge is what normalisation needs of the ATT&CK catalog. The CLI
// adapts *attack.Catalog to it; tests use a small fake.
type Knowledge interface {
	// Technique resolves id. revoked says the id was revoked and info is
	// its replacement; ok is false when the catalog does not know the id.
	Technique(id debrief.TechniqueID) (info TechniqueInfo, revoked, ok bool)
	// Tactic resolves any spelling of a tactic (name, shortname, id) to
	// its shortname and its position in the matrix.
	Tactic(spelling string) (shortname string, order int, ok bool)
}

// Counts records what normalisation met, for the ingest summary.
type Counts struct {
	Unknown map[debrief.TechniqueID]int    `json:"unknown_techniques"`
	Revoked map[debrief.TechniqueID]string `json:"revoked_techniques"` // old id → replacement
}

// Normalise rewrites a decoded alert in place against the catalog:
// revoked ids are replaced (the original is kept on the technique),
// unknown ids are kept and marked, sub-techniques bring their parent,
// names and tactics are filled from the catalog, tactic spellings become
// shortnames, and a vendor category that names a tactic joins the tactics.
func Normalise(k Knowledge, a *debrief.Alert, c *Counts) {
	order := map[string]int{}
	add := func(short string, ord int) { order[short] = ord }
	// Tactics the alert states itself: its tactic list, and a category
	// that names a tactic ("DefenseEvasion"; "Malware" stays a category).
	var stated []string
	for _, s := range append(slices.Clip(a.Tactics), a.Category) {
		if short, ord, ok := k.Tactic(s); ok && !slices.Contains(stated, short) {
			stated = append(stated, short)
			add(short, ord)
		}
	}
	techs := make([]debrief.Technique, 0, len(a.Techniques)+2)
	seen := map[debrief.TechniqueID]bool{}
	for _, t := range a.Techniques {
		t = normTechnique(k, t, stated, c)
		if seen[t.ID] {
			continue
		}
		seen[t.ID] = true
		techs = append(techs, t)
	}
	// Sub-techniques keep their parent.
	for _, t := range techs {
		if p := t.ID.Parent(); t.ID.IsSub() && !seen[p] {
			seen[p] = true
			techs = append(techs, normTechnique(k, debrief.Technique{ID: p, Tactics: t.Tactics}, stated, c))
		}
	}
	slices.SortStableFunc(techs, func(x, y debrief.Technique) int { return strings.Compare(string(x.ID), string(y.ID)) })
	for _, t := range techs {
		for _, s := range t.Tactics {
			if short, ord, ok := k.Tactic(s); ok {
				add(short, ord)
			}
		}
	}
	a.Techniques = techs
	a.Tactics = sortedTactics(order)
}

// normTechnique resolves one technique. Its tactics are, in order of
// preference: those the source paired with it, those the alert states,
// each kept only when the catalog lists it for the technique; else the
// catalog's.
func normTechnique(k Knowledge, t debrief.Technique, stated []string, c *Counts) debrief.Technique {
	info, revoked, ok := k.Technique(t.ID)
	if !ok {
		t.Status = debrief.TechniqueUnknown
		c.Unknown[t.ID]++
		t.Tactics = shortnames(k, t.Tactics, nil)
		return t
	}
	if revoked {
		c.Revoked[t.ID] = string(info.ID)
		t = debrief.Technique{ID: info.ID, Original: string(t.ID), Status: debrief.TechniqueRevoked, Tactics: t.Tactics}
	}
	if t.Name == "" || revoked {
		t.Name = info.Name
	}
	tactics := shortnames(k, t.Tactics, info.Tactics)
	if len(tactics) == 0 {
		tactics = shortnames(k, stated, info.Tactics)
	}
	if len(tactics) == 0 {
		tactics = slices.Clone(info.Tactics)
	}
	t.Tactics = tactics
	return t
}

// shortnames resolves spellings to unique shortnames, keeping only those
// in allowed when allowed is not nil.
func shortnames(k Knowledge, spellings, allowed []string) []string {
	var out []string
	for _, s := range spellings {
		short, _, ok := k.Tactic(s)
		if ok && (allowed == nil || slices.Contains(allowed, short)) && !slices.Contains(out, short) {
			out = append(out, short)
		}
	}
	return out
}

func sortedTactics(order map[string]int) []string {
	out := make([]string, 0, len(order))
	for s := range order {
		out = append(out, s)
	}
	slices.SortFunc(out, func(x, y string) int {
		if order[x] != order[y] {
			return order[x] - order[y]
		}
		return strings.Compare(x, y)
	})
	if len(out) == 0 {
		return nil
	}
	return out
}

// Catalog adapts an ATT&CK catalog to Knowledge.
func Catalog(c *attack.Catalog) Knowledge { return catalogKnowledge{c} }

type catalogKnowledge struct{ c *attack.Catalog }

func (k catalogKnowledge) Technique(id debrief.TechniqueID) (TechniqueInfo, bool, bool) {
	l := k.c.ResolveTechnique(string(id))
	if !l.Known() {
		return TechniqueInfo{}, false, false
	}
	t := l.Technique
	return TechniqueInfo{ID: t.ID, Name: t.Name, Tactics: t.Tactics}, l.Revoked, true
}

func (k catalogKnowledge) Tactic(s string) (string, int, bool) {
	t, ok := k.c.Tactic(s)
	if !ok {
		return "", 0, false
	}
	return t.Shortname, t.Order, true
}
