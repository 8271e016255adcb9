package eval

import (
	"context"
	"time"
)

// Callbacks that compiled code runs on goroutines of its own (a timer's, a
// context's) would kill the kernel with an unrecovered panic: yaegi cannot
// recover a panic outside the goroutine that entered the interpreter. The
// kernel replaces the standard-library functions that start such
// goroutines with versions that recover the callback's panic and report it
// on the cell's standard error (decisions.md: panics in goroutines the
// kernel cannot see are recovered at the boundary). A cell's go statements
// and sync.WaitGroup.Go literals are rewritten to recover (see rewriteGo and
// guardWaitGroupGo).

// guardCallback returns f wrapped so that a panic in it is reported as a
// panic in a callback of what, instead of crashing the process.
func (in *Interpreter) guardCallback(f func(), what string) func() {
	return func() {
		defer func() {
			if r := recover(); r != nil {
				in.router.stream("stderr", []byte("panic in a "+what+" callback: "+describePanic(r)+"\n"))
			}
		}()
		f()
	}
}

// afterFunc is time.AfterFunc for cells.
func (in *Interpreter) afterFunc(d time.Duration, f func()) *time.Timer {
	return time.AfterFunc(d, in.guardCallback(f, "time.AfterFunc"))
}

// contextAfterFunc is context.AfterFunc for cells.
func (in *Interpreter) contextAfterFunc(ctx context.Context, f func()) (stop func() bool) {
	return context.AfterFunc(ctx, in.guardCallback(f, "context.AfterFunc"))
}

// onCellGoroutine reports whether the caller runs on the goroutine of the
// running cell.
func (in *Interpreter) onCellGoroutine() bool {
	in.mu.Lock()
	st := in.st
	in.mu.Unlock()
	if st == nil {
		return false
	}
	c := st.h.cell.Load()
	return c != nil && c.goroutine == goroutineID()
}
