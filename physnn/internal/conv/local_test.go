package conv

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// naiveLocal computes a locally connected layer and its gradients straight
// from the definition: output pixel (oh, ow) uses filter bank oh·OW+ow.
func naiveLocal(g Geom, n int, x, w, bias, dy []float64) (y, dx, dw, db []float64) {
	y = make([]float64, n*g.OutSize())
	dx = make([]float64, n*g.InSize())
	dw = make([]float64, len(w))
	db = make([]float64, g.OutSize())
	rows := g.C * g.KH * g.KW
	for b := 0; b < n; b++ {
		for k := 0; k < g.K; k++ {
			for oh := 0; oh < g.OH; oh++ {
				for ow := 0; ow < g.OW; ow++ {
					px := oh*g.OW + ow
					o := ((b*g.K+k)*g.OH+oh)*g.OW + ow
					if bias != nil {
						y[o] = bias[k*g.OH*g.OW+px]
					}
					db[k*g.OH*g.OW+px] += dy[o]
					for c := 0; c < g.C; c++ {
						for kh := 0; kh < g.KH; kh++ {
							for kw := 0; kw < g.KW; kw++ {
								ih, iw := oh*g.StrideH-g.PadTop+kh, ow*g.StrideW-g.PadLeft+kw
								if ih < 0 || ih >= g.H || iw < 0 || iw >= g.W {
									continue
								}
								wi := (px*g.K+k)*rows + (c*g.KH+kh)*g.KW + kw
								xi := ((b*g.C+c)*g.H+ih)*g.W + iw
								y[o] += w[wi] * x[xi]
								dx[xi] += dy[o] * w[wi]
								dw[wi] += dy[o] * x[xi]
							}
						}
					}
				}
			}
		}
	}
	return y, dx, dw, db
}

func TestLocalAgainstDirectLoops(t *testing.T) {
	for _, parallel := range []bool{false, true} {
		for i, tc := range convCases {
			t.Run(fmt.Sprintf("%s/parallel=%v", tc.name, parallel), func(t *testing.T) {
				if parallel {
					forceParallel(t)
				}
				g := tc.geom(t)
				rng := rand.New(rand.NewPCG(uint64(i), 6))
				x := randSlice(rng, tc.n*g.InSize())
				w := randSlice(rng, g.OH*g.OW*g.FilterSize())
				var bias []float64
				if tc.bias {
					bias = randSlice(rng, g.OutSize())
				}
				dy := randSlice(rng, tc.n*g.OutSize())
				wantY, wantDX, wantDW, wantDB := naiveLocal(g, tc.n, x, w, bias, dy)
				ws := new(Workspace[float64])

				y := randSlice(rng, len(wantY))
				if err := LocalForward(&g, tc.n, x, w, bias, y, ws); err != nil {
					t.Fatal(err)
				}
				assertClose(t, "y", y, wantY, closeTol)

				dx, dw, db := randSlice(rng, len(x)), randSlice(rng, len(w)), randSlice(rng, g.OutSize())
				if err := LocalBackward(&g, tc.n, x, w, dy, dx, dw, db, ws); err != nil {
					t.Fatal(err)
				}
				assertClose(t, "dx", dx, wantDX, closeTol)
				assertClose(t, "dw", dw, wantDW, closeTol)
				assertClose(t, "db", db, wantDB, closeTol)

				// Only the weight gradient, as for a first layer.
				dw2 := randSlice(rng, len(w))
				if err := LocalBackward(&g, tc.n, x, w, dy, nil, dw2, nil, ws); err != nil {
					t.Fatal(err)
				}
				assertClose(t, "dw alone", dw2, wantDW, closeTol)
			})
		}
	}
}
