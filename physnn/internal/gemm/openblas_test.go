//go:build openblas

package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestOpenBLASMatchesPhysnn checks the OpenBLAS binding against physnn's
// own kernels on every transpose, with padded leading dimensions (a wrong
// row-major/stride mapping shows up there) and beta ≠ 0. Both results are
// checked against the exact product's round-off bound (see naive).
func TestOpenBLASMatchesPhysnn(t *testing.T) {
	if OpenBLAS == nil {
		t.Fatal("built with the openblas tag but the backend is not registered")
	}
	t.Logf("backend: %s", OpenBLAS.Name)
	rng := rand.New(rand.NewPCG(7, 8))
	for _, sh := range []shape{{1, 1, 1}, {3, 4, 0}, {13, 33, 65}, {1, 37, 19}, {37, 1, 19}, {97, 203, 129}, {256, 64, 300}} {
		for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
			t.Run(fmt.Sprintf("%dx%dx%d/tA=%v,tB=%v", sh.m, sh.n, sh.k, tr[0], tr[1]), func(t *testing.T) {
				const pad = 3
				ar, ac, br, bc := sh.m, sh.k, sh.k, sh.n
				if tr[0] {
					ar, ac = ac, ar
				}
				if tr[1] {
					br, bc = bc, br
				}
				lda, ldb, ldc := ac+pad, bc+pad, sh.n+pad
				a := make([]float64, ar*lda)
				b := make([]float64, br*ldb)
				c := make([]float64, sh.m*ldc)
				for _, s := range [][]float64{a, b, c} {
					for i := range s {
						s[i] = rng.Float64() - 0.5
					}
				}
				const alpha, beta = 1.5, -0.5
				want, mag := naive(tr[0], tr[1], sh.m, sh.n, sh.k, alpha, a, lda, b, ldb, beta, c, ldc)
				bound := func(i int, u float64) float64 { return float64(sh.k+2) * u * mag[i] }

				t.Run("float64", func(t *testing.T) {
					got := append([]float64(nil), c...)
					physnn := append([]float64(nil), c...)
					OpenBLAS.Dgemm(tr[0], tr[1], sh.m, sh.n, sh.k, alpha, a, lda, b, ldb, beta, got, ldc)
					Dgemm(tr[0], tr[1], sh.m, sh.n, sh.k, alpha, a, lda, b, ldb, beta, physnn, ldc)
					for i := range got {
						if d := math.Abs(got[i] - want[i]); d > bound(i, unitRound64) {
							t.Fatalf("OpenBLAS c[%d] = %v, exact %v (error %g > bound %g)", i, got[i], want[i], d, bound(i, unitRound64))
						}
						if d := math.Abs(got[i] - physnn[i]); d > 2*bound(i, unitRound64) {
							t.Fatalf("OpenBLAS c[%d] = %v, physnn %v", i, got[i], physnn[i])
						}
					}
				})
				t.Run("float32", func(t *testing.T) {
					a32, b32, c32 := toFloat32(a), toFloat32(b), toFloat32(c)
					// Rounding the inputs to float32 moves the exact
					// product; compare against the float64 product of the
					// rounded inputs.
					want32, mag32 := naive(tr[0], tr[1], sh.m, sh.n, sh.k, alpha, toFloat64(a32), lda, toFloat64(b32), ldb, beta, toFloat64(c32), ldc)
					got := append([]float32(nil), c32...)
					physnn := append([]float32(nil), c32...)
					OpenBLAS.Sgemm(tr[0], tr[1], sh.m, sh.n, sh.k, alpha, a32, lda, b32, ldb, beta, got, ldc)
					Sgemm(tr[0], tr[1], sh.m, sh.n, sh.k, alpha, a32, lda, b32, ldb, beta, physnn, ldc)
					for i := range got {
						bound32 := float64(sh.k+2) * unitRound32 * mag32[i]
						if d := math.Abs(float64(got[i]) - want32[i]); d > bound32 {
							t.Fatalf("OpenBLAS c[%d] = %v, exact %v (error %g > bound %g)", i, got[i], want32[i], d, bound32)
						}
						if d := math.Abs(float64(got[i] - physnn[i])); d > 2*bound32 {
							t.Fatalf("OpenBLAS c[%d] = %v, physnn %v", i, got[i], physnn[i])
						}
					}
				})
			})
		}
	}
}

// TestOpenBLASPanicsOnBadArgs checks that the binding validates its
// arguments before handing pointers to C, where an out-of-bounds read
// would not be caught.
func TestOpenBLASPanicsOnBadArgs(t *testing.T) {
	cases := []struct {
		name string
		call func()
	}{
		{"A too short", func() {
			OpenBLAS.Sgemm(false, false, 4, 4, 4, 1, make([]float32, 15), 4, make([]float32, 16), 4, 0, make([]float32, 16), 4)
		}},
		{"C too short", func() {
			OpenBLAS.Dgemm(false, false, 4, 4, 4, 1, make([]float64, 16), 4, make([]float64, 16), 4, 0, make([]float64, 15), 4)
		}},
		{"bad ldb", func() {
			OpenBLAS.Dgemm(false, true, 4, 5, 4, 1, make([]float64, 16), 4, make([]float64, 20), 3, 0, make([]float64, 20), 5)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			tc.call()
		})
	}
}

func toFloat32(s []float64) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = float32(v)
	}
	return out
}

func toFloat64(s []float32) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = float64(v)
	}
	return out
}
