//go:build !linux

package team

// osYield does nothing where sched_yield is not at hand; runtime.Gosched
// still lets other goroutines run.
func osYield() {}
