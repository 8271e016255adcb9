package physnn_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/physnntest"
)

func TestDropoutEvalIsIdentity(t *testing.T) {
	x := randTensor(1, 3, 4)
	for name, y := range map[string]*physnn.Tensor{
		"eval":         physnn.Dropout(x, 0.5, physnn.NewRNG(1), false),
		"eval nil rng": physnn.Dropout(x, 0.5, nil, false),
		"p=0":          physnn.Dropout(x, 0, physnn.NewRNG(1), true),
	} {
		if y != x {
			t.Errorf("%s: Dropout did not return its input", name)
		}
	}
}

// TestDropoutMask checks the inverted-dropout contract on a large tensor:
// about a fraction p of zeros, the rest scaled by 1/(1-p), the same mask
// for the same seed, and a mean preserved in expectation.
func TestDropoutMask(t *testing.T) {
	const n = 20000
	for _, p := range []float32{0.25, 0.5, 0.9} {
		t.Run(strings.TrimRight(strings.TrimRight(physnn.Scalar(p).String()[len("Tensor[] "):], "0"), "."), func(t *testing.T) {
			x := physnn.Ones(n)
			y := physnn.Dropout(x, p, physnn.NewRNG(42), true)
			zeros := 0
			for _, v := range y.Data() {
				switch {
				case v == 0:
					zeros++
				case math.Abs(float64(v)-1/(1-float64(p))) > 1e-6:
					t.Fatalf("kept value %v, want 1/(1-p) = %v", v, 1/(1-p))
				}
			}
			// Binomial(n, p): 5 standard deviations sqrt(n·p·(1-p)) ≤ 354.
			if frac := float64(zeros) / n; math.Abs(frac-float64(p)) > 5*math.Sqrt(float64(p*(1-p))/n) {
				t.Errorf("dropped fraction %.4f, want %.2f", frac, p)
			}
			again := physnn.Dropout(x, p, physnn.NewRNG(42), true)
			if !slices.Equal(y.Data(), again.Data()) {
				t.Error("the same seed gave a different mask")
			}
		})
	}
	if got := physnn.Dropout(physnn.Ones(5), 1, physnn.NewRNG(1), true).Data(); !slices.Equal(got, make([]float32, 5)) {
		t.Errorf("p=1 gave %v, want zeros", got)
	}
}

func TestDropoutGradient(t *testing.T) {
	x := randTensor(7, 3, 2, 5)
	// A fresh RNG with a fixed seed per evaluation keeps the mask the same
	// across the finite-difference evaluations.
	f := func(in []*physnn.Tensor) *physnn.Tensor {
		return physnn.Dropout(in[0], 0.3, physnn.NewRNG(9), true)
	}
	physnntest.CheckGrad(t, "dropout", f, x)

	// The gradient is the mask: zero where dropped, 1/(1-p) where kept.
	xg := x.Clone().Detach().SetRequiresGrad(true)
	y := physnn.Dropout(xg, 0.3, physnn.NewRNG(9), true)
	if err := y.Sum().Backward(); err != nil {
		t.Fatal(err)
	}
	for i, v := range y.Data() {
		want := float32(0)
		if v != 0 {
			want = 1 / (1 - 0.3)
		}
		if g := xg.Grad().Data()[i]; math.Abs(float64(g-want)) > 1e-6 {
			t.Fatalf("grad[%d] = %v, want %v", i, g, want)
		}
	}
}

func TestDropoutErrors(t *testing.T) {
	cases := []struct {
		name string
		got  *physnn.Tensor
		want string
	}{
		{"p above 1", physnn.Dropout(physnn.Ones(3), 1.5, physnn.NewRNG(1), true), "physnn: dropout: p = 1.5 must be in [0, 1]"},
		{"p negative", physnn.Dropout(physnn.Ones(3), -0.1, physnn.NewRNG(1), false), "physnn: dropout: p = -0.1 must be in [0, 1]"},
		{"p NaN", physnn.Dropout(physnn.Ones(3), float32(math.NaN()), physnn.NewRNG(1), true), "physnn: dropout: p = NaN must be in [0, 1]"},
		{"nil rng", physnn.Dropout(physnn.Ones(3), 0.5, nil, true), "physnn: dropout: nil *RNG in training mode"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.got.Err(); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one starting %q", err, tc.want)
			}
		})
	}
}

func ExampleDropout() {
	rng := physnn.NewRNG(1)
	x := physnn.Ones(8)
	fmt.Println(physnn.Dropout(x, 0.5, rng, true))  // training: each dropped with probability 0.5, the kept ones doubled
	fmt.Println(physnn.Dropout(x, 0.5, rng, false)) // evaluation: unchanged
	// Output:
	// Tensor[8] [0 2 2 0 0 2 0 0]
	// Tensor[8] [1 1 1 1 1 1 1 1]
}
