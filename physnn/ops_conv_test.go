package physnn_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/physnntest"
)

// randTensor returns a float32 tensor of the given shape with values uniform
// in [-1, 1), from a fixed seed so failures reproduce.
func randTensor(seed uint64, shape ...int) *physnn.Tensor {
	return physnn.NewRNG(seed).Uniform(-1, 1, shape...)
}

type convGradCase struct {
	name   string
	x, w   []int // input [N, C, H, W] and weight shapes
	bias   bool
	o      physnn.ConvOptions
	output []int // expected output shape
}

// convGradCases spans odd images and kernels, strides, per-axis options and
// "same" padding, batch 1 and 3, with and without bias.
var convGradCases = []convGradCase{
	{"5x7_k3x2_valid_n1", []int{1, 1, 5, 7}, []int{2, 1, 3, 2}, true, physnn.ConvOptions{}, []int{1, 2, 3, 6}},
	{"5x7_k3x2_s2_p1_n3", []int{3, 2, 5, 7}, []int{3, 2, 3, 2}, true, physnn.ConvOptions{Stride: 2, Padding: 1}, []int{3, 3, 3, 4}},
	{"5x7_k3x3_s2x1_pad0x2_nobias", []int{2, 2, 5, 7}, []int{2, 2, 3, 3}, false,
		physnn.ConvOptions{StrideH: 2, StrideW: 1, PadW: 2}, []int{2, 2, 2, 9}},
	{"same_k4_on_5x5", []int{2, 2, 5, 5}, []int{3, 2, 4, 4}, true, physnn.ConvOptions{Same: true}, []int{2, 3, 5, 5}},
	{"same_k3_s2_on_7x6", []int{1, 3, 7, 6}, []int{2, 3, 3, 3}, true, physnn.ConvOptions{Same: true, Stride: 2}, []int{1, 2, 4, 3}},
	{"1x1_kernel", []int{3, 4, 3, 5}, []int{2, 4, 1, 1}, true, physnn.ConvOptions{}, []int{3, 2, 3, 5}},
	{"pad_h1_w0_stride_w2", []int{2, 1, 4, 7}, []int{2, 1, 3, 3}, true, physnn.ConvOptions{PadH: 1, StrideW: 2}, []int{2, 2, 4, 3}},
}

func TestConv2DGradients(t *testing.T) {
	for i, tc := range convGradCases {
		t.Run(tc.name, func(t *testing.T) {
			inputs := []*physnn.Tensor{randTensor(uint64(3*i), tc.x...), randTensor(uint64(3*i+1), tc.w...)}
			if tc.bias {
				inputs = append(inputs, randTensor(uint64(3*i+2), tc.w[0]))
			}
			f := func(in []*physnn.Tensor) *physnn.Tensor {
				var b *physnn.Tensor
				if len(in) == 3 {
					b = in[2]
				}
				return physnn.Conv2D(in[0], in[1], b, tc.o)
			}
			if got := f(inputs); !slices.Equal(got.Shape(), tc.output) {
				t.Fatalf("output shape %v (err %v), want %v", got.Shape(), got.Err(), tc.output)
			}
			physnntest.CheckGrad(t, "conv2d", f, inputs...)
		})
	}
}

// TestConv2DValues pins Conv2D to values worked out by hand: the op is a
// cross-correlation (no kernel flip), with the bias added per channel.
func TestConv2DValues(t *testing.T) {
	x := physnn.New([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3)
	// Two filters: the first takes x[i][j] - x[i+1][j+1], the second sums
	// the 2×2 window.
	w := physnn.New([]float32{1, 0, 0, -1, 1, 1, 1, 1}, 2, 1, 2, 2)
	b := physnn.New([]float32{10, 0}, 2)
	cases := []struct {
		name  string
		o     physnn.ConvOptions
		shape []int
		want  []float32
	}{
		{"valid", physnn.ConvOptions{}, []int{1, 2, 2, 2}, []float32{6, 6, 6, 6, 12, 16, 24, 28}},
		// Padding 1, stride 2: windows start at rows/columns -1 and 1.
		{"pad1_stride2", physnn.ConvOptions{Stride: 2, Padding: 1}, []int{1, 2, 2, 2},
			[]float32{10 - 1, 10 - 3, 10 - 7, 10 + 5 - 9, 1, 2 + 3, 4 + 7, 5 + 6 + 8 + 9}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			y := physnn.Conv2D(x, w, b, tc.o)
			if err := y.Err(); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(y.Shape(), tc.shape) || !slices.Equal(y.Data(), tc.want) {
				t.Fatalf("got %v %v, want %v %v", y.Shape(), y.Data(), tc.shape, tc.want)
			}
		})
	}
}

// TestConv2DJetSame checks the roadmap's jet-CNN first layer: 8×8 "same"
// on 33×33 keeps 33×33.
func TestConv2DJetSame(t *testing.T) {
	y := physnn.Conv2D(physnn.Zeros(2, 2, 33, 33), physnn.Zeros(64, 2, 8, 8), physnn.Zeros(64), physnn.ConvOptions{Same: true})
	if want := []int{2, 64, 33, 33}; !slices.Equal(y.Shape(), want) {
		t.Fatalf("shape %v (err %v), want %v", y.Shape(), y.Err(), want)
	}
}

func TestConvTranspose2DGradients(t *testing.T) {
	cases := []convGradCase{
		// w is [Cin, Cout, kH, kW].
		{"k4_s2_p1_gan_upsample", []int{3, 3, 4, 5}, []int{3, 2, 4, 4}, true, physnn.ConvOptions{Stride: 2, Padding: 1}, []int{3, 2, 8, 10}},
		{"k3_s2_p1_outpad1", []int{1, 2, 3, 3}, []int{2, 3, 3, 3}, true, physnn.ConvOptions{Stride: 2, Padding: 1, OutputPadding: 1}, []int{1, 3, 6, 6}},
		{"k3x2_s1_nobias", []int{2, 2, 5, 7}, []int{2, 1, 3, 2}, false, physnn.ConvOptions{}, []int{2, 1, 7, 8}},
		{"same_k5_s2", []int{2, 2, 3, 4}, []int{2, 2, 5, 5}, true, physnn.ConvOptions{Same: true, Stride: 2}, []int{2, 2, 6, 8}},
		{"same_k1_s3", []int{1, 2, 2, 3}, []int{2, 2, 1, 1}, false, physnn.ConvOptions{Same: true, Stride: 3}, []int{1, 2, 6, 9}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inputs := []*physnn.Tensor{randTensor(uint64(3*i+100), tc.x...), randTensor(uint64(3*i+101), tc.w...)}
			if tc.bias {
				inputs = append(inputs, randTensor(uint64(3*i+102), tc.w[1]))
			}
			f := func(in []*physnn.Tensor) *physnn.Tensor {
				var b *physnn.Tensor
				if len(in) == 3 {
					b = in[2]
				}
				return physnn.ConvTranspose2D(in[0], in[1], b, tc.o)
			}
			if got := f(inputs); !slices.Equal(got.Shape(), tc.output) {
				t.Fatalf("output shape %v (err %v), want %v", got.Shape(), got.Err(), tc.output)
			}
			physnntest.CheckGrad(t, "conv_transpose2d", f, inputs...)
		})
	}
}

// TestConvTransposeIsAdjoint checks ⟨Conv2D(x), u⟩ = ⟨x, ConvTranspose2D(u)⟩
// for the same weights, stride and padding: the defining property. The
// output padding of 1 recovers the 8×6 input size that stride 2 maps to
// 4×3 (as would 7×5).
func TestConvTransposeIsAdjoint(t *testing.T) {
	x := physnn.New64(randTensor(1, 2, 3, 8, 6).Float64(), 2, 3, 8, 6)
	w := physnn.New64(randTensor(2, 4, 3, 3, 3).Float64(), 4, 3, 3, 3)
	y := physnn.Conv2D(x, w, nil, physnn.ConvOptions{Stride: 2, Padding: 1})
	if !slices.Equal(y.Shape(), []int{2, 4, 4, 3}) {
		t.Fatalf("conv shape %v (err %v), want [2 4 4 3]", y.Shape(), y.Err())
	}
	u := physnn.New64(randTensor(3, 2, 4, 4, 3).Float64(), 2, 4, 4, 3)
	xt := physnn.ConvTranspose2D(u, w, nil, physnn.ConvOptions{Stride: 2, Padding: 1, OutputPadding: 1})
	if !slices.Equal(xt.Shape(), x.Shape()) {
		t.Fatalf("transposed shape %v (err %v), want %v", xt.Shape(), xt.Err(), x.Shape())
	}
	lhs := y.Mul(u).Sum().Float64()[0]
	rhs := x.Mul(xt).Sum().Float64()[0]
	// Both sides sum the same 576 products in different orders: float64
	// round-off stays below 1e-12 for values of order one.
	if d := lhs - rhs; d > 1e-12 || d < -1e-12 {
		t.Fatalf("<conv(x), u> = %.15g, <x, convT(u)> = %.15g", lhs, rhs)
	}
}

func TestConvShapeErrors(t *testing.T) {
	cases := []struct {
		name string
		got  *physnn.Tensor
		want string
	}{
		{"channels", physnn.Conv2D(physnn.Zeros(8, 3, 32, 32), physnn.Zeros(16, 2, 3, 3), nil, physnn.ConvOptions{}),
			"conv2d [8 3 32 32] x [16 2 3 3]: input has 3 channels but the weight expects 2 (weight is [out, in, kH, kW])"},
		{"input 3-D", physnn.Conv2D(physnn.Zeros(3, 32, 32), physnn.Zeros(16, 3, 3, 3), nil, physnn.ConvOptions{}),
			"conv2d [3 32 32] x [16 3 3 3]: input must be 4-D [batch, channels, height, width], got 3-D; reshape it first"},
		{"weight 2-D", physnn.Conv2D(physnn.Zeros(1, 3, 8, 8), physnn.Zeros(16, 27), nil, physnn.ConvOptions{}),
			"conv2d [1 3 8 8] x [16 27]: weight must be 4-D [out, in, kH, kW], got 2-D"},
		{"bias", physnn.Conv2D(physnn.Zeros(1, 3, 8, 8), physnn.Zeros(16, 3, 3, 3), physnn.Zeros(8), physnn.ConvOptions{}),
			"conv2d [1 3 8 8] x [16 3 3 3]: bias is [8] but must be [16], one value per output channel"},
		{"kernel too large", physnn.Conv2D(physnn.Zeros(1, 1, 5, 2), physnn.Zeros(1, 1, 3, 3), nil, physnn.ConvOptions{}),
			"conv2d [1 1 5 2] x [1 1 3 3]: width: kernel size 3 is larger than the padded input size 2"},
		{"negative stride", physnn.Conv2D(physnn.Zeros(1, 1, 5, 5), physnn.Zeros(1, 1, 3, 3), nil, physnn.ConvOptions{Stride: -1}),
			"conv2d [1 1 5 5] x [1 1 3 3]: height: stride -1 must be at least 1"},
		{"transpose channels", physnn.ConvTranspose2D(physnn.Zeros(2, 4, 5, 5), physnn.Zeros(3, 4, 3, 3), nil, physnn.ConvOptions{}),
			"conv_transpose2d [2 4 5 5] x [3 4 3 3]: input has 4 channels but the weight expects 3 (weight is [in, out, kH, kW])"},
		{"output padding", physnn.ConvTranspose2D(physnn.Zeros(1, 1, 3, 3), physnn.Zeros(1, 1, 3, 3), nil, physnn.ConvOptions{Stride: 2, OutputPadding: 2}),
			"conv_transpose2d [1 1 3 3] x [1 1 3 3]: height: output padding 2 must be in [0, stride 2)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.got.Err()
			var se *physnn.ShapeError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *physnn.ShapeError", err)
			}
			if err.Error() != tc.want {
				t.Fatalf("err = %q\nwant  %q", err, tc.want)
			}
		})
	}
}

// TestConvStickyErrors checks that an error carried by any operand passes
// through unchanged, so a chain reports its first failure.
func TestConvStickyErrors(t *testing.T) {
	bad := physnn.Zeros(2, 3).MatMul(physnn.Zeros(4, 5))
	want := bad.Err()
	if want == nil {
		t.Fatal("matmul of [2 3] x [4 5] did not fail")
	}
	x, w, b := physnn.Zeros(1, 1, 4, 4), physnn.Zeros(1, 1, 2, 2), physnn.Zeros(1)
	for name, got := range map[string]*physnn.Tensor{
		"conv x":      physnn.Conv2D(bad, w, b, physnn.ConvOptions{}),
		"conv w":      physnn.Conv2D(x, bad, b, physnn.ConvOptions{}),
		"conv b":      physnn.Conv2D(x, w, bad, physnn.ConvOptions{}),
		"transpose x": physnn.ConvTranspose2D(bad, w, nil, physnn.ConvOptions{}),
		"maxpool":     physnn.MaxPool2D(bad, 2, 2),
		"avgpool":     physnn.AvgPool2D(bad, 2, 2),
		"batchnorm":   physnn.BatchNorm(bad, nil, nil, nil, nil, true, 0.1, 1e-5),
		"dropout":     physnn.Dropout(bad, 0.5, physnn.NewRNG(1), true),
		"nil input":   physnn.Conv2D(nil, w, nil, physnn.ConvOptions{}),
	} {
		t.Run(name, func(t *testing.T) {
			if name == "nil input" {
				if got.Err() == nil {
					t.Fatal("Conv2D(nil, ...) carries no error")
				}
				return
			}
			if got.Err() != want {
				t.Fatalf("err = %v, want the operand's %v", got.Err(), want)
			}
		})
	}
}

// TestConvTrainsThroughTape runs a tiny conv net's backward pass through the
// tape (conv → relu → maxpool → mean) and checks every parameter gets a
// gradient of its own shape.
func TestConvTrainsThroughTape(t *testing.T) {
	x := randTensor(1, 2, 2, 9, 9)
	w := randTensor(2, 4, 2, 3, 3).SetRequiresGrad(true)
	b := randTensor(3, 4).SetRequiresGrad(true)
	loss := physnn.MaxPool2D(physnn.Conv2D(x, w, b, physnn.ConvOptions{Same: true}).ReLU(), 2, 0).Mean()
	if err := loss.Backward(); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]*physnn.Tensor{"w": w, "b": b} {
		if g := p.Grad(); g == nil || !slices.Equal(g.Shape(), p.Shape()) {
			t.Fatalf("%s: gradient %v, want shape %v", name, g, p.Shape())
		}
	}
	if x.Grad() != nil {
		t.Fatal("input that does not require grad got a gradient")
	}
}

// BenchmarkConv2DJet times one forward and backward pass of the jet-image
// CNN's first layer (Komiske et al. 2017 §3.2: 64 filters of 8×8, "same",
// on 33×33 images with 2 channels) through the tape, as a training step
// would run it, in a Workspace. The input requires grad too, as a deeper
// layer's would, so all three GEMMs (output, input gradient, weight
// gradient) run.
func BenchmarkConv2DJet(b *testing.B) {
	for _, n := range []int{1, 32} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			x := randTensor(1, n, 2, 33, 33).SetRequiresGrad(true)
			w := randTensor(2, 64, 2, 8, 8).SetRequiresGrad(true)
			bias := randTensor(3, 64).SetRequiresGrad(true)
			o := physnn.ConvOptions{Same: true}
			// A workspace recycles activations and gradient temporaries
			// between steps, as a training loop would.
			ws := physnn.NewWorkspace()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				ws.Reset()
				x.ZeroGrad()
				w.ZeroGrad()
				bias.ZeroGrad()
				if err := physnn.Conv2D(ws.Use(x), w, bias, o).Sum().Backward(); err != nil {
					b.Fatal(err)
				}
			}
			// 3 GEMMs of 2·K·(C·kH·kW)·(OH·OW) flops per image.
			flops := 3 * 2 * float64(n*64*2*8*8*33*33)
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func ExampleConv2D() {
	// One 3×3 image and one 2×2 filter taking the difference of diagonal
	// neighbours, x[i][j] - x[i+1][j+1].
	x := physnn.New([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3)
	w := physnn.New([]float32{1, 0, 0, -1}, 1, 1, 2, 2).SetRequiresGrad(true)
	y := physnn.Conv2D(x, w, nil, physnn.ConvOptions{})
	fmt.Println(y)

	// The weight gradient of the sum is the sum of the windows each tap saw.
	if err := y.Sum().Backward(); err != nil {
		fmt.Println(err)
	}
	fmt.Println(w.Grad())

	// "Same" padding keeps the image size; stride 2 halves it (rounding up).
	fmt.Println(physnn.Conv2D(x, w, nil, physnn.ConvOptions{Same: true, Stride: 2}).Shape())
	// Output:
	// Tensor[1 1 2 2] [[[[-4 -4] [-4 -4]]]]
	// Tensor[1 1 2 2] [[[[12 16] [24 28]]]]
	// [1 1 2 2]
}

func ExampleConvTranspose2D() {
	// A 4×4 kernel at stride 2 with padding 1 doubles the image size, the
	// usual upsampling step of a GAN generator.
	x := physnn.Ones(1, 8, 5, 5)
	w := physnn.Zeros(8, 3, 4, 4) // [in, out, kH, kW]
	fmt.Println(physnn.ConvTranspose2D(x, w, nil, physnn.ConvOptions{Stride: 2, Padding: 1}).Shape())
	// Output:
	// [1 3 10 10]
}

// TestConvInterrupt checks that a canceled cell context stops Conv2D and
// ConvTranspose2D, forward and backward, with an error wrapping the
// context's.
func TestConvInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	physnn.SetCancelContext(ctx)
	t.Cleanup(func() { physnn.SetCancelContext(nil) })

	x := randTensor(1, 2, 2, 9, 9).SetRequiresGrad(true)
	w := randTensor(2, 3, 2, 3, 3).SetRequiresGrad(true)
	y := physnn.Conv2D(x, w, nil, physnn.ConvOptions{})
	yt := physnn.ConvTranspose2D(y, w, nil, physnn.ConvOptions{})
	if err := yt.Err(); err != nil {
		t.Fatalf("before cancel: %v", err)
	}
	cancel()
	if err := yt.Sum().Backward(); !errors.Is(err, context.Canceled) {
		t.Errorf("Backward after cancel: err = %v, want context.Canceled", err)
	}
	if err := physnn.Conv2D(x, w, nil, physnn.ConvOptions{}).Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("Conv2D after cancel: err = %v, want context.Canceled", err)
	}
	if err := physnn.ConvTranspose2D(y, w, nil, physnn.ConvOptions{}).Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("ConvTranspose2D after cancel: err = %v, want context.Canceled", err)
	}
	physnn.SetCancelContext(nil)
	if err := physnn.Conv2D(x, w, nil, physnn.ConvOptions{}).Err(); err != nil {
		t.Errorf("after removing the hook: %v", err)
	}
}

// TestConvNetLearns trains a tiny CNN (conv → batch norm → ReLU → max-pool
// → dense) with plain SGD to tell vertical from horizontal bars, then
// checks it classifies every image in evaluation mode: the ops' gradients
// work together through the tape, and batch norm's running statistics
// serve evaluation.
func TestConvNetLearns(t *testing.T) {
	const n, size = 16, 8
	rng := physnn.NewRNG(5)
	images := make([]float32, n*size*size)
	labels := make([]int, n)
	for i := range n {
		labels[i] = i % 2
		at := 1 + rng.IntN(size-2)
		for j := range size {
			pix := at*size + j // horizontal bar in row at
			if labels[i] == 0 {
				pix = j*size + at // vertical bar in column at
			}
			images[i*size*size+pix] = 1
		}
	}
	x := physnn.New(images, n, 1, size, size)
	w1 := rng.Normal(0, 0.5, 4, 1, 3, 3).SetRequiresGrad(true)
	b1 := physnn.Zeros(4).SetRequiresGrad(true)
	gamma := physnn.Ones(4).SetRequiresGrad(true)
	beta := physnn.Zeros(4).SetRequiresGrad(true)
	runMean, runVar := physnn.Zeros(4), physnn.Ones(4)
	w2 := rng.Normal(0, 0.1, 4*4*4, 2).SetRequiresGrad(true)
	b2 := physnn.Zeros(2).SetRequiresGrad(true)
	params := []*physnn.Tensor{w1, b1, gamma, beta, w2, b2}
	logits := func(training bool) *physnn.Tensor {
		h := physnn.Conv2D(x, w1, b1, physnn.ConvOptions{Same: true})
		h = physnn.BatchNorm(h, gamma, beta, runMean, runVar, training, 0.1, bnEps).ReLU()
		h = physnn.MaxPool2D(h, 2, 0).Reshape(n, 4*4*4)
		return h.MatMul(w2).Add(b2)
	}
	var first, last float32
	for step := range 150 {
		loss := physnn.CrossEntropy(logits(true), labels)
		for _, p := range params {
			p.ZeroGrad()
		}
		if err := loss.Backward(); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		for _, p := range params {
			v, g := p.Values(), p.GradValues()
			for i := range v {
				v[i] -= 0.1 * g[i]
			}
		}
		if step == 0 {
			first = loss.Item()
		}
		last = loss.Item()
	}
	// The bars are separable by one 3×3 filter, so 150 steps drive the
	// training loss far below its starting value of about ln 2.
	t.Logf("loss %.4g -> %.4g", first, last)
	if !(last < first/10) {
		t.Fatalf("loss went from %.4g to %.4g, want a tenfold drop", first, last)
	}
	var pred *physnn.Tensor
	physnn.NoGrad(func() { pred = logits(false) })
	for i := range n {
		if got := pred.At(i, labels[i]) > pred.At(i, 1-labels[i]); !got {
			t.Errorf("image %d (label %d) misclassified in evaluation mode: logits %v %v", i, labels[i], pred.At(i, 0), pred.At(i, 1))
		}
	}
}

// TestConvOnViews checks that the ops read strided views (a slice of the
// batch, a transposed image) exactly as their contiguous copies, and that
// gradients flow back through the view.
func TestConvOnViews(t *testing.T) {
	base := randTensor(1, 4, 2, 7, 6).SetRequiresGrad(true)
	views := map[string]*physnn.Tensor{
		"batch slice": base.Slice(0, 1, 3),
		"transposed":  base.Transpose(0, 1, 3, 2),
	}
	w := randTensor(2, 3, 2, 3, 3)
	for name, v := range views {
		t.Run(name, func(t *testing.T) {
			c := v.Detach().Clone()
			for op, f := range map[string]func(*physnn.Tensor) *physnn.Tensor{
				"conv2d":    func(x *physnn.Tensor) *physnn.Tensor { return physnn.Conv2D(x, w, nil, physnn.ConvOptions{Padding: 1}) },
				"maxpool2d": func(x *physnn.Tensor) *physnn.Tensor { return physnn.MaxPool2D(x, 2, 0) },
				"avgpool2d": func(x *physnn.Tensor) *physnn.Tensor { return physnn.AvgPool2D(x, 2, 1) },
				"batchnorm": func(x *physnn.Tensor) *physnn.Tensor {
					return physnn.BatchNorm(x, nil, nil, nil, nil, true, 0.1, bnEps)
				},
			} {
				got, want := f(v), f(c)
				if got.Err() != nil || !slices.Equal(got.Data(), want.Data()) {
					t.Errorf("%s on a view differs from its copy (err %v)", op, got.Err())
				}
			}
			base.ZeroGrad()
			if err := physnn.Conv2D(v, w, nil, physnn.ConvOptions{}).Sum().Backward(); err != nil {
				t.Fatal(err)
			}
			if base.Grad() == nil {
				t.Fatal("no gradient reached the viewed tensor")
			}
		})
	}
}

func TestLocallyConnected2DGradients(t *testing.T) {
	cases := []struct {
		name   string
		x, w   []int // w is [OH, OW, K, C, kH, kW]
		bias   bool
		o      physnn.ConvOptions
		output []int
	}{
		{"5x7_k3x2_valid", []int{2, 2, 5, 7}, []int{3, 6, 2, 2, 3, 2}, true, physnn.ConvOptions{}, []int{2, 2, 3, 6}},
		{"pumml_like_stride_equals_kernel", []int{3, 1, 6, 6}, []int{2, 2, 2, 1, 3, 3}, true, physnn.ConvOptions{Stride: 3}, []int{3, 2, 2, 2}},
		{"same_k3_s2_nobias", []int{1, 2, 5, 4}, []int{3, 2, 2, 2, 3, 3}, false, physnn.ConvOptions{Same: true, Stride: 2}, []int{1, 2, 3, 2}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inputs := []*physnn.Tensor{randTensor(uint64(3*i+400), tc.x...), randTensor(uint64(3*i+401), tc.w...)}
			if tc.bias {
				inputs = append(inputs, randTensor(uint64(3*i+402), tc.output[1:]...))
			}
			f := func(in []*physnn.Tensor) *physnn.Tensor {
				var b *physnn.Tensor
				if len(in) == 3 {
					b = in[2]
				}
				return physnn.LocallyConnected2D(in[0], in[1], b, tc.o)
			}
			if got := f(inputs); !slices.Equal(got.Shape(), tc.output) {
				t.Fatalf("output shape %v (err %v), want %v", got.Shape(), got.Err(), tc.output)
			}
			physnntest.CheckGrad(t, "locally_connected2d", f, inputs...)
		})
	}
}

// TestLocallyConnectedWithTiedWeightsIsConv checks that copying one filter
// bank to every output pixel (and one bias to every pixel) reproduces
// Conv2D.
func TestLocallyConnectedWithTiedWeightsIsConv(t *testing.T) {
	x := randTensor(1, 2, 3, 6, 5)
	w := randTensor(2, 4, 3, 3, 2)
	b := randTensor(3, 4)
	o := physnn.ConvOptions{Stride: 2, Padding: 1}
	y := physnn.Conv2D(x, w, b, o) // [2 4 3 3]
	oh, ow := y.Shape()[2], y.Shape()[3]
	bank, bias := w.Data(), b.Data()
	var lw, lb []float32
	for range oh * ow {
		lw = append(lw, bank...)
	}
	for k := range 4 {
		for range oh * ow {
			lb = append(lb, bias[k])
		}
	}
	got := physnn.LocallyConnected2D(x, physnn.New(lw, oh, ow, 4, 3, 3, 2), physnn.New(lb, 4, oh, ow), o)
	if err := got.Err(); err != nil {
		t.Fatal(err)
	}
	// Same products, different summation order (GEMM vs direct loop):
	// float32 round-off of sums of 18 products of values below 1.
	physnntest.AllClose(t, got.Float64(), y.Float64(), 1e-5, 1e-5)
}

func TestLocallyConnected2DShapeErrors(t *testing.T) {
	x := physnn.Zeros(1, 2, 6, 6)
	cases := []struct {
		name string
		got  *physnn.Tensor
		want string
	}{
		{"weight 4-D", physnn.LocallyConnected2D(x, physnn.Zeros(3, 2, 3, 3), nil, physnn.ConvOptions{}),
			"locally_connected2d [1 2 6 6] x [3 2 3 3]: weight must be 6-D [outH, outW, out, in, kH, kW], got 4-D"},
		{"positions", physnn.LocallyConnected2D(x, physnn.Zeros(3, 3, 1, 2, 3, 3), nil, physnn.ConvOptions{}),
			"locally_connected2d [1 2 6 6] x [3 3 1 2 3 3]: weight has 3×3 filter banks but the output is 4×4; make the weight [4, 4, ...]"},
		{"channels", physnn.LocallyConnected2D(x, physnn.Zeros(4, 4, 1, 3, 3, 3), nil, physnn.ConvOptions{}),
			"locally_connected2d [1 2 6 6] x [4 4 1 3 3 3]: input has 2 channels but the weight expects 3 (weight is [outH, outW, out, in, kH, kW])"},
		{"bias", physnn.LocallyConnected2D(x, physnn.Zeros(4, 4, 1, 2, 3, 3), physnn.Zeros(1), physnn.ConvOptions{}),
			"locally_connected2d [1 2 6 6] x [4 4 1 2 3 3]: bias is [1] but must be [1 4 4], one value per output channel and pixel"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.got.Err()
			var se *physnn.ShapeError
			if !errors.As(err, &se) || err.Error() != tc.want {
				t.Fatalf("err = %v\nwant *ShapeError %q", err, tc.want)
			}
		})
	}
}
