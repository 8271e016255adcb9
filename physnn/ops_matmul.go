package physnn

import "github.com/gophys/gophys/physnn/internal/gemm"

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
	am, lda, ta := gemmOperand(a)
	bm, ldb, tb := gemmOperand(b)
	if out.dt == f64 {
		gemm.Dgemm(ta, tb, m, n, k, 1, am.st.f64[am.offset:], lda, bm.st.f64[bm.offset:], ldb, 0, out.st.f64[out.offset:], max(n, 1))
	} else {
		gemm.Sgemm(ta, tb, m, n, k, 1, am.st.f32[am.offset:], lda, bm.st.f32[bm.offset:], ldb, 0, out.st.f32[out.offset:], max(n, 1))
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
		out := wsOf(a, b).alloc(a.dt, []int{a.shape[0], b.shape[1]})
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
