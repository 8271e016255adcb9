package conv

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestPoolAgainstDirectLoops(t *testing.T) {
	cases := []struct {
		name           string
		n, c, h, w     int
		kh, kw, sh, sw int
	}{
		{"2x2_s2_on_5x7", 1, 1, 5, 7, 2, 2, 2, 2},  // odd sizes drop the last row/column
		{"3x2_s1_overlap", 3, 2, 5, 7, 3, 2, 1, 1}, // overlapping windows add gradients
		{"3x3_s2_overlap", 2, 3, 7, 5, 3, 3, 2, 2},
		{"whole_image", 2, 2, 3, 4, 3, 4, 1, 1},
		{"jet_33_pool2", 2, 2, 33, 33, 2, 2, 2, 2},
	}
	for _, parallel := range []bool{false, true} {
		for i, tc := range cases {
			t.Run(fmt.Sprintf("%s/parallel=%v", tc.name, parallel), func(t *testing.T) {
				if parallel {
					forceParallel(t)
				}
				g, err := NewPoolGeom(tc.c, tc.h, tc.w, tc.kh, tc.kw, tc.sh, tc.sw)
				if err != nil {
					t.Fatal(err)
				}
				rng := rand.New(rand.NewPCG(uint64(i), 3))
				x := randSlice(rng, tc.n*g.InSize())
				dy := randSlice(rng, tc.n*g.OutSize())
				wantMax := make([]float64, tc.n*g.OutSize())
				wantAvg := make([]float64, tc.n*g.OutSize())
				wantDXMax := make([]float64, len(x))
				wantDXAvg := make([]float64, len(x))
				for p := 0; p < tc.n*tc.c; p++ {
					for oh := 0; oh < g.OH; oh++ {
						for ow := 0; ow < g.OW; ow++ {
							o := (p*g.OH+oh)*g.OW + ow
							best, bestIdx, sum := math.Inf(-1), -1, 0.0
							for kh := 0; kh < tc.kh; kh++ {
								for kw := 0; kw < tc.kw; kw++ {
									idx := (p*tc.h+oh*tc.sh+kh)*tc.w + ow*tc.sw + kw
									sum += x[idx]
									if x[idx] > best {
										best, bestIdx = x[idx], idx
									}
								}
							}
							area := float64(tc.kh * tc.kw)
							wantMax[o], wantAvg[o] = best, sum/area
							wantDXMax[bestIdx] += dy[o]
							for kh := 0; kh < tc.kh; kh++ {
								for kw := 0; kw < tc.kw; kw++ {
									wantDXAvg[(p*tc.h+oh*tc.sh+kh)*tc.w+ow*tc.sw+kw] += dy[o] / area
								}
							}
						}
					}
				}
				y := make([]float64, tc.n*g.OutSize())
				MaxPoolForward(&g, tc.n, x, y)
				assertClose(t, "max y", y, wantMax, 0)
				dx := randSlice(rng, len(x))
				MaxPoolBackward(&g, tc.n, x, dy, dx)
				assertClose(t, "max dx", dx, wantDXMax, closeTol)

				AvgPoolForward(&g, tc.n, x, y)
				assertClose(t, "avg y", y, wantAvg, closeTol)
				AvgPoolBackward(&g, tc.n, dy, dx)
				assertClose(t, "avg dx", dx, wantDXAvg, closeTol)
			})
		}
	}
}

func TestMaxPoolPropagatesNaN(t *testing.T) {
	g, err := NewPoolGeom(1, 2, 2, 2, 2, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{1, math.NaN(), 5, 2}
	y, dx := make([]float64, 1), make([]float64, 4)
	MaxPoolForward(&g, 1, x, y)
	MaxPoolBackward(&g, 1, x, []float64{1}, dx)
	if !math.IsNaN(y[0]) || dx[1] != 1 {
		t.Fatalf("max of {1, NaN, 5, 2} = %v with gradient %v, want NaN and the gradient at index 1", y[0], dx)
	}
}

func TestMaxPoolTiesTakeFirst(t *testing.T) {
	g, err := NewPoolGeom(1, 2, 2, 2, 2, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	dx := make([]float64, 4)
	MaxPoolBackward(&g, 1, []float64{3, 7, 7, 7}, []float64{1}, dx)
	if want := []float64{0, 1, 0, 0}; !slices.Equal(dx, want) {
		t.Fatalf("gradient %v, want %v (the first maximum in row-major order)", dx, want)
	}
}
