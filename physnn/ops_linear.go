package physnn

import (
	"runtime"
	"slices"
)

// transpose2 is the permutation that transposes a matrix.
var transpose2 = []int{1, 0}

// Linear returns x·w + b for x [N, In], w [In, Out] and a bias b [Out], or
// x·w for a nil b: a dense layer's forward pass as one op. It computes what
// x.MatMul(w).Add(b) computes, bit for bit, but adds the bias into the
// product in place, so it saves a pass over the output, a buffer and a
// node in the graph. Shapes that do not fit give a *ShapeError.
func Linear(x, w, b *Tensor) (result *Tensor) {
	defer recoverOp("Linear", &result)
	if bad := linearCheck(x, w, b); bad != nil {
		return bad
	}
	if b == nil {
		return recordVJP(matmul(x, w), "linear", []*Tensor{x, w}, linearVJP, opArgs{})
	}
	y := matmul(x, w)
	if y.err != nil {
		return y
	}
	addBiasRows(y, toDtype(b, y.dt))
	return recordVJP(y, "linear", []*Tensor{x, w, b}, linearVJP, opArgs{})
}

// linearCheck returns a tensor carrying the error of Linear's operands, or
// nil when they fit.
func linearCheck(x, w, b *Tensor) *Tensor {
	if err := firstErr(x, w); err != nil {
		return errTensor(err)
	}
	if len(x.shape) != 2 || len(w.shape) != 2 {
		return shapeErr("linear", x.shape, w.shape, "want x [N In] and w [In Out]; use MatMul for batched products")
	}
	if b == nil {
		return nil
	}
	if err := b.check(); err != nil {
		return errTensor(err)
	}
	if len(b.shape) != 1 || b.shape[0] != w.shape[1] {
		return shapeErr("linear", w.shape, b.shape, "the bias must be [Out], Out = %d", w.shape[1])
	}
	return nil
}

// LinearELU returns ELU(x·w + b) for x [N, In], w [In, Out] and a bias b
// [Out] (or nil): a dense layer and its ELU activation as one op, as
// nn.Sequential runs a Dense layer followed by an nn.ELU layer. It
// computes what Linear(x, w, b).ELU(alpha) computes, bit for bit, in both
// directions, with fewer passes over memory: the bias and the ELU go into
// the product in one pass, and the backward pass computes the gradient
// through the ELU and the bias gradient (its column sums) in one pass, from
// the output alone. For alpha < 0 it is Linear followed by ELU.
func LinearELU(x, w, b *Tensor, alpha float32) (result *Tensor) {
	defer recoverOp("LinearELU", &result)
	if !(alpha >= 0) {
		return Linear(x, w, b).ELU(alpha)
	}
	if bad := linearCheck(x, w, b); bad != nil {
		return bad
	}
	y := matmul(x, w)
	if y.err != nil {
		return y
	}
	args := opArgs{f: float64(alpha)}
	if b == nil {
		biasELU(y, nil, alpha)
		return recordVJP(y, "linear_elu", []*Tensor{x, w}, linearELUVJP, args)
	}
	biasELU(y, toDtype(b, y.dt), alpha)
	return recordVJP(y, "linear_elu", []*Tensor{x, w, b}, linearELUVJP, args)
}

// addBiasRows adds the vector b to every row of the contiguous matrix y.
func addBiasRows(y, b *Tensor) {
	n := b.shape[0]
	if n == 0 {
		return
	}
	if y.dt == f64 {
		ys, bs := y.st.f64[y.offset:], b.contiguous().f64s()
		for r := 0; r < y.shape[0]; r++ {
			row := ys[r*n : (r+1)*n]
			for j, v := range bs {
				row[j] += v
			}
		}
		return
	}
	ys, bs := y.st.f32[y.offset:], b.contiguous().f32s()
	for r := 0; r < y.shape[0]; r++ {
		addInPlace32(ys[r*n:(r+1)*n], bs)
	}
}

// linearVJP returns g·wᵀ, xᵀ·g and the column sums of g.
func linearVJP(n *node, g *Tensor) []*Tensor {
	gx, gw := linearGrads(n, g)
	if len(n.inputs) == 2 {
		return n.ret2(gx, gw)
	}
	var gb *Tensor
	if b := n.inputs[2]; b.requiresGrad {
		gb = sumTo(g, b.shape)
	}
	return n.ret3(gx, gw, gb)
}

// linearGrads returns the gradients g·wᵀ and xᵀ·g of a linear node's x
// and w (nil where the input needs none) for the gradient g of its
// pre-activation output.
//
// When w is a parameter (a leaf) whose gradient buffer no concurrent
// Backward holds, xᵀ·g is added straight into that buffer by the product
// (C = xᵀ·g + C), gw is nil and Backward has nothing left to add: one
// pass over the gradient and a buffer fewer. Starting from a zero
// gradient (after ZeroGrad) the result is bit for bit the product's.
//
// Within a Backward that draws from a Workspace (a training step), that
// product runs on a helper goroutine beside the rest of the sweep when it
// is big enough (asyncGrad): Backward finishes it before returning. Else,
// when both products are needed and big enough (see pairable), they run
// side by side, one per core, instead of one after the other.
func linearGrads(n *node, g *Tensor) (gx, gw *Tensor) {
	x, w := n.inputs[0], n.inputs[1]
	var wt, xt *Tensor
	if x.requiresGrad {
		wt = permuteIn(wsOf(g, w), w, transpose2)
	}
	if w.requiresGrad {
		xt = permuteIn(wsOf(g, x), x, transpose2)
	}
	if xt == nil || g.err != nil || x.dt != g.dt || w.dt != g.dt || min(g.shape[0], g.shape[1], x.shape[1]) <= 1 {
		// Not GEMM shapes (a dimension of 1 takes the skinny paths).
		if wt != nil {
			gx = matmul(g, wt)
		}
		if xt != nil {
			gw = matmul(xt, g)
		}
		return gx, gw
	}
	var gwTask gemmTask
	leaf := w.node == nil && (w.gradMu == nil || w.gradMu.TryLock())
	if leaf {
		if w.grad == nil {
			w.grad = alloc(w.dt, w.shape)
		}
		gwTask = newGemmTask(w.grad, xt, g, 1)
		if n.sweep != nil && asyncGrad(xt.shape[0], g.shape[1], g.shape[0]) &&
			(wt == nil || pairable(g.shape[0], wt.shape[1], g.shape[1], xt.shape[0], g.shape[1], xt.shape[1])) {
			// Nothing later in this Backward reads w's gradient: its
			// product runs on a helper beside the rest of the sweep (the
			// job releases the lock), and gx on this core alone.
			n.sweep.start(gwTask, w)
			if wt != nil {
				gx = wsOf(g, w).allocOverwrite(g.dt, []int{g.shape[0], wt.shape[1]})
				t := newGemmTask(gx, g, wt, 0)
				t.run(true)
			}
			return gx, nil
		}
		defer unlockGrad(w)
	} else {
		gw = wsOf(g, x).allocOverwrite(g.dt, []int{xt.shape[0], g.shape[1]})
		gwTask = newGemmTask(gw, xt, g, 0)
	}
	if wt != nil && pairable(g.shape[0], wt.shape[1], g.shape[1], xt.shape[0], g.shape[1], xt.shape[1]) {
		gx = wsOf(g, w).allocOverwrite(g.dt, []int{g.shape[0], wt.shape[1]})
		runPair(newGemmTask(gx, g, wt, 0), gwTask)
		return gx, gw
	}
	if wt != nil {
		gx = matmul(g, wt)
	}
	gwTask.run(false)
	return gx, gw
}

// asyncGrad reports whether a weight gradient product of m·n·k work should
// run on a helper beside the rest of the Backward sweep, on one core: with
// two cores or more, for products of at least pairMin work (smaller ones
// are not worth the handoff), and on more than two cores only up to
// pairMaxSplit (bigger ones get more cores from GEMM itself).
func asyncGrad(m, n, k int) bool {
	procs, work := runtime.GOMAXPROCS(0), m*n*k
	return procs >= 2 && work >= pairMin && (procs == 2 || work <= pairMaxSplit)
}

// unlockGrad releases the leaf w's gradient buffer taken by linearGrads.
func unlockGrad(w *Tensor) {
	if w.gradMu != nil {
		w.gradMu.Unlock()
	}
}

// linearELUVJP is linearVJP for LinearELU: the gradient through the ELU,
// computed from the output, takes the place of g.
func linearELUVJP(n *node, g *Tensor) []*Tensor {
	y := n.out
	var b *Tensor
	if len(n.inputs) == 3 && n.inputs[2].requiresGrad {
		b = n.inputs[2]
	}
	var gp, gb *Tensor
	if g.err == nil && g.dt == y.dt && g.isContiguous() && slices.Equal(g.shape, y.shape) && y.shape[0] <= reduceBlock {
		ws := wsOf(g, y)
		gp = ws.allocOverwrite(y.dt, y.shape)
		if b != nil {
			gb = ws.allocTensor(y.dt, b.shape, y.shape[0] == 0)
		}
		eluBackward(gp, gb, g, y, n.args.f)
	} else {
		// The general path; sumTo sums more rows than reduceBlock in
		// blocks, which the fused loop does not.
		gp = mulDeriv(g, uELUDerivY, y, n.args.f)
		if b != nil {
			gb = sumTo(gp, b.shape)
		}
	}
	gx, gw := linearGrads(n, gp)
	if len(n.inputs) == 2 {
		return n.ret2(gx, gw)
	}
	return n.ret3(gx, gw, gb)
}
