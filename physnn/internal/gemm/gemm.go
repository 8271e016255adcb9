package gemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// impl is the BLAS implementation used by Sgemm and Dgemm. The zero value of
// gonum.Implementation is ready to use.
var impl gonum.Implementation

func transpose(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major float32
// matrices, where op(A) is m×k, op(B) is k×n and C is m×n. transA and transB
// select op(X) = Xᵀ; lda, ldb and ldc are the row strides of A, B and C as
// stored.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		// gonum rejects k == 0 through its lda checks; the product is the
		// empty sum, so only the beta scaling remains.
		scale(beta, c, m, n, ldc)
		return
	}
	impl.Sgemm(transpose(transA), transpose(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dgemm is the float64 twin of Sgemm, used by physnn's float64 path
// (gradient checks and double-precision analysis).
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scale(beta, c, m, n, ldc)
		return
	}
	impl.Dgemm(transpose(transA), transpose(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func scale[T float32 | float64](beta T, c []T, m, n, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		for j := range row {
			if beta == 0 {
				row[j] = 0 // beta == 0 overwrites, so NaNs in C do not survive (BLAS semantics)
			} else {
				row[j] *= beta
			}
		}
	}
}

// Sgemv computes y = alpha·op(A)·x + beta·y for a row-major float32 matrix A
// stored m×n with row stride lda, where op(A) is A (y has m elements, x n)
// or, with transA, Aᵀ (y has n elements, x m); incX and incY are the
// vectors' strides. Matrix products with a size of 1 (a matrix times a
// vector) use it: GEMM's packing and blocking cost more than the product.
func Sgemv(transA bool, m, n int, alpha float32, a []float32, lda int, x []float32, incX int, beta float32, y []float32, incY int) {
	if m == 0 || n == 0 {
		return
	}
	impl.Sgemv(transpose(transA), m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// Dgemv is the float64 twin of Sgemv.
func Dgemv(transA bool, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if m == 0 || n == 0 {
		return
	}
	impl.Dgemv(transpose(transA), m, n, alpha, a, lda, x, incX, beta, y, incY)
}
