package physnn_test

import (
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
// nn.Dense switching to it changes no training run.
func TestLinearMatchesMatMulAdd(t *testing.T) {
	for _, n := range []int{1, 7, 64} {
		x, w, b := randn(10, n, 33), randn(11, 33, 17), randn(12, 17)
		for _, p := range []*physnn.Tensor{x, w, b} {
			p.SetRequiresGrad(true)
		}
		run := func(f func() *physnn.Tensor) (y []float32, grads [][]float32) {
			for _, p := range []*physnn.Tensor{x, w, b} {
				p.ZeroGrad()
			}
			out := f()
			if err := out.Mul(out).Sum().Backward(); err != nil {
				t.Fatal(err)
			}
			for _, p := range []*physnn.Tensor{x, w, b} {
				grads = append(grads, slices.Clone(p.GradValues()))
			}
			return slices.Clone(out.Data()), grads
		}
		y1, g1 := run(func() *physnn.Tensor { return physnn.Linear(x, w, b) })
		y2, g2 := run(func() *physnn.Tensor { return x.MatMul(w).Add(b) })
		if !slices.Equal(y1, y2) {
			t.Errorf("n=%d: Linear values differ from MatMul+Add", n)
		}
		for i := range g1 {
			if !slices.Equal(g1[i], g2[i]) {
				t.Errorf("n=%d: gradient %d differs from MatMul+Add's", n, i)
			}
		}
	}
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
