//go:build unix

package coverage_test

import (
	"syscall"
	"time"
)

// cpuTime is the user and system CPU time this process has used, for
// benchmarks whose wall time a loaded machine inflates.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
