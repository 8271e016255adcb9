//go:build openblas

package openblas

/*
#cgo LDFLAGS: -lopenblas
#include <stddef.h>

// The few declarations we use, written out so that no particular cblas.h
// (Debian puts it under an alternatives-managed directory) is needed.
enum CBLAS_ORDER { CblasRowMajor = 101, CblasColMajor = 102 };
enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112 };
typedef int blasint;
void cblas_sgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE transA, enum CBLAS_TRANSPOSE transB,
	blasint m, blasint n, blasint k, float alpha, const float *a, blasint lda,
	const float *b, blasint ldb, float beta, float *c, blasint ldc);
void cblas_dgemm(enum CBLAS_ORDER order, enum CBLAS_TRANSPOSE transA, enum CBLAS_TRANSPOSE transB,
	blasint m, blasint n, blasint k, double alpha, const double *a, blasint lda,
	const double *b, blasint ldb, double beta, double *c, blasint ldc);
void openblas_set_num_threads(int n);
int openblas_get_num_threads(void);
char *openblas_get_config(void);
char *openblas_get_corename(void);
*/
import "C"

import (
	"fmt"
	"math"
	"os"
	"runtime"

	"github.com/gophys/gophys/physnn/internal/gemm/args"
)

func init() {
	if os.Getenv("OPENBLAS_NUM_THREADS") == "" && os.Getenv("OMP_NUM_THREADS") == "" {
		C.openblas_set_num_threads(C.int(runtime.GOMAXPROCS(0)))
	}
}

// Config describes the linked library: its build configuration, the core
// type whose kernels it chose for this CPU (see OPENBLAS_CORETYPE in the
// package documentation) and its thread count, for benchmark headers.
func Config() string {
	return fmt.Sprintf("%s (core %s, %d threads)", C.GoString(C.openblas_get_config()),
		C.GoString(C.openblas_get_corename()), int(C.openblas_get_num_threads()))
}

func cblasTranspose(t bool) C.enum_CBLAS_TRANSPOSE {
	if t {
		return C.CblasTrans
	}
	return C.CblasNoTrans
}

// checkBlasInt panics when a size does not fit OpenBLAS's 32-bit blasint
// (Debian's libopenblas is the LP64 build), rather than letting it wrap.
func checkBlasInt(sizes ...int) {
	for _, s := range sizes {
		if s > math.MaxInt32 {
			panic("openblas: size exceeds OpenBLAS's 32-bit integers")
		}
	}
}

// first returns a pointer to s's first element, or nil for an empty slice:
// BLAS never reads an operand whose product has a zero dimension.
func first[T float32 | float64](s []T) *T {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major float32
// matrices with cblas_sgemm, with the arguments of package gemm's Sgemm:
// op(A) is m×k, op(B) is k×n, C is m×n, and lda, ldb, ldc are the row
// strides as stored. It panics on inconsistent arguments.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	checkBlasInt(m, n, k, lda, ldb, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		// OpenBLAS accepts k = 0, but a and b may be empty; keep the
		// pointers out of C entirely and scale C the way Sgemm does.
		args.Scale(beta, c, m, n, ldc)
		return
	}
	C.cblas_sgemm(C.CblasRowMajor, cblasTranspose(transA), cblasTranspose(transB),
		C.blasint(m), C.blasint(n), C.blasint(k),
		C.float(alpha), (*C.float)(first(a)), C.blasint(lda),
		(*C.float)(first(b)), C.blasint(ldb),
		C.float(beta), (*C.float)(first(c)), C.blasint(ldc))
}

// Dgemm is the float64 twin of Sgemm, using cblas_dgemm.
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	checkBlasInt(m, n, k, lda, ldb, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		args.Scale(beta, c, m, n, ldc)
		return
	}
	C.cblas_dgemm(C.CblasRowMajor, cblasTranspose(transA), cblasTranspose(transB),
		C.blasint(m), C.blasint(n), C.blasint(k),
		C.double(alpha), (*C.double)(first(a)), C.blasint(lda),
		(*C.double)(first(b)), C.blasint(ldb),
		C.double(beta), (*C.double)(first(c)), C.blasint(ldc))
}

// checkArgs panics on inconsistent sizes, strides or too-short slices (see
// args.Check) before any pointer is read.
func checkArgs(transA, transB bool, m, n, k, lenA, lda, lenB, ldb, lenC, ldc int) {
	if msg := args.Check(transA, transB, m, n, k, lenA, lda, lenB, ldb, lenC, ldc); msg != "" {
		panic("openblas: " + msg)
	}
}
