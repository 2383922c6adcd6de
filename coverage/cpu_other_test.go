//go:build !unix

package coverage_test

import "time"

func cpuTime() (time.Duration, bool) { return 0, false }
