//go:build !unix

package decodertest

import "time"

// CPUTime is not measured here; benchmarks then report wall-clock rates only.
func CPUTime() time.Duration { return 0 }
