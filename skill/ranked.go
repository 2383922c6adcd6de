package skill

import (
	"math"
	"math/bits"
	"slices"
)

// ranked holds one time metric's known values sorted by stratum and
// value, once, so that every group's test is a walk over them.
type ranked struct {
	vals    []float64 // by incident; NaN when unknown
	order   []int32   // incidents with a value, by stratum, then value
	blocks  []int     // start of each stratum's run in order, and len(order)
	blockOf []int32   // by incident: its stratum's run (index in blocks), -1 without a value
	a, b    []int32   // scratch: a stratum's run split in two
	rest    []float64 // scratch
	touched []int32   // scratch: the runs a group has values in
	// Without a split, each incident's place in its stratum does not
	// depend on the group, so a group's test walks its own incidents only:
	pos    []int32              // by incident: its index in its run, -1 without a value
	tieLo  []int32              // by incident: the index in its run of the first value equal to it
	mid    []float64            // by incident: its midrank in its run (1-based, ties share it)
	ties   []float64            // by run: Σ t³−t over its ties
	cnt    []float64            // scratch, by run: the group's values in it
	sum    []float64            // scratch, by run: the group's rank sum in it
	member []int64              // the group's values as run<<32 | index in run, sorted (from places: read only)
	hs     []int64              // the splitting group's values, as member
	hFrom  []int32              // scratch, by run: the start of its values in hs
	hTo    []int32              // scratch, by run: their end
	excl   []int32              // scratch
	cache  map[groupKey][]int64 // places of each group's values (see places)
	bits   []uint64             // scratch: a large group's indexes in order (see places)
}

// groupKey names a group by its list of incidents: the lists live as long
// as the comparer, and tests ask about the same groups many times.
type groupKey struct {
	first *int32
	n     int
}

func newRanked(vals []float64, strata []int32) *ranked {
	r := &ranked{vals: vals}
	// By stratum (counted), then each stratum's run by value: short
	// sorts instead of one of every value.
	var top int32
	for _, s := range strata {
		top = max(top, s)
	}
	start := make([]int, top+2)
	n := 0
	for i, v := range vals {
		if !math.IsNaN(v) {
			start[strata[i]+1]++
			n++
		}
	}
	for s := 1; s < len(start); s++ {
		start[s] += start[s-1]
	}
	r.order = make([]int32, n)
	next := slices.Clone(start)
	for i, v := range vals {
		if !math.IsNaN(v) {
			r.order[next[strata[i]]] = int32(i)
			next[strata[i]]++
		}
	}
	byValue := func(x, y int32) int { return cmpF(vals[x], vals[y]) }
	for s := 0; s+1 < len(start); s++ {
		if start[s+1]-start[s] > 1 {
			slices.SortFunc(r.order[start[s]:start[s+1]], byValue)
		}
	}
	r.blockOf = make([]int32, len(vals))
	for i := range r.blockOf {
		r.blockOf[i] = -1
	}
	for k, i := range r.order {
		if k == 0 || strata[i] != strata[r.order[k-1]] {
			r.blocks = append(r.blocks, k)
		}
		r.blockOf[i] = int32(len(r.blocks) - 1)
	}
	r.blocks = append(r.blocks, len(r.order))
	r.pos, r.tieLo, r.mid = make([]int32, len(vals)), make([]int32, len(vals)), make([]float64, len(vals))
	for i := range r.pos {
		r.pos[i] = -1
	}
	r.ties = make([]float64, len(r.blocks)-1)
	r.cnt, r.sum = make([]float64, 2*(len(r.blocks)-1)), make([]float64, 2*(len(r.blocks)-1))
	r.hFrom, r.hTo = make([]int32, len(r.blocks)-1), make([]int32, len(r.blocks)-1)
	for b := range r.ties {
		run := r.order[r.blocks[b]:r.blocks[b+1]]
		for i := 0; i < len(run); {
			j := i
			for j+1 < len(run) && vals[run[j+1]] == vals[run[i]] {
				j++
			}
			t := float64(j - i + 1)
			r.ties[b] += t*t*t - t
			for k := i; k <= j; k++ {
				r.pos[run[k]], r.tieLo[run[k]], r.mid[run[k]] = int32(k), int32(i), float64(i+j)/2+1
			}
			i = j + 1
		}
	}
	return r
}

// touch lists, ascending, the runs that the incidents cur have values in,
// and returns how many of cur have a value.
func (r *ranked) touch(cur []int32) int {
	r.touched = r.touched[:0]
	if r.pos != nil {
		ps := r.places(cur)
		for _, p := range ps {
			if b := int32(p >> 32); len(r.touched) == 0 || r.touched[len(r.touched)-1] != b {
				r.touched = append(r.touched, b)
			}
		}
		return len(ps)
	}
	n := 0
	for _, i := range cur {
		if b := r.blockOf[i]; b >= 0 {
			r.touched = append(r.touched, b)
			n++
		}
	}
	slices.Sort(r.touched)
	r.touched = slices.Compact(r.touched)
	return n
}

// runs calls f with the run of incidents of each stratum in r.touched
// (those of the group under test: a run without any of its incidents adds
// nothing to its tests), sorted by value; with split, each stratum is cut
// in two by it.
func (r *ranked) runs(split members, f func(run []int32)) {
	if split == nil && r.pos != nil {
		return // test and relative walk the group's own incidents
	}
	for _, k := range r.touched {
		run := r.order[r.blocks[k]:r.blocks[k+1]]
		if split == nil {
			f(run)
			continue
		}
		r.a, r.b = r.a[:0], r.b[:0]
		for _, i := range run {
			if split.has(i) {
				r.a = append(r.a, i)
			} else {
				r.b = append(r.b, i)
			}
		}
		f(r.a)
		f(r.b)
	}
}

// test is a stratified Wilcoxon rank-sum test (the sum over strata of each
// stratum's rank sum) of the group in (its incidents cur) against the
// rest. It returns the
// two-sided p value and the group's size, or ok false when either side has
// fewer than minN values.
func (r *ranked) test(split members, splitIdx []int32, in []bool, cur []int32, minN int) (p float64, n1 int, ok bool) {
	n1 = r.touch(cur)
	if n1 < minN || len(r.order)-n1 < minN {
		return 1, n1, false
	}
	var dev, vari float64
	if split != nil && r.pos != nil {
		dev, vari = r.testSplit(split, splitIdx, cur)
		split = nil // and runs below does nothing
	} else if split == nil && r.pos != nil {
		for _, i := range cur {
			if b := r.blockOf[i]; b >= 0 {
				r.cnt[b]++
				r.sum[b] += r.mid[i]
			}
		}
		for _, b := range r.touched {
			n := float64(r.blocks[b+1] - r.blocks[b])
			a, w := r.cnt[b], r.sum[b]
			r.cnt[b], r.sum[b] = 0, 0
			if bb := n - a; a > 0 && bb > 0 {
				dev += w - a*(n+1)/2
				vari += a * bb / 12 * ((n + 1) - r.ties[b]/(n*(n-1)))
			}
		}
	}
	r.runs(split, func(run []int32) {
		d, v := stratumRankSum(r.vals, run, in)
		dev, vari = dev+d, vari+v
	})
	if vari <= 0 {
		return 1, n1, true
	}
	z := (math.Abs(dev) - 0.5) / math.Sqrt(vari)
	return math.Erfc(max(z, 0) / math.Sqrt2), n1, true
}

// stratumRankSum returns the group's rank sum less its expectation, and
// its variance (with ties), for one stratum's incidents sorted by value.
func stratumRankSum(vals []float64, idx []int32, in []bool) (dev, vari float64) {
	n := float64(len(idx))
	var a, w, ties float64
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && vals[idx[j+1]] == vals[idx[i]] {
			j++
		}
		mid := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			if in[idx[k]] {
				a++
				w += mid
			}
		}
		t := float64(j - i + 1)
		ties += t*t*t - t
		i = j + 1
	}
	b := n - a
	if a == 0 || b == 0 {
		return 0, 0
	}
	return w - a*(n+1)/2, a * b / 12 * ((n + 1) - ties/(n*(n-1)))
}

// relative returns, for each value of the group in a stratum that also
// has other values, the value less the median of the others of its
// stratum, in no particular order (see orderStats).
func (r *ranked) relative(split members, splitIdx []int32, in []bool, cur []int32) []float64 {
	if r.pos != nil {
		var out []float64
		if split == nil {
			out = r.relativeOwn(cur)
		} else {
			out = r.relativeSplit(split, splitIdx, in, cur)
		}
		return out
	}
	r.touch(cur)
	var out []float64
	r.runs(split, func(run []int32) {
		r.rest = r.rest[:0]
		for _, i := range run {
			if !in[i] {
				r.rest = append(r.rest, r.vals[i])
			}
		}
		if len(r.rest) == 0 || len(r.rest) == len(run) {
			return
		}
		m := quantile(r.rest, 0.5)
		for _, i := range run {
			if in[i] {
				out = append(out, r.vals[i]-m)
			}
		}
	})
	slices.Sort(out)
	return out
}

// relativeOwn is relative without a split, from the group's own incidents:
// in a run sorted by value, the others' median is found from the places of
// the group's values (the j-th other value is the one at j plus the number
// of the group's values at or before it).
func (r *ranked) relativeOwn(cur []int32) []float64 {
	r.member = r.places(cur)
	out := make([]float64, 0, len(r.member))
	for lo := 0; lo < len(r.member); {
		b := int32(r.member[lo] >> 32)
		hi := lo
		for hi < len(r.member) && int32(r.member[hi]>>32) == b {
			hi++
		}
		ps := r.member[lo:hi]
		run := r.order[r.blocks[b]:r.blocks[b+1]]
		m := len(run) - len(ps)
		if m > 0 {
			other := func(j int) float64 {
				for _, p := range ps {
					if int(int32(p)) > j {
						break
					}
					j++
				}
				return r.vals[run[j]]
			}
			// quantile(others, 0.5), as quantile computes it.
			h := 0.5 * float64(m-1)
			fl := math.Floor(h)
			k := int(fl)
			med := other(k)
			if k+1 < m {
				med += (h - fl) * (other(k+1) - med)
			}
			for _, p := range ps {
				out = append(out, r.vals[run[int32(p)]]-med)
			}
		}
		lo = hi
	}
	return out
}

// With a split, each stratum's run is cut in two: the splitting group's
// values (side 0) and the others (side 1). A value's midrank on its side
// follows from its tie in the whole run and the splitting group's values
// before and in that tie, so these walk the two groups, not the runs.

// loadSplit lists the splitting group's values by run and place (r.hs,
// r.hFrom, r.hTo); unloadSplit clears them.
func (r *ranked) loadSplit(splitIdx []int32) {
	r.hs = r.places(splitIdx)
	for k := 0; k < len(r.hs); {
		b := int32(r.hs[k] >> 32)
		j := k
		for j < len(r.hs) && int32(r.hs[j]>>32) == b {
			j++
		}
		r.hFrom[b], r.hTo[b] = int32(k), int32(j)
		k = j
	}
}

func (r *ranked) unloadSplit() {
	for _, h := range r.hs {
		b := int32(h >> 32)
		r.hFrom[b], r.hTo[b] = 0, 0
	}
}

// splitIn returns the places of the splitting group's values in run b.
func (r *ranked) splitIn(b int32) []int64 { return r.hs[r.hFrom[b]:r.hTo[b]] }

// below counts the places in hp (sorted, as in r.hs) less than k.
func below(hp []int64, k int32) int {
	n, _ := slices.BinarySearchFunc(hp, k, func(h int64, k int32) int { return int(int32(h) - k) })
	return n
}

// tieOf returns the first and last place of the tie of incident i in its run.
func (r *ranked) tieOf(i int32) (lo, hi int32) {
	lo = r.tieLo[i]
	return lo, int32(2*(r.mid[i]-1)) - lo
}

// testSplit is test's sum over the touched runs (r.touched), each cut in
// two by split.
func (r *ranked) testSplit(split members, splitIdx []int32, cur []int32) (dev, vari float64) {
	r.loadSplit(splitIdx)
	defer r.unloadSplit()
	for _, i := range cur {
		b := r.blockOf[i]
		if b < 0 {
			continue
		}
		hp := r.splitIn(b)
		lo, hi := r.tieOf(i)
		before := below(hp, lo)
		inTie := below(hp, hi+1) - before
		if split.has(i) {
			r.cnt[2*b]++
			r.sum[2*b] += float64(before) + float64(inTie+1)/2
		} else {
			r.cnt[2*b+1]++
			r.sum[2*b+1] += float64(int(lo)-before) + float64(int(hi-lo+1)-inTie+1)/2
		}
	}
	for _, b := range r.touched {
		hp := r.splitIn(b)
		n := float64(r.blocks[b+1] - r.blocks[b])
		nn := [2]float64{float64(len(hp)), n - float64(len(hp))}
		ties := [2]float64{0, r.ties[b]}
		run := r.order[r.blocks[b]:r.blocks[b+1]]
		for k := 0; k < len(hp); {
			lo, hi := r.tieOf(run[int32(hp[k])])
			j := k
			for j < len(hp) && int32(hp[j]) <= hi {
				j++
			}
			c, t := float64(j-k), float64(hi-lo+1)
			ties[0] += c*c*c - c
			ties[1] -= t*t*t - t - ((t-c)*(t-c)*(t-c) - (t - c))
			k = j
		}
		for side := range 2 {
			a, w := r.cnt[2*int(b)+side], r.sum[2*int(b)+side]
			r.cnt[2*int(b)+side], r.sum[2*int(b)+side] = 0, 0
			if m := nn[side]; a > 0 && m-a > 0 {
				dev += w - a*(m+1)/2
				vari += a * (m - a) / 12 * ((m + 1) - ties[side]/(m*(m-1)))
			}
		}
	}
	return dev, vari
}

// relativeSplit is relative with each run cut in two by split (unsorted).
func (r *ranked) relativeSplit(split members, splitIdx []int32, in []bool, cur []int32) []float64 {
	r.loadSplit(splitIdx)
	defer r.unloadSplit()
	r.member = r.places(cur)
	var out []float64
	var gA, gB []int32
	for lo := 0; lo < len(r.member); {
		b := int32(r.member[lo] >> 32)
		hi := lo
		for hi < len(r.member) && int32(r.member[hi]>>32) == b {
			hi++
		}
		run := r.order[r.blocks[b]:r.blocks[b+1]]
		gA, gB = gA[:0], gB[:0]
		for _, p := range r.member[lo:hi] {
			if split.has(run[int32(p)]) {
				gA = append(gA, int32(p))
			} else {
				gB = append(gB, int32(p))
			}
		}
		hp := r.splitIn(b)
		// Side 0: the others are the splitting group's values not in the group.
		r.excl = r.excl[:0]
		for _, h := range hp {
			if !in[run[int32(h)]] {
				r.excl = append(r.excl, int32(h))
			}
		}
		if len(gA) > 0 && len(r.excl) > 0 {
			out = r.appendRelative(out, run, gA, len(r.excl), func(j int) int32 { return r.excl[j] })
		}
		// Side 1: the others are the run less the splitting group and the group.
		if m := len(run) - len(hp) - len(gB); len(gB) > 0 && m > 0 {
			r.excl = r.excl[:0]
			k := 0
			for _, h := range hp {
				for k < len(gB) && gB[k] < int32(h) {
					r.excl = append(r.excl, gB[k])
					k++
				}
				r.excl = append(r.excl, int32(h))
			}
			r.excl = append(r.excl, gB[k:]...)
			out = r.appendRelative(out, run, gB, m, func(j int) int32 {
				for _, p := range r.excl {
					if int(p) > j {
						break
					}
					j++
				}
				return int32(j)
			})
		}
		lo = hi
	}
	return out
}

// appendRelative appends the values at places ps of run less the median
// of the m others, the j-th of which is at place other(j), as quantile
// computes it.
func (r *ranked) appendRelative(out []float64, run []int32, ps []int32, m int, other func(j int) int32) []float64 {
	h := 0.5 * float64(m-1)
	fl := math.Floor(h)
	k := int(fl)
	med := r.vals[run[other(k)]]
	if k+1 < m {
		med += (h - fl) * (r.vals[run[other(k+1)]] - med)
	}
	for _, p := range ps {
		out = append(out, r.vals[run[p]]-med)
	}
	return out
}

// places returns the values of the incidents idx as run<<32 | index in
// run, sorted, computed once per list.
func (r *ranked) places(idx []int32) []int64 {
	if len(idx) == 0 {
		return nil
	}
	k := groupKey{&idx[0], len(idx)}
	if ps, ok := r.cache[k]; ok {
		return ps
	}
	ps := make([]int64, 0, len(idx))
	if len(idx) < len(r.order)/64 {
		for _, i := range idx {
			if b := r.blockOf[i]; b >= 0 {
				ps = append(ps, int64(b)<<32|int64(r.pos[i]))
			}
		}
		slices.Sort(ps)
	} else {
		// A large group: run and place order is the order of r.order,
		// so its places come sorted out of a bitmap of their indexes
		// there, cheaper than a sort.
		if r.bits == nil {
			r.bits = make([]uint64, (len(r.order)+63)/64)
		}
		for _, i := range idx {
			if b := r.blockOf[i]; b >= 0 {
				k := r.blocks[b] + int(r.pos[i])
				r.bits[k>>6] |= 1 << (k & 63)
			}
		}
		for w, word := range r.bits {
			for word != 0 {
				k := w<<6 | bits.TrailingZeros64(word)
				word &= word - 1
				b := r.blockOf[r.order[k]]
				ps = append(ps, int64(b)<<32|int64(k-r.blocks[b]))
			}
			r.bits[w] = 0
		}
	}
	if r.cache == nil {
		r.cache = map[groupKey][]int64{}
	}
	r.cache[k] = ps
	return ps
}

// members is a set of incidents, one bit each: the group that splits the
// strata.
type members []uint64

func membersOf(idx []int32, n int) members {
	m := make(members, (n+63)/64)
	for _, i := range idx {
		m[i>>6] |= 1 << (i & 63)
	}
	return m
}

func (m members) has(i int32) bool { return m[i>>6]&(1<<(i&63)) != 0 }
