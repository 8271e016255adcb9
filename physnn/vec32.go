package physnn

// float32 elementwise loops that run eight values at a time where the CPU
// has AVX2 (vec32_amd64.s). Each computes exactly what its scalar loop
// computes, one float32 operation per element, so results do not depend on
// the CPU. The inputs must be at least as long as dst.

// vecLen returns how many leading elements of an n-element loop the AVX2
// code handles: none without AVX2, else all but the last partial block.
func vecLen(n int) int {
	if !haveAVX2 {
		return 0
	}
	return n &^ 7
}

// addTo32 sets dst[i] = x[i] + y[i].
func addTo32(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	i := vecLen(len(dst))
	if i > 0 {
		addToAVX2(dst[:i], x, y)
	}
	for ; i < len(dst); i++ {
		dst[i] = x[i] + y[i]
	}
}

// mulTo32 sets dst[i] = x[i] * y[i].
func mulTo32(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	i := vecLen(len(dst))
	if i > 0 {
		mulToAVX2(dst[:i], x, y)
	}
	for ; i < len(dst); i++ {
		dst[i] = x[i] * y[i]
	}
}

// addInPlace32 adds x into dst.
func addInPlace32(dst, x []float32) {
	x = x[:len(dst)]
	i := vecLen(len(dst))
	if i > 0 {
		addInPlaceAVX2(dst[:i], x)
	}
	for ; i < len(dst); i++ {
		dst[i] += x[i]
	}
}

// scaleTo32 sets dst[i] = a * x[i].
func scaleTo32(dst, x []float32, a float32) {
	x = x[:len(dst)]
	i := vecLen(len(dst))
	if i > 0 {
		scaleToAVX2(dst[:i], x, a)
	}
	for ; i < len(dst); i++ {
		dst[i] = a * x[i]
	}
}

// axpy32 adds a * x[i] into dst[i].
func axpy32(dst, x []float32, a float32) {
	x = x[:len(dst)]
	i := vecLen(len(dst))
	if i > 0 {
		axpyAVX2(dst[:i], x, a)
	}
	for ; i < len(dst); i++ {
		dst[i] += a * x[i]
	}
}

// mulSigmoidDeriv32 sets dst[i] = g[i] * (y[i] * (1 - y[i])), the gradient
// g through a sigmoid whose output is y.
func mulSigmoidDeriv32(dst, g, y []float32) {
	g, y = g[:len(dst)], y[:len(dst)]
	i := vecLen(len(dst))
	if i > 0 {
		mulSigmoidDerivAVX2(dst[:i], g, y)
	}
	for ; i < len(dst); i++ {
		dst[i] = g[i] * (y[i] * (1 - y[i]))
	}
}

// relu32 sets dst[i] = x[i] where x[i] > 0, else x[i]·0 (so NaN stays NaN).
func relu32(dst, x []float32) {
	x = x[:len(dst)]
	i := vecLen(len(dst))
	if i > 0 {
		reluAVX2(dst[:i], x)
	}
	for ; i < len(dst); i++ {
		if v := x[i]; v > 0 {
			dst[i] = v
		} else {
			dst[i] = v * 0
		}
	}
}

// mulStep32 sets dst[i] = g[i]·(1 if x[i] > 0 else 0), the gradient g
// through a ReLU of input x.
func mulStep32(dst, g, x []float32) {
	g, x = g[:len(dst)], x[:len(dst)]
	i := vecLen(len(dst))
	if i > 0 {
		mulStepAVX2(dst[:i], g, x)
	}
	for ; i < len(dst); i++ {
		var s float32
		if x[i] > 0 {
			s = 1
		}
		dst[i] = g[i] * s
	}
}

// eluDerivY returns the derivative of an ELU with alpha ≥ 0 from its
// output y: 1 where y > 0 (the input was positive), else alpha·e^x =
// y + alpha. Reading the output spares the backward pass an exponential
// per element; the price is y + alpha's rounding, an absolute error below
// alpha's last bit, where e^x ≪ 1 and the gradient is small anyway.
func eluDerivY[T float](y, alpha T) T {
	if y > 0 {
		return 1
	}
	return y + alpha
}

// mulELUDerivY32 sets dst[i] = g[i]·eluDerivY(y[i], alpha), the gradient
// g through an ELU whose output is y.
func mulELUDerivY32(dst, g, y []float32, alpha float32) {
	g, y = g[:len(dst)], y[:len(dst)]
	i := vecLen(len(dst))
	if i > 0 {
		mulELUDerivYAVX2(dst[:i], g, y, alpha)
	}
	for ; i < len(dst); i++ {
		dst[i] = g[i] * eluDerivY(y[i], alpha)
	}
}

// eluBackRows32 computes, for rows rows of len(gb) columns at a row stride
// of n elements (gp, g and y start at the first row's first column), the
// gradient gp = g·eluDerivY(y, alpha) through an ELU of output y and the
// column sums of gp into gb: the first row copied, the others added in
// order, as mulELUDerivY32 row by row followed by sumRowRange, in one pass.
func eluBackRows32(gp, gb, g, y []float32, rows, n int, alpha float32) {
	cols := len(gb)
	if rows == 0 || cols == 0 {
		return
	}
	last := (rows-1)*n + cols // the slices must reach the last row's end
	gp, g, y = gp[:last], g[:last], y[:last]
	mulELUDerivY32(gp[:cols], g, y, alpha)
	copy(gb, gp[:cols])
	if rows == 1 {
		return
	}
	v := vecLen(cols)
	if v > 0 {
		eluBackRowsAVX2(gp[n:], gb[:v], g[n:], y[n:], rows-1, n, alpha)
	}
	for r := 1; r < rows; r++ {
		o := r * n
		for j := v; j < cols; j++ {
			d := g[o+j] * eluDerivY(y[o+j], alpha)
			gp[o+j] = d
			gb[j] += d
		}
	}
}
