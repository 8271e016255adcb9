package physnn_test

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/physnntest"
)

// Forward values against naive float64 reference code. Tolerances: float32
// results of O(1) values carry ~1e-7 relative error per op; 1e-5 allows a few
// chained ops and sums over tens of elements.
const (
	atol32 = 1e-5
	rtol32 = 1e-5
)

// index returns the flat row-major index of idx in shape, with dimensions
// of size 1 broadcast (index 0) and missing leading dimensions ignored.
func index(shape, idx []int) int {
	off, stride := 0, 1
	for i := len(shape) - 1; i >= 0; i-- {
		j := idx[len(idx)-len(shape)+i]
		if shape[i] == 1 {
			j = 0
		}
		off += j * stride
		stride *= shape[i]
	}
	return off
}

// unravel returns the multi-index of flat position p in shape.
func unravel(shape []int, p int) []int {
	idx := make([]int, len(shape))
	for i := len(shape) - 1; i >= 0; i-- {
		idx[i] = p % shape[i]
		p /= shape[i]
	}
	return idx
}

func TestBinaryBroadcastValues(t *testing.T) {
	ops := []struct {
		name string
		f    func(a, b *physnn.Tensor) *physnn.Tensor
		ref  func(x, y float64) float64
	}{
		{"add", (*physnn.Tensor).Add, func(x, y float64) float64 { return x + y }},
		{"sub", (*physnn.Tensor).Sub, func(x, y float64) float64 { return x - y }},
		{"mul", (*physnn.Tensor).Mul, func(x, y float64) float64 { return x * y }},
		{"div", (*physnn.Tensor).Div, func(x, y float64) float64 { return x / y }},
	}
	shapes := []struct{ a, b, out []int }{
		{[]int{2, 3}, []int{2, 3}, []int{2, 3}},
		{[]int{2, 3}, []int{3}, []int{2, 3}},
		{[]int{4, 1, 3}, []int{2, 1}, []int{4, 2, 3}},
		{[]int{1}, []int{2, 2}, []int{2, 2}},
		{[]int{}, []int{3}, []int{3}},
		{[]int{2, 3}, []int{1, 1}, []int{2, 3}},
		{[]int{5, 1}, []int{}, []int{5, 1}},
		{[]int{0, 3}, []int{3}, []int{0, 3}},
	}
	for _, o := range ops {
		for _, s := range shapes {
			t.Run(fmt.Sprintf("%s/%v,%v", o.name, s.a, s.b), func(t *testing.T) {
				a, b := randn(1, s.a...), positive(2, s.b...)
				got := o.f(a, b)
				if err := got.Err(); err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got.Shape()) != fmt.Sprint(s.out) {
					t.Fatalf("shape %v, want %v", got.Shape(), s.out)
				}
				av, bv := a.Float64(), b.Float64()
				want := make([]float64, got.Len())
				for p := range want {
					idx := unravel(s.out, p)
					want[p] = o.ref(av[index(s.a, idx)], bv[index(s.b, idx)])
				}
				physnntest.AllClose(t, got.Float64(), want, atol32, rtol32)
			})
		}
	}
}

func TestUnaryValues(t *testing.T) {
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	cases := []struct {
		name string
		f    func(x *physnn.Tensor) *physnn.Tensor
		ref  func(x float64) float64
	}{
		{"neg", (*physnn.Tensor).Neg, func(x float64) float64 { return -x }},
		{"add_scalar", func(x *physnn.Tensor) *physnn.Tensor { return x.AddScalar(2) }, func(x float64) float64 { return x + 2 }},
		{"mul_scalar", func(x *physnn.Tensor) *physnn.Tensor { return x.MulScalar(3) }, func(x float64) float64 { return 3 * x }},
		{"exp", (*physnn.Tensor).Exp, math.Exp},
		{"abs", (*physnn.Tensor).Abs, math.Abs},
		{"pow", func(x *physnn.Tensor) *physnn.Tensor { return x.Pow(3) }, func(x float64) float64 { return x * x * x }},
		{"relu", (*physnn.Tensor).ReLU, func(x float64) float64 { return math.Max(x, 0) }},
		{"leaky_relu", func(x *physnn.Tensor) *physnn.Tensor { return x.LeakyReLU(0.2) }, func(x float64) float64 {
			if x > 0 {
				return x
			}
			return 0.2 * x
		}},
		{"elu", func(x *physnn.Tensor) *physnn.Tensor { return x.ELU(1.5) }, func(x float64) float64 {
			if x > 0 {
				return x
			}
			return 1.5 * (math.Exp(x) - 1)
		}},
		{"sigmoid", (*physnn.Tensor).Sigmoid, sig},
		{"tanh", (*physnn.Tensor).Tanh, math.Tanh},
		{"softplus", (*physnn.Tensor).Softplus, func(x float64) float64 { return math.Log(1 + math.Exp(x)) }},
		{"gelu", (*physnn.Tensor).GELU, func(x float64) float64 { return x * 0.5 * math.Erfc(-x/math.Sqrt2) }},
	}
	x := randn(3, 4, 5).MulScalar(2)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			xv := x.Float64()
			want := make([]float64, len(xv))
			for i, v := range xv {
				want[i] = tc.ref(v)
			}
			physnntest.AllClose(t, tc.f(x).Float64(), want, atol32, rtol32)
		})
	}
	t.Run("log and sqrt", func(t *testing.T) {
		p := positive(4, 7)
		pv := p.Float64()
		wl, ws := make([]float64, len(pv)), make([]float64, len(pv))
		for i, v := range pv {
			wl[i], ws[i] = math.Log(v), math.Sqrt(v)
		}
		physnntest.AllClose(t, p.Log().Float64(), wl, atol32, rtol32)
		physnntest.AllClose(t, p.Sqrt().Float64(), ws, atol32, rtol32)
	})
	t.Run("stable at extremes", func(t *testing.T) {
		x := physnn.New([]float32{-1000, 1000}, 2)
		physnntest.AllClose(t, x.Sigmoid().Float64(), []float64{0, 1}, 0, 0)
		physnntest.AllClose(t, x.Softplus().Float64(), []float64{0, 1000}, 0, 0)
	})
}

func TestReductionValues(t *testing.T) {
	shape := []int{2, 3, 4}
	x := randn(5, shape...)
	xv := x.Float64()
	cases := []struct {
		axes    []int
		outKeep []int
	}{
		{nil, []int{1, 1, 1}},
		{[]int{0}, []int{1, 3, 4}},
		{[]int{1}, []int{2, 1, 4}},
		{[]int{-1}, []int{2, 3, 1}},
		{[]int{0, 2}, []int{1, 3, 1}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.axes), func(t *testing.T) {
			n := 1
			for i := range shape {
				if tc.outKeep[i] == 1 {
					n *= shape[i]
				}
			}
			m := 1
			for _, d := range tc.outKeep {
				m *= d
			}
			sum, mx := make([]float64, m), make([]float64, m)
			for i := range mx {
				mx[i] = math.Inf(-1)
			}
			for p, v := range xv {
				q := index(tc.outKeep, unravel(shape, p))
				sum[q] += v
				mx[q] = math.Max(mx[q], v)
			}
			mean := make([]float64, m)
			for i := range sum {
				mean[i] = sum[i] / float64(n)
			}
			physnntest.AllClose(t, x.Sum(tc.axes...).Float64(), sum, atol32, rtol32)
			physnntest.AllClose(t, x.Mean(tc.axes...).Float64(), mean, atol32, rtol32)
			physnntest.AllClose(t, x.Max(tc.axes...).Float64(), mx, 0, 0)
			if got := x.SumKeep(tc.axes...).Shape(); fmt.Sprint(got) != fmt.Sprint(tc.outKeep) {
				t.Errorf("SumKeep shape %v, want %v", got, tc.outKeep)
			}
			if got, want := x.Mean(tc.axes...).Len(), m; got != want {
				t.Errorf("Mean has %d elements, want %d", got, want)
			}
		})
	}
}

func TestMatMulValues(t *testing.T) {
	naive := func(a, b []float64, m, k, n int) []float64 {
		out := make([]float64, m*n)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				for p := 0; p < k; p++ {
					out[i*n+j] += a[i*k+p] * b[p*n+j]
				}
			}
		}
		return out
	}
	t.Run("2-D", func(t *testing.T) {
		a, b := randn(1, 5, 7), randn(2, 7, 3)
		physnntest.AllClose(t, a.MatMul(b).Float64(), naive(a.Float64(), b.Float64(), 5, 7, 3), atol32, rtol32)
	})
	t.Run("transposed views equal copies", func(t *testing.T) {
		a, b := randn(1, 7, 5), randn(2, 3, 7)
		at, bt := a.Transpose(), b.Transpose()
		want := naive(at.Float64(), bt.Float64(), 5, 7, 3)
		physnntest.AllClose(t, at.MatMul(bt).Float64(), want, atol32, rtol32)
	})
	t.Run("batch x batch", func(t *testing.T) {
		a, b := randn(1, 2, 3, 4), randn(2, 2, 4, 5)
		av, bv := a.Float64(), b.Float64()
		want := append(naive(av[:12], bv[:20], 3, 4, 5), naive(av[12:], bv[20:], 3, 4, 5)...)
		physnntest.AllClose(t, a.MatMul(b).Float64(), want, atol32, rtol32)
	})
	t.Run("batch x matrix", func(t *testing.T) {
		a, b := randn(1, 2, 3, 4), randn(2, 4, 5)
		want := naive(a.Float64(), b.Float64(), 6, 4, 5)
		physnntest.AllClose(t, a.MatMul(b).Float64(), want, atol32, rtol32)
	})
	// Products with a size of 1 take the GEMV and outer-product paths;
	// the large ones are split over cores or summed in blocks.
	skinny := []struct {
		name    string
		m, k, n int
	}{
		{"outer product", 6, 1, 5},
		{"large outer product", 5000, 1, 40},
		{"matrix times column", 7, 9, 1},
		{"large matrix times column", 3000, 70, 1},
		{"row times matrix", 1, 9, 7},
		{"row times tall matrix", 1, 5000, 30},
		{"row times column", 1, 5000, 1},
	}
	for _, tc := range skinny {
		for _, transposed := range []bool{false, true} {
			name := tc.name
			if transposed {
				name += " (transposed views)"
			}
			t.Run(name, func(t *testing.T) {
				a, b := randn(1, tc.m, tc.k), randn(2, tc.k, tc.n)
				if transposed {
					// The same values, stored transposed.
					a, b = a.Transpose().Clone().Transpose(), b.Transpose().Clone().Transpose()
				}
				want := naive(a.Float64(), b.Float64(), tc.m, tc.k, tc.n)
				tol := 1e-5 * math.Sqrt(float64(tc.k))
				physnntest.AllClose(t, a.MatMul(b).Float64(), want, tol, rtol32)
				a64, b64 := physnn.New64(a.Float64(), tc.m, tc.k), physnn.New64(b.Float64(), tc.k, tc.n)
				physnntest.AllClose(t, a64.MatMul(b64).Float64(), want, 1e-12, 1e-12)
			})
		}
	}
	t.Run("empty inner size gives zeros", func(t *testing.T) {
		got := physnn.Zeros(2, 0).MatMul(physnn.Zeros(0, 3))
		physnntest.AllClose(t, got.Float64(), make([]float64, 6), 0, 0)
	})
}

func TestShapeOpValues(t *testing.T) {
	x := physnn.New([]float32{0, 1, 2, 3, 4, 5}, 2, 3)
	cases := []struct {
		name  string
		got   *physnn.Tensor
		shape []int
		want  []float64
	}{
		{"reshape", x.Reshape(3, 2), []int{3, 2}, []float64{0, 1, 2, 3, 4, 5}},
		{"reshape -1", x.Reshape(-1), []int{6}, []float64{0, 1, 2, 3, 4, 5}},
		{"transpose", x.Transpose(), []int{3, 2}, []float64{0, 3, 1, 4, 2, 5}},
		{"transpose then reshape", x.Transpose().Reshape(6), []int{6}, []float64{0, 3, 1, 4, 2, 5}},
		{"slice rows", x.Slice(0, 1, 2), []int{1, 3}, []float64{3, 4, 5}},
		{"slice columns", x.Slice(1, 1, 3), []int{2, 2}, []float64{1, 2, 4, 5}},
		{"slice of transpose", x.Transpose().Slice(0, 2, 3), []int{1, 2}, []float64{2, 5}},
		{"gather", x.Gather(1, []int{2, 0, 2}), []int{2, 3}, []float64{2, 0, 2, 5, 3, 5}},
		{"concat 0", physnn.Concat(0, x, x.Slice(0, 0, 1)), []int{3, 3}, []float64{0, 1, 2, 3, 4, 5, 0, 1, 2}},
		{"concat 1", physnn.Concat(1, x, x), []int{2, 6}, []float64{0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5}},
		{"softmax uniform", physnn.Zeros(2, 4).Softmax(1), []int{2, 4}, []float64{.25, .25, .25, .25, .25, .25, .25, .25}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.got.Err(); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(tc.got.Shape()) != fmt.Sprint(tc.shape) {
				t.Errorf("shape %v, want %v", tc.got.Shape(), tc.shape)
			}
			physnntest.AllClose(t, tc.got.Float64(), tc.want, 0, 0)
		})
	}
}

func TestViewsShareStorage(t *testing.T) {
	x := physnn.New([]float32{0, 1, 2, 3, 4, 5}, 2, 3)
	tr := x.Transpose()
	sl := x.Slice(1, 1, 2)
	x.Values()[1] = 10
	if tr.At(1, 0) != 10 || sl.At(0, 0) != 10 {
		t.Errorf("views do not see writes: transpose %v, slice %v", tr.At(1, 0), sl.At(0, 0))
	}
	if tr.Values() != nil || sl.Values() != nil {
		t.Error("Values of a strided view should be nil")
	}
	d := tr.Data()
	d[0] = 99
	if x.At(0, 0) == 99 {
		t.Error("Data of a strided view should be a copy")
	}
	if got := x.Reshape(6).Values(); &got[0] != &x.Values()[0] {
		t.Error("Reshape of a contiguous tensor should be a view")
	}
}

func TestSoftmaxStable(t *testing.T) {
	x := physnn.New([]float32{1000, 0, -1000, 1000, 1000, 0}, 2, 3)
	sm := x.Softmax(1).Float64()
	physnntest.AllClose(t, sm, []float64{1, 0, 0, 0.5, 0.5, 0}, 1e-7, 0)
	ls := x.LogSoftmax(1).Float64()
	physnntest.AllClose(t, ls[:3], []float64{0, -1000, -2000}, 1e-3, 0)
}

func TestLossValues(t *testing.T) {
	pred := physnn.New([]float32{0.5, -1, 2, 0}, 2, 2)
	target := physnn.New([]float32{1, 0, 1, 0}, 2, 2)
	pv, tv := pred.Float64(), target.Float64()
	var mse, l1, bce float64
	for i := range pv {
		d := pv[i] - tv[i]
		mse += d * d / 4
		l1 += math.Abs(d) / 4
		s := 1 / (1 + math.Exp(-pv[i]))
		bce -= (tv[i]*math.Log(s) + (1-tv[i])*math.Log(1-s)) / 4
	}
	logits := physnn.New([]float32{1, 2, 3, 0, 0, 0}, 2, 3)
	// -log softmax: row 0 label 2: log(e+e²+e³) - 3; row 1 label 0: log 3.
	ce := (math.Log(math.E+math.Exp(2)+math.Exp(3)) - 3 + math.Log(3)) / 2
	mu := physnn.New([]float32{0.5, -1, 0, 2}, 2, 2)
	lv := physnn.New([]float32{0, 0.5, -1, 1}, 2, 2)
	const s = 2.0
	var kl float64
	for i, m := range mu.Float64() {
		l := lv.Float64()[i]
		// KL(N(m, σ²) ‖ N(0, s²)) = log(s/σ) + (σ² + m²)/(2s²) - ½
		kl += (math.Log(s) - l/2 + (math.Exp(l)+m*m)/(2*s*s) - 0.5) / 2
	}
	cases := []struct {
		name string
		got  *physnn.Tensor
		want float64
	}{
		{"mse", physnn.MSE(pred, target), mse},
		{"l1", physnn.L1(pred, target), l1},
		{"bce_with_logits", physnn.BCEWithLogits(pred, target), bce},
		{"cross_entropy", physnn.CrossEntropy(logits, []int{2, 0}), ce},
		{"kl_diag_gaussian", physnn.KLDiagGaussian(mu, lv, s), kl},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got.Dims() != 0 {
				t.Errorf("loss has shape %v, want a scalar", tc.got.Shape())
			}
			physnntest.AllClose(t, []float64{float64(tc.got.Item())}, []float64{tc.want}, atol32, rtol32)
		})
	}
	t.Run("bce and cross-entropy stay finite for huge logits", func(t *testing.T) {
		b := physnn.BCEWithLogits(physnn.New([]float32{200, -200}, 2), physnn.New([]float32{0, 1}, 2)).Item()
		c := physnn.CrossEntropy(physnn.New([]float32{1000, -1000}, 1, 2), []int{1}).Item()
		physnntest.AllClose(t, []float64{float64(b), float64(c)}, []float64{200, 2000}, 1e-3, 1e-6)
	})
	t.Run("reparameterize draws mu + sigma·eps", func(t *testing.T) {
		z := physnn.Reparameterize(mu, lv, physnn.NewRNG(5)).Float64()
		eps := physnn.NewRNG(5).Normal(0, 1, 2, 2).Float64()
		want := make([]float64, 4)
		for i := range want {
			want[i] = mu.Float64()[i] + math.Exp(lv.Float64()[i]/2)*eps[i]
		}
		physnntest.AllClose(t, z, want, atol32, rtol32)
	})
}

// BenchmarkMatMul compares physnn's float32 MatMul with gonum's float64
// mat.Dense.Mul on the same square sizes in the same run.
func BenchmarkMatMul(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		rng := physnn.NewRNG(1)
		x, y := rng.Normal(0, 1, n, n), rng.Normal(0, 1, n, n)
		b.Run(fmt.Sprintf("physnn/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = x.MatMul(y)
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		gx, gy := x.Dense(), y.Dense()
		var gz mat.Dense
		b.Run(fmt.Sprintf("gonum/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				gz.Reset()
				gz.Mul(gx, gy)
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
