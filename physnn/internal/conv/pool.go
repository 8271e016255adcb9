package conv

// maxWindow returns the index inside plane (row·W + column) of the
// maximum of the window whose top-left corner is (ih0, iw0). A NaN wins, so
// NaNs propagate as they do in PyTorch; among equal values the first in
// row-major order wins. Forward and backward share it, so the backward
// pass finds exactly the element the forward pass took.
func maxWindow[T Float](g *Geom, plane []T, ih0, iw0 int) int {
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
	return best
}

// MaxPoolForward overwrites y ([n, C, OH, OW]) with the maximum of every
// KH×KW window of x ([n, C, H, W]); see maxWindow for NaNs and ties.
func MaxPoolForward[T Float](g *Geom, n int, x, y []T) {
	runPlanes(g, n, job[T]{kind: maxPoolForwardKind, g: *g, x: x, y: y})
}

// MaxPoolBackward overwrites dx ([n, C, H, W]) with the gradient of a max
// pool of x: every output gradient goes to the input value its window took,
// and overlapping windows add up. It finds those values again instead of
// keeping indices from the forward pass, which costs one more pass over x
// (cheap next to the convolutions around a pool) and no memory.
func MaxPoolBackward[T Float](g *Geom, n int, x, dy, dx []T) {
	clear(dx[:n*g.C*g.H*g.W])
	runPlanes(g, n, job[T]{kind: maxPoolBackwardKind, g: *g, x: x, dy: dy, dx: dx})
}

// AvgPoolForward overwrites y ([n, C, OH, OW]) with the mean of every KH×KW
// window of x ([n, C, H, W]).
func AvgPoolForward[T Float](g *Geom, n int, x, y []T) {
	runPlanes(g, n, job[T]{kind: avgPoolForwardKind, g: *g, x: x, y: y})
}

// AvgPoolBackward overwrites dx ([n, C, H, W]) with the gradient of an
// average pool: every output gradient is spread evenly over its window.
func AvgPoolBackward[T Float](g *Geom, n int, dy, dx []T) {
	clear(dx[:n*g.C*g.H*g.W])
	runPlanes(g, n, job[T]{kind: avgPoolBackwardKind, g: *g, dy: dy, dx: dx})
}

// runPlanes runs the pooling job j on the n·g.C planes of a batch, in
// parallel when they are many, from a pooled Workspace: the job then lives
// in memory the pool keeps, where a closure would be a heap allocation per
// call (and would move g to the heap).
func runPlanes[T Float](g *Geom, n int, j job[T]) {
	ws := Acquire[T]()
	ws.job = j
	planes := n * g.C
	parallelBatch(planes, workers(planes, g.H*g.W), &ws.job)
	Release(ws)
}

// maxPoolForward is MaxPoolForward on planes [lo, hi).
func (j *job[T]) maxPoolForward(lo, hi int) {
	g := &j.g
	x, y := j.x, j.y
	hw, ohw := g.H*g.W, g.OH*g.OW
	for p := lo; p < hi; p++ {
		plane, yp := x[p*hw:(p+1)*hw], y[p*ohw:(p+1)*ohw]
		for oh := 0; oh < g.OH; oh++ {
			for ow := 0; ow < g.OW; ow++ {
				yp[oh*g.OW+ow] = plane[maxWindow(g, plane, oh*g.StrideH, ow*g.StrideW)]
			}
		}
	}
}

// maxPoolBackward is MaxPoolBackward on planes [lo, hi).
func (j *job[T]) maxPoolBackward(lo, hi int) {
	g := &j.g
	x, dy, dx := j.x, j.dy, j.dx
	hw, ohw := g.H*g.W, g.OH*g.OW
	for p := lo; p < hi; p++ {
		plane, dxp, dyp := x[p*hw:(p+1)*hw], dx[p*hw:(p+1)*hw], dy[p*ohw:(p+1)*ohw]
		for oh := 0; oh < g.OH; oh++ {
			for ow := 0; ow < g.OW; ow++ {
				dxp[maxWindow(g, plane, oh*g.StrideH, ow*g.StrideW)] += dyp[oh*g.OW+ow]
			}
		}
	}
}

// avgPoolForward is AvgPoolForward on planes [lo, hi).
func (j *job[T]) avgPoolForward(lo, hi int) {
	g := &j.g
	x, y := j.x, j.y
	hw, ohw := g.H*g.W, g.OH*g.OW
	scale := 1 / T(g.KH*g.KW)
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
}

// avgPoolBackward is AvgPoolBackward on planes [lo, hi).
func (j *job[T]) avgPoolBackward(lo, hi int) {
	g := &j.g
	dy, dx := j.dy, j.dx
	hw, ohw := g.H*g.W, g.OH*g.OW
	scale := 1 / T(g.KH*g.KW)
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
}
