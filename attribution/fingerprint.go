package attribution

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"slices"
)

// calibrationVersion changes whenever Calibrate or the simulation
// changes, so that no precomputed calibration outlives its method.
const calibrationVersion = 9

// fingerprint identifies everything Calibrate depends on: the method, the
// catalog's domains and versions, the scoring options and every group's
// profile. Two models with the same fingerprint fit the same calibration.
func (m *Model) fingerprint() string {
	h := sha256.New()
	var buf [8]byte
	num := func(v float64) {
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v))
		h.Write(buf[:])
	}
	str := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	num(calibrationVersion)
	num(calibrationSeed)
	for _, d := range m.cat.Domains() {
		str(d.Name)
		str(d.Version)
		str(d.Modified.String())
	}
	for _, v := range []float64{m.opts.SoftwareWeight, m.opts.CampaignWeight, m.opts.ParentWeight, m.opts.NameWeight, m.opts.Smoothing} {
		num(v)
	}
	// Options added later count only when set, so that models without
	// them keep their fingerprint.
	if !m.opts.Ranker.IsZero() {
		str("ranker")
		for _, w := range m.opts.Ranker.W {
			num(w)
		}
	}
	type fw struct {
		key string
		w   float64
	}
	var prof []fw
	for _, c := range m.cands[:m.nGroups] {
		str(c.id)
		prof = prof[:0]
		for f, w := range c.prof {
			prof = append(prof, fw{m.keys[f], w})
		}
		slices.SortFunc(prof, func(a, b fw) int { return cmp.Compare(a.key, b.key) })
		for _, p := range prof {
			str(p.key)
			num(p.w)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
