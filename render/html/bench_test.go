package html_test

import (
	"bytes"
	"testing"

	rhtml "github.com/debrief-dev/debrief/render/html"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/review/reviewtest"
)

// BenchmarkReviewHTML builds the review of a 10,000-alert incident and
// renders it to HTML; the budget is 0.3 s.
func BenchmarkReviewHTML(b *testing.B) {
	in := reviewtest.Large(10_000)
	opts := reviewtest.Options(b)
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		r, err := review.Build(reviewtest.Slice(in), opts)
		if err != nil {
			b.Fatal(err)
		}
		if err := (rhtml.Renderer{}).Render(&out, r); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(out.Len()))
	b.ReportMetric(float64(len(in.Alerts)), "alerts")
}
