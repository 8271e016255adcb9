//go:build !unix

package gemm

import "time"

// processCPUTime is unknown here; 0 disables the per-CPU-second metric.
func processCPUTime() time.Duration { return 0 }
