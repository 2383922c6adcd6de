//go:build !unix

package attack

import "time"

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }
