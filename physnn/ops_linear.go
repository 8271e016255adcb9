package physnn

// transpose2 is the permutation that transposes a matrix.
var transpose2 = []int{1, 0}

// Linear returns x·w + b for x [N, In], w [In, Out] and a bias b [Out], or
// x·w for a nil b: a dense layer's forward pass as one op. It computes what
// x.MatMul(w).Add(b) computes, bit for bit, but adds the bias into the
// product in place, so it saves a pass over the output, a buffer and a
// node in the graph. Shapes that do not fit give a *ShapeError.
func Linear(x, w, b *Tensor) (result *Tensor) {
	defer recoverOp("Linear", &result)
	if err := firstErr(x, w); err != nil {
		return errTensor(err)
	}
	if len(x.shape) != 2 || len(w.shape) != 2 {
		return shapeErr("linear", x.shape, w.shape, "want x [N In] and w [In Out]; use MatMul for batched products")
	}
	if b == nil {
		return recordVJP(matmul(x, w), "linear", []*Tensor{x, w}, linearVJP, opArgs{})
	}
	if err := b.check(); err != nil {
		return errTensor(err)
	}
	if len(b.shape) != 1 || b.shape[0] != w.shape[1] {
		return shapeErr("linear", w.shape, b.shape, "the bias must be [Out], Out = %d", w.shape[1])
	}
	y := matmul(x, w)
	if y.err != nil {
		return y
	}
	addBiasRows(y, toDtype(b, y.dt))
	return recordVJP(y, "linear", []*Tensor{x, w, b}, linearVJP, opArgs{})
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
	x, w := n.inputs[0], n.inputs[1]
	var gx, gw, gb *Tensor
	if x.requiresGrad {
		gx = matmul(g, permuteIn(wsOf(g, w), w, transpose2))
	}
	if w.requiresGrad {
		gw = matmul(permuteIn(wsOf(g, x), x, transpose2), g)
	}
	if len(n.inputs) == 2 {
		return n.ret2(gx, gw)
	}
	if b := n.inputs[2]; b.requiresGrad {
		gb = sumTo(g, b.shape)
	}
	return n.ret3(gx, gw, gb)
}
