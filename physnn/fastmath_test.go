package physnn

import (
	"math"
	"testing"
)

// TestFastMath32 compares the float32 fast paths with float64 math on a
// dense sweep including the branch boundaries. The bound, 4 float32 ulps
// relative (4·2⁻²³ ≈ 4.8e-7), covers Cephes' ~1 ulp plus rounding of the
// argument reduction; near tanh's zero the bound is absolute.
func TestFastMath32(t *testing.T) {
	const ulps = 4.0 / (1 << 23)
	cases := []struct {
		name string
		f32  func(float32) float32
		f64  func(float64) float64
		lo   float32
		hi   float32
	}{
		{"exp", exp32, math.Exp, -100, 88},
		{"sigmoid", sigmoid32, sigmoid, -100, 100},
		{"tanh", tanh32, math.Tanh, -20, 20},
		{"expm1", expm1f32, math.Expm1, -100, 88},
		{"expm1 near 0", expm1f32, math.Expm1, -1e-3, 1e-3},
		{"elu", func(x float32) float32 { return elu32(x, 1.5) }, func(x float64) float64 {
			if x > 0 {
				return x
			}
			return 1.5 * math.Expm1(x)
		}, -100, 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			const n = 200001
			worst := 0.0
			for i := 0; i < n; i++ {
				x := tc.lo + (tc.hi-tc.lo)*float32(i)/(n-1)
				got, want := float64(tc.f32(x)), tc.f64(float64(x))
				err := math.Abs(got - want)
				if want != 0 {
					err /= math.Max(math.Abs(want), 1e-30)
				}
				if math.Abs(want) < 1e-37 { // float32 denormals: absolute
					err = math.Abs(got - want)
				}
				worst = math.Max(worst, err)
				if err > ulps {
					t.Fatalf("%s(%v) = %v, want %v (relative error %.3g)", tc.name, x, got, want, err)
				}
			}
			t.Logf("worst relative error %.3g", worst)
		})
	}
	for _, f := range []func(float32) float32{exp32, sigmoid32, tanh32, expm1f32, func(x float32) float32 { return elu32(x, 1) }} {
		if v := f(float32(math.NaN())); v == v {
			t.Errorf("NaN input gave %v", v)
		}
	}
	if exp32(float32(math.Inf(1))) != float32(math.Inf(1)) || exp32(float32(math.Inf(-1))) != 0 {
		t.Error("exp32 of ±Inf")
	}
}

// TestVectorKernels checks the batch sigmoid, ELU and ELU gradient (the
// AVX2 kernels where the CPU has them) against the scalar code on inputs
// that exercise their edges: lengths that are not multiples of 8, and
// blocks holding values beyond ±87, infinities and NaNs that the scalar
// code must take over.
func TestVectorKernels(t *testing.T) {
	t.Logf("vector kernels: %v, AVX-512 ELU: %v", haveSigmoidVec, haveAVX512)
	sweep := make([]float32, 200003)
	for i := range sweep {
		sweep[i] = -100 + 200*float32(i)/float32(len(sweep)-1)
	}
	special := NewRNG(7).Normal(0, 3, 1001).Data()
	special[17], special[18] = 87, -87
	special[40], special[100] = float32(math.NaN()), float32(math.Inf(1))
	special[101], special[500] = float32(math.Inf(-1)), -1e30
	special[999] = float32(math.NaN())
	special[600], special[601] = float32(math.Copysign(0, -1)), 0
	grad := NewRNG(8).Normal(0, 1, len(sweep)).Data()
	const alpha = 0.7
	kernels := []struct {
		name   string
		batch  func(dst, x []float32)
		scalar func(i int, x float32) float32
	}{
		{"sigmoid", sigmoid32s, func(_ int, x float32) float32 { return sigmoid32(x) }},
		{"elu", func(dst, x []float32) { elu32s(dst, x, alpha) }, func(_ int, x float32) float32 { return elu32(x, alpha) }},
		{"elu gradient", func(dst, x []float32) { mulELUDeriv32(dst, grad[:len(x)], x, alpha) },
			func(i int, x float32) float32 { return grad[i] * eluDeriv32(x, alpha) }},
	}
	cases := []struct {
		name string
		x    []float32
	}{
		{"sweep", sweep},
		{"special values", special},
		{"7 values", special[:7]},
		{"9 values", special[3:12]},
		{"23 values", special[1:24]},
		{"47 values, -87 in the second half of a block of 16", special[10:57]},
		{"empty", nil},
	}
	for _, k := range kernels {
		for _, tc := range cases {
			t.Run(k.name+"/"+tc.name, func(t *testing.T) {
				got := make([]float32, len(tc.x))
				k.batch(got, tc.x)
				exact := 0
				for i, v := range tc.x {
					want := k.scalar(i, v)
					switch {
					case want != want:
						if got[i] == got[i] {
							t.Fatalf("%s(%v) = %v, want NaN", k.name, v, got[i])
						}
						exact++
					case got[i] == want && math.Signbit(float64(got[i])) == math.Signbit(float64(want)):
						exact++
					case math.Abs(float64(got[i]-want)) > 1.0/(1<<23)*math.Abs(float64(want)):
						// One ulp: the compiler may fuse the scalar code's
						// multiply-adds on CPUs that have FMA; the kernels never do.
						t.Fatalf("%s(%v) = %v, scalar %v", k.name, v, got[i], want)
					}
				}
				t.Logf("%d of %d bitwise equal to the scalar code", exact, len(tc.x))
			})
		}
	}
}

// BenchmarkFastMath32 times the float32 kernels over a hidden layer's worth
// of activations (5M values, as in the universal-approximation notebook),
// with signs mixed as in a real layer.
func BenchmarkFastMath32(b *testing.B) {
	x := NewRNG(1).Normal(0, 2, 5_000_000).Data()
	dst := make([]float32, len(x))
	for _, op := range []struct {
		name string
		op   unop
	}{{"exp", uExp}, {"sigmoid", uSigmoid}, {"tanh", uTanh}, {"elu", uELU}} {
		b.Run(op.name, func(b *testing.B) {
			b.SetBytes(int64(4 * len(x)))
			for b.Loop() {
				fastUnary32(op.op, 1, dst, x)
			}
		})
	}
}
