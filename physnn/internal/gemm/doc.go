// Package gemm is physnn's general matrix multiply: C = alpha·op(A)·op(B) + beta·C
// on row-major float32 and float64 slices, where op(X) is X or Xᵀ.
//
// # Overview
//
// Every matrix product in physnn (matmul, and later im2col convolutions) goes
// through [Sgemm] or [Dgemm], so a faster kernel can replace the implementation
// without touching any op. Today both delegate to gonum's pure-Go BLAS
// (gonum.org/v1/gonum/blas/gonum), which is correct everywhere and already
// blocks and parallelises large products. [Sgemv] and [Dgemv] (matrix times
// vector) serve products with a size of 1, where blocking only costs.
//
// The argument order and meaning follow the reference BLAS row-major
// convention: lda, ldb and ldc are the row strides (leading dimensions) of the
// stored matrices. Sizes of zero are allowed and do nothing beyond scaling C by
// beta, so callers need not special-case empty batches.
//
// # Errors
//
// The functions are internal and trust their callers; an inconsistent
// dimension or leading dimension panics (gonum's behaviour). physnn checks
// shapes before calling and recovers at its API boundary.
package gemm
