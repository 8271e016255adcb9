package conv

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The naive direct loops below are the reference the fast kernels are
// tested against: they follow the definition of each operation with no
// reuse of intermediate results, so an indexing mistake in im2col, col2im
// or the GEMM layout cannot hide in both.

// at returns x[n, c, i, j] of an [N, C, H, W] array, or 0 outside the image
// (zero padding).
func at(x []float64, c, h, w, n, ch, i, j int) float64 {
	if i < 0 || i >= h || j < 0 || j >= w {
		return 0
	}
	return x[((n*c+ch)*h+i)*w+j]
}

func naiveConv(g Geom, n int, x, w, bias []float64) []float64 {
	y := make([]float64, n*g.OutSize())
	for b := 0; b < n; b++ {
		for k := 0; k < g.K; k++ {
			for oh := 0; oh < g.OH; oh++ {
				for ow := 0; ow < g.OW; ow++ {
					var s float64
					if bias != nil {
						s = bias[k]
					}
					for c := 0; c < g.C; c++ {
						for kh := 0; kh < g.KH; kh++ {
							for kw := 0; kw < g.KW; kw++ {
								ih, iw := oh*g.StrideH-g.PadTop+kh, ow*g.StrideW-g.PadLeft+kw
								s += at(x, g.C, g.H, g.W, b, c, ih, iw) * w[((k*g.C+c)*g.KH+kh)*g.KW+kw]
							}
						}
					}
					y[((b*g.K+k)*g.OH+oh)*g.OW+ow] = s
				}
			}
		}
	}
	return y
}

// naiveConvBackward returns dx and dw of a convolution by scattering every
// output gradient along the same index map as naiveConv.
func naiveConvBackward(g Geom, n int, x, w, dy []float64) (dx, dw []float64) {
	dx = make([]float64, n*g.InSize())
	dw = make([]float64, g.FilterSize())
	for b := 0; b < n; b++ {
		for k := 0; k < g.K; k++ {
			for oh := 0; oh < g.OH; oh++ {
				for ow := 0; ow < g.OW; ow++ {
					d := dy[((b*g.K+k)*g.OH+oh)*g.OW+ow]
					for c := 0; c < g.C; c++ {
						for kh := 0; kh < g.KH; kh++ {
							for kw := 0; kw < g.KW; kw++ {
								ih, iw := oh*g.StrideH-g.PadTop+kh, ow*g.StrideW-g.PadLeft+kw
								if ih < 0 || ih >= g.H || iw < 0 || iw >= g.W {
									continue
								}
								wi := ((k*g.C+c)*g.KH+kh)*g.KW + kw
								xi := ((b*g.C+c)*g.H+ih)*g.W + iw
								dx[xi] += d * w[wi]
								dw[wi] += d * x[xi]
							}
						}
					}
				}
			}
		}
	}
	return dx, dw
}

func randSlice(rng *rand.Rand, size int) []float64 {
	s := make([]float64, size)
	for i := range s {
		s[i] = rng.Float64()*2 - 1
	}
	return s
}

// closeTol is the agreement expected between two float64 evaluations of
// the same sums in different orders: a few hundred ulps of values of order
// one, far below any indexing error (which is of order one).
const closeTol = 1e-12

func assertClose(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: length %d, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(got[i] - want[i]); !(d <= tol*math.Max(1, math.Abs(want[i]))) {
			t.Fatalf("%s[%d] = %.15g, want %.15g (diff %.3g)", what, i, got[i], want[i], d)
		}
	}
}

// forceParallel makes every kernel split its batch over goroutines for the
// duration of the test, so small inputs exercise the parallel path.
func forceParallel(t *testing.T) {
	old := minParallelFlops
	minParallelFlops = 0
	t.Cleanup(func() { minParallelFlops = old })
}

// chunkModes are the two ways the conv kernels batch images into GEMMs:
// one image per GEMM, and every image of a worker in one GEMM. Tests run
// both, since the default picks one or the other by image size.
var chunkModes = []struct {
	name string
	cols int // minChunkCols
}{
	{"per-image", 1},
	{"chunked", 1 << 30},
}

// setChunkCols sets minChunkCols for the duration of the test.
func setChunkCols(t *testing.T, cols int) {
	old := minChunkCols
	minChunkCols = cols
	t.Cleanup(func() { minChunkCols = old })
}
