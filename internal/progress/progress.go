// Package progress draws progress bars on stderr for long work, and
// nothing at all when stderr is not a terminal or the user asked for quiet.
package progress

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Bar follows work measured in bytes. The zero of its methods is safe: a
// Bar that is off does nothing.
type Bar struct {
	w           io.Writer
	description string
	bar         *progressbar.ProgressBar
}

// New returns a bar drawn on w when w is a terminal and quiet is false.
func New(w io.Writer, description string, quiet bool) *Bar {
	if quiet || !IsTerminal(w) {
		return &Bar{}
	}
	return &Bar{w: w, description: description}
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Start begins the bar; total is in bytes, -1 when unknown.
func (b *Bar) Start(total int64) {
	if b.w == nil {
		return
	}
	b.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(b.w),
		progressbar.OptionSetDescription(b.description),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetPredictTime(true),
	)
}

// Add records n more bytes done.
func (b *Bar) Add(n int) {
	if b.bar != nil {
		_ = b.bar.Add(n)
	}
}

// Finish clears the bar.
func (b *Bar) Finish() {
	if b.bar != nil {
		_ = b.bar.Finish()
	}
}
