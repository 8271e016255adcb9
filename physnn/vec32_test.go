package physnn

import (
	"math"
	"slices"
	"testing"
)

// TestVec32 checks the float32 loops (AVX2 where the CPU has it) against
// their scalar definitions, bitwise, for lengths around the 8-value blocks
// and with NaN, ±Inf and signed zeros among the inputs.
func TestVec32(t *testing.T) {
	t.Logf("AVX2: %v", haveAVX2)
	x := NewRNG(1).Normal(0, 2, 1003).Data()
	y := NewRNG(2).Uniform(0, 1, 1003).Data()
	x[5], x[9], x[10], x[11] = float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Copysign(0, -1))
	cases := []struct {
		name string
		vec  func(dst, x, y []float32)
		want func(x, y float32) float32
	}{
		{"addTo", addTo32, func(a, b float32) float32 { return a + b }},
		{"mulTo", mulTo32, func(a, b float32) float32 { return a * b }},
		{"addInPlace", func(dst, a, b []float32) { copy(dst, a); addInPlace32(dst, b) }, func(a, b float32) float32 { return a + b }},
		{"scaleTo", func(dst, a, b []float32) { scaleTo32(dst, a, b[0]) }, nil},
		{"mulSigmoidDeriv", mulSigmoidDeriv32, func(g, s float32) float32 { return g * (s * (1 - s)) }},
		{"axpy", func(dst, a, b []float32) { copy(dst, b); axpy32(dst, a, 0.75) }, func(a, b float32) float32 { return b + 0.75*a }},
		// ELU outputs y = x (x of both signs, NaN, ±Inf, -0), gradients g = y of the table.
		{"mulELUDerivY", func(dst, a, b []float32) { mulELUDerivY32(dst, b, a, 0.7) }, func(a, b float32) float32 {
			d := a + 0.7
			if a > 0 {
				d = 1
			}
			return b * d
		}},
	}
	for _, tc := range cases {
		for _, n := range []int{0, 1, 7, 8, 9, 16, 100, 1003} {
			t.Run(tc.name+"/"+itoa(n), func(t *testing.T) {
				got := make([]float32, n)
				tc.vec(got, x, y)
				for i := range n {
					var want float32
					if tc.want == nil {
						want = y[0] * x[i] // scaleTo
					} else {
						want = tc.want(x[i], y[i])
					}
					if math.Float32bits(got[i]) != math.Float32bits(want) && !(want != want && got[i] != got[i]) {
						t.Fatalf("element %d: %v, want %v", i, got[i], want)
					}
				}
			})
		}
	}
	t.Run("addTo in place", func(t *testing.T) {
		dst := slices.Clone(x)
		addTo32(dst, dst, y)
		for i := range dst {
			if want := x[i] + y[i]; math.Float32bits(dst[i]) != math.Float32bits(want) && want == want {
				t.Fatalf("element %d: %v, want %v", i, dst[i], want)
			}
		}
	})
}

// TestReLUVector checks the AVX2 ReLU and its gradient against the scalar
// loops, bit for bit, on signs, zeros of both signs, infinities and NaN.
func TestReLUVector(t *testing.T) {
	x := NewRNG(9).Normal(0, 1, 1003).Data()
	g := NewRNG(10).Normal(0, 1, 1003).Data()
	x[1], x[2], x[3], x[4] = float32(math.NaN()), float32(math.Copysign(0, -1)), 0, float32(math.Inf(-1))
	g[5], g[6] = float32(math.Inf(1)), float32(math.NaN())
	got, grad := make([]float32, len(x)), make([]float32, len(x))
	relu32(got, x)
	mulStep32(grad, g, x)
	for i, v := range x {
		want := v * 0
		if v > 0 {
			want = v
		}
		var s float32
		if v > 0 {
			s = 1
		}
		wantG := g[i] * s
		if math.Float32bits(got[i]) != math.Float32bits(want) && !(got[i] != got[i] && want != want) {
			t.Fatalf("relu(%v) = %v, want %v", v, got[i], want)
		}
		if math.Float32bits(grad[i]) != math.Float32bits(wantG) && !(grad[i] != grad[i] && wantG != wantG) {
			t.Fatalf("relu gradient at x = %v, g = %v: %v, want %v", v, g[i], grad[i], wantG)
		}
	}
}

// TestELUBackRows checks the fused ELU gradient and column sums (AVX2
// where the CPU has it) against the scalar loops, bit for bit: rows and
// column counts around the 8-value blocks, a row stride wider than the
// columns (a column chunk of a wider matrix), and NaN, ±Inf and signed
// zeros among the outputs and gradients.
func TestELUBackRows(t *testing.T) {
	const alpha = 0.7
	for _, rows := range []int{1, 2, 5} {
		for _, cols := range []int{1, 7, 8, 9, 17, 33} {
			n := cols + 3
			size := rows * n
			y := NewRNG(uint64(rows*100+cols)).Normal(0, 1, size).Data()
			g := NewRNG(uint64(rows*100+cols+1)).Normal(0, 1, size).Data()
			y[0], y[size-1] = float32(math.Copysign(0, -1)), float32(math.NaN())
			if size > 10 {
				y[3], g[4], g[5] = float32(math.Inf(-1)), float32(math.Inf(1)), float32(math.Copysign(0, -1))
			}
			gp, gb := make([]float32, size), make([]float32, cols)
			eluBackRows32(gp, gb, g, y, rows, n, alpha)
			wantGB := make([]float32, cols)
			for r := range rows {
				for j := range cols {
					i := r*n + j
					want := g[i] * eluDerivY(y[i], alpha)
					if r == 0 {
						wantGB[j] = want
					} else {
						wantGB[j] += want
					}
					if math.Float32bits(gp[i]) != math.Float32bits(want) && !(want != want && gp[i] != gp[i]) {
						t.Fatalf("rows %d, cols %d: gp[%d, %d] = %v, want %v", rows, cols, r, j, gp[i], want)
					}
				}
				for j := cols; j < n && r*n+j < size; j++ {
					if gp[r*n+j] != 0 {
						t.Fatalf("rows %d, cols %d: wrote outside the columns at [%d, %d]", rows, cols, r, j)
					}
				}
			}
			for j, want := range wantGB {
				if math.Float32bits(gb[j]) != math.Float32bits(want) && !(want != want && gb[j] != gb[j]) {
					t.Fatalf("rows %d, cols %d: gb[%d] = %v, want %v", rows, cols, j, gb[j], want)
				}
			}
		}
	}
}
