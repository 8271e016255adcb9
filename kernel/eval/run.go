package eval

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// stopGrace is how long an interrupted cell may take to notice the stop. An
// interpreted loop notices at its next instruction (microseconds); a cell
// blocked in a compiled call (time.Sleep, a long library call) cannot be
// stopped, so after this it is abandoned and Execute returns anyway, keeping
// the one-second promise of the protocol.
const stopGrace = 500 * time.Millisecond

// yaegiHandle reaches the cancellation state inside a yaegi v0.16.1
// Interpreter. yaegi's EvalWithContext cancels by bumping a run id that every
// interpreted instruction compares with its frame's, which also kills the
// goroutines and callbacks of earlier cells. Holding the fields lets the
// kernel bump the id for the interrupted cell only as long as it takes that
// cell to stop, then put it back, so earlier goroutines that were blocked and
// widget callbacks keep working (decisions.md: "re-arm whatever the cancel
// disarmed").
//
// The fields are unexported, so they are found by name with reflect; if a
// yaegi upgrade renames them, rearm reports false and interrupts fall back to
// yaegi's own (non re-arming) cancellation.
type yaegiHandle struct {
	yi *interp.Interpreter

	id         *uint64
	mu         *sync.RWMutex
	done       *chan struct{}
	cancelChan *bool
	// cell is the piece of a cell now running, for interruptible sleeps.
	cell atomic.Pointer[runningCell]

	// roots is yaegi's list of every compiled syntax tree, kept only for
	// its debugger; emptying it after each cell lets trees no function
	// refers to be collected (otherwise ~5-7 KiB per cell, forever).
	roots reflect.Value
}

func newHandle(yi *interp.Interpreter) *yaegiHandle {
	h := &yaegiHandle{yi: yi}
	v := reflect.ValueOf(yi).Elem()
	field := func(name string, want reflect.Type) unsafe.Pointer {
		f := v.FieldByName(name)
		if !f.IsValid() || f.Type() != want {
			return nil
		}
		return unsafe.Pointer(f.UnsafeAddr())
	}
	id := field("id", reflect.TypeFor[uint64]())
	mu := field("mutex", reflect.TypeFor[sync.RWMutex]())
	done := field("done", reflect.TypeFor[chan struct{}]())
	cc := field("cancelChan", reflect.TypeFor[bool]())
	if id != nil && mu != nil && done != nil && cc != nil {
		h.id, h.mu, h.done, h.cancelChan = (*uint64)(id), (*sync.RWMutex)(mu), (*chan struct{})(done), (*bool)(cc)
	}
	if f := v.FieldByName("roots"); f.IsValid() && f.Kind() == reflect.Slice {
		h.roots = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
	}
	return h
}

// forgetTrees empties yaegi's list of compiled trees (see roots). Call it
// only when nothing is compiling.
func (h *yaegiHandle) forgetTrees() {
	if h.roots.IsValid() {
		h.mu.Lock()
		h.roots.Set(reflect.Zero(h.roots.Type()))
		h.mu.Unlock()
	}
}

// rearm reports whether the handle can stop one cell and re-arm the rest.
func (h *yaegiHandle) rearm() bool { return h.id != nil }

// hostPanic is a panic raised by yaegi itself (not by the user's code), for
// instance log.Panic("nil type") while compiling syntax it does not support.
type hostPanic struct {
	value any
	stack []byte
}

func (p *hostPanic) Error() string { return fmt.Sprint(p.value) }

// errInterrupted is returned when ctx was cancelled while a piece ran.
var errInterrupted = fmt.Errorf("eval: interrupted")

// compileRun compiles node with yaegi and runs it, under recover and
// cancellation. Only one compileRun or runProgram runs at a time.
func (h *yaegiHandle) compileRun(ctx context.Context, node ast.Node) (reflect.Value, error) {
	if !h.rearm() {
		return h.fallbackRun(ctx, node)
	}
	return h.protect(ctx, func() (reflect.Value, error) {
		prog, err := h.yi.CompileAST(node)
		if err != nil {
			return reflect.Value{}, err
		}
		return h.yi.Execute(prog)
	})
}

// runProgram runs a program compiled earlier, under recover and
// cancellation.
func (h *yaegiHandle) runProgram(ctx context.Context, prog *interp.Program) (reflect.Value, error) {
	if !h.rearm() {
		return h.yi.ExecuteWithContext(ctx, prog)
	}
	return h.protect(ctx, func() (reflect.Value, error) { return h.yi.Execute(prog) })
}

// protect runs fn on its own goroutine, turning host panics into errors and
// stopping the interpreted code when ctx is cancelled.
func (h *yaegiHandle) protect(ctx context.Context, fn func() (reflect.Value, error)) (reflect.Value, error) {
	h.mu.Lock()
	*h.done = make(chan struct{})
	*h.cancelChan = true
	h.mu.Unlock()

	type result struct {
		v   reflect.Value
		err error
	}
	finished := make(chan result, 1)
	go func() {
		var res result
		h.cell.Store(&runningCell{ctx: ctx, goroutine: goroutineID()})
		defer func() {
			h.cell.Store(nil)
			if r := recover(); r != nil {
				res = result{err: &hostPanic{value: r, stack: debug.Stack()}}
			}
			finished <- res
		}()
		res.v, res.err = fn()
	}()

	select {
	case res := <-finished:
		return res.v, res.err
	case <-ctx.Done():
	}

	// Stop the interpreted code, wait for this cell to notice, then put the
	// run id back so earlier cells' goroutines and callbacks run again.
	old := atomic.LoadUint64(h.id)
	atomic.AddUint64(h.id, 1)
	h.mu.Lock()
	close(*h.done)
	h.mu.Unlock()
	select {
	case <-finished:
		atomic.CompareAndSwapUint64(h.id, old+1, old)
	case <-time.After(stopGrace):
		// Stuck in compiled code: leave the id bumped so the cell stops as
		// soon as the compiled call returns.
	}
	return reflect.Value{}, errInterrupted
}

// fallbackRun uses yaegi's EvalWithContext machinery when the handle could
// not find the fields it needs.
func (h *yaegiHandle) fallbackRun(ctx context.Context, node ast.Node) (v reflect.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &hostPanic{value: r, stack: debug.Stack()}
		}
	}()
	prog, err := h.yi.CompileAST(node)
	if err != nil {
		return v, err
	}
	v, err = h.yi.ExecuteWithContext(ctx, prog)
	if ctx.Err() != nil {
		return v, errInterrupted
	}
	return v, err
}

// runningCell identifies the goroutine running a cell's code and the
// cell's context.
type runningCell struct {
	ctx       context.Context
	goroutine uint64
}

// sleep replaces time.Sleep in cells. On the goroutine running the cell it
// returns early when the cell is interrupted: a sleep is compiled code that
// yaegi cannot stop, and a cell abandoned in it would resume afterwards.
// Other goroutines (started by earlier cells) sleep as usual, so an
// interrupt does not wake them.
func (h *yaegiHandle) sleep(d time.Duration) {
	c := h.cell.Load()
	if c == nil || d <= 0 || goroutineID() != c.goroutine {
		time.Sleep(d)
		return
	}
	id := atomic.LoadUint64(h.id)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-c.ctx.Done():
		// Return only once protect has bumped the run id, so the next
		// interpreted instruction stops instead of looping on.
		for deadline := time.Now().Add(stopGrace); atomic.LoadUint64(h.id) == id && time.Now().Before(deadline); {
			time.Sleep(100 * time.Microsecond)
		}
	}
}

// goroutineID returns the current goroutine's id, parsed from the first
// line of its stack trace ("goroutine 42 [running]:"); Go offers no API.
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		id, _ := strconv.ParseUint(string(b[:i]), 10, 64)
		return id
	}
	return 0
}
