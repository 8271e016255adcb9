package gemm

import (
	"math/bits"
	"sync"
	"sync/atomic"

	helpers "github.com/gophys/gophys/physnn/internal/team"
)

// Parallel products share each packed B block (kc deep, nc wide) between
// the goroutines and hand out the work dynamically, with no barrier
// between packing B and using it:
//
//   - A block's tasks are row blocks of A (a few row tiles tall) times a
//     group of its columns, usually all of them. A task packs its rows of A
//     once and runs them against every column chunk of its group.
//   - The B block is cut into column chunks of a few panels, each packed
//     by the first task that needs it: a task starts on a different chunk
//     than its neighbours, packs it if nobody has (claimed with a CAS on
//     the chunk's state), and skips chunks another goroutine is packing
//     until it has done the rest. So the first goroutine starts computing
//     after packing one chunk, and a second one joins without waiting.
//   - Tasks are claimed one at a time from an atomic counter, so a
//     goroutine the OS has not scheduled (the machine is shared, or the
//     other core is busy) does not hold up the others: whoever runs takes
//     the next task, and a late goroutine finds the work done and leaves.
//     Only a task already claimed is waited for.
//   - The goroutine that finishes a block's last task opens the next block
//     (the next k slice accumulates into the same C, and its B panels
//     overwrite the buffer); goroutines without a task wait for that, and
//     the caller for the last block, spinning briefly before they park
//     (team.Event).
//
// Tasks start on whole tiles and every k slice is finished before the next
// starts, so each element of C is summed in the same order as on one
// goroutine: results do not depend on the number of goroutines.

// packGrain is the most B elements one column chunk holds, for the
// chunks' count to spread the packing (~16 K elements, a few µs each).
const packGrain = 1 << 14

// tasksPerWorker is how many tasks per goroutine a block aims for, so a
// goroutine that falls behind leaves little work to wait for (the others
// idle for at most one task at the end of each block). Smaller tasks cost
// little: each task packs only its own rows of A.
const tasksPerWorker = 4

// maxTaskWork caps a task's multiply-adds (~25 µs on one core), so that in
// a large product the goroutines also finish each block within a short
// task of one another: with 1024³ cut into 4 tasks per goroutine, the one
// that ran out of tasks first waited up to a ~250 µs task at each of the
// four k slices.
const maxTaskWork = 1 << 22

// maxChunks bounds the column chunks of a block: a task tracks the chunks
// it has yet to run in one 64-bit mask.
const maxChunks = 64

// testSkipOddChunks makes tasks leave the odd chunks unpacked, as if
// another goroutine were packing them, so tests reach the private packing.
var testSkipOddChunks bool

// Chunk states, the low two bits of team.chunks[i]; the bits above hold
// the block number plus one, so a state from an earlier block reads as
// not packed and no reset between blocks is needed.
const (
	chunkPacking = 1
	chunkPacked  = 2
)

// team is the shared state of one parallel product.
type team[T float32 | float64] struct {
	kern        kernel[T] // a copy: a late helper reads nothing of the caller's
	m, n, k     int
	alpha, beta T
	a, b        matrix[T]
	c           []T
	ldc         int
	kc, nc      int
	bpack       []T  // the shared packed B block
	rowB        bool // B's full panels are read in place; bpack holds the partial one
	rowTiles    int  // a task's height in row tiles
	chunkPan    int  // a column chunk's width in panels
	wantGroups  int  // column groups per row block wanted (fewer where chunks run out)
	kSlices     int  // k slices per column block
	blocks      int  // column blocks × k slices

	next     atomic.Int64            // block<<32 | next task of the block to claim
	done     atomic.Int64            // tasks of the current block finished
	chunks   [maxChunks]atomic.Int64 // per column chunk: (block+1)<<2 | chunkPacking or chunkPacked
	advanced helpers.Event           // next moved to a later block
	refs     atomic.Int32            // goroutines that have not left
	shared   *buffers[T]             // holds bpack
}

// parallel computes the product on workers goroutines (the caller's and
// workers-1 helpers); see the comment at the top of the file.
func parallel[T float32 | float64](kern *kernel[T], workers, m, n, k int, alpha T, a, b matrix[T], beta T, c []T, ldc int) {
	t := getTeam[T]()
	t.kern, t.m, t.n, t.k, t.alpha, t.beta, t.a, t.b, t.c, t.ldc = *kern, m, n, k, alpha, beta, a, b, c, ldc
	mr, nr := kern.mr, kern.nr
	t.kc = min(kern.kc, k)
	t.nc = min(kern.nc, roundUp(n, nr))
	t.kSlices = (k + t.kc - 1) / t.kc
	t.blocks = (n + t.nc - 1) / t.nc * t.kSlices
	t.shared = getBuffers[T]()
	t.shared.b = grow(t.shared.b, t.nc*t.kc)
	t.bpack = t.shared.b
	t.rowB = kern.fnRowB != nil && b.cs == 1 && shortRowB(kern, m)
	// Tasks: row blocks of at most mc rows, cut finer (down to one tile)
	// until there are tasksPerWorker per goroutine; if the rows run out
	// first (a short, wide product), the columns are cut into groups too.
	want := tasksPerWorker * workers
	rowTiles := (m + mr - 1) / mr
	t.rowTiles = max(1, min(kern.mc/mr, (rowTiles+want-1)/want, maxTaskWork/(mr*t.nc*t.kc)))
	rowBlocks := (rowTiles + t.rowTiles - 1) / t.rowTiles
	t.wantGroups = (want + rowBlocks - 1) / rowBlocks
	panels := (t.nc + nr - 1) / nr
	t.chunkPan = max(1, min(packGrain/(t.kc*nr), panels/t.wantGroups), (panels+maxChunks-1)/maxChunks)
	for i := range (panels + t.chunkPan - 1) / t.chunkPan {
		t.chunks[i].Store(0)
	}
	t.next.Store(0)
	t.done.Store(0)
	t.refs.Store(int32(workers))
	for range workers - 1 {
		helpers.Dispatch(t)
	}
	t.work()
	// The caller may return once every task is done; a helper still on
	// its way out only reads t, and the last to leave recycles it.
	t.advanced.Wait(func() bool { return t.next.Load()>>32 >= int64(t.blocks) })
	t.leave()
}

// block is the geometry of one kc×nc block of B and its tasks.
type block struct {
	j0, nb, p0, kb int
	aMode          aMode // where the kernels read A from
	chunks         int   // column chunks of the block
	groups         int   // column groups per row block
	tasks          int   // row blocks × groups
}

// block returns the geometry of block q (column block q / kSlices, k
// slice q % kSlices).
func (t *team[T]) block(q int) block {
	var g block
	g.j0, g.p0 = q/t.kSlices*t.nc, q%t.kSlices*t.kc
	g.nb, g.kb = min(t.nc, t.n-g.j0), min(t.kc, t.k-g.p0)
	g.aMode = aModeFor(&t.kern, t.a, g.nb)
	panels := (g.nb + t.kern.nr - 1) / t.kern.nr
	g.chunks = (panels + t.chunkPan - 1) / t.chunkPan
	g.groups = min(t.wantGroups, g.chunks)
	rowBlocks := (t.m + t.rowTiles*t.kern.mr - 1) / (t.rowTiles * t.kern.mr)
	g.tasks = rowBlocks * g.groups
	return g
}

// Recycled teams, in plain lists rather than sync.Pools: the last
// goroutine to leave a product, often a helper, puts its team back, and a
// sync.Pool would keep it in that processor's private slot, out of the
// next caller's reach (the product then allocated a team).
var (
	freeMu sync.Mutex
	free32 []*team[float32]
	free64 []*team[float64]
)

// getTeam returns a recycled or new team; the last goroutine to leave a
// product puts it back (leave), so parallel products do not allocate.
func getTeam[T float32 | float64]() *team[T] {
	freeMu.Lock()
	defer freeMu.Unlock()
	switch free := any(&free32).(type) {
	case *[]*team[T]:
		return popTeam(free)
	}
	return any(popTeam(&free64)).(*team[T])
}

// popTeam takes a team off a free list, or makes one.
func popTeam[T float32 | float64](free *[]*team[T]) *team[T] {
	if k := len(*free); k > 0 {
		t := (*free)[k-1]
		*free = (*free)[:k-1]
		return t
	}
	return new(team[T])
}

// leave is a goroutine's exit from the product; the last one returns the
// B buffer and the team for reuse.
func (t *team[T]) leave() {
	if t.refs.Add(-1) != 0 {
		return
	}
	putBuffers(t.shared)
	// Drop references to the caller's data.
	t.kern, t.a, t.b, t.c, t.bpack, t.shared = kernel[T]{}, matrix[T]{}, matrix[T]{}, nil, nil, nil
	freeMu.Lock()
	defer freeMu.Unlock()
	switch free := any(&free32).(type) {
	case *[]*team[T]:
		*free = append(*free, t)
	default:
		free64 = append(free64, any(t).(*team[float64]))
	}
}

// Help is the work of a goroutine other than the caller's, run by
// team.Dispatch on a kept helper goroutine (starting one per product cost
// an allocation and ~1 µs every time).
func (t *team[T]) Help() {
	t.work()
	t.leave()
}

// work claims and runs tasks until every block is done or claimed.
func (t *team[T]) work() {
	var buf *buffers[T] // this goroutine's A block and edge tile, on demand
	defer func() {
		if buf != nil {
			putBuffers(buf)
		}
	}()
	for {
		v := t.next.Load()
		q, task := int(v>>32), int(v&(1<<32-1))
		if q >= t.blocks {
			return
		}
		g := t.block(q)
		if task >= g.tasks {
			// The block's last tasks are running elsewhere: wait for the
			// next block (or the end, when the caller returns).
			if q == t.blocks-1 {
				return
			}
			t.advanced.Wait(func() bool { return t.next.Load()>>32 > int64(q) })
			continue
		}
		if !t.next.CompareAndSwap(v, v+1) {
			continue
		}
		if buf == nil {
			buf = getBuffers[T]()
			buf.a = grow(buf.a, t.rowTiles*t.kern.mr*t.kc)
			buf.tile = grow(buf.tile, t.kern.mr*t.kern.nr)
			buf.b = grow(buf.b, t.chunkPan*t.kern.nr*t.kc)
		}
		t.run(q, &g, task, buf)
		if int(t.done.Add(1)) == g.tasks {
			t.done.Store(0)
			t.next.Store(int64(q+1) << 32)
			t.advanced.Broadcast()
		}
	}
}

// run runs one task of block q: its rows of A times the chunks of its
// column group, packing the chunks nobody has packed yet.
func (t *team[T]) run(q int, g *block, task int, buf *buffers[T]) {
	mr := t.kern.mr
	rb, grp := task/g.groups, task%g.groups
	height := t.rowTiles * mr
	i0 := rb * height
	mb := min(height, t.m-i0)
	first, last := grp*g.chunks/g.groups, (grp+1)*g.chunks/g.groups
	// A's rows, packed once for all chunks (or read in place, see
	// packRows).
	aIn, lda := packRows(&t.kern, t.a, g.aMode, buf.a, i0, mb, g.p0, g.kb)
	beta := t.beta
	if g.p0 > 0 {
		beta = 1 // later k slices accumulate
	}
	count := last - first
	pending := uint64(1)<<count - 1
	if count == maxChunks {
		pending = ^uint64(0)
	}
	packed, packing := int64(q+1)<<2|chunkPacked, int64(q+1)<<2|chunkPacking
	// Pack the chunks nobody has claimed, starting at a different chunk
	// than the neighbouring tasks, so that goroutines starting together
	// pack different chunks.
	var ready uint64 // chunks packed, by anyone
	start := rb % count
	for s := range count {
		i := (start + s) % count
		ch := &t.chunks[first+i]
		st := ch.Load()
		if testSkipOddChunks && (first+i)%2 == 1 {
			continue
		}
		if st < packing && ch.CompareAndSwap(st, packing) {
			t.pack(g, first+i, t.bpack)
			ch.Store(packed)
			st = packed
		}
		if st == packed {
			ready |= 1 << i
		}
	}
	// Compute the packed chunks, runs of neighbours at once: the kernels
	// then walk every panel of a run with each row tile of A, which stays
	// in L1 meanwhile.
	t.computeRuns(g, first, ready, i0, mb, aIn, lda, beta, buf)
	pending &^= ready
	if pending == 0 {
		return
	}
	// The rest were being packed by others; most are done by now.
	ready = 0
	for rest := pending; rest != 0; rest &= rest - 1 {
		i := bits.TrailingZeros64(rest)
		if t.chunks[first+i].Load() == packed {
			ready |= 1 << i
		}
	}
	t.computeRuns(g, first, ready, i0, mb, aIn, lda, beta, buf)
	// Those still being packed: their goroutine may have lost its core to
	// another process, for milliseconds on a loaded machine. Rather than
	// wait, pack a copy into this goroutine's own buffer.
	for rest := pending &^ ready; rest != 0; rest &= rest - 1 {
		i := bits.TrailingZeros64(rest)
		t.pack(g, first+i, buf.b)
		t.compute(g, first+i, first+i+1, i0, mb, aIn, lda, beta, buf.b, buf)
	}
}

// computeRuns computes the chunks of ready (bit i: chunk first+i), packed
// in the shared buffer, one run of neighbouring chunks at a time.
func (t *team[T]) computeRuns(g *block, first int, ready uint64, i0, mb int, aIn *T, lda int, beta T, buf *buffers[T]) {
	for ready != 0 {
		lo := bits.TrailingZeros64(ready)
		hi := lo + bits.TrailingZeros64(^(ready >> lo))
		t.compute(g, first+lo, first+hi, i0, mb, aIn, lda, beta, t.bpack, buf)
		if hi == 64 {
			return
		}
		ready &^= 1<<hi - 1
	}
}

// pack packs the B panels of column chunk ch of block g into bpack: the
// shared buffer (at the chunk's offset), or a goroutine's own (at its
// start).
func (t *team[T]) pack(g *block, ch int, bpack []T) {
	nr := t.kern.nr
	jr := ch * t.chunkPan * nr
	width := min(t.chunkPan*nr, g.nb-jr)
	if t.rowB {
		// B is read in place; only a partial last panel is packed, at
		// the start of bpack.
		if full := g.nb / nr * nr; full < jr+width {
			packB(bpack, t.b, g.p0, g.kb, g.j0+full, g.nb-full, nr)
		}
		return
	}
	if &bpack[0] == &t.bpack[0] {
		bpack = bpack[jr*g.kb:]
	}
	packB(bpack, t.b, g.p0, g.kb, g.j0+jr, width, nr)
}

// compute runs rows [i0, i0+mb) of A (packed in buf.a, or in place from
// aIn with stride lda, see packRows) against column chunks [lo, hi) of
// block g, packed in bpack as pack left them (the shared buffer, or for a
// single chunk a goroutine's own).
func (t *team[T]) compute(g *block, lo, hi, i0, mb int, aIn *T, lda int, beta T, bpack []T, buf *buffers[T]) {
	nr := t.kern.nr
	jr := lo * t.chunkPan * nr
	width := min(hi*t.chunkPan*nr, g.nb) - jr
	var bIn *T
	switch {
	case t.rowB:
		bIn = &t.b.data[g.p0*t.b.rs+g.j0+jr]
	case &bpack[0] == &t.bpack[0]:
		bpack = bpack[jr*g.kb:]
	}
	macro(&t.kern, mb, width, g.kb, t.alpha, beta, buf.a, bpack, buf.tile, aIn, lda, g.aMode == aCols, bIn, t.b.rs,
		t.c[i0*t.ldc+g.j0+jr:], t.ldc)
}
