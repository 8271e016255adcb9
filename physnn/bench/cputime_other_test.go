//go:build !unix

package bench

import "time"

// cpuTime returns 0: without getrusage only wall-time figures are reported.
func cpuTime() time.Duration { return 0 }
