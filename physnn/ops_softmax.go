package physnn

// Softmax and log-softmax along an axis, shifted by the maximum so large
// logits cannot overflow.

// logSoftmax returns z - log Σ e^z along axis with z = x - max(x) (no graph).
func logSoftmax(x *Tensor, axis int) *Tensor {
	m := reduce(x, []int{axis}, true)
	z := sub(x, m)
	lse := unary(uLog, reduce(unary(uExp, z, 0), []int{axis}, false), 0)
	return sub(z, lse)
}

func softmaxAxis(op string, x *Tensor, axis int) (int, error) {
	if err := x.check(); err != nil {
		return 0, err
	}
	if len(x.shape) == 0 {
		return 0, &ShapeError{Op: op, A: []int{}, Reason: "needs at least one dimension"}
	}
	ax, err := normAxes(op, x.shape, []int{axis})
	if err != nil {
		return 0, err
	}
	return ax[0], nil
}

// Softmax returns e^x / Σ e^x along axis (negative counts from the end),
// computed stably.
func (x *Tensor) Softmax(axis int) (result *Tensor) {
	defer recoverOp("Softmax", &result)
	a, err := softmaxAxis("softmax", x, axis)
	if err != nil {
		return errTensor(err)
	}
	return recordVJP(unary(uExp, logSoftmax(x, a), 0), "softmax", []*Tensor{x}, softmaxVJP, opArgs{i: a})
}

// softmaxVJP is dx = y ⊙ (g - Σ_axis g⊙y) for the softmax y along args.i.
func softmaxVJP(n *node, g *Tensor) []*Tensor {
	y := n.out
	gy := mul(g, y)
	return n.ret1(sub(gy, mul(y, reduce(gy, []int{n.args.i}, false))))
}

// LogSoftmax returns x - log Σ e^x along axis (negative counts from the
// end), computed stably; use it (or CrossEntropy) rather than
// Softmax().Log().
func (x *Tensor) LogSoftmax(axis int) (result *Tensor) {
	defer recoverOp("LogSoftmax", &result)
	a, err := softmaxAxis("log_softmax", x, axis)
	if err != nil {
		return errTensor(err)
	}
	return recordVJP(logSoftmax(x, a), "log_softmax", []*Tensor{x}, logSoftmaxVJP, opArgs{i: a})
}

// logSoftmaxVJP is dx = g - softmax(x) ⊙ Σ_axis g along args.i.
func logSoftmaxVJP(n *node, g *Tensor) []*Tensor {
	return n.ret1(sub(g, mul(unary(uExp, n.out, 0), reduce(g, []int{n.args.i}, false))))
}
