package conv

import (
	"runtime"
	"sync"
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
// the batch 0..n-1, one chunk per worker, and waits for all of them. Worker
// indices run from 0 to p-1 so each can use its own workspace buffers. A
// panic in a worker goroutine is re-raised in the caller's goroutine, where
// physnn's recovery can see it, instead of crashing the process.
func parallelBatch(n, p int, body func(worker, lo, hi int)) {
	if p <= 1 {
		body(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	panics := make([]any, p)
	for w := 1; w < p; w++ {
		lo, hi := w*n/p, (w+1)*n/p
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[w] = recover() }()
			body(w, lo, hi)
		}()
	}
	func() {
		defer func() { panics[0] = recover() }()
		body(0, 0, n/p)
	}()
	wg.Wait()
	for _, v := range panics {
		if v != nil {
			panic(v)
		}
	}
}

// parallelRange calls body(lo, hi) on contiguous chunks of 0..count-1 in
// parallel when the work (count items of cost operations each) pays for the
// goroutines, and on the whole range otherwise. The items must be
// independent: pooling planes, batch-norm channels.
func parallelRange(count, cost int, body func(lo, hi int)) {
	parallelBatch(count, workers(count, cost), func(_, lo, hi int) { body(lo, hi) })
}
