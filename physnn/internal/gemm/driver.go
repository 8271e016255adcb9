package gemm

import (
	"runtime"
	"sync"
	"unsafe"

	"github.com/gophys/gophys/physnn/internal/gemm/args"
)

// matrix is a read-only view of op(X): element (i, j) is data[i*rs+j*cs].
// Transposition only swaps the strides, so every variant (NN, NT, TN, TT)
// shares one driver and the packing routines absorb the layout.
type matrix[T float32 | float64] struct {
	data   []T
	rs, cs int
}

func view[T float32 | float64](data []T, ld int, trans bool) matrix[T] {
	if trans {
		return matrix[T]{data, 1, ld}
	}
	return matrix[T]{data, ld, 1}
}

// buffers holds one worker's packed A block, packed B block and edge tile.
// They come from a pool so a training loop allocates nothing per product.
type buffers[T float32 | float64] struct {
	a, b, tile []T
	ct         []T // Cᵀ of a transposed product (see transposed)
}

var (
	pool32 = sync.Pool{New: func() any { return new(buffers[float32]) }}
	pool64 = sync.Pool{New: func() any { return new(buffers[float64]) }}
)

func getBuffers[T float32 | float64]() *buffers[T] {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return any(pool32.Get()).(*buffers[T])
	}
	return any(pool64.Get()).(*buffers[T])
}

func putBuffers[T float32 | float64](b *buffers[T]) {
	var zero T
	if _, ok := any(zero).(float32); ok {
		pool32.Put(b)
		return
	}
	pool64.Put(b)
}

func grow[T float32 | float64](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// Thresholds for the driver, in multiply-adds (m·n·k).
const (
	// smallWork: below it the direct triple loop beats packing.
	smallWork = 8 * 8 * 8
	// parallelWork: each goroutine must get at least this much work to pay
	// for its start and its own copy of the packed shared operand. Measured
	// on the shared 2-core machine, a second goroutine lost 10–35% for
	// 48³–128³ products while other jobs kept the other core busy and won
	// up to 1.8× at 1024³ when it was free; products below about 120³ stay
	// on one goroutine.
	parallelWork = 96 * 96 * 96
)

// gemm computes C = alpha·A·B + beta·C where A (m×k) and B (k×n) are views
// and C is row-major with row stride ldc, on up to GOMAXPROCS goroutines.
func gemm[T float32 | float64](kern *kernel[T], m, n, k int, alpha T, a, b matrix[T], beta T, c []T, ldc int) {
	gemmOn(runtime.GOMAXPROCS(0), kern, m, n, k, alpha, a, b, beta, c, ldc)
}

// gemmOn is gemm on at most procs goroutines.
func gemmOn[T float32 | float64](procs int, kern *kernel[T], m, n, k int, alpha T, a, b matrix[T], beta T, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		args.Scale(beta, c, m, n, ldc)
		return
	}
	work := m * n * k
	if work < smallWork {
		direct(m, n, k, alpha, a, b, beta, c, ldc)
		return
	}
	if swapOperands(kern, m, n, b) {
		transposed(procs, kern, m, n, k, alpha, a, b, beta, c, ldc)
		return
	}
	kern = kern.fit(m)
	workers := min(procs, work/parallelWork)
	if workers <= 1 {
		serial(kern, m, n, k, alpha, a, b, beta, c, ldc)
		return
	}
	parallel(kern, workers, m, n, k, alpha, a, b, beta, c, ldc)
}

// swapOperands reports whether C = A·B should be computed as Cᵀ = Bᵀ·Aᵀ:
// when C is short and wide (m ≤ 4·nr, n ≥ 2·m) and B is stored transposed,
// the rows of Bᵀ are contiguous, so the swapped product reads its big
// operand in place (the row-A kernels, see useRowA) and packs only the
// small one, where the direct product would pack (gather) all of B. This
// is the shape of a convolution's filter gradient, dY·colᵀ with 64 filters
// and C·KH·KW columns: 2–3× faster swapped, measured per CPU-second.
func swapOperands[T float32 | float64](kern *kernel[T], m, n int, b matrix[T]) bool {
	return kern.fnRowA != nil && b.rs == 1 && b.cs != 1 && m <= 4*kern.nr && n >= 2*m
}

// transposed computes C = alpha·A·B + beta·C as T = alpha·Bᵀ·Aᵀ into a
// pooled n×m scratch matrix, then C = Tᵀ + beta·C.
func transposed[T float32 | float64](procs int, kern *kernel[T], m, n, k int, alpha T, a, b matrix[T], beta T, c []T, ldc int) {
	buf := getBuffers[T]()
	defer putBuffers(buf)
	buf.ct = grow(buf.ct, n*m)
	ct := buf.ct
	bt := matrix[T]{b.data, b.cs, b.rs}
	at := matrix[T]{a.data, a.cs, a.rs}
	gemmOn(procs, kern, n, m, k, alpha, bt, at, 0, ct, m)
	// Four rows of C at a time: each pass over T reads m-value rows, of
	// which it uses four adjacent values.
	i := 0
	for ; i+4 <= m; i += 4 {
		r0, r1 := c[i*ldc:i*ldc+n], c[(i+1)*ldc:(i+1)*ldc+n]
		r2, r3 := c[(i+2)*ldc:(i+2)*ldc+n], c[(i+3)*ldc:(i+3)*ldc+n]
		for j := range r0 {
			t := ct[j*m+i : j*m+i+4 : j*m+i+4]
			if beta == 0 {
				r0[j], r1[j], r2[j], r3[j] = t[0], t[1], t[2], t[3]
			} else {
				r0[j], r1[j], r2[j], r3[j] = t[0]+beta*r0[j], t[1]+beta*r1[j], t[2]+beta*r2[j], t[3]+beta*r3[j]
			}
		}
	}
	for ; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		for j := range row {
			if beta == 0 {
				row[j] = ct[j*m+i]
			} else {
				row[j] = ct[j*m+i] + beta*row[j]
			}
		}
	}
}

// serial is the blocked, packed product on one goroutine (the Goto/BLIS
// loop nest): for each nc-wide column block and kc-deep slice of k, pack
// the kc×nc block of B; for each mc-tall row block, pack the mc×kc block of
// A; then run the micro-kernel over every mr×nr tile.
func serial[T float32 | float64](kern *kernel[T], m, n, k int, alpha T, a, b matrix[T], beta T, c []T, ldc int) {
	buf := getBuffers[T]()
	defer putBuffers(buf)
	mr, nr := kern.mr, kern.nr
	kc := min(kern.kc, k)
	mc := min(kern.mc, roundUp(m, mr))
	nc := min(kern.nc, roundUp(n, nr))
	buf.a = grow(buf.a, mc*kc)
	buf.b = grow(buf.b, nc*kc)
	buf.tile = grow(buf.tile, mr*nr)
	rowB := useRowB(kern, m, n, k, b)
	for j0 := 0; j0 < n; j0 += nc {
		nb := min(nc, n-j0)
		for p0 := 0; p0 < k; p0 += kc {
			kb := min(kc, k-p0)
			var bIn *T // first element of B's block, read in place
			if rowB {
				// Only a partial last panel needs packing (the kernel
				// would read past B's row ends).
				full := nb / nr * nr
				packB(buf.b, b, p0, kb, j0+full, nb-full, nr)
				bIn = &b.data[p0*b.rs+j0]
			} else {
				packB(buf.b, b, p0, kb, j0, nb, nr)
			}
			mode := aModeFor(kern, a, nb)
			for i0 := 0; i0 < m; i0 += mc {
				mb := min(mc, m-i0)
				// The first k slice applies beta; later ones accumulate.
				blockBeta := beta
				if p0 > 0 {
					blockBeta = 1
				}
				rowBlock(kern, a, i0, mb, p0, kb, nb, mode, alpha, blockBeta, buf.a, buf.b, bIn, b.rs, buf.tile, c[i0*ldc+j0:], ldc)
			}
		}
	}
}

// useRowB reports whether a serial product should read B's rows in place
// instead of packing them: B stored row-major, and either a short product
// (see shortRowB) or a small one (all of k in one slice, m·n·k below twice
// the parallel threshold), where each B panel stays in cache between the A
// panels that use it. Packing B cost about a third of the multiply-adds of
// a 64³ product.
func useRowB[T float32 | float64](kern *kernel[T], m, n, k int, b matrix[T]) bool {
	if kern.fnRowB == nil || b.cs != 1 {
		return false
	}
	return shortRowB(kern, m) || k <= kern.kc && m*n*k < 2*parallelWork
}

// shortRowB reports whether a product with m rows should read B's rows in
// place whatever its size: with at most eight row tiles, each packed B
// panel would serve too few A panels to repay its copy. A convolution's
// forward GEMM (64 filters times an L2-resident patch matrix) ran 1.1–1.4×
// faster per CPU-second in place.
func shortRowB[T float32 | float64](kern *kernel[T], m int) bool {
	return m <= 8*kern.mr
}

// rowBlock computes rows [i0, i0+mb) of one packed B block (bpack, nb
// columns, k slice [p0, p0+kb)): it packs the mb×kb block of A into apack
// (see packRows) and runs the micro-kernels, setting the block of C that c
// starts at to alpha·A·B + beta·C.
//
// With bIn not nil, B's full panels are read in place from bIn (row stride
// ldb) and bpack holds only the packed partial last panel.
func rowBlock[T float32 | float64](kern *kernel[T], a matrix[T], i0, mb, p0, kb, nb int, mode aMode, alpha, beta T, apack, bpack []T, bIn *T, ldb int, tile, c []T, ldc int) {
	aIn, lda := packRows(kern, a, mode, apack, i0, mb, p0, kb)
	macro(kern, mb, nb, kb, alpha, beta, apack, bpack, tile, aIn, lda, mode == aCols, bIn, ldb, c, ldc)
}

// aMode is where the kernels read A from.
type aMode uint8

const (
	aPacked aMode = iota // packed panels
	aRows                // A's rows in place (A stored row-major; see useRowA)
	aCols                // A's k steps in place (Aᵀ stored row-major; see useColA)
)

// aModeFor returns where the kernels read A from for a B block nb columns
// wide.
func aModeFor[T float32 | float64](kern *kernel[T], a matrix[T], nb int) aMode {
	switch {
	case useRowA(kern, a, nb):
		return aRows
	case useColA(kern, a, nb):
		return aCols
	}
	return aPacked
}

// packRows packs rows [i0, i0+mb) and k slice [p0, p0+kb) of A into apack
// as mr-row panels, or, when the kernels read A in place (mode), only a
// partial last row tile (a kernel would read past A's last row) and returns
// the first element of the block in place and the stride the kernels
// step by (between rows for aRows, between k steps for aCols).
func packRows[T float32 | float64](kern *kernel[T], a matrix[T], mode aMode, apack []T, i0, mb, p0, kb int) (aIn *T, lda int) {
	if mode == aPacked {
		packA(apack, a, i0, mb, p0, kb, kern.mr)
		return nil, 0
	}
	full := mb / kern.mr * kern.mr
	packA(apack, a, i0+full, mb-full, p0, kb, kern.mr)
	if mode == aCols {
		return &a.data[p0*a.cs+i0], a.cs
	}
	return &a.data[i0*a.rs+p0], a.rs
}

// useRowA reports whether the kernels should read A's rows in place for a
// B block nb columns wide. Packing A pays when each packed panel serves
// many B panels; with at most four (narrow outputs, e.g. a 64-wide layer)
// gathering A's rows into panels cost ~40% of the multiply-adds, and the
// in-place kernel, streaming the rows directly, made 64³ products 1.3×
// faster (float32 and float64). Only row-major A (not Aᵀ) qualifies: its
// rows are the kernel's broadcast streams.
func useRowA[T float32 | float64](kern *kernel[T], a matrix[T], nb int) bool {
	return kern.fnRowA != nil && a.cs == 1 && nb <= 4*kern.nr
}

// useColA is useRowA for A stored transposed (a weight gradient xᵀ·g):
// each k step's mr values of a row tile are contiguous, lda apart, which
// the ColA kernels read in place instead of copying them into panels.
func useColA[T float32 | float64](kern *kernel[T], a matrix[T], nb int) bool {
	return kern.fnColA != nil && a.rs == 1 && a.cs != 1 && nb <= 4*kern.nr
}

// rowOf is p advanced by off elements. Callers have bounds-checked the
// rows the kernel reads (checkArgs covers all of A).
func rowOf[T float32 | float64](p *T, off int) *T {
	return (*T)(unsafe.Add(unsafe.Pointer(p), uintptr(off)*unsafe.Sizeof(*p)))
}

// macro runs the micro-kernel over the tiles of one packed block pair,
// setting each tile of C to alpha·A·B + beta·C. Edge tiles (fewer than mr
// rows or nr columns of C) are computed into a scratch tile and merged
// into C here, so the kernels only handle full tiles.
//
// Each A panel (mr rows, the small one: 12 KiB for float32 at kc = 256)
// stays in L1 while the kernel walks every B panel of the block, which
// streams from L2 (the B block is sized to half of L2, see kernel.nc).
func macro[T float32 | float64](kern *kernel[T], mb, nb, kb int, alpha, beta T, apack, bpack, tile []T, aIn *T, lda int, aCols bool, bIn *T, ldb int, c []T, ldc int) {
	mr, nr := kern.mr, kern.nr
	for ir := 0; ir < mb; ir += mr {
		rows := min(mr, mb-ir)
		// A in place (its rows, or with aCols its k steps), or its packed
		// panel (with aIn, the packed partial last tile).
		rowA := aIn != nil && rows == mr
		ap := &apack[0]
		switch {
		case rowA && aCols:
			ap = rowOf(aIn, ir)
		case rowA:
			ap = rowOf(aIn, ir*lda)
		case aIn == nil:
			ap = &apack[ir*kb]
		}
		for jr := 0; jr < nb; jr += nr {
			cols := min(nr, nb-jr)
			rowB := bIn != nil && cols == nr
			bp := &bpack[0]
			if rowB {
				bp = rowOf(bIn, jr)
			} else if bIn == nil {
				bp = &bpack[jr*kb]
			}
			if rows == mr && cols == nr {
				// Slicing proves the full tile lies inside c.
				ct := c[ir*ldc+jr : (ir+mr-1)*ldc+jr+nr]
				runKernel(kern, kb, ap, bp, &ct[0], ldc, alpha, beta, rowA, aCols, lda, rowB, ldb)
				continue
			}
			switch {
			case cols > nr/2 || kern.halfB == nil:
				runKernel(kern, kb, ap, bp, &tile[0], nr, alpha, 0, rowA, aCols, lda, rowB, ldb)
			case rowA && aCols:
				kern.halfColAB(kb, ap, bp, &tile[0], nr, alpha, 0, lda, nr)
			case rowA:
				// A partial panel is always packed (rowB is false).
				kern.halfAB(kb, ap, bp, &tile[0], nr, alpha, 0, lda, nr)
			default:
				kern.halfB(kb, ap, bp, &tile[0], nr, alpha, 0, nr)
			}
			for i := 0; i < rows; i++ {
				dst := c[(ir+i)*ldc+jr : (ir+i)*ldc+jr+cols]
				src := tile[i*nr : i*nr+cols]
				switch beta {
				case 0:
					copy(dst, src)
				case 1:
					for j, v := range src {
						dst[j] += v
					}
				default:
					for j, v := range src {
						dst[j] = v + beta*dst[j]
					}
				}
			}
		}
	}
}

// runKernel calls the micro-kernel variant for where A and B are read from:
// their rows in place (rowA, rowB, with row strides lda and ldb; with
// aCols, A's k steps lda apart) or packed panels.
func runKernel[T float32 | float64](kern *kernel[T], kb int, a, b, c *T, ldc int, alpha, beta T, rowA, aCols bool, lda int, rowB bool, ldb int) {
	switch {
	case rowA && aCols && rowB:
		kern.fnColAB(kb, a, b, c, ldc, alpha, beta, lda, ldb)
	case rowA && aCols:
		kern.fnColA(kb, a, b, c, ldc, alpha, beta, lda)
	case rowA && rowB:
		kern.fnRowAB(kb, a, b, c, ldc, alpha, beta, lda, ldb)
	case rowA:
		kern.fnRowA(kb, a, b, c, ldc, alpha, beta, lda)
	case rowB:
		kern.fnRowB(kb, a, b, c, ldc, alpha, beta, ldb)
	default:
		kern.fn(kb, a, b, c, ldc, alpha, beta)
	}
}

// packA copies rows [i0, i0+mb) and columns [p0, p0+kb) of A into dst as
// consecutive mr-row panels, each stored k-step by k-step (mr values per
// step), zero-padding the last panel to mr rows.
func packA[T float32 | float64](dst []T, a matrix[T], i0, mb, p0, kb, mr int) {
	if a.rs == 1 {
		// Aᵀ stored: each k step of A is contiguous. Walk it once and
		// hand each panel its mr values, so the reads stream sequentially.
		copySteps(dst, a.data, (p0)*a.cs+i0, a.cs, kb, mb, mr)
		return
	}
	for ir := 0; ir < mb; ir += mr {
		panel := dst[ir*kb : ir*kb+mr*kb]
		rows := min(mr, mb-ir)
		// Rows of A are contiguous: a strided gather into contiguous
		// panel steps (see gatherPanel).
		first := (i0+ir)*a.rs + p0
		_ = a.data[first : (i0+ir+rows-1)*a.rs+p0+kb] // bounds of every read
		gatherPanel(panel, &a.data[first], a.rs, rows, kb, mr)
		if rows < mr {
			// A loop, not a clear call per step (see copySteps).
			for p := 0; p < kb; p++ {
				pad := panel[p*mr+rows : p*mr+mr]
				for x := range pad {
					pad[x] = 0
				}
			}
		}
	}
}

// packB copies rows [p0, p0+kb) and columns [j0, j0+nb) of B into dst as
// consecutive nr-column panels, each stored k-step by k-step (nr values per
// step), zero-padding the last panel to nr columns: packA of Bᵀ, whose rows
// are B's columns.
func packB[T float32 | float64](dst []T, b matrix[T], p0, kb, j0, nb, nr int) {
	packA(dst, matrix[T]{b.data, b.cs, b.rs}, j0, nb, p0, kb, nr)
}

// copySteps packs an operand whose k steps are contiguous: step p holds
// width values at src[first+p*stride:], which go to panel q = x/unit at
// dst[q*unit*steps + p*unit + x%unit], zero-padding the last panel. Reading
// each step once, front to back, keeps the reads sequential; copying panel
// by panel instead jumps a whole row stride every few values and defeats
// the hardware prefetchers (it cost ~1.3 ns per element at n = 1024).
//
// The last panel's padding is cleared once up front, and its few values
// per step are copied by a loop: a copy and a clear call per step took
// over half of a 4×100×512 product's time.
func copySteps[T float32 | float64](dst, src []T, first, stride, steps, width, unit int) {
	full := width / unit * unit
	tail := width - full
	if tail > 0 {
		clear(dst[full*steps : full*steps+unit*steps])
	}
	for p := 0; p < steps; p++ {
		row := src[first+p*stride : first+p*stride+width]
		q := 0
		for ; q < full; q += unit {
			copy(dst[q*steps+p*unit:q*steps+p*unit+unit], row[q:q+unit])
		}
		if tail > 0 {
			d := dst[q*steps+p*unit : q*steps+p*unit+tail]
			for x, v := range row[q:] {
				d[x] = v
			}
		}
	}
}

// gatherPanel fills panel[p*width+r] = src[r*stride+p] for r < lines and
// p < steps: it packs lines contiguous source lines of length steps into
// interleaved panel steps. The caller has bounds-checked the source range
// (and panel holds steps·width elements), so the inner loop reads through
// unsafe pointers: with per-element bounds checks packing took as long as
// the multiply-adds of a 64³ product.
func gatherPanel[T float32 | float64](panel []T, src *T, stride, lines, steps, width int) {
	line := func(r int) []T {
		return unsafe.Slice((*T)(unsafe.Add(unsafe.Pointer(src), uintptr(r*stride)*unsafe.Sizeof(*src))), steps)
	}
	r := 0
	// Eight, then four lines at a time: that many sequential read streams,
	// and each panel step gets adjacent values with one bounds check.
	for ; r+8 <= lines; r += 8 {
		s0 := line(r)
		s1, s2, s3 := line(r + 1)[:len(s0)], line(r + 2)[:len(s0)], line(r + 3)[:len(s0)]
		s4, s5, s6, s7 := line(r + 4)[:len(s0)], line(r + 5)[:len(s0)], line(r + 6)[:len(s0)], line(r + 7)[:len(s0)]
		for p := range s0 {
			d := panel[p*width+r : p*width+r+8 : p*width+r+8]
			d[0], d[1], d[2], d[3] = s0[p], s1[p], s2[p], s3[p]
			d[4], d[5], d[6], d[7] = s4[p], s5[p], s6[p], s7[p]
		}
	}
	for ; r+4 <= lines; r += 4 {
		s0 := line(r)
		s1, s2, s3 := line(r + 1)[:len(s0)], line(r + 2)[:len(s0)], line(r + 3)[:len(s0)]
		for p := range s0 {
			d := panel[p*width+r : p*width+r+4 : p*width+r+4]
			d[0], d[1], d[2], d[3] = s0[p], s1[p], s2[p], s3[p]
		}
	}
	for ; r < lines; r++ {
		for p, v := range line(r) {
			panel[p*width+r] = v
		}
	}
}

// direct is the unblocked product for tiny problems, where packing would
// cost more than the multiply-adds.
func direct[T float32 | float64](m, n, k int, alpha T, a, b matrix[T], beta T, c []T, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		for j := range row {
			var s T
			for p := 0; p < k; p++ {
				s += a.data[i*a.rs+p*a.cs] * b.data[p*b.rs+j*b.cs]
			}
			if beta == 0 {
				row[j] = alpha * s
			} else {
				row[j] = alpha*s + beta*row[j]
			}
		}
	}
}

func roundUp(x, unit int) int { return (x + unit - 1) / unit * unit }
