package nn_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/nn"
	"github.com/gophys/gophys/physnn/physnntest"
)

func TestDenseForward(t *testing.T) {
	d := nn.NewDense(3, 2, physnn.NewRNG(1))
	copy(d.Weight.Values(), []float32{1, 2, 3, 4, 5, 6}) // [[1 2] [3 4] [5 6]]
	copy(d.Bias.Values(), []float32{0.5, -1})
	x := physnn.New([]float32{1, 0, -1, 2, 1, 0}, 2, 3)
	y := d.Forward(x)
	if err := y.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(y.Shape(), []int{2, 2}) {
		t.Fatalf("shape %v, want [2 2]", y.Shape())
	}
	// Row 1: [1 0 -1]·W = [1-5, 2-6] = [-4 -4]; row 2: [2 1 0]·W = [5 8].
	physnntest.AllClose(t, y.Float64(), []float64{-3.5, -5, 5.5, 7}, 0, 1e-6)
}

func TestDenseGradient(t *testing.T) {
	rng := physnn.NewRNG(2)
	x := rng.Normal(0, 1, 4, 3)
	d := nn.NewDense(3, 5, rng)
	physnntest.CheckGrad(t, "dense", func(in []*physnn.Tensor) *physnn.Tensor {
		layer := &nn.Dense{Weight: in[1], Bias: in[2]}
		return layer.Forward(in[0]).Tanh().Sum()
	}, x, d.Weight, d.Bias)
}

func TestSequentialNames(t *testing.T) {
	rng := physnn.NewRNG(3)
	model := nn.NewSequential(nn.NewDense(4, 8, rng), nn.NewBatchNorm(8), nn.ReLU(), nn.NewDense(8, 2, rng))
	var names []string
	for _, p := range model.NamedParameters() {
		names = append(names, p.Name)
	}
	wantParams := []string{"0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"}
	if !slices.Equal(names, wantParams) {
		t.Errorf("parameter names %v, want %v", names, wantParams)
	}
	names = names[:0]
	for _, b := range nn.Buffers(model) {
		names = append(names, b.Name)
	}
	if want := []string{"1.running_mean", "1.running_var"}; !slices.Equal(names, want) {
		t.Errorf("buffer names %v, want %v", names, want)
	}
	if got := len(nn.StateTensors(model)); got != 8 {
		t.Errorf("%d state tensors, want 8", got)
	}
	for _, p := range model.Parameters() {
		if !p.RequiresGrad() {
			t.Errorf("parameter of shape %v does not require grad", p.Shape())
		}
	}
	want := "Sequential(Dense(4→8), BatchNorm(8), ReLU, Dense(8→2))"
	if got := nn.Describe(model); got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	y := model.Forward(rng.Normal(0, 1, 16, 4))
	if err := y.Err(); err != nil || !slices.Equal(y.Shape(), []int{16, 2}) {
		t.Errorf("forward: shape %v, err %v", y.Shape(), err)
	}
}

func TestLayerErrors(t *testing.T) {
	rng := physnn.NewRNG(4)
	panicky := &nn.Lambda{Name: "boom", Fn: func(*physnn.Tensor) *physnn.Tensor { panic("kaboom") }}
	cases := []struct {
		name  string
		layer nn.Layer
		x     *physnn.Tensor
		want  string
	}{
		{"dense zero size", nn.NewDense(0, 3, rng), physnn.Zeros(2, 1), "sizes must be positive"},
		{"dense nil rng", nn.NewDense(2, 3, nil), physnn.Zeros(2, 2), "needs an RNG"},
		{"dense wrong input", nn.NewDense(2, 3, rng), physnn.Zeros(2, 5), "matmul"},
		{"panicking layer in sequential", nn.NewSequential(nn.ReLU(), panicky), physnn.Zeros(1, 1), "layer boom panicked: kaboom"},
		{"panicking custom type in sequential", nn.NewSequential(nn.ReLU(), panicLayer{}), physnn.Zeros(1, 1), "layer 1 (nn_test.panicLayer) panicked: custom"},
		{"nil layer", nn.NewSequential(nil), physnn.Zeros(1), "layer 0 is nil"},
		{"conv channels", nn.NewConv2D(3, 4, 3, physnn.ConvOptions{}, rng), physnn.Zeros(1, 2, 5, 5), "channels"},
		{"batchnorm features", nn.NewBatchNorm(0), physnn.Zeros(2, 3), "positive number of features"},
		{"flatten scalar", nn.Flatten(), physnn.Scalar(1), "batch dimension"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.layer.Forward(tc.x).Err()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// panicLayer is a custom layer type with a bug, as a notebook user might
// write.
type panicLayer struct{}

func (panicLayer) Forward(*physnn.Tensor) *physnn.Tensor { panic("custom") }
func (panicLayer) NamedParameters() []nn.NamedTensor     { return nil }
func (panicLayer) SetTraining(bool)                      {}

func TestConvAndFlattenShapes(t *testing.T) {
	rng := physnn.NewRNG(5)
	cases := []struct {
		name  string
		layer nn.Layer
		in    []int
		want  []int
	}{
		{"conv same stride 1", nn.NewConv2D(2, 4, 3, physnn.ConvOptions{Padding: 1}, rng), []int{2, 2, 9, 9}, []int{2, 4, 9, 9}},
		{"conv stride 2", nn.NewConv2D(2, 3, 3, physnn.ConvOptions{Stride: 2}, rng), []int{1, 2, 9, 9}, []int{1, 3, 4, 4}},
		{"conv transpose upsample", nn.NewConvTranspose2D(3, 2, 4, physnn.ConvOptions{Stride: 2, Padding: 1}, rng), []int{1, 3, 5, 5}, []int{1, 2, 10, 10}},
		{"max pool", nn.MaxPool2D(2, 2), []int{1, 1, 6, 6}, []int{1, 1, 3, 3}},
		{"flatten", nn.Flatten(), []int{3, 2, 4, 5}, []int{3, 40}},
		{"cnn", nn.NewSequential(nn.NewConv2D(1, 2, 3, physnn.ConvOptions{}, rng), nn.ReLU(), nn.AvgPool2D(2, 2), nn.Flatten(), nn.NewDense(8, 1, rng)),
			[]int{5, 1, 6, 6}, []int{5, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			y := tc.layer.Forward(rng.Normal(0, 1, tc.in...))
			if err := y.Err(); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(y.Shape(), tc.want) {
				t.Errorf("shape %v, want %v", y.Shape(), tc.want)
			}
		})
	}
}

func TestTrainingMode(t *testing.T) {
	rng := physnn.NewRNG(6)
	bn := nn.NewBatchNorm(2)
	drop := nn.NewDropout(0.5, rng)
	model := nn.NewSequential(bn, drop)
	x := physnn.New([]float32{1, 10, 3, 20, 5, 30}, 3, 2)

	model.Forward(x)
	// Running mean moves 10% towards the batch mean [3 20].
	physnntest.AllClose(t, bn.RunningMean.Float64(), []float64{0.3, 2}, 1e-6, 1e-6)

	model.SetTraining(false)
	y := model.Forward(x)
	physnntest.AllClose(t, bn.RunningMean.Float64(), []float64{0.3, 2}, 1e-6, 1e-6)
	// Evaluation: (x − running mean)/√(running var + eps), dropout off.
	want := make([]float64, 6)
	var v1, v2 float64
	for i, xv := range x.Float64() {
		if i%2 == 0 {
			v1 = bn.RunningVar.Float64()[0]
			want[i] = (xv - 0.3) / math.Sqrt(v1+1e-5)
		} else {
			v2 = bn.RunningVar.Float64()[1]
			want[i] = (xv - 2) / math.Sqrt(v2+1e-5)
		}
	}
	physnntest.AllClose(t, y.Float64(), want, 1e-5, 1e-5)
}

func TestInitStatistics(t *testing.T) {
	const in, out = 200, 300
	cases := []struct {
		name    string
		init    nn.Init
		wantVar float64
	}{
		{"glorot uniform", nn.GlorotUniform, 2.0 / (in + out)},
		{"glorot normal", nn.GlorotNormal, 2.0 / (in + out)},
		{"he normal", nn.HeNormal, 2.0 / in},
		{"he uniform", nn.HeUniform, 2.0 / in},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := physnn.Zeros(in, out)
			if err := tc.init(w, physnn.NewRNG(7)); err != nil {
				t.Fatal(err)
			}
			var sum, sumSq float64
			for _, v := range w.Values() {
				sum += float64(v)
				sumSq += float64(v) * float64(v)
			}
			n := float64(in * out)
			mean, variance := sum/n, sumSq/n-(sum/n)*(sum/n)
			// 60,000 draws: the sample variance's relative standard error
			// is ≤ √(2/n) ≈ 0.6%; 3% is five of them.
			if math.Abs(variance-tc.wantVar) > 0.03*tc.wantVar || math.Abs(mean) > 5*math.Sqrt(tc.wantVar/n) {
				t.Errorf("mean %.3g variance %.4g, want 0 and %.4g", mean, variance, tc.wantVar)
			}
			again := physnn.Zeros(in, out)
			tc.init(again, physnn.NewRNG(7))
			if !slices.Equal(w.Values(), again.Values()) {
				t.Error("same seed gave different weights")
			}
		})
	}
	if err := nn.HeNormal(physnn.Zeros(2, 2), nil); err == nil {
		t.Error("init without an RNG: nil error")
	}
	if in, out := nn.Fans([]int{64, 2, 8, 8}); in != 128 || out != 4096 {
		t.Errorf("conv fans = %d, %d, want 128, 4096", in, out)
	}
}

func TestLambdaParametersVisible(t *testing.T) {
	w := physnn.Full(2, 1).SetRequiresGrad(true)
	scale := &nn.Lambda{Name: "scale", Fn: func(x *physnn.Tensor) *physnn.Tensor { return x.Mul(w) },
		Params: []nn.NamedTensor{{Name: "w", Tensor: w}}}
	model := nn.NewSequential(nn.Tanh(), scale)
	ps := model.NamedParameters()
	if len(ps) != 1 || ps[0].Name != "1.w" || ps[0].Tensor != w {
		t.Fatalf("named parameters %v, want [1.w]", ps)
	}
	if err := model.Forward(physnn.Ones(3, 1)).Sum().Backward(); err != nil {
		t.Fatal(err)
	}
	// d/dw Σ w·tanh(1) over 3 rows = 3·tanh(1).
	physnntest.AllClose(t, []float64{float64(w.GradValues()[0])}, []float64{3 * math.Tanh(1)}, 1e-6, 1e-6)
}

func TestDescribeConv(t *testing.T) {
	rng := physnn.NewRNG(1)
	cases := []struct {
		opts physnn.ConvOptions
		want string
	}{
		{physnn.ConvOptions{}, "Conv2D(2→3, 5×5)"},
		{physnn.ConvOptions{Stride: 2, Padding: 1}, "Conv2D(2→3, 5×5, stride 2, pad 1)"},
		{physnn.ConvOptions{Stride: 2, StrideW: 1}, "Conv2D(2→3, 5×5, stride 2×1)"},
		{physnn.ConvOptions{Same: true, Padding: 4}, "Conv2D(2→3, 5×5, same)"},
	}
	for _, tc := range cases {
		if got := nn.Describe(nn.NewConv2D(2, 3, 5, tc.opts, rng)); got != tc.want {
			t.Errorf("Describe(%+v) = %q, want %q", tc.opts, got, tc.want)
		}
	}
}

// TestSequentialDenseELU checks that a Sequential of Dense and ELU layers
// (which runs each pair as one physnn.LinearELU op) gives the layers'
// own results bit for bit, and that an ELU layer whose Fn was replaced runs
// the new function.
func TestSequentialDenseELU(t *testing.T) {
	rng := physnn.NewRNG(4)
	d1, d2 := nn.NewDense(6, 40, rng), nn.NewDense(40, 3, rng)
	act := nn.ELU(0.8)
	seq := nn.NewSequential(d1, act, d2, nn.ELU(1))
	x := rng.Normal(0, 1, 9, 6)
	run := func(f func() *physnn.Tensor) (y []float32, grads [][]float32) {
		for _, p := range seq.Parameters() {
			p.ZeroGrad()
		}
		out := f()
		if err := out.Mul(out).Sum().Backward(); err != nil {
			t.Fatal(err)
		}
		for _, p := range seq.Parameters() {
			grads = append(grads, slices.Clone(p.GradValues()))
		}
		return slices.Clone(out.Data()), grads
	}
	y1, g1 := run(func() *physnn.Tensor { return seq.Forward(x) })
	y2, g2 := run(func() *physnn.Tensor { return d2.Forward(d1.Forward(x).ELU(0.8)).ELU(1) })
	if !slices.Equal(y1, y2) {
		t.Error("values differ from the layers applied one by one")
	}
	for i := range g1 {
		if !slices.Equal(g1[i], g2[i]) {
			t.Errorf("gradient %d differs from the layers applied one by one", i)
		}
	}

	act.Fn = func(x *physnn.Tensor) *physnn.Tensor { return x.MulScalar(2) }
	y3 := seq.Forward(x).Data()
	y4 := d2.Forward(d1.Forward(x).MulScalar(2)).ELU(1).Data()
	if !slices.Equal(y3, y4) {
		t.Error("an ELU layer with a replaced Fn did not run it")
	}
}
