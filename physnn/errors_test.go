package physnn_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gophys/gophys/physnn"
)

func TestShapeErrorMessages(t *testing.T) {
	cases := []struct {
		name string
		got  *physnn.Tensor
		want string
	}{
		{"matmul inner sizes", physnn.Zeros(32, 50).MatMul(physnn.Zeros(64, 10)),
			"matmul [32 50] x [64 10]: inner sizes 50 and 64 differ; check the previous layer's output size"},
		{"matmul ranks", physnn.Zeros(3).MatMul(physnn.Zeros(3, 2)),
			"matmul [3] x [3 2]: want [M K] x [K N], [B M K] x [K N] or [B M K] x [B K N]; reshape vectors to matrices"},
		{"matmul batches", physnn.Zeros(2, 3, 4).MatMul(physnn.Zeros(3, 4, 5)),
			"matmul [2 3 4] x [3 4 5]: batch sizes 2 and 3 differ"},
		{"add broadcast", physnn.Zeros(2, 3).Add(physnn.Zeros(4)),
			"add [2 3] x [4]: shapes do not broadcast (trailing dimensions must be equal or 1)"},
		{"new size", physnn.New([]float32{1, 2, 3}, 2, 2), "new [2 2]: shape needs 4 values but data has 3"},
		{"reshape size", physnn.Zeros(2, 3).Reshape(4, 2), "reshape [2 3] x [4 2]: sizes differ: 6 elements cannot take shape [4 2]"},
		{"sum axis", physnn.Zeros(2, 3).Sum(2), "sum [2 3]: axis out of range for a tensor of 2 dimensions"},
		{"slice range", physnn.Zeros(2, 3).Slice(1, 2, 5), "slice [2 3]: range [2, 5) does not fit axis 1 of size 3"},
		{"gather index", physnn.Zeros(2, 3).Gather(0, []int{2}), "gather [2 3]: index 2 out of range for axis 0 of size 2"},
		{"concat dims", physnn.Concat(0, physnn.Zeros(2, 3), physnn.Zeros(2, 4)), "concat [2 3] x [2 4]: dimension 1 differs (only axis 0 may)"},
		{"transpose axes", physnn.Zeros(2, 3).Transpose(0, 0), "transpose [2 3]: axes [0 0] are not a permutation of 0..1"},
		{"mse shapes", physnn.MSE(physnn.Zeros(4, 1), physnn.Zeros(4)),
			"mse [4 1] x [4]: prediction and target shapes differ; reshape the target (e.g. [N] to [N 1]) rather than rely on broadcasting"},
		{"cross-entropy label", physnn.CrossEntropy(physnn.Zeros(2, 3), []int{0, 3}), "cross_entropy [2 3]: label 3 at row 1 is outside [0, 3)"},
		{"cross-entropy batch", physnn.CrossEntropy(physnn.Zeros(2, 3), []int{0}), "cross_entropy [2 3] x [1]: 1 labels for a batch of 2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.got.Err()
			var se *physnn.ShapeError
			if !errors.As(err, &se) {
				t.Fatalf("Err() = %v, want a *ShapeError", err)
			}
			if err.Error() != tc.want {
				t.Errorf("message\n got %q\nwant %q", err.Error(), tc.want)
			}
		})
	}
}

func TestStickyError(t *testing.T) {
	bad := physnn.Zeros(2, 3).MatMul(physnn.Zeros(2, 3))
	w := physnn.Ones(3).SetRequiresGrad(true)
	chained := bad.Add(w).ReLU().Sum().MulScalar(2)
	if !errors.Is(chained.Err(), bad.Err()) {
		t.Fatalf("chained error %v, want the first error %v", chained.Err(), bad.Err())
	}
	if err := chained.Backward(); err != bad.Err() {
		t.Errorf("Backward() = %v, want %v", err, bad.Err())
	}
	if !strings.Contains(chained.String(), "inner sizes") {
		t.Errorf("String() = %q, want the error", chained.String())
	}
	if v := chained.Item(); !math.IsNaN(float64(v)) {
		t.Errorf("Item() of an error tensor = %v, want NaN", v)
	}
	if chained.Shape() != nil || chained.Len() != 0 || chained.Data() != nil || chained.Dense() != nil {
		t.Error("accessors of an error tensor should be empty")
	}
}

func TestNaNPropagates(t *testing.T) {
	nan := float32(math.NaN())
	x := physnn.New([]float32{1, nan, 3}, 3).SetRequiresGrad(true)
	// nanGrad says whether the op's derivative depends on the input's value,
	// so a NaN input must give a NaN gradient (ReLU's mask and a linear
	// map's constant derivative legitimately do not).
	cases := []struct {
		name    string
		loss    *physnn.Tensor
		nanGrad bool
	}{
		{"exp", x.Exp().Sum(), true},
		{"relu", x.ReLU().Sum(), false},
		{"max", x.Max(), true},
		{"softmax", x.Softmax(0).Max(), true},
		{"sigmoid", x.Sigmoid().Mean(), true},
		{"matmul", x.Reshape(1, 3).MatMul(physnn.Ones(3, 1)).Sum(), false},
		{"mse", physnn.MSE(x, physnn.Zeros(3)), true},
		{"bce", physnn.BCEWithLogits(x, physnn.Zeros(3)), true},
		{"abs sign", x.Abs().Sum(), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if v := tc.loss.Item(); !math.IsNaN(float64(v)) {
				t.Errorf("loss = %v, want NaN", v)
			}
			x.ZeroGrad()
			if err := tc.loss.Backward(); err != nil {
				t.Fatal(err)
			}
			if g := x.Grad().Float64(); tc.nanGrad && !math.IsNaN(g[1]) {
				t.Errorf("gradient at the NaN input = %v, want NaN", g[1])
			}
		})
	}
}

func TestBackwardErrors(t *testing.T) {
	w := physnn.Ones(2, 2).SetRequiresGrad(true)
	cases := []struct {
		name string
		loss *physnn.Tensor
		want string
	}{
		{"not scalar", w.Mul(w), "backward [2 2]: the loss must hold a single value; reduce it with Sum or Mean first"},
		{"no grad", physnn.Ones(2).Sum(), "physnn: backward: the loss depends on no tensor that requires grad; call SetRequiresGrad(true) on the parameters"},
		{"nil", nil, "physnn: nil or zero Tensor; create tensors with physnn.New, Zeros, Ones, Full or Scalar"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.loss.Backward()
			if err == nil || err.Error() != tc.want {
				t.Errorf("Backward() = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestCustomErrors(t *testing.T) {
	x := physnn.Ones(3).SetRequiresGrad(true)
	id := func(in []*physnn.Tensor) (*physnn.Tensor, error) { return in[0], nil }
	cases := []struct {
		name    string
		forward func([]*physnn.Tensor) (*physnn.Tensor, error)
		vjp     func(in []*physnn.Tensor, out, g *physnn.Tensor) ([]*physnn.Tensor, error)
		fwdErr  string
		bwdErr  string
	}{
		{"forward error", func([]*physnn.Tensor) (*physnn.Tensor, error) { return nil, errors.New("boom") }, nil,
			"physnn: custom op op: boom", ""},
		{"forward panic", func(in []*physnn.Tensor) (*physnn.Tensor, error) { return in[5], nil }, nil,
			"physnn: custom op op: forward panicked: runtime error: index out of range [5] with length 1", ""},
		{"forward nil", func([]*physnn.Tensor) (*physnn.Tensor, error) { return nil, nil }, nil,
			"physnn: custom op op: forward returned a nil tensor", ""},
		{"vjp panic", id, func(in []*physnn.Tensor, out, g *physnn.Tensor) ([]*physnn.Tensor, error) { panic("vjp bug") },
			"", "physnn: backward: physnn: custom op op: vjp panicked: vjp bug"},
		{"vjp wrong count", id, func(in []*physnn.Tensor, out, g *physnn.Tensor) ([]*physnn.Tensor, error) { return nil, nil },
			"", "physnn: backward: physnn: custom op op: vjp returned 0 gradients for 1 inputs"},
		{"vjp wrong shape", id, func(in []*physnn.Tensor, out, g *physnn.Tensor) ([]*physnn.Tensor, error) {
			return []*physnn.Tensor{physnn.Ones(4)}, nil
		}, "", "physnn: backward of op, input 0: gradient shape [4] differs from input shape [3]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			y := physnn.Custom("op", []*physnn.Tensor{x}, tc.forward, tc.vjp)
			if tc.fwdErr != "" {
				if y.Err() == nil || y.Err().Error() != tc.fwdErr {
					t.Errorf("Err() = %v, want %q", y.Err(), tc.fwdErr)
				}
				return
			}
			err := y.Sum().Backward()
			if err == nil || err.Error() != tc.bwdErr {
				t.Errorf("Backward() = %v, want %q", err, tc.bwdErr)
			}
		})
	}
}

// TestNoPanics calls every op with random, often invalid, shapes and
// arguments, and nil and zero tensors: each must return (possibly a tensor
// holding an error), never panic.
func TestNoPanics(t *testing.T) {
	rng := physnn.NewRNG(99)
	randShape := func() []int {
		s := make([]int, rng.IntN(4))
		for i := range s {
			s[i] = rng.IntN(4) // includes empty dimensions
		}
		return s
	}
	randInt := func() int { return rng.IntN(9) - 4 }
	tensor := func() *physnn.Tensor {
		switch rng.IntN(12) {
		case 0:
			return nil
		case 1:
			return &physnn.Tensor{}
		case 2:
			return physnn.Zeros(2, 3).MatMul(physnn.Zeros(4, 5)) // holds an error
		}
		x := rng.Normal(0, 1, randShape()...)
		if rng.IntN(2) == 0 {
			x.SetRequiresGrad(true)
		}
		if rng.IntN(3) == 0 {
			x = x.Transpose()
		}
		return x
	}
	ops := map[string]func(a, b *physnn.Tensor) *physnn.Tensor{
		"add":       (*physnn.Tensor).Add,
		"sub":       (*physnn.Tensor).Sub,
		"mul":       (*physnn.Tensor).Mul,
		"div":       (*physnn.Tensor).Div,
		"matmul":    (*physnn.Tensor).MatMul,
		"sum":       func(a, _ *physnn.Tensor) *physnn.Tensor { return a.Sum(randInt()) },
		"mean":      func(a, _ *physnn.Tensor) *physnn.Tensor { return a.MeanKeep(randInt(), randInt()) },
		"max":       func(a, _ *physnn.Tensor) *physnn.Tensor { return a.Max(randInt()) },
		"reshape":   func(a, _ *physnn.Tensor) *physnn.Tensor { return a.Reshape(randShape()...) },
		"reshape-1": func(a, _ *physnn.Tensor) *physnn.Tensor { return a.Reshape(-1, randInt()) },
		"transpose": func(a, _ *physnn.Tensor) *physnn.Tensor { return a.Transpose(randInt(), randInt()) },
		"slice":     func(a, _ *physnn.Tensor) *physnn.Tensor { return a.Slice(randInt(), randInt(), randInt()) },
		"gather":    func(a, _ *physnn.Tensor) *physnn.Tensor { return a.Gather(randInt(), []int{randInt()}) },
		"concat":    func(a, b *physnn.Tensor) *physnn.Tensor { return physnn.Concat(randInt(), a, b) },
		"softmax":   func(a, _ *physnn.Tensor) *physnn.Tensor { return a.Softmax(randInt()) },
		"logsoft":   func(a, _ *physnn.Tensor) *physnn.Tensor { return a.LogSoftmax(randInt()) },
		"unary":     func(a, _ *physnn.Tensor) *physnn.Tensor { return a.Exp().Log().Sqrt().Abs().Pow(2).GELU().ELU(1) },
		"mse":       physnn.MSE,
		"l1":        physnn.L1,
		"bce":       physnn.BCEWithLogits,
		"ce":        func(a, _ *physnn.Tensor) *physnn.Tensor { return physnn.CrossEntropy(a, []int{randInt(), randInt()}) },
		"kl":        func(a, b *physnn.Tensor) *physnn.Tensor { return physnn.KLDiagGaussian(a, b, float32(randInt())) },
		"reparam":   func(a, b *physnn.Tensor) *physnn.Tensor { return physnn.Reparameterize(a, b, nil) },
		"clone":     func(a, _ *physnn.Tensor) *physnn.Tensor { return a.Clone().Detach() },
		"new": func(_, _ *physnn.Tensor) *physnn.Tensor {
			return physnn.New(make([]float32, rng.IntN(5)), randShape()...)
		},
		"full": func(_, _ *physnn.Tensor) *physnn.Tensor { return physnn.Full(1, randInt(), randInt()) },
		"rng":  func(_, _ *physnn.Tensor) *physnn.Tensor { return rng.Uniform(1, float32(randInt()), randInt()) },
	}
	for name, f := range ops {
		t.Run(name, func(t *testing.T) {
			for i := 0; i < 200; i++ {
				a, b := tensor(), tensor()
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Fatalf("panic on %v, %v: %v", a, b, r)
						}
					}()
					y := f(a, b)
					_ = y.Err()
					_ = y.String()
					_, _, _ = y.Item(), y.At(0, 0), y.Dense()
					if y.Err() == nil && y.Len() > 0 {
						_ = y.Sum().Backward()
					}
				}()
			}
		})
	}
}

func ExampleShapeError() {
	x := physnn.Zeros(32, 50)
	w := physnn.Zeros(64, 10)
	y := x.MatMul(w).ReLU() // the error travels down the chain
	fmt.Println(y.Err())
	// Output: matmul [32 50] x [64 10]: inner sizes 50 and 64 differ; check the previous layer's output size
}
