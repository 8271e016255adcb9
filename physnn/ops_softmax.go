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
	y := unary(uExp, logSoftmax(x, a), 0)
	return record(y, "softmax", []*Tensor{x}, func(g *Tensor) []*Tensor {
		// dx = y ⊙ (g - Σ_axis g⊙y)
		gy := mul(g, y)
		return []*Tensor{sub(gy, mul(y, reduce(gy, []int{a}, false)))}
	})
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
	y := logSoftmax(x, a)
	return record(y, "log_softmax", []*Tensor{x}, func(g *Tensor) []*Tensor {
		// dx = g - softmax(x) ⊙ Σ_axis g
		return []*Tensor{sub(g, mul(unary(uExp, y, 0), reduce(g, []int{a}, false)))}
	})
}
