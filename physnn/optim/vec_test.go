package optim

import (
	"math"
	"testing"

	"github.com/gophys/gophys/physnn"
)

// scalarAdam is Adam.update's scalar loop on its own, the reference for
// the AVX2 kernel.
func scalarAdam(p, g, m, v []float32, k adamConsts) {
	for i := range p {
		gi := g[i] + k.coupled*p[i]
		m[i] = k.b1*m[i] + k.oneMinusB1*gi
		v[i] = k.b2*v[i] + k.oneMinusB2*gi*gi
		denom := float32(math.Sqrt(float64(v[i])))/k.c2 + k.eps
		p[i] -= k.stepSize * m[i] / denom
	}
}

// TestVectorKernels checks the AVX2 Adam and clipping loops against the
// scalar code: bitwise, up to one ulp where the compiler fuses the scalar
// code's multiply-adds (it may on CPUs with FMA; the kernels never do).
func TestVectorKernels(t *testing.T) {
	t.Logf("AVX2: %v", haveAVX2)
	const n = 1003
	rng := physnn.NewRNG(5)
	p0, g0 := rng.Normal(0, 1, n).Data(), rng.Normal(0, 3, n).Data()
	m0, v0 := rng.Normal(0, 0.1, n).Data(), rng.Uniform(0, 0.5, n).Data()
	g0[3], g0[10], g0[500] = float32(math.NaN()), float32(math.Inf(1)), float32(math.Copysign(0, -1))
	k := adamConsts{1e-2, 0.9, 1 - 0.9, 0.999, 1 - 0.999, 0.3, 1e-8, 1e-3}
	var want, got [4][]float32
	for i, s := range [][]float32{p0, g0, m0, v0} {
		want[i], got[i] = append([]float32(nil), s...), append([]float32(nil), s...)
	}
	scalarAdam(want[0], want[1], want[2], want[3], k)
	// The kernel on the first n &^ 7 elements, the scalar loop on the rest,
	// as Adam.update splits them.
	cut := n &^ 7
	if haveAVX2 {
		adamAVX2(got[0][:cut], got[1][:cut], got[2][:cut], got[3][:cut], &k)
	} else {
		scalarAdam(got[0][:cut], got[1][:cut], got[2][:cut], got[3][:cut], k)
	}
	scalarAdam(got[0][cut:], got[1][cut:], got[2][cut:], got[3][cut:], k)
	for s, name := range []string{"p", "g", "m", "v"} {
		for i := range want[s] {
			w, g := want[s][i], got[s][i]
			if w == g || (w != w && g != g) {
				continue
			}
			if math.Abs(float64(w-g)) > math.Abs(float64(w))/(1<<23) {
				t.Fatalf("adam %s[%d] = %v, scalar %v", name, i, g, w)
			}
		}
	}

	clip := append([]float32(nil), g0...)
	if haveAVX2 {
		clipAVX2(clip[:cut], 2)
	}
	for i, v := range g0[:cut] {
		want := v
		if v > 2 {
			want = 2
		} else if v < -2 {
			want = -2
		}
		if got := clip[i]; !(got == want && math.Signbit(float64(got)) == math.Signbit(float64(want))) && !(got != got && want != want) {
			t.Fatalf("clip(%v) = %v, want %v", v, got, want)
		}
	}
}
