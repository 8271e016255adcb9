// Package team runs work on a persistent team of helper goroutines, so
// that parallel loops and products in physnn start no goroutine and
// allocate nothing in steady state.
//
// Starting a goroutine per parallel call costs an allocation and about a
// microsecond; a training step makes dozens of such calls. Helpers started
// here are kept: a job goes to an idle helper, and a new helper starts
// only when none is idle (all busy, as in nested calls), up to a bound.
// Beyond it, [Dispatch] (which gemm's products use) starts a goroutine of
// its own, and [Run] leaves the chunk to whoever is already running.
//
// A helper that finishes a job spins for a short while (spinFor, tens of
// microseconds, yielding the processor and its thread on every turn)
// before it parks, as OpenBLAS's threads do: the jobs of a training step
// come back to back, and handing one to a spinning helper skips the
// wake-up of a parked goroutine (its thread is asleep in the kernel: 10-50
// µs on a virtual machine, a sizeable share of a 256³ product's 0.1 ms).
// The spinning is bounded, so an idle process burns no CPU: at most
// spinFor per helper after its last job. Waits for other goroutines
// ([Event]) spin the same way before they block.
//
// [Run] splits a loop into a fixed number of chunks that the caller and the
// helpers claim one at a time, so a helper the OS has not scheduled yet
// (the machine is shared, or the other core is busy) does not hold up the
// loop: whoever runs takes the next chunk, and a late helper finds the work
// done and leaves. Only a chunk already claimed is waited for. A panic in a
// chunk is re-raised in the caller's goroutine after every chunk has
// finished, so the caller's recovery sees it instead of the process
// crashing.
package team

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Job is work that [Dispatch] runs on a goroutine other than the caller's.
type Job interface {
	// Help runs the job. It must return; a panic in it crashes the
	// process, so jobs recover their own panics.
	Help()
}

// spinFor is how long an idle helper, or a goroutine waiting on an
// [Event], spins before it parks, in nanoseconds (atomic, so tests can
// change it while helpers spin).
var spinFor atomic.Int64

func init() { spinFor.Store(int64(50 * time.Microsecond)) }

// A helper's states. A dispatcher claims a spinning helper (spinning →
// claimed), stores the job and hands it over (claimed → handed); the
// helper runs it and spins again, or parks (spinning → parked) when
// spinFor passes without a job.
const (
	parked int32 = iota // running a job, or parked on the idle channel
	spinning
	claimed
	handed
)

// helper is one kept helper goroutine.
type helper struct {
	state atomic.Int32
	job   Job // written by the dispatcher that claimed the helper
}

// idle hands a job to a parked helper; helpers counts the kept helpers,
// at most maxHelpers, and kept lists them for the dispatchers looking for
// a spinning one.
var (
	idle       = make(chan Job)
	helpersMu  sync.Mutex
	helpers    int
	maxHelpers = 64
	kept       [64]atomic.Pointer[helper] // the first maxHelpers at most
	keptN      atomic.Int32
)

// Dispatch runs j.Help on a goroutine other than the caller's: a spinning
// or parked helper, or a new kept helper when none is idle, or, with
// maxHelpers busy (nested calls), a goroutine of its own. It allocates
// nothing while a helper is idle.
func Dispatch(j Job) {
	if !offer(j) {
		go j.Help()
	}
}

// offer hands j to a spinning helper, else to a parked one, else to a new
// kept helper when fewer than maxHelpers exist, and reports whether it
// did. A job is never queued behind busy helpers: Run's caller does such
// work itself instead.
func offer(j Job) bool {
	if handToSpinning(j) {
		return true
	}
	select {
	case idle <- j:
		return true
	default:
	}
	helpersMu.Lock()
	if helpers == maxHelpers {
		helpersMu.Unlock()
		return false
	}
	h := new(helper)
	kept[helpers].Store(h)
	helpers++
	keptN.Store(int32(helpers))
	helpersMu.Unlock()
	go h.run(j)
	return true
}

// handToSpinning hands j to a spinning helper, if there is one, and
// reports whether it did.
func handToSpinning(j Job) bool {
	for i, n := 0, int(keptN.Load()); i < n; i++ {
		h := kept[i].Load()
		if h != nil && h.state.Load() == spinning && h.state.CompareAndSwap(spinning, claimed) {
			h.job = j
			h.state.Store(handed)
			return true
		}
	}
	return false
}

// run is a kept helper's life: run the job, spin for the next one, park
// when none comes, and so on.
func (h *helper) run(j Job) {
	for {
		j.Help()
		if j = h.spin(); j == nil {
			j = <-idle
		}
	}
}

// spin waits up to spinFor for a dispatcher to hand the helper a job and
// returns it, or returns nil with the helper marked parked.
func (h *helper) spin() Job {
	h.state.Store(spinning)
	start := time.Now()
	for {
		switch h.state.Load() {
		case handed:
			j := h.job
			h.job = nil
			h.state.Store(parked)
			return j
		case spinning:
			if time.Since(start) > time.Duration(spinFor.Load()) && h.state.CompareAndSwap(spinning, parked) {
				return nil
			}
		}
		// claimed: a dispatcher is storing the job; it takes nanoseconds.
		runtime.Gosched()
		osYield()
	}
}

// Event lets goroutines wait for a condition on shared state that other
// goroutines make true: waiters spin for spinFor (yielding the processor
// on every turn), then block until [Event.Broadcast]. The zero value is
// ready to use. A waiter that only spins costs the goroutine that makes
// the condition true nothing but an atomic load.
type Event struct {
	waiters atomic.Int32
	mu      sync.Mutex
	cond    sync.Cond
}

// Wait returns once cond() is true. cond reads the shared state with
// atomic loads (or anything else that orders it after the writes that
// make it true), and whoever makes it true calls Broadcast after doing so.
func (e *Event) Wait(cond func() bool) {
	if cond() {
		return
	}
	start, limit := time.Now(), time.Duration(spinFor.Load())
	for time.Since(start) < limit {
		runtime.Gosched()
		osYield()
		if cond() {
			return
		}
	}
	e.waiters.Add(1)
	e.mu.Lock()
	e.cond.L = &e.mu
	for !cond() {
		e.cond.Wait()
	}
	e.mu.Unlock()
	e.waiters.Add(-1)
}

// Broadcast wakes the goroutines blocked in Wait, if any, so they check
// their condition again. Call it after the change that may make their
// conditions true.
func (e *Event) Broadcast() {
	if e.waiters.Load() == 0 {
		return
	}
	e.mu.Lock()
	e.cond.Broadcast()
	e.mu.Unlock()
}

// Body is the work of a parallel loop run by [Run].
type Body interface {
	// Chunk runs the items [lo, hi) of chunk c. Chunks of one loop may run
	// concurrently, each on one goroutine, so c can index per-chunk
	// scratch space.
	Chunk(c, lo, hi int)
}

// loop is the shared state of one Run call. The caller and every
// dispatched helper hold a reference; the last to leave recycles it.
type loop struct {
	body     Body
	n, p     int
	next     atomic.Int64 // next chunk to claim
	refs     atomic.Int64 // participants that have not left yet
	done     atomic.Int64 // chunks finished
	finished Event        // done reached p
	mu       sync.Mutex
	failed   any // the first panic of a chunk, guarded by mu
}

// free holds recycled loops. It is a plain list rather than a sync.Pool:
// a loop often goes back on a helper's goroutine, where a sync.Pool keeps
// it in that processor's private slot, out of the caller's reach, and a
// garbage collection empties a sync.Pool; both made Run allocate.
var (
	freeMu sync.Mutex
	free   []*loop
)

// getLoop returns a recycled or new loop.
func getLoop() *loop {
	freeMu.Lock()
	if k := len(free); k > 0 {
		l := free[k-1]
		free = free[:k-1]
		freeMu.Unlock()
		return l
	}
	freeMu.Unlock()
	return new(loop)
}

// Run calls body.Chunk(c, c·n/p, (c+1)·n/p) for every chunk c in [0, p),
// concurrently on the caller's goroutine and up to p-1 helpers, and returns
// when all chunks have finished. With p ≤ 1 it calls body.Chunk(0, 0, n)
// directly. A panic in any chunk is re-raised in the caller once every
// chunk is done. Run allocates nothing in steady state.
func Run(n, p int, body Body) {
	if p <= 1 || n <= 1 {
		body.Chunk(0, 0, n)
		return
	}
	p = min(p, n)
	l := getLoop()

	l.body, l.n, l.p = body, n, p
	l.next.Store(0)
	l.done.Store(0)
	l.refs.Store(int64(p))
	l.failed = nil
	sent := 0
	for sent < p-1 && offer(l) {
		sent++
	}
	l.refs.Add(int64(sent - (p - 1))) // the helpers not sent never leave
	l.work()
	l.finished.Wait(func() bool { return l.done.Load() == int64(l.p) })
	l.mu.Lock()
	failed := l.failed
	l.mu.Unlock()
	l.leave()
	if failed != nil {
		panic(failed)
	}
}

// Func is a Body of a function. Converting a function to Func and to
// Body allocates nothing (the closure itself does, if it escapes: a closure
// handed to Run is one heap allocation at its creation, so callers on a hot
// path use a Body kept in reusable memory instead).
type Func func(c, lo, hi int)

// Chunk calls f(c, lo, hi).
func (f Func) Chunk(c, lo, hi int) { f(c, lo, hi) }

// Range is a Body of a function of the chunk's range alone, for loops
// whose chunks need no scratch space of their own.
type Range func(lo, hi int)

// Chunk calls f(lo, hi).
func (f Range) Chunk(_, lo, hi int) { f(lo, hi) }

// Help is a helper's share of the loop.
func (l *loop) Help() {
	l.work()
	l.leave()
}

// leave drops one reference; the last participant recycles the loop.
func (l *loop) leave() {
	if l.refs.Add(-1) == 0 {
		l.body, l.failed = nil, nil // drop references to the caller's data
		freeMu.Lock()
		free = append(free, l)
		freeMu.Unlock()
	}
}

// work claims and runs chunks until none is left.
func (l *loop) work() {
	for {
		c := int(l.next.Add(1) - 1)
		if c >= l.p {
			return
		}
		if failed := l.chunk(c); failed != nil {
			l.mu.Lock()
			if l.failed == nil {
				l.failed = failed
			}
			l.mu.Unlock()
		}
		if l.done.Add(1) == int64(l.p) {
			l.finished.Broadcast()
		}
	}
}

// chunk runs chunk c and returns the value of its panic, if any.
func (l *loop) chunk(c int) (failed any) {
	defer func() {
		if r := recover(); r != nil {
			failed = r
		}
	}()
	lo, hi := c*l.n/l.p, (c+1)*l.n/l.p
	l.body.Chunk(c, lo, hi)
	return nil
}
