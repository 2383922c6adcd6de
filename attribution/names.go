package attribution

import (
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/debrief-dev/debrief"
)

// minNameLen is the shortest normalised name matched; shorter ones (at,
// sc) are too likely to be something else.
const minNameLen = 3

// indexNames maps the normalised names and aliases of the software and
// groups the profiles hold to their features.
func (m *Model) indexNames() {
	for _, s := range m.cat.AllSoftware() {
		if f, ok := m.feat[s.Key()]; ok && s.Active() {
			m.addName(s.Name, f)
			for _, a := range s.Aliases {
				m.addName(a, f)
			}
		}
	}
	for _, g := range m.cat.Groups() {
		if f, ok := m.feat[groupKey(g)]; ok && g.Active() {
			m.addName(g.Name, f)
			for _, a := range g.Aliases {
				m.addName(a, f)
			}
		}
	}
}

func (m *Model) addName(name string, f int32) {
	if k := normName(name); len(k) >= minNameLen {
		if _, taken := m.names[k]; !taken {
			m.names[k] = f
		}
	}
}

// normName folds a name for matching: the base name of a path, without an
// executable or script extension, lower case, letters and digits only.
// "C:\\Tools\\Mimikatz.EXE" and "mimi-katz" both give "mimikatz".
func normName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	switch path.Ext(s) {
	case ".exe", ".dll", ".ps1", ".bat", ".cmd", ".vbs", ".js", ".sys", ".scr", ".py", ".sh", ".jar", ".elf", ".bin":
		s = strings.TrimSuffix(s, path.Ext(s))
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// matchNames returns the software and group features the evidence names:
// ids, then exact names and aliases (the catalog's case-insensitive
// lookup), then normalised names. Threat names match a generic family
// prefix too ("Trojan:Win32/Emotet.A" → Emotet).
func (m *Model) matchNames(ev Evidence) []int32 {
	var out []int32
	add := func(f int32, ok bool) {
		if ok && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	for _, id := range ev.Software {
		add(m.lookupSoftware(id))
	}
	for _, id := range ev.Groups {
		add(m.lookupGroup(id))
	}
	for _, n := range ev.Names {
		for _, part := range threatParts(n) {
			f, ok := m.lookupSoftware(part)
			if !ok {
				f, ok = m.lookupGroup(part)
			}
			if !ok {
				f, ok = m.names[normName(part)]
			}
			add(f, ok)
		}
	}
	for _, n := range ev.FileNames {
		f, ok := m.names[normName(n)]
		add(f, ok && isSoftwareKey(m.keys[f]))
	}
	return out
}

func (m *Model) lookupSoftware(s string) (int32, bool) {
	if sw, ok := m.cat.Software(s); ok {
		f, ok := m.feat[sw.Key()]
		return f, ok
	}
	return 0, false
}

func (m *Model) lookupGroup(s string) (int32, bool) {
	if g, ok := m.cat.Group(s); ok {
		f, ok := m.feat[groupKey(g)]
		return f, ok
	}
	return 0, false
}

// isSoftwareKey reports whether a feature key names software: an ATT&CK
// software id, or the STIX id of in-house malware or a tool.
func isSoftwareKey(k string) bool {
	return strings.HasPrefix(k, "S") || strings.HasPrefix(k, "malware--") || strings.HasPrefix(k, "tool--")
}

// threatParts splits a vendor threat name into the whole and its family:
// "Trojan:Win32/Emotet.A!dha" gives it whole and "Emotet".
func threatParts(n string) []string {
	parts := []string{n}
	fam := n
	if i := strings.LastIndexAny(fam, ":/"); i >= 0 {
		fam = fam[i+1:]
	}
	if i := strings.IndexAny(fam, ".!"); i > 0 {
		fam = fam[:i]
	}
	if fam != n && fam != "" {
		parts = append(parts, fam)
	}
	return parts
}

// EvidenceOf gathers the evidence of incidents seen as one intrusion: the
// techniques of the incidents and their alerts, the alerts' threat names,
// and the names of their file and process entities.
func EvidenceOf(incidents ...*debrief.Incident) Evidence {
	var ev Evidence
	for _, in := range incidents {
		ev.Techniques = append(ev.Techniques, in.Techniques...)
		for i := range in.Alerts {
			a := &in.Alerts[i]
			for _, t := range a.Techniques {
				ev.Techniques = append(ev.Techniques, t.ID)
			}
			ev.Names = append(ev.Names, a.ThreatNames...)
			for _, e := range a.Entities {
				if (e.Kind == debrief.EntityFile || e.Kind == debrief.EntityProcess) && e.Name != "" {
					ev.FileNames = append(ev.FileNames, e.Name)
				}
			}
		}
	}
	return ev.compact()
}

// compact sorts the evidence's lists and drops repeats.
func (ev Evidence) compact() Evidence {
	for _, s := range []*[]string{&ev.Software, &ev.Groups, &ev.Names, &ev.FileNames} {
		slices.Sort(*s)
		*s = slices.Compact(*s)
	}
	slices.Sort(ev.Techniques)
	ev.Techniques = slices.Compact(ev.Techniques)
	return ev
}

func stringsOf(ts []debrief.TechniqueID) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}

func toTechniqueIDs(ss []string) []debrief.TechniqueID {
	out := make([]debrief.TechniqueID, len(ss))
	for i, s := range ss {
		out[i] = debrief.TechniqueID(s)
	}
	return out
}
