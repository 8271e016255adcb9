package gemm

import (
	"sync"

	helpers "github.com/gophys/gophys/physnn/internal/team"
)

// Parallel products share one packed B block between the goroutines and
// hand out the work dynamically. For each kc×nc block of B the team runs
// two phases: first its goroutines pack the block's panels, then they
// compute tiles of C (row blocks of A times column chunks of the packed
// block), each task packing its own small A block. A phase's tasks are
// claimed one at a time, so a goroutine the OS has not scheduled (the
// machine is shared, or the other core is busy) does not hold up the
// others: whoever runs takes the next task, and a late goroutine finds the
// work done and leaves. Only a task already claimed is waited for.
//
// Tasks start on whole tiles and every k slice is finished before the next
// starts, so each element of C is summed in the same order as on one
// goroutine: results do not depend on the number of goroutines.

// packGrain is the fewest B elements one packing task copies (~10 µs).
const packGrain = 1 << 14

// tasksPerWorker is how many compute tasks per goroutine a phase aims for,
// so a goroutine that falls behind leaves little work to wait for: the
// others idle for at most one task at the end of each phase (~6% of a
// 1024³ product's time with two goroutines and four tasks each, ~3% with
// eight). Smaller tasks cost nothing extra: each row of A is packed once
// per k slice whatever the task size.
const tasksPerWorker = 8

// team is the shared state of one parallel product.
type team[T float32 | float64] struct {
	kern             *kernel[T]
	m, n, k          int
	alpha, beta      T
	a, b             matrix[T]
	c                []T
	ldc              int
	kc, nc           int
	bpack            []T  // the shared packed B block
	rowB             bool // B's full panels are read in place; bpack holds the partial one
	rowTiles, colPan int  // compute tasks: rowTiles tiles tall, colPan panels wide

	wg    sync.WaitGroup
	mu    sync.Mutex
	cond  sync.Cond
	phase int // even: pack the block of phase/2; odd: compute it
	next  int // next task of the phase to hand out
	done  int // tasks of the phase finished
	// For the current block, set when its pack phase opens.
	j0, nb, p0, kb int
	rowA           bool
}

// parallel computes the product on workers goroutines (the caller's and
// workers-1 new ones); see the comment at the top of the file.
func parallel[T float32 | float64](kern *kernel[T], workers, m, n, k int, alpha T, a, b matrix[T], beta T, c []T, ldc int) {
	t := getTeam[T]()
	defer putTeam(t)
	t.kern, t.m, t.n, t.k, t.alpha, t.beta, t.a, t.b, t.c, t.ldc = kern, m, n, k, alpha, beta, a, b, c, ldc
	t.kc = min(kern.kc, k)
	t.nc = min(kern.nc, roundUp(n, kern.nr))
	shared := getBuffers[T]()
	shared.b = grow(shared.b, t.nc*t.kc)
	t.bpack = shared.b
	t.rowB = kern.fnRowB != nil && b.cs == 1 && shortRowB(kern, m)
	// Compute tasks: row blocks of at most mc rows, cut finer (down to one
	// tile) until there are tasksPerWorker per goroutine; if the rows run
	// out first (a short, wide product), the columns are cut too.
	want := tasksPerWorker * workers
	rowTiles := (m + kern.mr - 1) / kern.mr
	t.rowTiles = max(1, min(kern.mc/kern.mr, (rowTiles+want-1)/want))
	rowBlocks := (rowTiles + t.rowTiles - 1) / t.rowTiles
	panels := (t.nc + kern.nr - 1) / kern.nr
	colChunks := min(panels, (want+rowBlocks-1)/rowBlocks)
	t.colPan = (panels + colChunks - 1) / colChunks
	t.open(0)

	t.wg.Add(workers - 1)
	for range workers - 1 {
		helpers.Dispatch(t)
	}
	t.work()
	// Every task is done; the other goroutines touch nothing shared from
	// here on but the phase counter, so the B buffer can go back now.
	putBuffers(shared)
	// Waiting for the others to exit keeps the number of goroutines
	// bounded and lets the team be reused; it costs nothing when they
	// already ran out of tasks.
	t.wg.Wait()
}

var (
	teams32 = sync.Pool{New: func() any { t := new(team[float32]); t.cond.L = &t.mu; return t }}
	teams64 = sync.Pool{New: func() any { t := new(team[float64]); t.cond.L = &t.mu; return t }}
)

// getTeam and putTeam recycle teams, so parallel products do not allocate.
func getTeam[T float32 | float64]() *team[T] {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return any(teams32.Get()).(*team[T])
	}
	return any(teams64.Get()).(*team[T])
}

func putTeam[T float32 | float64](t *team[T]) {
	t.a, t.b, t.c, t.bpack = matrix[T]{}, matrix[T]{}, nil, nil // drop references to the caller's data
	var zero T
	if _, ok := any(zero).(float32); ok {
		teams32.Put(t)
		return
	}
	teams64.Put(t)
}

// Help is the work of a goroutine other than the caller's, run by
// team.Dispatch on a kept helper goroutine (starting one per product cost
// an allocation and ~1 µs every time).
func (t *team[T]) Help() {
	defer t.wg.Done()
	t.work()
}

// phases is the number of phases: a pack and a compute phase per block.
func (t *team[T]) phases() int {
	return 2 * ((t.n + t.nc - 1) / t.nc) * ((t.k + t.kc - 1) / t.kc)
}

// open starts phase q (t.mu held or not yet shared), skipping phases
// without tasks (pack phases when B is read in place and has no partial
// panel); it sets the block of a pack phase.
func (t *team[T]) open(q int) {
	for ; ; q++ {
		t.phase, t.next, t.done = q, 0, 0
		if q >= t.phases() {
			return
		}
		if q%2 == 0 {
			kSlices := (t.k + t.kc - 1) / t.kc
			blk := q / 2
			t.j0 = blk / kSlices * t.nc
			t.p0 = blk % kSlices * t.kc
			t.nb = min(t.nc, t.n-t.j0)
			t.kb = min(t.kc, t.k-t.p0)
			t.rowA = useRowA(t.kern, t.a, t.nb)
		}
		if t.tasks(q) > 0 {
			return
		}
	}
}

// tasks is the number of tasks of phase q of the current block.
func (t *team[T]) tasks(q int) int {
	mr, nr := t.kern.mr, t.kern.nr
	if q%2 == 0 {
		if t.rowB {
			if t.nb%nr != 0 {
				return 1 // the partial last panel
			}
			return 0
		}
		perTask := max(1, packGrain/(t.kb*nr))
		panels := (t.nb + nr - 1) / nr
		return (panels + perTask - 1) / perTask
	}
	rows := (t.m + t.rowTiles*mr - 1) / (t.rowTiles * mr)
	cols := (t.nb + t.colPan*nr - 1) / (t.colPan * nr)
	return rows * cols
}

// work claims and runs tasks until every phase is done.
func (t *team[T]) work() {
	var buf *buffers[T] // this goroutine's A block and edge tile, on demand
	defer func() {
		if buf != nil {
			putBuffers(buf)
		}
	}()
	t.mu.Lock()
	defer t.mu.Unlock()
	total := t.phases()
	for t.phase < total {
		q := t.phase
		if t.next >= t.tasks(q) {
			for t.phase == q {
				t.cond.Wait()
			}
			continue
		}
		task := t.next
		t.next++
		t.mu.Unlock()
		if q%2 == 0 {
			t.pack(task)
		} else {
			if buf == nil {
				buf = getBuffers[T]()
				buf.a = grow(buf.a, t.rowTiles*t.kern.mr*t.kc)
				buf.tile = grow(buf.tile, t.kern.mr*t.kern.nr)
			}
			t.compute(task, buf)
		}
		t.mu.Lock()
		t.done++
		if t.done == t.tasks(q) {
			t.open(q + 1)
			t.cond.Broadcast()
		}
	}
}

// pack packs the B panels of one packing task.
func (t *team[T]) pack(task int) {
	nr := t.kern.nr
	if t.rowB {
		full := t.nb / nr * nr
		packB(t.bpack, t.b, t.p0, t.kb, t.j0+full, t.nb-full, nr)
		return
	}
	width := max(1, packGrain/(t.kb*nr)) * nr
	jr := task * width
	packB(t.bpack[jr*t.kb:], t.b, t.p0, t.kb, t.j0+jr, min(width, t.nb-jr), nr)
}

// compute runs one compute task: a row block times a column chunk of the
// packed B block.
func (t *team[T]) compute(task int, buf *buffers[T]) {
	mr, nr := t.kern.mr, t.kern.nr
	height, width := t.rowTiles*mr, t.colPan*nr
	cols := (t.nb + width - 1) / width
	i0, jr := task/cols*height, task%cols*width
	beta := t.beta
	if t.p0 > 0 {
		beta = 1 // later k slices accumulate
	}
	bpack, bIn := t.bpack[jr*t.kb:], (*T)(nil)
	if t.rowB {
		bpack, bIn = t.bpack, &t.b.data[t.p0*t.b.rs+t.j0+jr]
	}
	rowBlock(t.kern, t.a, i0, min(height, t.m-i0), t.p0, t.kb, min(width, t.nb-jr), t.rowA,
		t.alpha, beta, buf.a, bpack, bIn, t.b.rs, buf.tile, t.c[i0*t.ldc+t.j0+jr:], t.ldc)
}
