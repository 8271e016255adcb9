package physnn_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/physnntest"
)

// bnEps is the usual batch-norm epsilon (PyTorch's and Keras' default
// order of magnitude); the gradient checks use 1e-3 so the normalisation
// stays smooth under finite-difference steps.
const bnEps = 1e-5

func TestBatchNormGradients(t *testing.T) {
	cases := []struct {
		name     string
		x        []int
		affine   bool
		training bool
	}{
		{"train_images_n3_c2_5x7", []int{3, 2, 5, 7}, true, true},
		{"train_features_n5_c4", []int{5, 4}, true, true},
		{"train_batch1_image", []int{1, 3, 2, 3}, true, true},
		{"train_no_affine", []int{2, 3, 3, 3}, false, true},
		{"eval_images_n2_c3_3x5", []int{2, 3, 3, 5}, true, false},
		{"eval_features_n1_c4", []int{1, 4}, true, false},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.x[1]
			// A mean and scale far from 0 and 1 so the normalisation matters.
			x := randTensor(uint64(i+300), tc.x...).MulScalar(2).AddScalar(3)
			inputs := []*physnn.Tensor{x}
			if tc.affine {
				inputs = append(inputs, randTensor(uint64(i+310), c).AddScalar(1.5), randTensor(uint64(i+320), c))
			}
			runMean := randTensor(uint64(i+330), c)
			runVar := randTensor(uint64(i+340), c).AddScalar(2)
			f := func(in []*physnn.Tensor) *physnn.Tensor {
				var gamma, beta *physnn.Tensor
				if len(in) == 3 {
					gamma, beta = in[1], in[2]
				}
				// Training mode gets no running buffers, so repeated
				// evaluations see identical state.
				if tc.training {
					return physnn.BatchNorm(in[0], gamma, beta, nil, nil, true, 0.1, 1e-3)
				}
				return physnn.BatchNorm(in[0], gamma, beta, runMean, runVar, false, 0.1, 1e-3)
			}
			physnntest.CheckGrad(t, "batchnorm", f, inputs...)
		})
	}
}

// TestBatchNormStatistics checks the train-mode output per channel (zero
// mean, unit variance before gamma and beta), the running-statistics
// update, and that eval mode uses the running statistics.
func TestBatchNormStatistics(t *testing.T) {
	const n, c, h, w = 4, 3, 5, 3
	x := randTensor(1, n, c, h, w).MulScalar(3).AddScalar(-2)
	gamma := physnn.New([]float32{2, 1, 0.5}, c)
	beta := physnn.New([]float32{1, 0, -1}, c)
	runMean := physnn.Zeros(c)
	runVar := physnn.Ones(c)
	y := physnn.BatchNorm(x, gamma, beta, runMean, runVar, true, 0.1, bnEps)
	if err := y.Err(); err != nil {
		t.Fatal(err)
	}
	xs, ys := x.Float64(), y.Float64()
	m := float64(n * h * w)
	for ch := 0; ch < c; ch++ {
		var mx, vx, my, vy float64
		each := func(f func(xv, yv float64)) {
			for i := 0; i < n; i++ {
				for j := 0; j < h*w; j++ {
					idx := (i*c+ch)*h*w + j
					f(xs[idx], ys[idx])
				}
			}
		}
		each(func(xv, yv float64) { mx += xv / m; my += yv / m })
		each(func(xv, yv float64) { vx += (xv - mx) * (xv - mx) / m; vy += (yv - my) * (yv - my) / m })
		g, b := float64(gamma.At(ch)), float64(beta.At(ch))
		// float32 outputs: 1e-5 relative; eps shrinks the variance by
		// the factor var/(var+eps), ~1e-5 here.
		if math.Abs(my-b) > 1e-5 || math.Abs(vy-g*g*vx/(vx+bnEps)) > 1e-4 {
			t.Errorf("channel %d: output mean %.6g var %.6g, want %.6g and %.6g", ch, my, vy, b, g*g*vx/(vx+bnEps))
		}
		wantMean := 0.1 * mx
		wantVar := 0.9 + 0.1*vx*m/(m-1) // unbiased variance into the running estimate
		if got := float64(runMean.At(ch)); math.Abs(got-wantMean) > 1e-5 {
			t.Errorf("channel %d: running mean %.6g, want %.6g", ch, got, wantMean)
		}
		if got := float64(runVar.At(ch)); math.Abs(got-wantVar) > 1e-5 {
			t.Errorf("channel %d: running variance %.6g, want %.6g", ch, got, wantVar)
		}
	}

	// Eval mode: y = gamma·(x - runMean)/sqrt(runVar + eps) + beta.
	before := append([]float32(nil), runMean.Data()...)
	ye := physnn.BatchNorm(x, gamma, beta, runMean, runVar, false, 0.1, bnEps).Float64()
	for idx, xv := range xs {
		ch := (idx / (h * w)) % c
		want := float64(gamma.At(ch))*(xv-float64(runMean.At(ch)))/math.Sqrt(float64(runVar.At(ch))+bnEps) + float64(beta.At(ch))
		if math.Abs(ye[idx]-want) > 1e-5*math.Max(1, math.Abs(want)) {
			t.Fatalf("eval output [%d] = %.6g, want %.6g", idx, ye[idx], want)
		}
	}
	for ch, v := range runMean.Data() {
		if v != before[ch] {
			t.Fatalf("eval mode changed the running mean of channel %d", ch)
		}
	}
}

func TestBatchNormErrors(t *testing.T) {
	x := physnn.Zeros(4, 3, 2, 2)
	cases := []struct {
		name  string
		got   *physnn.Tensor
		shape bool // a *ShapeError, not an argument error
		want  string
	}{
		{"3-D input", physnn.BatchNorm(physnn.Zeros(4, 3, 2), nil, nil, nil, nil, true, 0.1, bnEps), true,
			"batchnorm [4 3 2]: input must be [batch, features] or [batch, channels, height, width], got 3-D"},
		{"gamma size", physnn.BatchNorm(x, physnn.Ones(4), nil, nil, nil, true, 0.1, bnEps), true,
			"batchnorm [4 3 2 2] x [4]: gamma must be [3], one value per channel"},
		{"running var size", physnn.BatchNorm(x, nil, nil, physnn.Zeros(3), physnn.Ones(3, 1), true, 0.1, bnEps), true,
			"batchnorm [4 3 2 2] x [3 1]: running variance must be [3], one value per channel"},
		{"single value per channel", physnn.BatchNorm(physnn.Zeros(1, 3), nil, nil, nil, nil, true, 0.1, bnEps), true,
			"batchnorm [1 3]: training needs more than one value per channel"},
		{"eval without stats", physnn.BatchNorm(x, nil, nil, nil, nil, false, 0.1, bnEps), true,
			"batchnorm [4 3 2 2]: evaluation mode (training false) needs the running mean and variance"},
		{"view as running stat", physnn.BatchNorm(x, nil, nil, physnn.Zeros(6).Slice(0, 0, 3), physnn.Ones(3), true, 0.1, bnEps), true,
			"batchnorm [4 3 2 2] x [3]: running statistics must be contiguous tensors that own their storage"},
		{"momentum", physnn.BatchNorm(x, nil, nil, nil, nil, true, 1.5, bnEps), false,
			"physnn: batchnorm: momentum 1.5 must be in [0, 1]"},
		{"eps", physnn.BatchNorm(x, nil, nil, nil, nil, true, 0.1, -1), false,
			"physnn: batchnorm: eps -1 must not be negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.got.Err()
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one starting %q", err, tc.want)
			}
			var se *physnn.ShapeError
			if errors.As(err, &se) != tc.shape {
				t.Fatalf("err %v: is *ShapeError = %v, want %v", err, !tc.shape, tc.shape)
			}
		})
	}
}

// TestBatchNormMixedPrecisionRunningStats checks that float32 running
// buffers are updated from a float64 forward pass, and float64 buffers from
// a float32 one.
func TestBatchNormMixedPrecisionRunningStats(t *testing.T) {
	x := physnn.New64([]float64{1, 2, 3, 5}, 4, 1)
	runMean, runVar := physnn.Zeros(1), physnn.Ones(1)
	if err := physnn.BatchNorm(x, nil, nil, runMean, runVar, true, 1, 0).Err(); err != nil {
		t.Fatal(err)
	}
	// momentum 1 replaces the running statistics by the batch ones: mean
	// 11/4, unbiased variance (3.0625+0.5625+0.0625+5.0625)/3 = 35/12.
	if got, want := runMean.At(0), float32(11.0/4); got != want {
		t.Errorf("running mean %v, want %v", got, want)
	}
	if got, want := runVar.At(0), float32(35.0/12); math.Abs(float64(got-want)) > 1e-6 {
		t.Errorf("running variance %v, want %v", got, want)
	}

	// And float64 running buffers from a float32 forward pass.
	runMean64, runVar64 := physnn.New64([]float64{0}, 1), physnn.New64([]float64{1}, 1)
	if err := physnn.BatchNorm(physnn.New([]float32{1, 2, 3, 5}, 4, 1), nil, nil, runMean64, runVar64, true, 1, 0).Err(); err != nil {
		t.Fatal(err)
	}
	if got := runMean64.Float64()[0]; got != 11.0/4 {
		t.Errorf("float64 running mean %v, want %v", got, 11.0/4)
	}
	// The float32 computation rounds the variance to float32 (~1e-7).
	if got := runVar64.Float64()[0]; math.Abs(got-35.0/12) > 1e-6 {
		t.Errorf("float64 running variance %v, want %v", got, 35.0/12)
	}
}

func ExampleBatchNorm() {
	// Two features over a batch of four; no scale or shift.
	x := physnn.New([]float32{
		1, 10,
		2, 20,
		3, 30,
		4, 40,
	}, 4, 2)
	runMean, runVar := physnn.Zeros(2), physnn.Ones(2)
	y := physnn.BatchNorm(x, nil, nil, runMean, runVar, true, 0.1, 1e-5)
	fmt.Println(y)
	fmt.Println(runMean) // moved 10% of the way to the batch means 2.5 and 25
	// Output:
	// Tensor[4 2] [[-1.342 -1.342] [-0.4472 -0.4472] [0.4472 0.4472] [1.342 1.342]]
	// Tensor[2] [0.25 2.5]
}
