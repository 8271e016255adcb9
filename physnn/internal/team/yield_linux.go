//go:build linux

package team

import "syscall"

// osYield gives the thread's core to another runnable thread, if the
// kernel has one queued there (sched_yield), as OpenBLAS's waiting threads
// do: on a loaded machine a spinning helper would otherwise keep the core
// from the process's own working thread or from other processes.
func osYield() {
	syscall.Syscall(syscall.SYS_SCHED_YIELD, 0, 0, 0)
}
