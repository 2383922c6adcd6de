package simulate

import (
	"slices"
	"testing"
	"time"
)

// TestTimeHeap pushes and pops seeded random times and checks that the
// heap always holds the same times as a sorted list, its earliest first.
func TestTimeHeap(t *testing.T) {
	r := newRNG(9, 1)
	var h timeHeap
	var want []time.Time
	base := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for i := range 5000 {
		if len(want) > 0 && r.IntN(3) == 0 {
			h.pop()
			want = want[1:]
		} else {
			at := base.Add(time.Duration(r.IntN(1000)) * time.Minute)
			h.push(at)
			want = append(want, at)
			slices.SortFunc(want, time.Time.Compare)
		}
		if len(h) != len(want) {
			t.Fatalf("step %d: heap holds %d times, want %d", i, len(h), len(want))
		}
		if len(h) > 0 && !h[0].Equal(want[0]) {
			t.Fatalf("step %d: earliest %v, want %v", i, h[0], want[0])
		}
	}
	got := slices.Clone(h)
	slices.SortFunc(got, time.Time.Compare)
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Fatal("the heap's times differ from the list's")
	}
}
