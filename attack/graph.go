package attack

import "slices"

// pair is one relationship between objects, by their index in their
// kinds' slices.
type pair struct{ from, to int32 }

// graph lists, for each object of one kind, objects of another kind:
// node i's list is to[off[i]:off[i+1]], sorted by index (which is id
// order) without duplicates. All lists share one array.
type graph struct {
	off []int32
	to  []int32
}

// newGraph builds the graph of n nodes from pairs.
func newGraph(n int, ps []pair) graph {
	off := make([]int32, n+1)
	for _, p := range ps {
		off[p.from+1]++
	}
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	to := make([]int32, len(ps))
	next := slices.Clone(off[:n])
	for _, p := range ps {
		to[next[p.from]] = p.to
		next[p.from]++
	}
	w := int32(0)
	for i := range n {
		seg := to[off[i]:off[i+1]]
		slices.Sort(seg)
		seg = slices.Compact(seg)
		off[i] = w
		w += int32(copy(to[w:], seg))
	}
	off[n] = w
	return graph{off, to[:w:w]}
}

// reversed builds the graph of the other direction, with n nodes.
func reversed(n int, ps []pair) graph {
	rs := make([]pair, len(ps))
	for i, p := range ps {
		rs[i] = pair{p.to, p.from}
	}
	return newGraph(n, rs)
}

// of returns node i's list.
func (g graph) of(i int32) []int32 {
	if int(i)+1 >= len(g.off) {
		return nil
	}
	return g.to[g.off[i]:g.off[i+1]:g.off[i+1]]
}

// ids returns every node's list as ids, cut from one slab; nil lists
// for empty ones.
func ids[T any](g graph, id func(int32) T) [][]T {
	n := len(g.off) - 1
	slab := make([]T, len(g.to))
	for i, t := range g.to {
		slab[i] = id(t)
	}
	out := make([][]T, max(n, 0))
	for i := range out {
		if a, b := g.off[i], g.off[i+1]; a < b {
			out[i] = slab[a:b:b]
		}
	}
	return out
}
