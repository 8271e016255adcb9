package conv

// MaxPoolForward overwrites y ([n, C, OH, OW]) with the maximum of every
// KH×KW window of x ([n, C, H, W]) and records in argmax, for every output,
// the index inside its input plane (row·W + column) of the value it took. A
// NaN in a window wins, so NaNs propagate as they do in PyTorch; among equal
// values the first in row-major order wins.
func MaxPoolForward[T Float](g *Geom, n int, x, y []T, argmax []int32) {
	planes := n * g.C
	hw, ohw := g.H*g.W, g.OH*g.OW
	parallelRange(planes, hw, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			plane := x[p*hw : (p+1)*hw]
			yp, ap := y[p*ohw:(p+1)*ohw], argmax[p*ohw:(p+1)*ohw]
			for oh := 0; oh < g.OH; oh++ {
				ih0 := oh * g.StrideH
				for ow := 0; ow < g.OW; ow++ {
					iw0 := ow * g.StrideW
					best := ih0*g.W + iw0
					bv := plane[best]
					for kh := 0; kh < g.KH; kh++ {
						row := (ih0+kh)*g.W + iw0
						for kw := 0; kw < g.KW; kw++ {
							if v := plane[row+kw]; v > bv || (v != v && bv == bv) {
								bv, best = v, row+kw
							}
						}
					}
					yp[oh*g.OW+ow] = bv
					ap[oh*g.OW+ow] = int32(best)
				}
			}
		}
	})
}

// MaxPoolBackward overwrites dx ([n, C, H, W]) with the gradient of a max
// pool: every output gradient goes to the input value its window took, and
// overlapping windows add up.
func MaxPoolBackward[T Float](g *Geom, n int, dy []T, argmax []int32, dx []T) {
	planes := n * g.C
	hw, ohw := g.H*g.W, g.OH*g.OW
	clear(dx[:planes*hw])
	parallelRange(planes, hw, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			dxp := dx[p*hw : (p+1)*hw]
			for j, idx := range argmax[p*ohw : (p+1)*ohw] {
				dxp[idx] += dy[p*ohw+j]
			}
		}
	})
}

// AvgPoolForward overwrites y ([n, C, OH, OW]) with the mean of every KH×KW
// window of x ([n, C, H, W]).
func AvgPoolForward[T Float](g *Geom, n int, x, y []T) {
	planes := n * g.C
	hw, ohw := g.H*g.W, g.OH*g.OW
	scale := 1 / T(g.KH*g.KW)
	parallelRange(planes, hw, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			plane, yp := x[p*hw:(p+1)*hw], y[p*ohw:(p+1)*ohw]
			for oh := 0; oh < g.OH; oh++ {
				for ow := 0; ow < g.OW; ow++ {
					var s T
					for kh := 0; kh < g.KH; kh++ {
						row := (oh*g.StrideH+kh)*g.W + ow*g.StrideW
						for _, v := range plane[row : row+g.KW] {
							s += v
						}
					}
					yp[oh*g.OW+ow] = s * scale
				}
			}
		}
	})
}

// AvgPoolBackward overwrites dx ([n, C, H, W]) with the gradient of an
// average pool: every output gradient is spread evenly over its window.
func AvgPoolBackward[T Float](g *Geom, n int, dy, dx []T) {
	planes := n * g.C
	hw, ohw := g.H*g.W, g.OH*g.OW
	scale := 1 / T(g.KH*g.KW)
	clear(dx[:planes*hw])
	parallelRange(planes, hw, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			dxp, dyp := dx[p*hw:(p+1)*hw], dy[p*ohw:(p+1)*ohw]
			for oh := 0; oh < g.OH; oh++ {
				for ow := 0; ow < g.OW; ow++ {
					v := dyp[oh*g.OW+ow] * scale
					for kh := 0; kh < g.KH; kh++ {
						row := dxp[(oh*g.StrideH+kh)*g.W+ow*g.StrideW:]
						for kw := range g.KW {
							row[kw] += v
						}
					}
				}
			}
		}
	})
}
