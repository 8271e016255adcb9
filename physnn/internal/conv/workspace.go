package conv

import (
	"runtime"
	"sync"

	"github.com/gophys/gophys/physnn/internal/team"
)

// Workspace holds the scratch buffers of the kernels: one set per worker
// goroutine. A Workspace grows to the largest size requested and is reused,
// so repeated calls with the same geometry allocate no scratch memory. The
// zero value is ready to use. A Workspace must not be used by two kernel
// calls at the same time.
type Workspace[T Float] struct {
	// Interrupt, when not nil, is polled by the convolution kernels between
	// GEMM chunks (every few milliseconds of work). When it returns an
	// error the kernel stops early, leaving its output partly written, and
	// returns that error. physnn sets it to physnn.Canceled so a notebook
	// interrupt stops a long convolution. Release clears it.
	Interrupt func() error

	errs    []error // per worker: the error Interrupt returned
	col     [][]T   // per worker: the im2col matrix of one chunk of images
	mat     [][]T   // per worker: a chunk's output or output gradient as one [K, chunk·OH·OW] matrix
	partial [][]T   // per worker: a partial filter gradient
	filter  []T     // shared: the filter matrix with the bias as an extra column

	job job[T] // the arguments of the kernel call in progress
}

// reserve makes room for p workers' buffers. Kernels call it before
// starting the workers, so each worker then only touches its own slot and
// the slices of slots never grow concurrently.
func (ws *Workspace[T]) reserve(p int) {
	for len(ws.errs) < p {
		ws.errs = append(ws.errs, nil)
	}
	clear(ws.errs)
	for len(ws.col) < p {
		ws.col = append(ws.col, nil)
	}
	for len(ws.mat) < p {
		ws.mat = append(ws.mat, nil)
	}
	for len(ws.partial) < p {
		ws.partial = append(ws.partial, nil)
	}
}

// stopped polls Interrupt for worker i and reports whether it asked to
// stop, recording its error.
func (ws *Workspace[T]) stopped(worker int) bool {
	if ws.Interrupt == nil {
		return false
	}
	if err := ws.Interrupt(); err != nil {
		ws.errs[worker] = err
		return true
	}
	return false
}

// firstErr returns the first error a worker recorded in stopped.
func (ws *Workspace[T]) firstErr() error {
	for _, err := range ws.errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// matBuf returns worker i's output-matrix buffer of at least size values.
func (ws *Workspace[T]) matBuf(i, size int) []T {
	return grow(&ws.mat, i, size)
}

// filterBuf returns the shared buffer for the bias-augmented filter matrix,
// of at least size values.
func (ws *Workspace[T]) filterBuf(size int) []T {
	if cap(ws.filter) < size {
		ws.filter = make([]T, size)
	}
	return ws.filter[:size]
}

// colBuf returns worker i's im2col buffer of at least size values.
func (ws *Workspace[T]) colBuf(i, size int) []T {
	return grow(&ws.col, i, size)
}

// partialBuf returns worker i's partial-gradient buffer of at least size values.
func (ws *Workspace[T]) partialBuf(i, size int) []T {
	return grow(&ws.partial, i, size)
}

// grow returns (*bufs)[i] with at least size values, reallocating it when
// too small; slot i must exist (see reserve).
func grow[T Float](bufs *[][]T, i, size int) []T {
	if cap((*bufs)[i]) < size {
		(*bufs)[i] = make([]T, size)
	}
	return (*bufs)[i][:size]
}

var (
	pool32 = sync.Pool{New: func() any { return new(Workspace[float32]) }}
	pool64 = sync.Pool{New: func() any { return new(Workspace[float64]) }}
)

// Acquire returns a workspace from a process-wide pool. Give it back with
// [Release] when the kernel calls that use it are done.
func Acquire[T Float]() *Workspace[T] {
	var zero T
	switch any(zero).(type) {
	case float32:
		return any(pool32.Get()).(*Workspace[T])
	case float64:
		return any(pool64.Get()).(*Workspace[T])
	}
	return new(Workspace[T])
}

// Release returns ws to the pool that [Acquire] draws from. ws must not be
// used afterwards.
func Release[T Float](ws *Workspace[T]) {
	if ws == nil {
		return
	}
	ws.Interrupt = nil
	ws.job = job[T]{}
	switch w := any(ws).(type) {
	case *Workspace[float32]:
		pool32.Put(w)
	case *Workspace[float64]:
		pool64.Put(w)
	}
}

// minParallelFlops is the least work (multiply-adds over the whole batch)
// for which splitting the batch over goroutines pays: starting and joining a
// goroutine costs a few microseconds, about as much as 2^16 multiply-adds.
// It is a variable so tests can force the parallel path on small inputs.
var minParallelFlops = 1 << 18

// workers returns how many goroutines to split a batch of n items over when
// each item costs flopsPerItem multiply-adds.
func workers(n, flopsPerItem int) int {
	p := min(runtime.GOMAXPROCS(0), n)
	if p < 2 || n*flopsPerItem < minParallelFlops {
		return 1
	}
	return p
}

// parallelBatch calls body(worker, lo, hi) for contiguous chunks [lo, hi) of
// the batch 0..n-1, p chunks in all, and waits for all of them. Chunk
// indices (worker) run from 0 to p-1, and two chunks with the same index
// never run at once, so each can use its own workspace buffers. The chunks
// run on the caller's goroutine and kept helpers (physnn/internal/team). A
// panic in a chunk is re-raised in the caller's goroutine, where physnn's
// recovery can see it, instead of crashing the process.
//
// A closure passed as body is one heap allocation per call; the
// convolution kernels pass their Workspace's job instead.
func parallelBatch(n, p int, body team.Body) {
	if p <= 1 {
		body.Chunk(0, 0, n)
		return
	}
	team.Run(n, p, body)
}

// parallelRange calls body(lo, hi) on contiguous chunks of 0..count-1 in
// parallel when the work (count items of cost operations each) pays for the
// goroutines, and on the whole range otherwise. The items must be
// independent: pooling planes, batch-norm channels.
func parallelRange(count, cost int, body func(lo, hi int)) {
	team.Run(count, workers(count, cost), team.Range(body))
}
