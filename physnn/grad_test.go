package physnn_test

import (
	"fmt"
	"testing"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/physnntest"
)

// Gradient checks for every op: analytic gradients in float64 against
// central finite differences, and float32 against float64 (physnntest).

type op = func(in []*physnn.Tensor) *physnn.Tensor

// randn returns a float32 tensor of standard normal values from a fixed
// seed, so every run checks the same points.
func randn(seed uint64, shape ...int) *physnn.Tensor {
	return physnn.NewRNG(seed).Normal(0, 1, shape...)
}

// positive returns values in [0.5, 2), away from the poles of log, sqrt
// and negative powers.
func positive(seed uint64, shape ...int) *physnn.Tensor {
	return physnn.NewRNG(seed).Uniform(0.5, 2, shape...)
}

// awayFromZero returns normal values pushed at least 0.1 from 0, where
// ReLU, Abs and the L1 loss have kinks that finite differences straddle.
func awayFromZero(seed uint64, shape ...int) *physnn.Tensor {
	x := randn(seed, shape...)
	v := x.Values()
	for i := range v {
		if v[i] >= 0 {
			v[i] += 0.1
		} else {
			v[i] -= 0.1
		}
	}
	return x
}

func TestGradBinaryBroadcast(t *testing.T) {
	ops := map[string]op{
		"add": func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Add(in[1]) },
		"sub": func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Sub(in[1]) },
		"mul": func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Mul(in[1]) },
		"div": func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Div(in[1]) },
	}
	shapes := []struct{ a, b []int }{
		{[]int{2, 3}, []int{2, 3}},
		{[]int{2, 3}, []int{3}},
		{[]int{3}, []int{2, 3}},
		{[]int{2, 1}, []int{1, 3}},
		{[]int{4, 1, 3}, []int{2, 1}},
		{[]int{2, 3}, []int{}},
		{[]int{}, []int{}},
		{[]int{1, 1}, []int{2, 2, 2}},
	}
	for name, f := range ops {
		for _, s := range shapes {
			t.Run(fmt.Sprintf("%s/%v,%v", name, s.a, s.b), func(t *testing.T) {
				// Positive divisors keep div away from its pole.
				physnntest.CheckGrad(t, name, f, randn(1, s.a...), positive(2, s.b...))
			})
		}
	}
}

func TestGradStridedInputs(t *testing.T) {
	cases := []struct {
		name string
		f    op
	}{
		{"transposed add", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Transpose().Add(in[1]) }},
		{"sliced mul", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Slice(1, 1, 3).Mul(in[1].Slice(1, 0, 2)) }},
		{"transposed exp", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Transpose().Exp() }},
		{"reused input", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Mul(in[0]).Add(in[0].Transpose().Transpose()) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			physnntest.CheckGrad(t, tc.name, tc.f, randn(3, 3, 3), randn(4, 3, 3))
		})
	}
}

func TestGradUnary(t *testing.T) {
	cases := []struct {
		name string
		f    op
		x    func(shape ...int) *physnn.Tensor
	}{
		{"neg", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Neg() }, nil},
		{"add_scalar", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].AddScalar(1.5) }, nil},
		{"mul_scalar", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].MulScalar(-2.5) }, nil},
		{"exp", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Exp() }, nil},
		{"log", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Log() }, pos},
		{"sqrt", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Sqrt() }, pos},
		{"abs", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Abs() }, away},
		{"pow 3", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Pow(3) }, nil},
		{"pow -1.5", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Pow(-1.5) }, pos},
		{"relu", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].ReLU() }, away},
		{"leaky_relu", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].LeakyReLU(0.1) }, away},
		{"elu", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].ELU(1.3) }, away},
		{"sigmoid", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Sigmoid() }, nil},
		{"tanh", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Tanh() }, nil},
		{"softplus", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Softplus() }, nil},
		{"gelu", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].GELU() }, nil},
		{"clone", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Clone().Mul(in[0]) }, nil},
	}
	for _, tc := range cases {
		for _, shape := range [][]int{{}, {5}, {2, 3}, {2, 1, 3}} {
			t.Run(fmt.Sprintf("%s/%v", tc.name, shape), func(t *testing.T) {
				gen := tc.x
				if gen == nil {
					gen = func(shape ...int) *physnn.Tensor { return randn(5, shape...) }
				}
				physnntest.CheckGrad(t, tc.name, tc.f, gen(shape...))
			})
		}
	}
}

func pos(shape ...int) *physnn.Tensor  { return positive(6, shape...) }
func away(shape ...int) *physnn.Tensor { return awayFromZero(7, shape...) }

func TestGradReductions(t *testing.T) {
	kinds := map[string]func(x *physnn.Tensor, axes ...int) *physnn.Tensor{
		"sum":       (*physnn.Tensor).Sum,
		"sum_keep":  (*physnn.Tensor).SumKeep,
		"mean":      (*physnn.Tensor).Mean,
		"mean_keep": (*physnn.Tensor).MeanKeep,
		"max":       (*physnn.Tensor).Max,
		"max_keep":  (*physnn.Tensor).MaxKeep,
	}
	axesCases := [][]int{nil, {0}, {1}, {-1}, {0, 2}, {2, 0, 2}}
	for name, reduce := range kinds {
		for _, axes := range axesCases {
			t.Run(fmt.Sprintf("%s/%v", name, axes), func(t *testing.T) {
				physnntest.CheckGrad(t, name, func(in []*physnn.Tensor) *physnn.Tensor {
					return reduce(in[0], axes...)
				}, randn(8, 2, 3, 4)) // continuous random values: no ties in max
			})
		}
	}
	t.Run("max ties share the gradient", func(t *testing.T) {
		x := physnn.New([]float32{1, 3, 3, 2}, 4).SetRequiresGrad(true)
		if err := x.Max().Backward(); err != nil {
			t.Fatal(err)
		}
		physnntest.AllClose(t, x.Grad().Float64(), []float64{0, 0.5, 0.5, 0}, 0, 0)
	})
}

func TestGradShapeOps(t *testing.T) {
	cases := []struct {
		name string
		f    op
		in   []*physnn.Tensor
	}{
		{"reshape", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Reshape(3, -1) }, []*physnn.Tensor{randn(1, 2, 3, 2)}},
		{"reshape of transpose", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Transpose().Reshape(6) }, []*physnn.Tensor{randn(1, 2, 3)}},
		{"transpose 2-D", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Transpose() }, []*physnn.Tensor{randn(1, 2, 3)}},
		{"transpose 3-D", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Transpose(2, 0, 1) }, []*physnn.Tensor{randn(1, 2, 3, 4)}},
		{"slice", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Slice(1, 1, 3) }, []*physnn.Tensor{randn(1, 2, 4, 3)}},
		{"slice last axis", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Slice(-1, 0, 2) }, []*physnn.Tensor{randn(1, 2, 4, 3)}},
		{"gather with repeats", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Gather(0, []int{2, 0, 2, 1}) }, []*physnn.Tensor{randn(1, 3, 2)}},
		{"gather axis 1", func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Gather(1, []int{1, 1}) }, []*physnn.Tensor{randn(1, 3, 2)}},
		{"concat axis 0", func(in []*physnn.Tensor) *physnn.Tensor { return physnn.Concat(0, in...) }, []*physnn.Tensor{randn(1, 2, 3), randn(2, 1, 3), randn(3, 4, 3)}},
		{"concat axis 1", func(in []*physnn.Tensor) *physnn.Tensor { return physnn.Concat(1, in[0], in[1].Transpose()) }, []*physnn.Tensor{randn(1, 2, 3), randn(2, 5, 2)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			physnntest.CheckGrad(t, tc.name, tc.f, tc.in...)
		})
	}
}

func TestGradMatMul(t *testing.T) {
	cases := []struct {
		name string
		f    op
		a, b *physnn.Tensor
	}{
		{"2-D", mm, randn(1, 3, 4), randn(2, 4, 5)},
		{"row times matrix", mm, randn(1, 1, 4), randn(2, 4, 2)},
		{"column result", mm, randn(1, 3, 4), randn(2, 4, 1)},
		{"transposed operands", func(in []*physnn.Tensor) *physnn.Tensor {
			return in[0].Transpose().MatMul(in[1].Transpose())
		}, randn(1, 4, 3), randn(2, 5, 4)},
		{"sliced operand", func(in []*physnn.Tensor) *physnn.Tensor {
			return in[0].Slice(1, 1, 5).MatMul(in[1])
		}, randn(1, 3, 6), randn(2, 4, 2)},
		{"outer product", mm, randn(1, 3, 1), randn(2, 1, 4)},
		{"outer product with a strided row", func(in []*physnn.Tensor) *physnn.Tensor {
			return in[0].MatMul(in[1].Slice(1, 0, 1).Transpose())
		}, randn(1, 3, 1), randn(2, 4, 3)},
		{"transposed matrix times column", func(in []*physnn.Tensor) *physnn.Tensor {
			return in[0].Transpose().MatMul(in[1])
		}, randn(1, 4, 3), randn(2, 4, 1)},
		{"batch x matrix", mm, randn(1, 2, 3, 4), randn(2, 4, 5)},
		{"batch x batch", mm, randn(1, 2, 3, 4), randn(2, 2, 4, 5)},
		{"batch x transposed batch", func(in []*physnn.Tensor) *physnn.Tensor {
			return in[0].MatMul(in[1].Transpose())
		}, randn(1, 2, 3, 4), randn(2, 2, 5, 4)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			physnntest.CheckGrad(t, tc.name, tc.f, tc.a, tc.b)
		})
	}
}

func mm(in []*physnn.Tensor) *physnn.Tensor { return in[0].MatMul(in[1]) }

func TestGradSoftmax(t *testing.T) {
	for _, axis := range []int{0, 1, -1} {
		for _, name := range []string{"softmax", "log_softmax"} {
			t.Run(fmt.Sprintf("%s/axis=%d", name, axis), func(t *testing.T) {
				physnntest.CheckGrad(t, name, func(in []*physnn.Tensor) *physnn.Tensor {
					if name == "softmax" {
						return in[0].Softmax(axis)
					}
					return in[0].LogSoftmax(axis)
				}, randn(9, 3, 4).MulScalar(3))
			})
		}
	}
}

func TestGradLosses(t *testing.T) {
	labels := []int{2, 0, 1, 2}
	cases := []struct {
		name string
		f    op
		in   []*physnn.Tensor
	}{
		{"mse", func(in []*physnn.Tensor) *physnn.Tensor { return physnn.MSE(in[0], in[1]) }, []*physnn.Tensor{randn(1, 4, 2), randn(2, 4, 2)}},
		{"l1", func(in []*physnn.Tensor) *physnn.Tensor { return physnn.L1(in[0], in[1]) }, []*physnn.Tensor{awayFromZero(1, 4, 2), physnn.Zeros(4, 2)}},
		{"bce_with_logits", func(in []*physnn.Tensor) *physnn.Tensor { return physnn.BCEWithLogits(in[0], in[1]) },
			[]*physnn.Tensor{randn(1, 5, 2).MulScalar(4), physnn.NewRNG(3).Uniform(0, 1, 5, 2)}},
		{"cross_entropy", func(in []*physnn.Tensor) *physnn.Tensor { return physnn.CrossEntropy(in[0], labels) }, []*physnn.Tensor{randn(1, 4, 3).MulScalar(3)}},
		{"kl_diag_gaussian", func(in []*physnn.Tensor) *physnn.Tensor { return physnn.KLDiagGaussian(in[0], in[1], 0.7) }, []*physnn.Tensor{randn(1, 3, 2), randn(2, 3, 2)}},
		{"kl_diag_gaussian 1-D", func(in []*physnn.Tensor) *physnn.Tensor { return physnn.KLDiagGaussian(in[0], in[1], 1) }, []*physnn.Tensor{randn(1, 4), randn(2, 4)}},
		{"reparameterize", func(in []*physnn.Tensor) *physnn.Tensor {
			// A fresh RNG with a fixed seed draws the same ε at every
			// evaluation, as finite differences need.
			return physnn.Reparameterize(in[0], in[1], physnn.NewRNG(42))
		}, []*physnn.Tensor{randn(1, 3, 2), randn(2, 3, 2)}},
		{"user-defined huber", func(in []*physnn.Tensor) *physnn.Tensor {
			// Pseudo-Huber loss δ²(√(1+(r/δ)²) - 1), built from ops only.
			r := in[0].Sub(in[1]).MulScalar(1 / 0.5)
			return r.Mul(r).AddScalar(1).Sqrt().AddScalar(-1).MulScalar(0.25).Mean()
		}, []*physnn.Tensor{randn(1, 6), randn(2, 6)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			physnntest.CheckGrad(t, tc.name, tc.f, tc.in...)
		})
	}
}

func TestGradCustom(t *testing.T) {
	// cube is x³ written as a custom op with raw loops over the values.
	cube := func(vjpScale float64) op {
		return func(in []*physnn.Tensor) *physnn.Tensor {
			return physnn.Custom("cube", in, func(in []*physnn.Tensor) (*physnn.Tensor, error) {
				v := in[0].Float64()
				for i := range v {
					v[i] = v[i] * v[i] * v[i]
				}
				return physnn.New64(v, in[0].Shape()...), nil
			}, func(in []*physnn.Tensor, out, g *physnn.Tensor) ([]*physnn.Tensor, error) {
				return []*physnn.Tensor{in[0].Mul(in[0]).MulScalar(float32(3 * vjpScale)).Mul(g)}, nil
			})
		}
	}
	t.Run("correct vjp passes", func(t *testing.T) {
		physnntest.CheckGrad(t, "cube", cube(1), randn(1, 2, 3))
	})
	t.Run("wrong vjp is caught", func(t *testing.T) {
		rec := &recorder{TB: t}
		if physnntest.CheckGrad(rec, "cube", cube(1.1), randn(1, 2, 3)) || !rec.failed {
			t.Error("CheckGrad accepted a gradient 10% too large")
		}
	})
}

// recorder is a testing.TB that records failures instead of failing the
// test, to check that CheckGrad detects wrong gradients.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Helper()               {}

func TestGradDeepChain(t *testing.T) {
	// 100,000 recorded ops: the iterative topological sort must not
	// overflow the stack, and the gradient of x·1.00001^n is 1.00001^n.
	const n = 100000
	x := physnn.Scalar(1).SetRequiresGrad(true)
	y := x
	for i := 0; i < n; i++ {
		y = y.MulScalar(1.00001)
	}
	if err := y.Backward(); err != nil {
		t.Fatal(err)
	}
	want := 1.0
	for i := 0; i < n; i++ {
		want *= float64(float32(1.00001))
	}
	// float32 products over 1e5 steps drift by ~n·ε₃₂ ≈ 1e-2 relative.
	physnntest.AllClose(t, x.Grad().Float64(), []float64{want}, 0, 2e-2)
}
