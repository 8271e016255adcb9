package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/gophys/gophys/physnn/internal/racedet"
	"gonum.org/v1/gonum/blas/gonum"
)

// Unit round-offs. A dot product of length k computed in any order (with or
// without FMA) is within (k+2)·u·Σ|alpha·a·b| + |beta·c|·u of the exact value
// (the standard γ_k bound plus the final scaling), so the tests check every
// element against that bound rather than a hand-picked tolerance.
const (
	unitRound32 = 0x1p-24
	unitRound64 = 0x1p-53
)

// naive computes alpha·op(A)·op(B) + beta·C by the definition in float64,
// and the magnitude Σ|alpha·a·b| + |beta·c| of each element for the error
// bound.
func naive(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) (want, mag []float64) {
	want = append([]float64(nil), c...)
	mag = make([]float64, len(c))
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, sAbs float64
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
				sAbs += math.Abs(av * bv)
			}
			if beta == 0 {
				want[i*ldc+j] = alpha * s
				mag[i*ldc+j] = math.Abs(alpha) * sAbs
			} else {
				want[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
				mag[i*ldc+j] = math.Abs(alpha)*sAbs + math.Abs(beta*c[i*ldc+j])
			}
		}
	}
	return want, mag
}

// withKernels runs f once per kernel this CPU can execute (the assembly
// ones and the portable fallback), each with its production cache blocks
// and with tiny blocks that force every kc/mc/nc boundary and edge path.
func withKernels(t *testing.T, f func(t *testing.T)) {
	saved32, saved64 := kernel32, kernel64
	t.Cleanup(func() { kernel32, kernel64 = saved32, saved64 })
	k64s := availableKernels64()
	for i, k32 := range availableKernels32() {
		k64 := k64s[min(i, len(k64s)-1)] // float32 may have more kernels
		for _, tiny := range []bool{false, true} {
			kernel32, kernel64 = k32, k64
			name := k32.name + "+" + k64.name
			if tiny {
				name += "/tiny-blocks"
				kernel32.kc, kernel32.mc, kernel32.nc = 7, 2*k32.mr, 2*k32.nr
				kernel64.kc, kernel64.mc, kernel64.nc = 7, 2*k64.mr, 2*k64.nr
			}
			t.Run(name, f)
		}
	}
}

type shape struct{ m, n, k int }

var shapes = []shape{
	{1, 1, 1}, {3, 4, 5}, {7, 1, 9}, {2, 3, 0}, {0, 3, 2}, {3, 0, 2}, // tiny and empty
	{1, 37, 19}, {37, 1, 19}, {1, 1, 300}, // 1×n, n×1, dot product
	{5, 7, 1}, {40, 50, 1}, // k = 1
	{12, 32, 64}, {24, 64, 33}, // whole AVX-512 float32 tiles
	{13, 33, 65}, {11, 31, 63}, {25, 17, 30}, // one more and one less than a tile
	{100, 3, 50}, {3, 100, 50}, {200, 9, 21}, // skinny
	{130, 150, 300}, // crosses kc and mc, runs in parallel
	{61, 400, 160},  // short and wide: column tasks in parallel, swapped (Cᵀ = Bᵀ·Aᵀ) for B transposed
	{400, 61, 160},  // tall and narrow: row tasks in parallel
}

func TestGemm(t *testing.T) {
	withKernels(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		for _, sh := range shapes {
			for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
				for _, ab := range [][2]float64{{1, 0}, {-0.5, 1}, {2, -1.5}, {0, 0.5}} {
					for _, pad := range []int{0, 3} {
						name := fmt.Sprintf("%dx%dx%d/tA=%v,tB=%v/alpha=%v,beta=%v/pad=%d",
							sh.m, sh.n, sh.k, tr[0], tr[1], ab[0], ab[1], pad)
						t.Run(name, func(t *testing.T) {
							checkCase(t, rng, sh, tr[0], tr[1], ab[0], ab[1], pad)
						})
					}
				}
			}
		}
	})
}

// checkCase runs Sgemm and Dgemm on one random problem whose leading
// dimensions exceed the minimum by pad, checks every element of C against
// the float64 definition within the rounding bound, and checks that the
// padding columns of C are untouched.
func checkCase(t *testing.T, rng *rand.Rand, sh shape, transA, transB bool, alpha, beta float64, pad int) {
	ar, ac := sh.m, sh.k
	if transA {
		ar, ac = ac, ar
	}
	br, bc := sh.k, sh.n
	if transB {
		br, bc = bc, br
	}
	lda, ldb, ldc := max(ac, 1)+pad, max(bc, 1)+pad, max(sh.n, 1)+pad
	// float32-representable values, so both precisions multiply the same
	// numbers and one float64 reference serves both.
	random := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = float64(float32(rng.NormFloat64()))
		}
		return s
	}
	a, b, c := random(ar*lda), random(br*ldb), random(sh.m*ldc)
	want, mag := naive(transA, transB, sh.m, sh.n, sh.k, alpha, a, lda, b, ldb, beta, c, ldc)

	c64 := append([]float64(nil), c...)
	Dgemm(transA, transB, sh.m, sh.n, sh.k, alpha, a, lda, b, ldb, beta, c64, ldc)
	c32 := to32(c)
	Sgemm(transA, transB, sh.m, sh.n, sh.k, float32(alpha), to32(a), lda, to32(b), ldb, float32(beta), c32, ldc)

	bound := func(i int, u float64) float64 { return float64(sh.k+2) * u * mag[i] }
	for i := range want {
		if i%ldc >= sh.n { // padding: must keep its old value exactly
			if c64[i] != c[i] || float64(c32[i]) != c[i] {
				t.Fatalf("padding c[%d] changed: Dgemm %v, Sgemm %v, was %v", i, c64[i], c32[i], c[i])
			}
			continue
		}
		if d := math.Abs(c64[i] - want[i]); d > bound(i, unitRound64) {
			t.Fatalf("Dgemm c[%d] = %v, want %v (error %g > bound %g)", i, c64[i], want[i], d, bound(i, unitRound64))
		}
		if d := math.Abs(float64(c32[i]) - want[i]); d > bound(i, unitRound32) {
			t.Fatalf("Sgemm c[%d] = %v, want %v (error %g > bound %g)", i, c32[i], want[i], d, bound(i, unitRound32))
		}
	}
}

// TestGemmMatchesGonum compares Dgemm with gonum's reference BLAS on
// problems large enough to use blocking and both goroutines.
func TestGemmMatchesGonum(t *testing.T) {
	withKernels(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for _, sh := range []shape{{97, 203, 129}, {256, 64, 300}} {
			for _, tr := range [][2]bool{{false, false}, {true, true}} {
				t.Run(fmt.Sprintf("%dx%dx%d/tA=%v,tB=%v", sh.m, sh.n, sh.k, tr[0], tr[1]), func(t *testing.T) {
					a := make([]float64, sh.m*sh.k)
					b := make([]float64, sh.k*sh.n)
					c := make([]float64, sh.m*sh.n)
					for _, s := range [][]float64{a, b, c} {
						for i := range s {
							s[i] = rng.Float64() - 0.5
						}
					}
					lda, ldb := sh.k, sh.n
					if tr[0] {
						lda = sh.m
					}
					if tr[1] {
						ldb = sh.k
					}
					ref := append([]float64(nil), c...)
					gonum.Implementation{}.Dgemm(transpose(tr[0]), transpose(tr[1]), sh.m, sh.n, sh.k, 1.5, a, lda, b, ldb, 0.5, ref, sh.n)
					Dgemm(tr[0], tr[1], sh.m, sh.n, sh.k, 1.5, a, lda, b, ldb, 0.5, c, sh.n)
					for i := range c {
						// Both sum ≤ 300 products of magnitude ≤ 0.25 in
						// different orders: 1e-12 is far above their float64
						// round-off and far below any indexing error.
						if math.Abs(c[i]-ref[i]) > 1e-12 {
							t.Fatalf("c[%d] = %v, gonum %v", i, c[i], ref[i])
						}
					}
				})
			}
		}
	})
}

// TestGemmParallelMatchesSerial checks that splitting a product over
// goroutines does not change any result bit: each element is summed in the
// same order whoever computes it.
func TestGemmParallelMatchesSerial(t *testing.T) {
	withKernels(t, func(t *testing.T) {
		for _, sh := range []shape{{400, 61, 160}, {61, 400, 160}, {200, 200, 300}} {
			t.Run(fmt.Sprintf("%dx%dx%d", sh.m, sh.n, sh.k), func(t *testing.T) {
				a, b := normalOperands(rand.New(rand.NewPCG(5, 6)), sh)
				for _, transB := range []bool{false, true} {
					ldb := sh.n
					if transB {
						ldb = sh.k
					}
					run := func(procs int) []float32 {
						defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
						c := make([]float32, sh.m*sh.n)
						Sgemm(false, transB, sh.m, sh.n, sh.k, 1, a, sh.k, b, ldb, 0, c, sh.n)
						return c
					}
					serial, parallel := run(1), run(4)
					for i := range serial {
						if serial[i] != parallel[i] {
							t.Fatalf("transB %v: c[%d]: serial %v, parallel %v", transB, i, serial[i], parallel[i])
						}
					}
				}
			})
		}
	})
}

// normalOperands returns A (m×k) and B (k×n) of sh, stored row-major,
// filled with standard normal values from rng.
func normalOperands(rng *rand.Rand, sh shape) (a, b []float32) {
	a, b = make([]float32, sh.m*sh.k), make([]float32, sh.k*sh.n)
	for _, s := range [][]float32{a, b} {
		for i := range s {
			s[i] = float32(rng.NormFloat64())
		}
	}
	return a, b
}

// TestGemmPrivatePacking runs parallel products whose tasks find half of
// the B chunks claimed by nobody who packs them (testSkipOddChunks), so
// each task packs those into its own buffer, as when the goroutine packing
// them lost its core: the results must match the serial product bit for
// bit.
func TestGemmPrivatePacking(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	withKernels(t, func(t *testing.T) {
		// Wide enough for several chunks, short (B read in place) and
		// tall, with partial tiles and panels.
		for _, sh := range []shape{{200, 300, 300}, {61, 400, 160}, {130, 1100, 70}} {
			t.Run(fmt.Sprintf("%dx%dx%d", sh.m, sh.n, sh.k), func(t *testing.T) {
				a, b := normalOperands(rand.New(rand.NewPCG(9, 10)), sh)
				want := make([]float32, sh.m*sh.n)
				SgemmSerial(false, false, sh.m, sh.n, sh.k, 1, a, sh.k, b, sh.n, 0, want, sh.n)
				testSkipOddChunks = true
				defer func() { testSkipOddChunks = false }()
				got := make([]float32, sh.m*sh.n)
				Sgemm(false, false, sh.m, sh.n, sh.k, 1, a, sh.k, b, sh.n, 0, got, sh.n)
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("c[%d]: %v, serial %v", i, got[i], want[i])
					}
				}
			})
		}
	})
}

// TestGemmBetaZeroClearsNaN checks the BLAS rule that beta == 0 overwrites
// C, so NaN or Inf in the output buffer never leaks into the result.
func TestGemmBetaZeroClearsNaN(t *testing.T) {
	withKernels(t, func(t *testing.T) {
		for _, sh := range []shape{{3, 3, 3}, {40, 70, 30}, {5, 5, 0}} {
			t.Run(fmt.Sprintf("%dx%dx%d", sh.m, sh.n, sh.k), func(t *testing.T) {
				a := make([]float32, max(sh.m*sh.k, 1))
				b := make([]float32, max(sh.k*sh.n, 1))
				c := make([]float32, sh.m*sh.n)
				for i := range c {
					c[i] = float32(math.NaN())
				}
				Sgemm(false, false, sh.m, sh.n, sh.k, 1, a, max(sh.k, 1), b, sh.n, 0, c, sh.n)
				for i, v := range c {
					if v != 0 {
						t.Fatalf("c[%d] = %v, want 0", i, v)
					}
				}
			})
		}
	})
}

// TestGemmNoSteadyStateAllocation checks that the pooled packing buffers
// make a repeated serial product allocation-free.
func TestGemmNoSteadyStateAllocation(t *testing.T) {
	if racedet.Enabled {
		t.Skip("the race detector drops pooled buffers on purpose")
	}
	const n = 40 // serial: below the parallel threshold
	a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
	allocs := testing.AllocsPerRun(20, func() {
		Sgemm(false, true, n, n, n, 1, a, n, b, n, 0, c, n)
	})
	if allocs > 0 {
		t.Errorf("Sgemm allocates %v times per call, want 0", allocs)
	}
}

func TestCheckArgsPanics(t *testing.T) {
	s := make([]float32, 16)
	cases := []struct {
		name string
		call func()
	}{
		{"negative m", func() { Sgemm(false, false, -1, 2, 2, 1, s, 2, s, 2, 0, s, 2) }},
		{"lda too small", func() { Sgemm(false, false, 2, 2, 3, 1, s, 2, s, 2, 0, s, 2) }},
		{"ldc too small", func() { Sgemm(false, false, 2, 3, 2, 1, s, 2, s, 3, 0, s, 2) }},
		{"A too short", func() { Sgemm(true, false, 5, 2, 4, 1, s, 5, s, 2, 0, s, 2) }},
		{"C too short", func() { Sgemm(false, false, 4, 4, 4, 1, s, 4, s, 4, 0, s[:15], 4) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic")
				}
			}()
			tc.call()
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

// TestGemmParallelNoSteadyStateAllocation checks that parallel products
// recycle their team and buffers.
func TestGemmParallelNoSteadyStateAllocation(t *testing.T) {
	if racedet.Enabled {
		t.Skip("the race detector drops pooled buffers on purpose")
	}
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	const n = 200 // above the parallel threshold
	a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
	allocs := testing.AllocsPerRun(20, func() {
		Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
	})
	if allocs > 0 {
		t.Errorf("parallel Sgemm allocates %v times per call, want 0", allocs)
	}
}
