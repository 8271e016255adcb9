package physnn_test

import (
	"fmt"
	"runtime"
	"slices"
	"testing"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/physnntest"
)

func TestGradLinear(t *testing.T) {
	physnntest.CheckGrad(t, "linear", func(in []*physnn.Tensor) *physnn.Tensor {
		return physnn.Linear(in[0], in[1], in[2])
	}, randn(1, 5, 3), randn(2, 3, 4), randn(3, 4))
	physnntest.CheckGrad(t, "linear without bias", func(in []*physnn.Tensor) *physnn.Tensor {
		return physnn.Linear(in[0], in[1], nil)
	}, randn(4, 5, 3), randn(5, 3, 4))
	physnntest.CheckGrad(t, "linear of a transposed input", func(in []*physnn.Tensor) *physnn.Tensor {
		return physnn.Linear(in[0].Transpose(), in[1], in[2])
	}, randn(6, 3, 5), randn(7, 3, 4), randn(8, 4))
}

// TestLinearMatchesMatMulAdd checks that Linear computes exactly what
// MatMul followed by Add computes, values and gradients bit for bit, so
// nn.Dense switching to it changes no training run. The larger sizes run
// the backward pass's two products side by side (on two cores, also on a
// machine with one).
func TestLinearMatchesMatMulAdd(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	for _, sz := range [][3]int{{1, 33, 17}, {7, 33, 17}, {64, 33, 17}, {128, 70, 90}, {512, 100, 500}} {
		n, in, out := sz[0], sz[1], sz[2]
		x, w, b := randn(10, n, in), randn(11, in, out), randn(12, out)
		for _, p := range []*physnn.Tensor{x, w, b} {
			p.SetRequiresGrad(true)
		}
		params := []*physnn.Tensor{x, w, b}
		y1, g1 := outputAndGrads(t, params, nil, func() *physnn.Tensor { return physnn.Linear(x, w, b) })
		y2, g2 := outputAndGrads(t, params, nil, func() *physnn.Tensor { return x.MatMul(w).Add(b) })
		if !slices.Equal(y1, y2) {
			t.Errorf("%v: Linear values differ from MatMul+Add", sz)
		}
		for i := range g1 {
			if !slices.Equal(g1[i], g2[i]) {
				t.Errorf("%v: gradient %d differs from MatMul+Add's", sz, i)
			}
		}
	}
}

// outputAndGrads returns f's output and the gradients of params for the
// loss Σ out·gy (gradient gy, of either sign, in out's dtype), or Σ out²
// for a nil gy, all as float64 (exact for float32 values).
func outputAndGrads(t *testing.T, params []*physnn.Tensor, gy *physnn.Tensor, f func() *physnn.Tensor) (y []float64, grads [][]float64) {
	t.Helper()
	for _, p := range params {
		p.ZeroGrad()
	}
	out := f()
	weight := out
	switch {
	case gy != nil && out.Is64():
		weight = physnn.New64(gy.Float64(), gy.Shape()...)
	case gy != nil:
		weight = physnn.FromFloat64(gy.Float64(), gy.Shape()...) // float32, as out
	}
	loss := out.Mul(weight).Sum()
	if err := loss.Backward(); err != nil {
		t.Fatal(err)
	}
	for _, p := range params {
		grads = append(grads, p.Grad().Float64())
	}
	return out.Float64(), grads
}

func TestLinearErrors(t *testing.T) {
	x, w := randn(1, 4, 3), randn(2, 3, 5)
	for name, y := range map[string]*physnn.Tensor{
		"inner sizes": physnn.Linear(x, randn(3, 4, 5), nil),
		"bias size":   physnn.Linear(x, w, randn(4, 4)),
		"bias rank":   physnn.Linear(x, w, randn(5, 1, 5)),
		"rank of x":   physnn.Linear(randn(6, 2, 4, 3), w, nil),
		"nil x":       physnn.Linear(nil, w, nil),
	} {
		if y.Err() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestGradLinearELU(t *testing.T) {
	for _, alpha := range []float32{1, 0.5} {
		physnntest.CheckGrad(t, "linear_elu", func(in []*physnn.Tensor) *physnn.Tensor {
			return physnn.LinearELU(in[0], in[1], in[2], alpha)
		}, randn(1, 5, 3), randn(2, 3, 4), randn(3, 4))
		physnntest.CheckGrad(t, "linear_elu without bias", func(in []*physnn.Tensor) *physnn.Tensor {
			return physnn.LinearELU(in[0], in[1], nil, alpha)
		}, randn(4, 5, 3), randn(5, 3, 4))
		physnntest.CheckGrad(t, "linear_elu of a transposed input, reused", func(in []*physnn.Tensor) *physnn.Tensor {
			y := physnn.LinearELU(in[0].Transpose(), in[1], in[2], alpha)
			return y.Mul(y.Transpose().Transpose())
		}, randn(6, 3, 5), randn(7, 3, 4), randn(8, 4))
	}
}

// TestLinearELUMatchesLinearThenELU checks that LinearELU computes exactly
// what Linear followed by ELU computes, values and gradients bit for bit,
// in float32 and float64, on sizes around the vector blocks, the column
// groups split over cores, a batch beyond the fused backward's row limit,
// and for alpha 0 and a negative alpha.
func TestLinearELUMatchesLinearThenELU(t *testing.T) {
	type size struct{ n, in, out int }
	sizes := []size{{1, 3, 1}, {7, 5, 17}, {3, 9, 33}, {37, 50, 100}, {512, 50, 500}, {2100, 4, 3}}
	for _, f64 := range []bool{false, true} {
		for _, s := range sizes {
			for _, alpha := range []float32{1, 0.7, 0, -0.5} {
				for _, bias := range []bool{true, false} {
					x, w, b := randn(10, s.n, s.in), randn(11, s.in, s.out), randn(12, s.out)
					if f64 {
						x, w, b = physnn.New64(x.Float64(), x.Shape()...), physnn.New64(w.Float64(), w.Shape()...), physnn.New64(b.Float64(), b.Shape()...)
					}
					params := []*physnn.Tensor{x, w, b}
					if !bias {
						b, params = nil, params[:2]
					}
					for _, p := range params {
						p.SetRequiresGrad(true)
					}
					gy := randn(13, s.n, s.out)
					y1, g1 := outputAndGrads(t, params, gy, func() *physnn.Tensor { return physnn.LinearELU(x, w, b, alpha) })
					y2, g2 := outputAndGrads(t, params, gy, func() *physnn.Tensor { return physnn.Linear(x, w, b).ELU(alpha) })
					name := fmt.Sprintf("float64 %v, %v, alpha %v, bias %v", f64, s, alpha, bias)
					if !slices.Equal(y1, y2) {
						t.Errorf("%s: values differ from Linear then ELU", name)
					}
					for i := range g1 {
						if !slices.Equal(g1[i], g2[i]) {
							t.Errorf("%s: gradient %d differs from Linear then ELU's", name, i)
						}
					}
				}
			}
		}
	}
}

func TestLinearELUErrors(t *testing.T) {
	x, w := randn(1, 4, 3), randn(2, 3, 5)
	for name, y := range map[string]*physnn.Tensor{
		"inner sizes": physnn.LinearELU(x, randn(3, 4, 5), nil, 1),
		"bias size":   physnn.LinearELU(x, w, randn(4, 4), 1),
		"rank of x":   physnn.LinearELU(randn(6, 2, 4, 3), w, nil, 1),
		"nil w":       physnn.LinearELU(x, nil, nil, 1),
	} {
		if y.Err() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
