package gemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/gophys/gophys/physnn/internal/gemm/args"
)

// impl is gonum's BLAS, used for the matrix-vector products. The zero value
// of gonum.Implementation is ready to use.
var impl gonum.Implementation

// init picks the fastest micro-kernels this CPU supports.
func init() {
	kernel32 = availableKernels32()[0]
	kernel64 = availableKernels64()[0]
}

// l2 is the per-core L2 cache size the B blocks are sized for.
var l2 = l2CacheBytes()

// sized sets the kernel's nc from the L2 size (see blockWidth).
func sized[T float32 | float64](k kernel[T]) kernel[T] {
	var zero T
	elem := 4
	if _, ok := any(zero).(float64); ok {
		elem = 8
	}
	k.nc = blockWidth(k.kc, k.nr, elem, l2)
	return k
}

// blockWidth is the width nc of a kc-deep packed B block that fills half of
// an L2 cache of l2 bytes (the rest holds the A panel, C and the next
// block's lines), as a multiple of nr and at least four panels.
func blockWidth(kc, nr, elem, l2 int) int {
	return max(4, l2/2/(kc*elem)/nr) * nr
}

func transpose(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major float32
// matrices, where op(A) is m×k, op(B) is k×n and C is m×n. transA and transB
// select op(X) = Xᵀ; lda, ldb and ldc are the row strides of A, B and C as
// stored. It uses the fastest micro-kernel the CPU supports and all
// GOMAXPROCS cores when the product is large enough.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	gemm(&kernel32, m, n, k, alpha, view(a, lda, transA), view(b, ldb, transB), beta, c, ldc)
}

// Dgemm is the float64 twin of Sgemm, used by physnn's float64 path
// (gradient checks and double-precision analysis).
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	gemm(&kernel64, m, n, k, alpha, view(a, lda, transA), view(b, ldb, transB), beta, c, ldc)
}

// SgemmSerial is Sgemm on the calling goroutine only, for callers that
// already run independent products on every core (a batch-parallel
// convolution): splitting each product again would only add
// synchronisation.
func SgemmSerial(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	gemmOn(1, &kernel32, m, n, k, alpha, view(a, lda, transA), view(b, ldb, transB), beta, c, ldc)
}

// DgemmSerial is the float64 twin of SgemmSerial.
func DgemmSerial(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	gemmOn(1, &kernel64, m, n, k, alpha, view(a, lda, transA), view(b, ldb, transB), beta, c, ldc)
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

// checkArgs panics on inconsistent sizes, strides or too-short slices (see
// args.Check) before any pointer is read.
func checkArgs(transA, transB bool, m, n, k, lenA, lda, lenB, ldb, lenC, ldc int) {
	if msg := args.Check(transA, transB, m, n, k, lenA, lda, lenB, ldb, lenC, ldc); msg != "" {
		panic("gemm: " + msg)
	}
}
