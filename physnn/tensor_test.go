package physnn_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/physnntest"
)

func TestConstructors(t *testing.T) {
	cases := []struct {
		name  string
		got   *physnn.Tensor
		shape []int
		want  []float64
	}{
		{"new", physnn.New([]float32{1, 2, 3, 4}, 2, 2), []int{2, 2}, []float64{1, 2, 3, 4}},
		{"new 1-D default", physnn.New([]float32{1, 2}), []int{2}, []float64{1, 2}},
		{"new64", physnn.New64([]float64{1, 2}, 1, 2), []int{1, 2}, []float64{1, 2}},
		{"zeros", physnn.Zeros(2, 1), []int{2, 1}, []float64{0, 0}},
		{"ones", physnn.Ones(3), []int{3}, []float64{1, 1, 1}},
		{"full", physnn.Full(2.5, 1, 2), []int{1, 2}, []float64{2.5, 2.5}},
		{"scalar", physnn.Scalar(7), []int{}, []float64{7}},
		{"from float64", physnn.FromFloat64([]float64{0.5, 1.5}, 2, 1), []int{2, 1}, []float64{0.5, 1.5}},
		{"from dense", physnn.FromDense(mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})), []int{2, 3}, []float64{1, 2, 3, 4, 5, 6}},
		{"empty", physnn.Zeros(0, 3), []int{0, 3}, []float64{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.got.Err(); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(tc.got.Shape()) != fmt.Sprint(tc.shape) || tc.got.Dims() != len(tc.shape) {
				t.Errorf("shape %v (%d dims), want %v", tc.got.Shape(), tc.got.Dims(), tc.shape)
			}
			if tc.got.Len() != len(tc.want) {
				t.Errorf("Len() = %d, want %d", tc.got.Len(), len(tc.want))
			}
			physnntest.AllClose(t, tc.got.Float64(), tc.want, 0, 0)
		})
	}
}

func TestNewSharesData(t *testing.T) {
	data := []float32{1, 2, 3}
	x := physnn.New(data)
	data[0] = 9
	if x.At(0) != 9 || &x.Values()[0] != &data[0] {
		t.Error("New should use the caller's slice without copying")
	}
}

func TestAccessors(t *testing.T) {
	x := physnn.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	if x.At(1, 2) != 6 || x.Transpose().At(2, 1) != 6 {
		t.Errorf("At: %v, %v", x.At(1, 2), x.Transpose().At(2, 1))
	}
	for _, idx := range [][]int{{2, 0}, {0}, {-1, 0}} {
		if v := x.At(idx...); !math.IsNaN(float64(v)) {
			t.Errorf("At(%v) = %v, want NaN", idx, v)
		}
	}
	if v := x.Item(); !math.IsNaN(float64(v)) {
		t.Errorf("Item of 6 elements = %v, want NaN", v)
	}
	if x.Sum().Item() != 21 {
		t.Errorf("Sum().Item() = %v", x.Sum().Item())
	}
	d := x.Dense()
	if r, c := d.Dims(); r != 2 || c != 3 || d.At(1, 0) != 4 {
		t.Errorf("Dense() = %v", mat.Formatted(d))
	}
	if r, c := physnn.Ones(4).Dense().Dims(); r != 4 || c != 1 {
		t.Errorf("Dense of a vector is %d×%d, want a 4×1 column", r, c)
	}
	if x.Is64() || !physnn.New64([]float64{1}).Is64() {
		t.Error("Is64 wrong")
	}
	if x.Values64() != nil || physnn.New64([]float64{1}).Values() != nil {
		t.Error("Values/Values64 should be nil for the other precision")
	}
}

func TestString(t *testing.T) {
	cases := []struct {
		x    *physnn.Tensor
		want string
	}{
		{physnn.Scalar(1.0 / 3), "Tensor[] 0.3333"},
		{physnn.New([]float32{1, 2.5, 3}, 3), "Tensor[3] [1 2.5 3]"},
		{physnn.New([]float32{1, 2, 3, 4}, 2, 2).Transpose(), "Tensor[2 2] [[1 3] [2 4]]"},
		{physnn.Zeros(0, 2), "Tensor[0 2] []"},
	}
	for _, tc := range cases {
		if got := tc.x.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

func TestGradAccumulatesIntoOneBuffer(t *testing.T) {
	w := physnn.New([]float32{1, 2}, 2).SetRequiresGrad(true)
	loss := func() *physnn.Tensor { return w.Mul(w).Sum() } // d/dw = 2w
	if w.Grad() != nil || w.GradValues() != nil {
		t.Fatal("gradient before Backward")
	}
	if err := loss().Backward(); err != nil {
		t.Fatal(err)
	}
	buf := w.GradValues()
	physnntest.AllClose(t, w.Grad().Float64(), []float64{2, 4}, 0, 0)
	if err := loss().Backward(); err != nil {
		t.Fatal(err)
	}
	physnntest.AllClose(t, w.Grad().Float64(), []float64{4, 8}, 0, 0)
	w.ZeroGrad()
	physnntest.AllClose(t, w.Grad().Float64(), []float64{0, 0}, 0, 0)
	if err := loss().Backward(); err != nil {
		t.Fatal(err)
	}
	if &w.GradValues()[0] != &buf[0] {
		t.Error("the gradient buffer was reallocated")
	}
	physnntest.AllClose(t, w.Grad().Float64(), []float64{2, 4}, 0, 0)
}

func TestBackwardTwiceOnOneGraph(t *testing.T) {
	// A second Backward of the same graph adds the same gradient again:
	// no stale adjoints from the first sweep leak into the second.
	w := physnn.New([]float32{1, 2}, 2).SetRequiresGrad(true)
	h := w.Exp()
	loss := h.Mul(h).Sum().Add(h.Sum())
	for i := 1; i <= 2; i++ {
		if err := loss.Backward(); err != nil {
			t.Fatal(err)
		}
		want := make([]float64, 2)
		for j, v := range []float64{1, 2} {
			want[j] = float64(i) * (2*math.Exp(2*v) + math.Exp(v))
		}
		physnntest.AllClose(t, w.Grad().Float64(), want, 0, 1e-6)
	}
}

func TestNoGradAndDetach(t *testing.T) {
	w := physnn.Ones(2).SetRequiresGrad(true)
	var y *physnn.Tensor
	physnn.NoGrad(func() {
		if physnn.GradEnabled() {
			t.Error("GradEnabled inside NoGrad")
		}
		y = w.Mul(w)
	})
	if !physnn.GradEnabled() {
		t.Error("GradEnabled after NoGrad")
	}
	if y.RequiresGrad() {
		t.Error("a result computed under NoGrad requires grad")
	}
	if w.Detach().RequiresGrad() || !w.Mul(w).RequiresGrad() {
		t.Error("Detach should cut the graph; ops on parameters should record")
	}
	if err := w.Detach().Sum().Backward(); err == nil {
		t.Error("Backward through a detached tensor should report that nothing requires grad")
	}
}

func TestRNG(t *testing.T) {
	a, b := physnn.NewRNG(1), physnn.NewRNG(1)
	physnntest.AllClose(t, a.Normal(0, 1, 10).Float64(), b.Normal(0, 1, 10).Float64(), 0, 0)
	if physnn.NewRNG(2).Float64() == physnn.NewRNG(1).Float64() {
		t.Error("different seeds gave the same first value")
	}
	const n = 100000
	rng := physnn.NewRNG(3)
	// Sample moments of n draws: standard errors σ/√n ≈ 0.003 for the
	// normal mean, so 0.02 is a > 6σ margin; the others likewise.
	normal := rng.Normal(2, 3, n)
	mean := normal.Mean().Item()
	std := float32(math.Sqrt(float64(normal.AddScalar(-mean).Pow(2).Mean().Item())))
	uni := rng.Uniform(-1, 3, n)
	bern := rng.Bernoulli(0.3, n)
	cases := []struct {
		name      string
		got, want float32
		tol       float32
	}{
		{"normal mean", mean, 2, 0.05},
		{"normal std", std, 3, 0.05},
		{"uniform mean", uni.Mean().Item(), 1, 0.02},
		{"uniform min", uni.Neg().Max().Neg().Item(), -1, 0.01},
		{"uniform max", uni.Max().Item(), 3, 0.01},
		{"bernoulli rate", bern.Mean().Item(), 0.3, 0.01},
	}
	for _, tc := range cases {
		if math.Abs(float64(tc.got-tc.want)) > float64(tc.tol) {
			t.Errorf("%s = %v, want %v ± %v", tc.name, tc.got, tc.want, tc.tol)
		}
	}
	perm := rng.Perm(50)
	seen := map[int]bool{}
	for _, p := range perm {
		seen[p] = true
	}
	if len(perm) != 50 || len(seen) != 50 {
		t.Errorf("Perm(50) = %v is not a permutation", perm)
	}
	s1, s2 := physnn.NewRNG(4).Split(), physnn.NewRNG(4).Split()
	if s1.Float64() != s2.Float64() {
		t.Error("Split is not reproducible")
	}
	if rng.Bernoulli(1.5, 2).Err() == nil || rng.Normal(0, -1, 2).Err() == nil || (*physnn.RNG)(nil).Normal(0, 1, 2).Err() == nil {
		t.Error("bad RNG arguments should give error tensors")
	}
}

func TestCancel(t *testing.T) {
	defer physnn.SetCancelContext(nil)
	if err := physnn.Canceled(); err != nil {
		t.Fatalf("Canceled() with no context = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	physnn.SetCancelContext(ctx)
	if err := physnn.Canceled(); err != nil {
		t.Errorf("Canceled() before cancel = %v", err)
	}
	cancel()
	if err := physnn.Canceled(); err != context.Canceled {
		t.Errorf("Canceled() after cancel = %v, want context.Canceled", err)
	}
	if allocs := testing.AllocsPerRun(100, func() { _ = physnn.Canceled() }); allocs != 0 {
		t.Errorf("Canceled allocates %v times per call", allocs)
	}
}

func TestNoGradIsPerGoroutine(t *testing.T) {
	w := physnn.Ones(2).SetRequiresGrad(true)
	inside, done := make(chan struct{}), make(chan struct{})
	go physnn.NoGrad(func() {
		close(inside)
		<-done // stay inside NoGrad while the test goroutine records
	})
	<-inside
	y := w.Mul(w)
	enabled := physnn.GradEnabled()
	close(done)
	if !enabled || !y.RequiresGrad() {
		t.Error("NoGrad in another goroutine stopped this one from recording")
	}
	physnn.NoGrad(func() {
		physnn.NoGrad(func() {})
		if physnn.GradEnabled() {
			t.Error("a nested NoGrad re-enabled recording on return")
		}
	})
}

func TestConcurrentBackwardSharedParameters(t *testing.T) {
	// Data-parallel: goroutines differentiate separate graphs over one
	// parameter; the accumulated gradient is the sum of theirs.
	w := physnn.New([]float32{1, 2, 3}, 3).SetRequiresGrad(true)
	const workers, steps = 4, 50
	errs := make(chan error, workers)
	for k := 0; k < workers; k++ {
		go func() {
			x := physnn.Full(float32(k+1), 3)
			var err error
			for i := 0; i < steps && err == nil; i++ {
				err = w.Mul(x).Sum().Backward() // d/dw = x
			}
			errs <- err
		}()
	}
	for k := 0; k < workers; k++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	want := float64(steps * (1 + 2 + 3 + 4))
	physnntest.AllClose(t, w.Grad().Float64(), []float64{want, want, want}, 0, 0)
}

func TestDim(t *testing.T) {
	x := physnn.Zeros(2, 3, 4)
	for _, c := range []struct{ i, want int }{{0, 2}, {1, 3}, {2, 4}, {-1, 4}, {-3, 2}, {3, 0}, {-4, 0}} {
		if got := x.Dim(c.i); got != c.want {
			t.Errorf("Dim(%d) = %d, want %d", c.i, got, c.want)
		}
	}
	if physnn.Scalar(1).Dim(0) != 0 || (*physnn.Tensor)(nil).Dim(0) != 0 {
		t.Error("Dim of a scalar or a nil tensor is not 0")
	}
}
