package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// naive computes alpha·op(A)·op(B) + beta·C by the definition, in float64.
func naive(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) []float64 {
	out := make([]float64, len(c))
	copy(out, c)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float64
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			out[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
		}
	}
	return out
}

func TestGemm(t *testing.T) {
	cases := []struct {
		m, n, k        int
		transA, transB bool
		alpha, beta    float64
	}{
		{3, 4, 5, false, false, 1, 0},
		{3, 4, 5, true, false, 2, 1},
		{3, 4, 5, false, true, 1, 0.5},
		{7, 1, 9, true, true, -1, 0},
		{1, 1, 1, false, false, 1, 0},
		{2, 3, 0, false, false, 1, 2},
		{0, 3, 2, false, false, 1, 0},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range cases {
		name := fmt.Sprintf("m=%d,n=%d,k=%d,tA=%v,tB=%v", tc.m, tc.n, tc.k, tc.transA, tc.transB)
		t.Run(name, func(t *testing.T) {
			ar, ac := tc.m, tc.k
			if tc.transA {
				ar, ac = ac, ar
			}
			br, bc := tc.k, tc.n
			if tc.transB {
				br, bc = bc, br
			}
			a := make([]float64, ar*ac)
			b := make([]float64, br*bc)
			c := make([]float64, tc.m*tc.n)
			for _, s := range [][]float64{a, b, c} {
				for i := range s {
					s[i] = rng.NormFloat64()
				}
			}
			lda, ldb := max(ac, 1), max(bc, 1)
			want := naive(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, max(tc.n, 1))

			c64 := append([]float64(nil), c...)
			Dgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c64, max(tc.n, 1))
			a32, b32, c32 := to32(a), to32(b), to32(c)
			Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, float32(tc.alpha), a32, lda, b32, ldb, float32(tc.beta), c32, max(tc.n, 1))
			for i := range want {
				// 1e-12 is float64 round-off for sums of ≤ 10 unit-size products;
				// 1e-5 is the float32 equivalent.
				if !scalar.EqualWithinAbsOrRel(c64[i], want[i], 1e-12, 1e-12) {
					t.Errorf("Dgemm c[%d] = %v, want %v", i, c64[i], want[i])
				}
				if !scalar.EqualWithinAbsOrRel(float64(c32[i]), want[i], 1e-5, 1e-5) {
					t.Errorf("Sgemm c[%d] = %v, want %v", i, c32[i], want[i])
				}
			}
		})
	}
}

func to32(s []float64) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = float32(v)
	}
	return out
}
