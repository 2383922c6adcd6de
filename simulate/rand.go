package simulate

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// rng wraps a seeded PCG source with the draws the simulation needs. The
// simulation never uses the global source, so a seed fixes every output.
type rng struct {
	*rand.Rand
	src *rand.PCG
}

func newRNG(seed, stream uint64) *rng {
	src := rand.NewPCG(seed, stream)
	return &rng{rand.New(src), src}
}

// state returns the generator's state; forkRNG(state) draws what r
// draws from now on, without advancing r.
func (r *rng) state() rand.PCG { return *r.src }

func forkRNG(state rand.PCG) *rng {
	src := state
	return &rng{rand.New(&src), &src}
}

// prob reports true with probability p.
func (r *rng) prob(p float64) bool { return p > 0 && r.Float64() < p }

// between draws a whole number from an inclusive range.
func (r *rng) between(x IntRange) int {
	if x.Max <= x.Min {
		return x.Min
	}
	return x.Min + r.IntN(x.Max-x.Min+1)
}

// lognormal draws from a log-normal distribution, scaled by factor.
func (r *rng) lognormal(l LogNormal, factor float64) time.Duration {
	v := float64(l.Median) * factor * math.Exp(l.Sigma*r.NormFloat64())
	const maxDur = float64(400 * 24 * time.Hour)
	if v > maxDur {
		v = maxDur
	}
	return time.Duration(v).Truncate(time.Millisecond)
}

// offset draws a duration in [0, d), whole milliseconds: every time the
// simulation makes survives the exports' precision unchanged.
func (r *rng) offset(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(r.Int64N(int64(d))).Truncate(time.Millisecond)
}

// poisson draws a Poisson count with mean lambda.
func (r *rng) poisson(lambda float64) int {
	switch {
	case lambda <= 0:
		return 0
	case lambda > 50:
		n := int(math.Round(lambda + math.Sqrt(lambda)*r.NormFloat64()))
		return max(n, 0)
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// weighted picks an index with probability proportional to its weight;
// -1 when all weights are 0.
func (r *rng) weighted(weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	if total <= 0 {
		return -1
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// pick returns a random element of s.
func pick[T any](r *rng, s []T) T { return s[r.IntN(len(s))] }

// hex writes n random bytes as lower-case hex.
func (r *rng) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 2*n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			c := byte(v >> (8 * j))
			b[2*(i+j)], b[2*(i+j)+1] = digits[c>>4], digits[c&15]
		}
	}
	return string(b)
}

// guid draws a random version-4 style GUID.
func (r *rng) guid() string { return formatGUID(r.Uint64(), r.Uint64()) }

func formatGUID(hi, lo uint64) string {
	var b [36]byte
	return string(appendGUID(b[:0], hi, lo))
}

// appendGUID appends formatGUID's GUID.
func appendGUID(dst []byte, hi, lo uint64) []byte {
	const digits = "0123456789abcdef"
	hi = hi&^(0xf<<12) | 4<<12
	lo = lo&^(0x3<<62) | 2<<62
	var b [36]byte
	pos := 0
	put := func(v uint64, nibbles int) {
		for i := nibbles - 1; i >= 0; i-- {
			b[pos] = digits[(v>>(4*i))&15]
			pos++
		}
	}
	put(hi>>32, 8)
	b[pos] = '-'
	pos++
	put(hi>>16, 4)
	b[pos] = '-'
	pos++
	put(hi, 4)
	b[pos] = '-'
	pos++
	put(lo>>48, 4)
	b[pos] = '-'
	pos++
	put(lo, 12)
	return append(dst, b[:]...)
}

// mix64 is the splitmix64 finaliser: a bijection on uint64 that spreads
// bits, used to derive ids from sequence numbers.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func clamp(x, lo, hi float64) float64 { return min(max(x, lo), hi) }

// sortByTime sorts s by the time key gives, stably.
func sortByTime[T any](s []T, key func(T) time.Time) {
	slices.SortStableFunc(s, func(a, b T) int { return key(a).Compare(key(b)) })
}
