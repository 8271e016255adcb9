// Package openblas is a thin cgo binding to OpenBLAS's cblas_sgemm and
// cblas_dgemm for row-major matrices. It exists because the module proxy
// serves only a 2019 gonum.org/v1/netlib, and it is a package of its own
// because Go forbids cgo in a package with Go assembly (physnn's gemm).
//
// Every file is behind the openblas build tag, so the default build needs
// neither cgo nor libopenblas. Build with `-tags openblas` and link against
// libopenblas (Debian: `apt-get install libopenblas-dev`); package gemm then
// registers it as [gemm.OpenBLAS].
//
// # Environment
//
// Two variables matter, both read by libopenblas itself:
//
//   - OPENBLAS_CORETYPE: OpenBLAS picks its kernels from the CPU model when
//     the library loads, and a release older than the CPU falls back to
//     older kernels. Debian bookworm's 0.3.21 treats Zen 5 as "Haswell"
//     (AVX2 only); OPENBLAS_CORETYPE=SkylakeX selects its AVX-512 kernels
//     and roughly doubles float32 throughput there. It must be set before
//     the process starts; [Config] reports the core in use.
//   - OPENBLAS_NUM_THREADS: OpenBLAS runs its own pthreads beside Go's
//     goroutines. When physnn or the caller also runs GEMMs from several
//     goroutines, both pools compete for the same cores and throughput
//     drops (oversubscription). When neither OPENBLAS_NUM_THREADS nor
//     OMP_NUM_THREADS is set, this package sets OpenBLAS's thread count to
//     GOMAXPROCS at init so the two agree; set OPENBLAS_NUM_THREADS=1 when
//     GEMMs are issued from several goroutines at once.
//
// # Errors
//
// Like package gemm, the functions trust their callers' shapes but check
// them before any pointer reaches C: an inconsistent dimension, leading
// dimension or too-short slice panics instead of reading out of bounds.
package openblas
