//go:build unix

package attack

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, all threads: a measure
// that other processes on a busy machine do not inflate as they do
// wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
