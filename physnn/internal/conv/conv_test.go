package conv

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/gophys/gophys/physnn/internal/team"
)

type convCase struct {
	name             string
	n, c, h, w       int
	k, kh, kw        int
	strideH, strideW int
	pad              Padding
	bias             bool
	parallel         bool
}

// convCases covers odd image and kernel sizes, unequal strides and
// asymmetric padding, batch 1 and 3, 1×1 kernels (the identity-im2col fast
// path) and the forced parallel path.
var convCases = []convCase{
	{name: "5x7_k3x2_s1_p0_n1", n: 1, c: 1, h: 5, w: 7, k: 1, kh: 3, kw: 2, strideH: 1, strideW: 1},
	{name: "5x7_k3x2_s2_p1_n3", n: 3, c: 2, h: 5, w: 7, k: 3, kh: 3, kw: 2, strideH: 2, strideW: 2, pad: Padding{1, 1, 1, 1}, bias: true},
	{name: "5x7_k3x3_s2x1_asym", n: 3, c: 3, h: 5, w: 7, k: 2, kh: 3, kw: 3, strideH: 2, strideW: 1, pad: Padding{0, 2, 1, 0}, bias: true},
	{name: "6x6_k4x4_s3_p2", n: 1, c: 2, h: 6, w: 6, k: 4, kh: 4, kw: 4, strideH: 3, strideW: 3, pad: Padding{2, 2, 2, 2}},
	{name: "1x1_kernel", n: 3, c: 4, h: 3, w: 5, k: 2, kh: 1, kw: 1, strideH: 1, strideW: 1, bias: true},
	{name: "1x1_kernel_stride2", n: 2, c: 3, h: 5, w: 5, k: 2, kh: 1, kw: 1, strideH: 2, strideW: 2},
	{name: "same_8x8_on_9x9", n: 2, c: 2, h: 9, w: 9, k: 3, kh: 8, kw: 8, strideH: 1, strideW: 1, pad: Padding{3, 4, 3, 4}, bias: true},
	{name: "kernel_covers_input", n: 2, c: 2, h: 3, w: 2, k: 2, kh: 3, kw: 2, strideH: 1, strideW: 1},
	{name: "parallel_n5", n: 5, c: 2, h: 7, w: 5, k: 3, kh: 3, kw: 3, strideH: 2, strideW: 1, pad: Padding{1, 1, 1, 1}, bias: true, parallel: true},
	{name: "parallel_n3_1x1", n: 3, c: 2, h: 4, w: 3, k: 3, kh: 1, kw: 1, strideH: 1, strideW: 1, parallel: true},
}

func (tc convCase) geom(t *testing.T) Geom {
	t.Helper()
	g, err := NewGeom(tc.c, tc.h, tc.w, tc.k, tc.kh, tc.kw, tc.strideH, tc.strideW, tc.pad)
	if err != nil {
		t.Fatalf("NewGeom: %v", err)
	}
	return g
}

func TestConvAgainstDirectLoops(t *testing.T) {
	for _, mode := range chunkModes {
		for i, tc := range convCases {
			t.Run(mode.name+"/"+tc.name, func(t *testing.T) {
				setChunkCols(t, mode.cols)
				testConvCase(t, i, tc)
			})
		}
	}
}

func testConvCase(t *testing.T, i int, tc convCase) {
	if tc.parallel {
		if runtime.GOMAXPROCS(0) < 2 {
			t.Skip("needs GOMAXPROCS >= 2 to run the parallel path")
		}
		forceParallel(t)
	}
	g := tc.geom(t)
	rng := rand.New(rand.NewPCG(uint64(i), 1))
	x := randSlice(rng, tc.n*g.InSize())
	w := randSlice(rng, g.FilterSize())
	var bias []float64
	if tc.bias {
		bias = randSlice(rng, g.K)
	}
	dy := randSlice(rng, tc.n*g.OutSize())
	ws := new(Workspace[float64])

	y := make([]float64, tc.n*g.OutSize())
	Forward(&g, tc.n, x, w, bias, y, ws)
	assertClose(t, "y", y, naiveConv(g, tc.n, x, w, bias), closeTol)

	wantDX, wantDW := naiveConvBackward(g, tc.n, x, w, dy)
	dx := randSlice(rng, tc.n*g.InSize()) // garbage: kernels must overwrite
	BackwardData(&g, tc.n, dy, w, dx, ws)
	assertClose(t, "dx", dx, wantDX, closeTol)
	dw := randSlice(rng, g.FilterSize())
	BackwardFilter(&g, tc.n, x, dy, dw, ws)
	assertClose(t, "dw", dw, wantDW, closeTol)

	db := randSlice(rng, g.K)
	BiasGrad(tc.n, g.K, g.OH*g.OW, dy, db)
	wantDB := make([]float64, g.K)
	for j, v := range dy {
		wantDB[(j/(g.OH*g.OW))%g.K] += v
	}
	assertClose(t, "db", db, wantDB, closeTol)
}

// TestConvHandComputed pins the reference itself to values worked out by
// hand, so a shared misunderstanding of the definition (cross-correlation,
// not flipped convolution) cannot pass unnoticed.
func TestConvHandComputed(t *testing.T) {
	// x = [[1 2 3] [4 5 6] [7 8 9]], w = [[1 0] [0 -1]], bias 10, stride 1,
	// no padding: y[i][j] = x[i][j] - x[i+1][j+1] + 10 = -4 + 10 everywhere.
	g, err := NewGeom(1, 3, 3, 1, 2, 2, 1, 1, Padding{})
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	w := []float64{1, 0, 0, -1}
	y := make([]float64, 4)
	Forward(&g, 1, x, w, []float64{10}, y, nil)
	assertClose(t, "y", y, []float64{6, 6, 6, 6}, 0)
	assertClose(t, "reference", naiveConv(g, 1, x, w, []float64{10}), y, 0)

	// Padding 1 and stride 2 on the same image: the window at (0,0) sees
	// only x[0][0] under the -1 tap: y = -1; at (0,1): 0 - x[0][1]... the
	// windows start at input rows/cols -1 and 1.
	g, err = NewGeom(1, 3, 3, 1, 2, 2, 2, 2, Padding{1, 1, 1, 1})
	if err != nil {
		t.Fatal(err)
	}
	y = make([]float64, 4)
	Forward(&g, 1, x, w, nil, y, nil)
	// (0,0): taps at (-1,-1)=pad·1 and (0,0)=1·-1 → -1
	// (0,1): taps at (-1,1)=pad and (0,2)=3 → -3
	// (1,0): taps at (1,-1)=pad and (2,0)=7 → -7
	// (1,1): taps at (1,1)=5·1 and (2,2)=9·-1 → -4
	assertClose(t, "y padded", y, []float64{-1, -3, -7, -4}, 0)
}

// TestTransposeIsAdjoint checks ⟨conv(x), u⟩ = ⟨x, convᵀ(u)⟩ and that the
// transposed convolution's backward passes match the naive conv loops with
// input and output exchanged.
func TestTransposeIsAdjoint(t *testing.T) {
	cases := []struct {
		name               string
		n, cin, h, w, cout int
		kh, kw, stride     int
		pad                Padding
		extraH, extraW     int
	}{
		{name: "k4_s2_p1_gan", n: 3, cin: 3, h: 4, w: 5, cout: 2, kh: 4, kw: 4, stride: 2, pad: Padding{1, 1, 1, 1}},
		{name: "k3_s2_p1_extra1", n: 1, cin: 2, h: 3, w: 3, cout: 3, kh: 3, kw: 3, stride: 2, pad: Padding{1, 1, 1, 1}, extraH: 1, extraW: 1},
		{name: "k3x2_s1", n: 2, cin: 2, h: 5, w: 7, cout: 1, kh: 3, kw: 2, stride: 1},
		{name: "k5_s3_asym", n: 2, cin: 1, h: 3, w: 2, cout: 2, kh: 5, kw: 5, stride: 3, pad: Padding{2, 1, 0, 3}, extraH: 2},
	}
	for _, mode := range chunkModes {
		for i, tc := range cases {
			t.Run(mode.name+"/"+tc.name, func(t *testing.T) {
				setChunkCols(t, mode.cols)
				g, err := NewTransposeGeom(tc.cin, tc.h, tc.w, tc.cout, tc.kh, tc.kw, tc.stride, tc.stride, tc.pad, tc.extraH, tc.extraW)
				if err != nil {
					t.Fatal(err)
				}
				// The adjoint convolution must map the transposed output size
				// back to the transposed input size.
				fwd, err := NewGeom(g.C, g.H, g.W, g.K, g.KH, g.KW, g.StrideH, g.StrideW, tc.pad)
				if err != nil {
					t.Fatal(err)
				}
				if fwd.OH != tc.h || fwd.OW != tc.w {
					t.Fatalf("adjoint conv maps %dx%d to %dx%d, want %dx%d", g.H, g.W, fwd.OH, fwd.OW, tc.h, tc.w)
				}
				rng := rand.New(rand.NewPCG(uint64(i), 2))
				x := randSlice(rng, tc.n*g.OutSize()) // transposed input [n, cin, h, w]
				w := randSlice(rng, g.FilterSize())   // [cin, cout, kh, kw]
				bias := randSlice(rng, g.C)           // [cout]
				dy := randSlice(rng, tc.n*g.InSize()) // transposed output gradient
				ws := new(Workspace[float64])

				y := make([]float64, tc.n*g.InSize())
				TransposeForward(&g, tc.n, x, w, bias, y, ws)
				// Without bias, y = Aᵀx where A is the conv, i.e. the naive
				// conv backward-data of x.
				wantY, _ := naiveConvBackward(g, tc.n, make([]float64, tc.n*g.InSize()), w, x)
				for j := range wantY {
					wantY[j] += bias[(j/(g.H*g.W))%g.C]
				}
				assertClose(t, "y", y, wantY, closeTol)

				// ⟨A dy, x⟩ = ⟨dy, Aᵀ x⟩ (bias removed).
				dx := make([]float64, tc.n*g.OutSize())
				TransposeBackwardData(&g, tc.n, dy, w, dx, ws)
				assertClose(t, "dx", dx, naiveConv(g, tc.n, dy, w, nil), closeTol)
				var lhs, rhs float64
				for j := range dx {
					lhs += dx[j] * x[j]
				}
				for j := range dy {
					rhs += dy[j] * (y[j] - bias[(j/(g.H*g.W))%g.C])
				}
				if d := lhs - rhs; d > 1e-10 || d < -1e-10 {
					t.Fatalf("adjoint identity: <A dy, x> = %v, <dy, A^T x> = %v", lhs, rhs)
				}

				dw := make([]float64, g.FilterSize())
				TransposeBackwardFilter(&g, tc.n, x, dy, dw, ws)
				_, wantDW := naiveConvBackward(g, tc.n, dy, w, x)
				assertClose(t, "dw", dw, wantDW, closeTol)
			})
		}
	}
}

func TestFloat32MatchesFloat64(t *testing.T) {
	tc := convCases[1]
	g := tc.geom(t)
	rng := rand.New(rand.NewPCG(7, 7))
	x, w, b := randSlice(rng, tc.n*g.InSize()), randSlice(rng, g.FilterSize()), randSlice(rng, g.K)
	y64 := make([]float64, tc.n*g.OutSize())
	Forward(&g, tc.n, x, w, b, y64, nil)
	y32 := make([]float32, len(y64))
	Forward(&g, tc.n, to32(x), to32(w), to32(b), y32, Acquire[float32]())
	got := make([]float64, len(y32))
	for i, v := range y32 {
		got[i] = float64(v)
	}
	// float32 keeps ~7 digits; sums of ~20 products of values below 1
	// agree to a few 1e-6.
	assertClose(t, "y32", got, y64, 1e-5)
}

func to32(s []float64) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = float32(v)
	}
	return out
}

func TestGeometryErrors(t *testing.T) {
	cases := []struct {
		name               string
		c, h, w, k, kh, kw int
		stride             int
		pad                Padding
		want               string
	}{
		{"kernel larger than input", 1, 3, 3, 1, 4, 1, 1, Padding{}, "conv: height: kernel size 4 is larger than the padded input size 3"},
		{"zero stride", 1, 3, 3, 1, 1, 1, 0, Padding{}, "conv: height: stride 0 must be at least 1"},
		{"negative padding", 1, 3, 3, 1, 2, 2, 1, Padding{Left: -1}, "conv: width: padding -1 before and 0 after must not be negative"},
		{"padding as large as kernel", 1, 3, 3, 1, 2, 2, 1, Padding{Top: 2}, "conv: height: padding 2 before and 0 after must be smaller than the kernel size 2"},
		{"no channels", 0, 3, 3, 1, 2, 2, 1, Padding{}, "conv: channel counts 0 in, 1 out must be at least 1"},
		{"empty image", 1, 3, 0, 1, 2, 2, 1, Padding{}, "conv: width: input size 0 must be at least 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewGeom(tc.c, tc.h, tc.w, tc.k, tc.kh, tc.kw, tc.stride, tc.stride, tc.pad)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			var ge *GeomError
			if !errors.As(err, &ge) {
				t.Fatalf("err %v is not a *GeomError", err)
			}
		})
	}
	if _, err := NewTransposeGeom(1, 3, 3, 1, 3, 3, 2, 2, Padding{}, 2, 0); err == nil {
		t.Fatal("output padding equal to the stride: no error")
	}
}

func TestSamePadding(t *testing.T) {
	cases := []struct{ in, k, stride, before, after int }{
		{33, 8, 1, 3, 4}, // Keras: even kernel, the odd pixel goes after
		{33, 3, 1, 1, 1},
		{33, 4, 2, 1, 2}, // out 17: (17-1)*2+4-33 = 3
		{32, 4, 2, 1, 1}, // out 16: 30+4-32 = 2
		{5, 1, 2, 0, 0},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("in%d_k%d_s%d", tc.in, tc.k, tc.stride), func(t *testing.T) {
			b, a := SamePadding(tc.in, tc.k, tc.stride)
			if b != tc.before || a != tc.after {
				t.Fatalf("SamePadding = %d,%d, want %d,%d", b, a, tc.before, tc.after)
			}
			out, err := OutSize(tc.in, tc.k, tc.stride, b, a)
			if err != nil {
				t.Fatal(err)
			}
			if want := (tc.in + tc.stride - 1) / tc.stride; out != want {
				t.Fatalf("output size %d, want ceil(in/stride) = %d", out, want)
			}
		})
	}
}

// TestParallelPanicReachesCaller checks that a panic in a worker goroutine
// surfaces in the calling goroutine, where it can be recovered.
func TestParallelPanicReachesCaller(t *testing.T) {
	defer func() {
		if r := recover(); r != "worker 1 failed" {
			t.Fatalf("recovered %v, want the worker's panic", r)
		}
	}()
	parallelBatch(4, 2, team.Func(func(worker, lo, hi int) {
		if worker == 1 {
			panic("worker 1 failed")
		}
	}))
	t.Fatal("parallelBatch returned normally")
}

// TestInterruptStopsKernels checks that every convolution kernel polls
// Workspace.Interrupt and returns its error, on the serial and the
// parallel path.
func TestInterruptStopsKernels(t *testing.T) {
	stop := errors.New("interrupted")
	for _, parallel := range []bool{false, true} {
		t.Run(fmt.Sprintf("parallel=%v", parallel), func(t *testing.T) {
			if parallel {
				forceParallel(t)
			}
			tc := convCases[8] // parallel_n5
			g := tc.geom(t)
			x, w := make([]float64, tc.n*g.InSize()), make([]float64, g.FilterSize())
			y, dw := make([]float64, tc.n*g.OutSize()), make([]float64, g.FilterSize())
			var polls atomic.Int32 // workers poll concurrently
			ws := &Workspace[float64]{Interrupt: func() error { polls.Add(1); return stop }}
			for name, run := range map[string]func() error{
				"forward":       func() error { return Forward(&g, tc.n, x, w, nil, y, ws) },
				"backward data": func() error { return BackwardData(&g, tc.n, y, w, x, ws) },
				"backward filter": func() error {
					return BackwardFilter(&g, tc.n, x, y, dw, ws)
				},
				"transpose forward": func() error { return TransposeForward(&g, tc.n, y, w, nil, x, ws) },
				"local forward": func() error {
					return LocalForward(&g, tc.n, x, make([]float64, g.OH*g.OW*g.FilterSize()), nil, y, ws)
				},
				"local backward": func() error {
					return LocalBackward(&g, tc.n, x, make([]float64, g.OH*g.OW*g.FilterSize()), y, make([]float64, len(x)), nil, nil, ws)
				},
			} {
				if err := run(); err != stop {
					t.Errorf("%s: err = %v, want the interrupt's error", name, err)
				}
			}
			if polls.Load() == 0 {
				t.Fatal("Interrupt was never polled")
			}
			ws.Interrupt = nil
			if err := Forward(&g, tc.n, x, w, nil, y, ws); err != nil {
				t.Fatalf("after clearing Interrupt: %v", err)
			}
		})
	}
}
