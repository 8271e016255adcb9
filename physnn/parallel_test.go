package physnn

import (
	"math"
	"runtime"
	"slices"
	"testing"
)

func TestParallelFor(t *testing.T) {
	cases := []struct {
		name    string
		n, work int
	}{
		{"empty", 0, 1},
		{"small, one chunk", 10, 1},
		{"large elementwise", 1 << 20, 1},
		{"few expensive rows", 7, parallelGrain},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			seen := make([]int32, tc.n)
			parallelFor(tc.n, tc.work, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					seen[i]++ // chunks are disjoint, so no race
				}
			})
			for i, c := range seen {
				if c != 1 {
					t.Fatalf("index %d visited %d times", i, c)
				}
			}
		})
	}
	t.Run("a panic in a chunk reaches the caller", func(t *testing.T) {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the chunk's panic", r)
			}
		}()
		parallelFor(1<<20, 1, func(lo, hi int) {
			if hi == 1<<20 { // the last chunk, run by another goroutine when there are two
				panic("boom")
			}
		})
		t.Error("parallelFor returned normally")
	})
}

// TestReductionsIndependentOfCores checks that blocked reductions give the
// same bits with one core as with several.
func TestReductionsIndependentOfCores(t *testing.T) {
	g := NewRNG(3).Normal(0, 1, 3*reduceBlock+5, 37)
	x := NewRNG(4).Normal(0, 1, 3*reduceBlock+5, 1)
	run := func() (bias, weight []float32) {
		return sumTo(g, []int{37}).Data(), matmul(permute(x, swapLast(2)), g).Data()
	}
	prev := runtime.GOMAXPROCS(1)
	bias1, weight1 := run()
	runtime.GOMAXPROCS(max(prev, 2))
	bias2, weight2 := run()
	runtime.GOMAXPROCS(prev)
	if !slices.Equal(bias1, bias2) || !slices.Equal(weight1, weight2) {
		t.Error("results differ between one core and several")
	}
	// And they are the column sums.
	gv, xv := g.Float64(), x.Float64()
	for j := range 37 {
		var s, w float64
		for i := range 3*reduceBlock + 5 {
			s += gv[i*37+j]
			w += xv[i] * gv[i*37+j]
		}
		if math.Abs(float64(bias1[j])-s) > 1e-3 || math.Abs(float64(weight1[j])-w) > 1e-3 {
			t.Fatalf("column %d: sums %v and %v, want %v and %v", j, bias1[j], weight1[j], s, w)
		}
	}
}

// TestMulDerivMatchesTwoPasses checks that the fused gradient of unary ops
// gives the same bits as the product of the gradient and the derivative
// computed separately, on a tensor large enough to be split over cores.
func TestMulDerivMatchesTwoPasses(t *testing.T) {
	const n = 1 << 18
	g := NewRNG(5).Normal(0, 1, n)
	x := NewRNG(6).Normal(0, 3, n)
	y := unary(uSigmoid, x, 0)
	cases := []struct {
		name  string
		deriv unop
		src   *Tensor
		p     float64
	}{
		{"sigmoid", uSigmoidDerivY, y, 0},
		{"tanh", uTanhDerivY, unary(uTanh, x, 0), 0},
		{"relu", uStep, x, 0},
		{"elu", uELUDeriv, x, 1},
		{"softplus", uSigmoid, x, 0},
		{"gelu", uGELUDeriv, x, 0},
	}
	for _, tc := range cases {
		for _, dt := range []dtype{f32, f64} {
			name := tc.name + "/float32"
			if dt == f64 {
				name = tc.name + "/float64"
			}
			t.Run(name, func(t *testing.T) {
				gt, src := toDtype(g, dt), toDtype(tc.src, dt)
				got := mulDeriv(gt, tc.deriv, src, tc.p).Float64()
				want := mul(gt, unary(tc.deriv, src, tc.p)).Float64()
				if !slices.Equal(got, want) {
					t.Error("fused and two-pass gradients differ")
				}
			})
		}
	}
}

// touch is a chunk function that captures nothing, so handing it to
// parallelFor allocates no closure.
func touch(lo, hi int) {}

// TestParallelForAllocatesNothing checks that splitting work over the cores
// costs no allocation of its own (the helpers are kept, the shared state is
// pooled): a training step makes dozens of parallel calls.
func TestParallelForAllocatesNothing(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	if serial(1<<20, 1) {
		t.Fatal("parallelFor(1<<20, 1) runs as one chunk; the test needs two")
	}
	parallelFor(1<<20, 1, touch)
	if got := testing.AllocsPerRun(100, func() { parallelFor(1<<20, 1, touch) }); got > 0.05 {
		t.Errorf("parallelFor allocates %.2f times per call, want 0", got)
	}
}

// scaleSpan is a parallelArgs loop: dst = p·src.
type scaleSpan[T float] struct {
	p        T
	dst, src []T
}

func (s scaleSpan[T]) chunk(lo, hi int) {
	for i := lo; i < hi; i++ {
		s.dst[i] = s.p * s.src[i]
	}
}

// panicSpan is a parallelArgs loop whose last chunk panics.
type panicSpan struct{ n int }

func (s panicSpan) chunk(lo, hi int) {
	if hi == s.n {
		panic("boom")
	}
}

// TestParallelArgs checks that parallelArgs covers every index once, passes
// its arguments to every chunk and, unlike a capturing closure handed to
// parallelFor, allocates nothing, whether it splits the loop or not.
func TestParallelArgs(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	n := 1 << 20
	if serial(n, 1) {
		t.Fatal("parallelArgs(1<<20, 1) runs as one chunk; the test needs two")
	}
	dst, src := make([]float32, n), make([]float32, n)
	for i := range src {
		src[i] = float32(i % 7)
	}
	parallelArgs(n, 1, scaleSpan[float32]{3, dst, src})
	for i, v := range dst {
		if v != 3*src[i] {
			t.Fatalf("dst[%d] = %v, want %v", i, v, 3*src[i])
		}
	}
	if got := testing.AllocsPerRun(100, func() { parallelArgs(n, 1, scaleSpan[float32]{2, dst, src}) }); got > 0.05 {
		t.Errorf("parallelArgs allocates %.2f times per split call, want 0", got)
	}
	if got := testing.AllocsPerRun(100, func() { parallelArgs(100, 1, scaleSpan[float32]{2, dst, src}) }); got > 0 {
		t.Errorf("parallelArgs allocates %.2f times per serial call, want 0", got)
	}
	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("recovered %v, want the chunk's panic", r)
		}
	}()
	parallelArgs(n, 1, panicSpan{n})
	t.Error("parallelArgs returned normally after a panic")
}
