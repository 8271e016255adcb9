//go:build unix

package bench

import (
	"syscall"
	"time"
)

// cpuTime returns the process's user and system CPU time so far (0 if
// getrusage fails).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
