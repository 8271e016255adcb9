// Package args holds what package gemm and its OpenBLAS binding share about
// a product's arguments: the consistency check both run before any kernel
// (or C) reads memory, and the k = 0 case, C = beta·C.
package args

// Check reports what is wrong with the arguments of C = alpha·op(A)·op(B) +
// beta·C for row-major matrices (op(A) m×k, op(B) k×n, C m×n, row strides
// lda, ldb, ldc as stored, slices of lengths lenA, lenB, lenC), following
// gonum's BLAS rules; "" when they are consistent.
func Check(transA, transB bool, m, n, k, lenA, lda, lenB, ldb, lenC, ldc int) string {
	if m < 0 || n < 0 || k < 0 {
		return "negative dimension"
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	switch {
	case lda < max(1, ac) || ldb < max(1, bc) || ldc < max(1, n):
		return "bad leading dimension"
	case m == 0 || n == 0:
		return ""
	case ar > 0 && ac > 0 && lenA < (ar-1)*lda+ac:
		return "A too short"
	case br > 0 && bc > 0 && lenB < (br-1)*ldb+bc:
		return "B too short"
	case lenC < (m-1)*ldc+n:
		return "C too short"
	}
	return ""
}

// Scale sets the m×n matrix C (row stride ldc) to beta·C, clearing it when
// beta is 0 (so NaNs in C do not survive, as BLAS specifies).
func Scale[T float32 | float64](beta T, c []T, m, n, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}
