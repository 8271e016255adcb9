package physnn

import (
	"runtime"
	"sync"

	"github.com/gophys/gophys/physnn/internal/team"
)

// Large elementwise loops and skinny matrix products are split over the
// available cores. How work is split never depends on the number of cores
// where it could change results: elementwise chunks are independent, and
// reductions add fixed-size blocks' partial sums in block order, so a run
// gives the same bits on any machine.

// parallelGrain is the fewest elements (or element-sized units of work) a
// goroutine is given, ~50-100 µs of work. Smaller pieces lost time on a
// machine whose other core was busy: the op then waits for a goroutine the
// OS has not scheduled yet (measured on the notebook's training: 2k-row
// ops ran faster on one core than split).
const parallelGrain = 1 << 18

// serial reports whether parallelFor(n, work, ...) would run as one
// chunk. Callers test it first and call their kernel directly: a closure
// handed to parallelFor escapes to the heap, one allocation per op that
// small tensors should not pay.
func serial(n, work int) bool {
	return workersFor(n, work) <= 1
}

func workersFor(n, work int) int {
	return min(runtime.GOMAXPROCS(0), n, n*max(work, 1)/parallelGrain)
}

// parallelFor calls fn on consecutive chunks [lo, hi) covering [0, n), at
// most one chunk per core and each of at least grain units (work is the
// number of units per index), concurrently when there is more than one
// chunk. The chunks run on the caller's goroutine and kept helpers
// (physnn/internal/team), so parallelFor starts no goroutine and allocates
// nothing beyond fn's closure. A panic in a chunk is re-raised in the
// caller after every chunk has finished, so the op's recoverOp turns it
// into an error instead of a crash of the process.
func parallelFor(n, work int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	team.Run(n, workersFor(n, work), team.Range(fn))
}

// parallelArgs is parallelFor for a loop whose arguments are a value
// instead of a closure's captured variables: args.chunk(lo, hi) runs on
// every chunk. args is a small struct of the slices and scalars the chunks
// need, with a chunk method; it travels in a pooled job, so the call
// allocates nothing, where a capturing closure handed to parallelFor is one
// allocation per call. (A function value would not do: in generic code it
// is a closure over the type's dictionary.) Ops on a training step's path
// use it:
//
//	type reluSpan struct{ dst, src []float32 }
//
//	func (s reluSpan) chunk(lo, hi int) { relu(s.dst[lo:hi], s.src[lo:hi]) }
//
//	parallelArgs(len(dst), 1, reluSpan{dst, src})
func parallelArgs[A chunker](n, work int, args A) {
	if n <= 0 {
		return
	}
	workers := workersFor(n, work)
	if workers <= 1 {
		args.chunk(0, n)
		return
	}
	pool := argsPool[A]()
	j := pool.Get().(*argsJob[A])
	j.args = args
	team.Run(n, workers, j)
	*j = argsJob[A]{} // drop references to the caller's data
	pool.Put(j)
}

// chunker is the argument type of parallelArgs.
type chunker interface {
	// chunk runs the loop on the indices [lo, hi).
	chunk(lo, hi int)
}

// argsJob is a team.Body running a loop on its arguments.
type argsJob[A chunker] struct{ args A }

// Chunk runs the loop on [lo, hi).
func (j *argsJob[A]) Chunk(_, lo, hi int) { j.args.chunk(lo, hi) }

// argsPools maps the type of parallelArgs' arguments, as a nil *A, to the
// *sync.Pool of its jobs.
var argsPools sync.Map

// argsPool returns the pool of jobs for arguments of type A.
func argsPool[A chunker]() *sync.Pool {
	key := any((*A)(nil))
	if p, ok := argsPools.Load(key); ok {
		return p.(*sync.Pool)
	}
	p, _ := argsPools.LoadOrStore(key, &sync.Pool{New: func() any { return new(argsJob[A]) }})
	return p.(*sync.Pool)
}

// reduceBlock is the number of rows whose contributions a reduction sums
// sequentially before adding the block's partial sum to the others'.
const reduceBlock = 2048

// blockedSum computes dst = Σ over row blocks of partial(block) for a
// reduction over rows rows: partial(lo, hi, out) must overwrite out
// (len(dst)) with the sum over rows [lo, hi). Blocks of reduceBlock rows
// run concurrently and their partial sums are added in block order, so the
// result does not depend on the number of cores. Callers compute a
// reduction of at most reduceBlock rows directly (see serial).
func blockedSum[T float](dst []T, rows int, partial func(lo, hi int, out []T)) {
	blocks := (rows + reduceBlock - 1) / reduceBlock
	if blocks <= 1 {
		partial(0, rows, dst)
		return
	}
	n := len(dst)
	parts := make([]T, blocks*n)
	parallelFor(blocks, reduceBlock*n, func(lo, hi int) {
		for b := lo; b < hi; b++ {
			partial(b*reduceBlock, min((b+1)*reduceBlock, rows), parts[b*n:(b+1)*n])
		}
	})
	copy(dst, parts[:n])
	for b := 1; b < blocks; b++ {
		p := parts[b*n : (b+1)*n]
		for j := range dst {
			dst[j] += p[j]
		}
	}
}
