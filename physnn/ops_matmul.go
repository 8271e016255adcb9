package physnn

import (
	"runtime"
	"sync"

	"github.com/gophys/gophys/physnn/internal/gemm"
	"github.com/gophys/gophys/physnn/internal/team"
)

// Matrix products through internal/gemm. Transposed views are passed to
// GEMM as transposed operands, not copied, so the backward products
// (g·Bᵀ, Aᵀ·g) allocate only their results.

// gemmOperand describes a 2-D view for GEMM: its storage from the view's
// offset, its leading dimension, and whether it is stored transposed. Views
// GEMM cannot read directly are copied first.
func gemmOperand(t *Tensor) (m *Tensor, ld int, trans bool) {
	r, c := t.shape[0], t.shape[1]
	switch {
	case t.strides[1] == 1 && t.strides[0] >= max(c, 1):
		return t, t.strides[0], false
	case c == 1 && t.strides[0] >= 1:
		return t, max(t.strides[0], 1), false
	case t.strides[0] == 1 && t.strides[1] >= max(r, 1):
		return t, t.strides[1], true
	}
	cc := t.copyContiguous()
	return cc, max(c, 1), false
}

// matmul2D computes a·b for 2-D a [m,k] and b [k,n] of equal dtype into
// out (contiguous [m,n]).
func matmul2D(out, a, b *Tensor) {
	m, k, n := a.shape[0], a.shape[1], b.shape[1]
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		return // out is already zero
	}
	if m == 1 || n == 1 || k == 1 {
		if out.dt == f64 {
			skinnyMatmul(out.st.f64[out.offset:], m, n, k, a.st.f64, a.offset, a.strides, b.st.f64, b.offset, b.strides)
		} else {
			skinnyMatmul(out.st.f32[out.offset:], m, n, k, a.st.f32, a.offset, a.strides, b.st.f32, b.offset, b.strides)
		}
		return
	}
	t := newGemmTask(out, a, b, 0)
	t.run(false)
}

// gemmTask is a product out = a·b + beta·out for 2-D a [m,k] and b [k,n]
// of out's dtype (out contiguous [m,n], no dimension 0), prepared on the
// caller's goroutine: the operands are in a form GEMM reads (a copy only
// for odd strides), so run needs no workspace and may run on a helper.
type gemmTask struct {
	out, a, b *Tensor
	ta, tb    bool
	lda, ldb  int
	m, n, k   int
	beta      float64
}

func newGemmTask(out, a, b *Tensor, beta float64) gemmTask {
	am, lda, ta := gemmOperand(a)
	bm, ldb, tb := gemmOperand(b)
	return gemmTask{out: out, a: am, b: bm, ta: ta, tb: tb, lda: lda, ldb: ldb,
		m: a.shape[0], n: b.shape[1], k: a.shape[1], beta: beta}
}

// run computes the product, on the calling goroutine alone when serial
// is set, else on as many cores as GEMM finds worth it.
func (t *gemmTask) run(serial bool) {
	m, n, k, ldc := t.m, t.n, t.k, max(t.n, 1)
	if t.out.dt == f64 {
		a, b, c := t.a.st.f64[t.a.offset:], t.b.st.f64[t.b.offset:], t.out.st.f64[t.out.offset:]
		if serial {
			gemm.DgemmSerial(t.ta, t.tb, m, n, k, 1, a, t.lda, b, t.ldb, t.beta, c, ldc)
		} else {
			gemm.Dgemm(t.ta, t.tb, m, n, k, 1, a, t.lda, b, t.ldb, t.beta, c, ldc)
		}
		return
	}
	a, b, c := t.a.st.f32[t.a.offset:], t.b.st.f32[t.b.offset:], t.out.st.f32[t.out.offset:]
	if serial {
		gemm.SgemmSerial(t.ta, t.tb, m, n, k, 1, a, t.lda, b, t.ldb, float32(t.beta), c, ldc)
	} else {
		gemm.Sgemm(t.ta, t.tb, m, n, k, 1, a, t.lda, b, t.ldb, float32(t.beta), c, ldc)
	}
}

// Pairs of independent products. A dense layer's backward pass makes two,
// g·wᵀ and xᵀ·g, of similar size. For the medium sizes of MLP layers GEMM
// gains little from splitting one product over two cores (SciNet's
// 512×500×100 pair on the 2-core machine: 308 and 475 µs on one core,
// 222 and 371 µs split over two), while the two products side by side,
// each on one core, keep both cores busy without synchronisation inside
// either (the paper-size SciNet step: 172k → 188k samples/s).
const (
	// pairMin is the least work (m·n·k) of the smaller product for a
	// pair to be worth handing one product to a helper: about 15 µs of
	// work. Pairs of a few µs lost more to the handoff than they gained
	// (with 1 << 18 the notebook-size SciNet fell from 920k to 785k
	// samples/s).
	pairMin = 1 << 20
	// pairMaxSplit is the work above which, on more than two cores, a
	// product is left to GEMM's own parallelism instead (it would use
	// more cores than the pair's one).
	pairMaxSplit = 1 << 23
)

// pairable reports whether two products of the given shapes should run
// side by side (runPair) rather than one after the other: both are big
// enough for the handoff and neither has a dimension of 1 (the skinny
// paths), and on more than two cores neither is big enough for GEMM to
// use more cores than one.
func pairable(m1, n1, k1, m2, n2, k2 int) bool {
	procs := runtime.GOMAXPROCS(0)
	w1, w2 := m1*n1*k1, m2*n2*k2
	switch {
	case procs < 2 || min(m1, n1, k1, m2, n2, k2) <= 1 || min(w1, w2) < pairMin:
		return false
	case procs > 2 && max(w1, w2) > pairMaxSplit:
		return false
	}
	return true
}

// gemmPair is a team.Body running two gemmTasks, chunk c running task c.
type gemmPair [2]gemmTask

// Chunk runs task c on the calling goroutine alone.
func (p *gemmPair) Chunk(c, _, _ int) { p[c].run(true) }

// gemmPairs recycles gemmPairs, so runPair allocates nothing.
var gemmPairs = sync.Pool{New: func() any { return new(gemmPair) }}

// runPair computes two independent products side by side, the caller
// taking one and a kept helper the other (or the caller both, when no
// helper is free in time). Each product's result is the one GEMM computes
// on any number of cores.
func runPair(t0, t1 gemmTask) {
	p := gemmPairs.Get().(*gemmPair)
	p[0], p[1] = t0, t1
	team.Run(2, 2, p)
	*p = gemmPair{} // drop references to the tensors
	gemmPairs.Put(p)
}

// skinnyMatmul computes out = A·B (out contiguous [m,n]) when m, n or k
// is 1: an outer product (k = 1), or a matrix times a vector (m or n = 1)
// through GEMV. A and B are read through their strides (as, bs), so
// transposed views need no copy. Rows of the output, or fixed blocks of
// the summed dimension, are split over the cores.
func skinnyMatmul[T float](out []T, m, n, k int, a []T, aOff int, as []int, b []T, bOff int, bs []int) {
	a, b = a[aOff:], b[bOff:]
	switch {
	case k == 1:
		// out[i,j] = A[i,0]·B[0,j]; gather B's row when it is strided.
		row := b
		if bs[1] != 1 {
			row = make([]T, n)
			for j := range row {
				row[j] = b[j*bs[1]]
			}
		}
		row = row[:n]
		if serial(m, n) {
			outerRows(out, a, as[0], row, 0, m)
		} else {
			parallelFor(m, n, func(lo, hi int) { outerRows(out, a, as[0], row, lo, hi) })
		}
	case n == 1 && as[1] == 1 && as[0] >= k && bs[0] > 0:
		// out[i] = A[i,:]·B[:,0], A's rows contiguous.
		if serial(m, k) {
			gemv(false, m, k, a, as[0], b, bs[0], out[:m], 1)
		} else {
			parallelFor(m, k, func(lo, hi int) {
				gemv(false, hi-lo, k, a[lo*as[0]:], as[0], b, bs[0], out[lo:hi], 1)
			})
		}
	case n == 1 && as[0] == 1 && as[1] >= m && bs[0] > 0:
		// out = (Aᵀ stored k×m)ᵀ·B[:,0]: a sum over k, in fixed blocks.
		if k <= reduceBlock {
			gemvT(out[:m], k, a, as[1], b, bs[0])
		} else {
			blockedSum(out[:m], k, func(lo, hi int, part []T) {
				gemvT(part, hi-lo, a[lo*as[1]:], as[1], b[lo*bs[0]:], bs[0])
			})
		}
	case m == 1 && bs[1] == 1 && bs[0] >= n && as[1] > 0:
		// out[0,:] = Σ_p A[0,p]·B[p,:], B's rows contiguous: a sum over k.
		if k <= reduceBlock {
			gemvT(out[:n], k, b, bs[0], a, as[1])
		} else {
			blockedSum(out[:n], k, func(lo, hi int, part []T) {
				gemvT(part, hi-lo, b[lo*bs[0]:], bs[0], a[lo*as[1]:], as[1])
			})
		}
	case m == 1 && bs[0] == 1 && bs[1] >= k && as[1] > 0:
		// out[0,j] = B[:,j]·A[0,:], B stored transposed (its columns are rows).
		if serial(n, k) {
			gemv(false, n, k, b, bs[1], a, as[1], out[:n], 1)
		} else {
			parallelFor(n, k, func(lo, hi int) {
				gemv(false, hi-lo, k, b[lo*bs[1]:], bs[1], a, as[1], out[lo:hi], 1)
			})
		}
	default:
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				var s T
				for p := 0; p < k; p++ {
					s += a[i*as[0]+p*as[1]] * b[p*bs[0]+j*bs[1]]
				}
				out[i*n+j] = s
			}
		}
	}
}

// outerRows computes rows [lo, hi) of the outer product out[i,j] =
// a[i·sa]·row[j].
func outerRows[T float](out, a []T, sa int, row []T, lo, hi int) {
	n := len(row)
	if o32, ok := any(out).([]float32); ok {
		a32, r32 := any(a).([]float32), any(row).([]float32)
		for i := lo; i < hi; i++ {
			scaleTo32(o32[i*n:(i+1)*n], r32, a32[i*sa])
		}
		return
	}
	for i := lo; i < hi; i++ {
		ai, o := a[i*sa], out[i*n:(i+1)*n]
		for j, bj := range row {
			o[j] = ai * bj
		}
	}
}

// gemvT sets y = Σ_{r < rows} x[r·incX]·A[r,:], for A with rows of
// len(y) contiguous elements at stride lda: Aᵀ·x, the weight gradients of a
// layer with one input or one output. float32 goes through the AVX2 loops
// (a scaled first row, then one multiply-add pass per row), float64
// through GEMV.
func gemvT[T float](y []T, rows int, a []T, lda int, x []T, incX int) {
	y32, ok := any(y).([]float32)
	if !ok {
		gemv(true, rows, len(y), a, lda, x, incX, y, 1)
		return
	}
	a32, x32 := any(a).([]float32), any(x).([]float32)
	n := len(y32)
	scaleTo32(y32, a32[:n], x32[0])
	for r := 1; r < rows; r++ {
		axpy32(y32, a32[r*lda:r*lda+n], x32[r*incX])
	}
}

// gemv computes y = op(A)·x (overwriting y) through internal/gemm.
func gemv[T float](trans bool, rows, cols int, a []T, lda int, x []T, incX int, y []T, incY int) {
	switch a := any(a).(type) {
	case []float32:
		gemm.Sgemv(trans, rows, cols, 1, a, lda, any(x).([]float32), incX, 0, any(y).([]float32), incY)
	case []float64:
		gemm.Dgemv(trans, rows, cols, 1, a, lda, any(x).([]float64), incX, 0, any(y).([]float64), incY)
	}
}

// batchView returns the i-th matrix of a 3-D tensor.
func batchView(t *Tensor, i int) *Tensor {
	return t.view(t.shape[1:], t.strides[1:], t.offset+i*t.strides[0])
}

// matmul is the kernel behind MatMul (no graph).
func matmul(a, b *Tensor) *Tensor {
	if err := firstErr(a, b); err != nil {
		return errTensor(err)
	}
	a, b = promote(a, b)
	ra, rb := len(a.shape), len(b.shape)
	switch {
	case ra == 2 && rb == 2:
		if a.shape[1] != b.shape[0] {
			return shapeErr("matmul", a.shape, b.shape, "inner sizes %d and %d differ; check the previous layer's output size", a.shape[1], b.shape[0])
		}
		// matmul2D overwrites every element unless k is 0.
		out := wsOf(a, b).allocTensor(a.dt, []int{a.shape[0], b.shape[1]}, a.shape[1] == 0)
		matmul2D(out, a, b)
		return out
	case ra == 3 && rb == 2:
		if a.shape[2] != b.shape[0] {
			return shapeErr("matmul", a.shape, b.shape, "inner sizes %d and %d differ; check the previous layer's output size", a.shape[2], b.shape[0])
		}
		// A batch of matrices times one matrix is one tall product.
		flat := reshape(a, []int{a.shape[0] * a.shape[1], a.shape[2]})
		out := wsOf(a, b).alloc(a.dt, []int{a.shape[0], a.shape[1], b.shape[1]})
		matmul2D(reshape(out, []int{flat.shape[0], b.shape[1]}), flat, b)
		return out
	case ra == 3 && rb == 3:
		if a.shape[0] != b.shape[0] {
			return shapeErr("matmul", a.shape, b.shape, "batch sizes %d and %d differ", a.shape[0], b.shape[0])
		}
		if a.shape[2] != b.shape[1] {
			return shapeErr("matmul", a.shape, b.shape, "inner sizes %d and %d differ; check the previous layer's output size", a.shape[2], b.shape[1])
		}
		out := wsOf(a, b).alloc(a.dt, []int{a.shape[0], a.shape[1], b.shape[2]})
		for i := 0; i < a.shape[0]; i++ {
			matmul2D(batchView(out, i), batchView(a, i), batchView(b, i))
		}
		return out
	}
	return shapeErr("matmul", a.shape, b.shape, "want [M K] x [K N], [B M K] x [K N] or [B M K] x [B K N]; reshape vectors to matrices")
}

// MatMul returns the matrix product a·b for a [M,K] and b [K,N], a batch
// times one matrix ([B,M,K]·[K,N] → [B,M,N]), or a batch times a batch
// ([B,M,K]·[B,K,N] → [B,M,N]). Other shapes give a *ShapeError naming both.
func (a *Tensor) MatMul(b *Tensor) (result *Tensor) {
	defer recoverOp("MatMul", &result)
	y := matmul(a, b)
	return record(y, "matmul", []*Tensor{a, b}, func(g *Tensor) []*Tensor {
		var ga, gb *Tensor
		// The view takes g's workspace so products computed from it go there.
		bt := permuteIn(wsOf(g, b), b, swapLast(len(b.shape)))
		if a.requiresGrad {
			ga = matmul(g, bt) // dA = g·Bᵀ
		}
		if b.requiresGrad {
			if len(a.shape) == 3 && len(b.shape) == 2 {
				// dB = Σ_batch A_iᵀ·g_i = (A as [B·M, K])ᵀ·(g as [B·M, N])
				af := reshape(a, []int{a.shape[0] * a.shape[1], a.shape[2]})
				gf := reshape(g, []int{g.shape[0] * g.shape[1], g.shape[2]})
				gb = matmul(permute(af, swapLast(2)), gf)
			} else {
				gb = matmul(permute(a, swapLast(len(a.shape))), g) // dB = Aᵀ·g
			}
		}
		return []*Tensor{ga, gb}
	})
}
