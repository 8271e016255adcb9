// Package cputime reads the CPU time the process has used, so benchmarks
// on a shared machine can report work per CPU-second next to wall-clock
// figures: the first drops when other jobs take the cores, the second
// shows the code's own efficiency.
package cputime

import "time"

// Process is the user+system CPU time of the whole process so far, or 0
// where the platform does not report it.
func Process() time.Duration { return process() }
