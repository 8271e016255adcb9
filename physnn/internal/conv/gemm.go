package conv

import "github.com/gophys/gophys/physnn/internal/gemm"

// Float is the element type the kernels are instantiated for.
type Float interface{ ~float32 | ~float64 }

// matmul computes c = alpha·op(a)·op(b) + beta·c for row-major matrices,
// where op(x) is x or xᵀ as transA and transB say, op(a) is m×k and op(b) is
// k×n. It routes float32 to gemm.Sgemm and float64 to gemm.Dgemm, so one
// generic kernel serves both precisions. With serial, the product stays on
// the calling goroutine: the kernels set it when they already run one
// batch chunk per core.
func matmul[T Float](serial, transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	switch av := any(a).(type) {
	case []float32:
		f := gemm.Sgemm
		if serial {
			f = gemm.SgemmSerial
		}
		f(transA, transB, m, n, k, float32(alpha), av, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		f := gemm.Dgemm
		if serial {
			f = gemm.DgemmSerial
		}
		f(transA, transB, m, n, k, float64(alpha), av, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	default:
		// Named types over float32/float64 are not used by physnn.
		panic("conv: matmul supports only []float32 and []float64")
	}
}
