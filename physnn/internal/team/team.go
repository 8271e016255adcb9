// Package team runs work on a persistent team of parked helper goroutines,
// so that parallel loops and products in physnn start no goroutine and
// allocate nothing in steady state.
//
// Starting a goroutine per parallel call costs an allocation and about a
// microsecond; a training step makes dozens of such calls. Helpers started
// here are kept: a job goes to a parked helper, and a new helper starts
// only when none is parked (all busy, as in nested calls), up to a bound.
// Beyond it, [Dispatch] (which gemm's products use) starts a goroutine of
// its own, and [Run] leaves the chunk to whoever is already running.
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
	"sync"
	"sync/atomic"
)

// Job is work that [Dispatch] runs on a goroutine other than the caller's.
type Job interface {
	// Help runs the job. It must return; a panic in it crashes the
	// process, so jobs recover their own panics.
	Help()
}

// idle hands a job to a parked helper; helpers counts the kept helpers,
// at most maxHelpers.
var (
	idle       = make(chan Job)
	helpersMu  sync.Mutex
	helpers    int
	maxHelpers = 64
)

// Dispatch runs j.Help on a goroutine other than the caller's: a parked
// helper, or a new kept helper when none is parked, or, with maxHelpers
// busy (nested calls), a goroutine of its own. It allocates nothing while
// a helper is parked.
func Dispatch(j Job) {
	if !offer(j) {
		go j.Help()
	}
}

// offer hands j to a parked helper, or to a new kept helper when none is
// parked and fewer than maxHelpers exist, and reports whether it did. A
// job is never queued behind busy helpers: Run's caller does such work
// itself instead.
func offer(j Job) bool {
	select {
	case idle <- j:
		return true
	default:
	}
	helpersMu.Lock()
	keep := helpers < maxHelpers
	if keep {
		helpers++
	}
	helpersMu.Unlock()
	if !keep {
		return false
	}
	go func() {
		j.Help()
		for j := range idle {
			j.Help()
		}
	}()
	return true
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
	body   Body
	n, p   int
	next   atomic.Int64 // next chunk to claim
	refs   atomic.Int64 // participants that have not left yet
	mu     sync.Mutex
	cond   sync.Cond // signalled when done reaches p
	done   int       // chunks finished
	failed any       // the first panic of a chunk
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
	l := new(loop)
	l.cond.L = &l.mu
	return l
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
	l.refs.Store(int64(p))
	l.done, l.failed = 0, nil
	sent := 0
	for sent < p-1 && offer(l) {
		sent++
	}
	l.refs.Add(int64(sent - (p - 1))) // the helpers not sent never leave
	l.work()
	l.mu.Lock()
	for l.done < l.p {
		l.cond.Wait()
	}
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
		failed := l.chunk(c)
		l.mu.Lock()
		if failed != nil && l.failed == nil {
			l.failed = failed
		}
		l.done++
		if l.done == l.p {
			l.cond.Broadcast()
		}
		l.mu.Unlock()
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
