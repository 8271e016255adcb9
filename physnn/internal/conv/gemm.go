package conv

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// Float is the element type the kernels are instantiated for.
type Float interface{ ~float32 | ~float64 }

// gemm computes c = alpha·op(a)·op(b) + beta·c for row-major matrices, where
// op(x) is x or xᵀ as transA and transB say, op(a) is m×k and op(b) is k×n.
// It routes float32 to blas32 and float64 to blas64 so one generic kernel
// serves both precisions.
func gemm[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	switch av := any(a).(type) {
	case []float32:
		blas32.Implementation().Sgemm(ta, tb, m, n, k, float32(alpha), av, lda,
			any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		blas64.Implementation().Dgemm(ta, tb, m, n, k, float64(alpha), av, lda,
			any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	default:
		// Named types over float32/float64 are not used by physnn.
		panic("conv: gemm supports only []float32 and []float64")
	}
}
