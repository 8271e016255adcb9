package gemm

// Backend is an alternative GEMM implementation with the same row-major
// argument convention as [Sgemm] and [Dgemm]. It exists so benchmarks and
// users can compare physnn's pure-Go kernels with an external BLAS without
// the default build depending on one.
type Backend struct {
	// Name identifies the library and, where it reports one, the kernel
	// family it chose for this CPU (for example "OpenBLAS 0.3.21 (Haswell)").
	Name string
	// Sgemm computes C = alpha·op(A)·op(B) + beta·C in float32, with the
	// arguments and panics of [Sgemm].
	Sgemm func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
	// Dgemm is the float64 twin of Sgemm, matching [Dgemm].
	Dgemm func(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int)
}

// OpenBLAS is the OpenBLAS backend (cblas_sgemm and cblas_dgemm through
// cgo, package gemm/openblas) when the binary is built with `-tags openblas` and linked against
// libopenblas (Debian: libopenblas-dev); it is nil otherwise, which keeps
// the default build free of cgo. See package gemm/openblas for the environment
// variables that matter (OPENBLAS_CORETYPE, OPENBLAS_NUM_THREADS).
var OpenBLAS *Backend
