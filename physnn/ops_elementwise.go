package physnn

import (
	"math"
	"slices"
)

// Elementwise ops: binary ops with NumPy broadcasting, and unary maths and
// activations. Each public method computes its result with an unexported
// kernel and records, right beside it, how the gradient flows back.

// ---- dtype and broadcasting helpers ----

// promote returns a and b converted to a common dtype: float64 if either is.
func promote(a, b *Tensor) (*Tensor, *Tensor) {
	if a.dt == b.dt {
		return a, b
	}
	return toDtype(a, f64), toDtype(b, f64)
}

// toDtype returns t's values in the given dtype (t itself if it matches).
func toDtype(t *Tensor, dt dtype) *Tensor {
	if t.dt == dt {
		return t
	}
	c := t.contiguous()
	out := t.ws.allocOverwrite(dt, t.shape)
	if dt == f64 {
		for i, v := range c.f32s() {
			out.st.f64[i] = float64(v)
		}
	} else {
		for i, v := range c.f64s() {
			out.st.f32[i] = float32(v)
		}
	}
	return out
}

// broadcastShape returns the NumPy broadcast of shapes a and b: aligned from
// the right, each pair of dimensions must be equal or one of them 1.
func broadcastShape(a, b []int) ([]int, bool) {
	return broadcastShapeInto(nil, a, b)
}

// broadcastShapeInto is broadcastShape writing into buf when it is long
// enough, so callers can keep the shape on the stack.
func broadcastShapeInto(buf []int, a, b []int) ([]int, bool) {
	n := max(len(a), len(b))
	var out []int
	if n <= len(buf) {
		out = buf[:n]
	} else {
		out = make([]int, n)
	}
	for i := 1; i <= n; i++ {
		da, db := 1, 1
		if i <= len(a) {
			da = a[len(a)-i]
		}
		if i <= len(b) {
			db = b[len(b)-i]
		}
		switch {
		case da == db || db == 1:
			out[n-i] = da
		case da == 1:
			out[n-i] = db
		default:
			return nil, false
		}
	}
	return out, true
}

// broadcastStrides returns strides that read a tensor of shape/strides as if
// it had shape out: 0 on dimensions it lacks or has as 1.
func broadcastStrides(shape, strides, out []int) []int {
	bs := make([]int, len(out))
	broadcastStridesInto(bs, shape, strides)
	return bs
}

// broadcastStridesInto writes broadcastStrides into dst (len(dst) is the
// broadcast rank; dst must be zeroed).
func broadcastStridesInto(dst, shape, strides []int) {
	for i := 1; i <= len(shape); i++ {
		if shape[len(shape)-i] != 1 {
			dst[len(dst)-i] = strides[len(shape)-i]
		}
	}
}

// expand returns a view of t broadcast to shape (stride 0 on repeated
// dimensions). Views like this are only read, never written.
func expand(t *Tensor, shape []int) *Tensor {
	if slices.Equal(t.shape, shape) {
		return t
	}
	v := t.ws.header(len(shape))
	copy(v.shape, shape)
	broadcastStridesInto(v.strides, t.shape, t.strides)
	v.st, v.dt, v.offset = t.st, t.dt, t.offset
	return v
}

// binary is the kernel behind Add, Sub, Mul, Div and the internal
// comparisons: it checks errors, promotes dtypes and broadcasts.
func binary(op binop, name string, a, b *Tensor) *Tensor {
	if err := firstErr(a, b); err != nil {
		return errTensor(err)
	}
	// Shapes and strides of up to 8 dimensions stay on the stack.
	var shapeBuf, asBuf, bsBuf [8]int
	shape, ok := broadcastShapeInto(shapeBuf[:], a.shape, b.shape)
	if !ok {
		return shapeErr(name, a.shape, b.shape, "shapes do not broadcast (trailing dimensions must be equal or 1)")
	}
	a, b = promote(a, b)
	out := wsOf(a, b).allocOverwrite(a.dt, shape)
	as, bs := asBuf[:], bsBuf[:]
	if len(shape) > len(asBuf) {
		as, bs = make([]int, len(shape)), make([]int, len(shape))
	}
	as, bs = as[:len(shape)], bs[:len(shape)]
	broadcastStridesInto(as, a.shape, a.strides)
	broadcastStridesInto(bs, b.shape, b.strides)
	if out.dt == f64 {
		binaryStrided(op, out.st.f64, shape, a.st.f64, a.offset, as, b.st.f64, b.offset, bs)
	} else {
		binaryStrided(op, out.st.f32, shape, a.st.f32, a.offset, as, b.st.f32, b.offset, bs)
	}
	return out
}

func add(a, b *Tensor) *Tensor { return binary(opAdd, "add", a, b) }
func sub(a, b *Tensor) *Tensor { return binary(opSub, "sub", a, b) }
func mul(a, b *Tensor) *Tensor { return binary(opMul, "mul", a, b) }
func div(a, b *Tensor) *Tensor { return binary(opDiv, "div", a, b) }

// sumTo sums g over the dimensions that broadcasting added or stretched, so
// the result has shape (the reverse of broadcasting, for gradients).
func sumTo(g *Tensor, shape []int) *Tensor {
	if slices.Equal(g.shape, shape) {
		return g
	}
	if rows, ok := leadingReduction(g.shape, shape); ok && g.isContiguous() && rows > 0 {
		out := g.ws.allocOverwrite(g.dt, shape)
		if g.dt == f64 {
			sumRows(out.st.f64, g.f64s(), rows)
		} else {
			sumRows(out.st.f32, g.f32s(), rows)
		}
		return out
	}
	out := g.ws.alloc(g.dt, shape)
	ds := broadcastStrides(shape, out.strides, g.shape)
	if g.dt == f64 {
		reduceSumStrided(out.st.f64, ds, g.st.f64, g.offset, g.shape, g.strides)
	} else {
		reduceSumStrided(out.st.f32, ds, g.st.f32, g.offset, g.shape, g.strides)
	}
	return out
}

// leadingReduction reports whether summing a tensor of shape from down to
// the broadcast-compatible shape to sums over leading dimensions only (to,
// aligned from the right, matches from's trailing dimensions and is 1
// before them), and over how many rows of numel(to) elements.
func leadingReduction(from, to []int) (rows int, ok bool) {
	if len(to) > len(from) {
		return 0, false
	}
	pad := len(from) - len(to)
	dim := func(i int) int { // to's dimension i, aligned with from's
		if i < pad {
			return 1
		}
		return to[i-pad]
	}
	kept := len(from)
	for kept > 0 && dim(kept-1) == from[kept-1] {
		kept--
	}
	for i := 0; i < kept; i++ {
		if dim(i) != 1 {
			return 0, false
		}
	}
	if numel(to) == 0 {
		return 0, false
	}
	return numel(from[:kept]), true
}

// addInto adds g (same shape, any layout or dtype) into dst, which must be
// contiguous and own its storage.
func addInto(dst, g *Tensor) {
	g = toDtype(g, dst.dt)
	if dst.dt == f64 {
		binaryStrided(opAdd, dst.st.f64, dst.shape, dst.st.f64, 0, dst.strides, g.st.f64, g.offset, g.strides)
	} else {
		binaryStrided(opAdd, dst.st.f32, dst.shape, dst.st.f32, 0, dst.strides, g.st.f32, g.offset, g.strides)
	}
}

// fill sets every element of the contiguous, owning tensor t to v.
func fill(t *Tensor, v float64) {
	if t.dt == f64 {
		for i := range t.st.f64 {
			t.st.f64[i] = v
		}
		return
	}
	for i := range t.st.f32 {
		t.st.f32[i] = float32(v)
	}
}

// ---- binary ops ----

// Add returns a + b elementwise, broadcasting shapes as NumPy does (aligned
// from the right, dimensions equal or 1). Incompatible shapes give a tensor
// holding a *ShapeError.
func (a *Tensor) Add(b *Tensor) (result *Tensor) {
	defer recoverOp("Add", &result)
	return recordVJP(add(a, b), "add", []*Tensor{a, b}, addVJP, opArgs{})
}

func addVJP(n *node, g *Tensor) []*Tensor {
	return n.ret2(sumTo(g, n.inputs[0].shape), sumTo(g, n.inputs[1].shape))
}

// Sub returns a - b elementwise with broadcasting (see Add).
func (a *Tensor) Sub(b *Tensor) (result *Tensor) {
	defer recoverOp("Sub", &result)
	return recordVJP(sub(a, b), "sub", []*Tensor{a, b}, subVJP, opArgs{})
}

func subVJP(n *node, g *Tensor) []*Tensor {
	a, b := n.inputs[0], n.inputs[1]
	var gb *Tensor
	if b.requiresGrad {
		gb = sumTo(unary(uNeg, g, 0), b.shape)
	}
	return n.ret2(sumTo(g, a.shape), gb)
}

// Mul returns a * b elementwise with broadcasting (see Add).
func (a *Tensor) Mul(b *Tensor) (result *Tensor) {
	defer recoverOp("Mul", &result)
	return recordVJP(mul(a, b), "mul", []*Tensor{a, b}, mulVJP, opArgs{})
}

func mulVJP(n *node, g *Tensor) []*Tensor {
	a, b := n.inputs[0], n.inputs[1]
	var ga, gb *Tensor
	if a.requiresGrad {
		ga = sumTo(mul(g, b), a.shape)
	}
	if b.requiresGrad {
		gb = sumTo(mul(g, a), b.shape)
	}
	return n.ret2(ga, gb)
}

// Div returns a / b elementwise with broadcasting (see Add). Division by
// zero follows IEEE 754 (±Inf or NaN), which Backward and training report.
func (a *Tensor) Div(b *Tensor) (result *Tensor) {
	defer recoverOp("Div", &result)
	return recordVJP(div(a, b), "div", []*Tensor{a, b}, divVJP, opArgs{})
}

func divVJP(n *node, g *Tensor) []*Tensor {
	a, b, y := n.inputs[0], n.inputs[1], n.out
	var ga, gb *Tensor
	if a.requiresGrad {
		ga = sumTo(div(g, b), a.shape)
	}
	if b.requiresGrad {
		// d(a/b)/db = -a/b² = -y/b
		gb = sumTo(unary(uNeg, mul(g, div(y, b)), 0), b.shape)
	}
	return n.ret2(ga, gb)
}

// ---- unary kernels ----

type unop uint8

const (
	uNeg unop = iota
	uAddScalar
	uMulScalar
	uExp
	uLog
	uSqrt
	uAbs
	uSign
	uPow
	uPowDeriv // p·x^(p-1)
	uReLU
	uStep // 1 where x > 0, else 0: the ReLU derivative
	uLeakyReLU
	uLeakyDeriv
	uELU
	uELUDeriv
	uELUDerivY // the ELU derivative from its output y (alpha ≥ 0): see eluDerivY
	uSigmoid
	uSigmoidDerivY // y(1-y) from the sigmoid's output y
	uTanh
	uTanhDerivY // 1-y² from tanh's output y
	uSoftplus
	uGELU
	uGELUDeriv
)

// unaryLoop computes dst[i] = f(x[i]) for the op, with parameter p (slope,
// exponent, scalar) where the op takes one. float32 maths goes through
// float64, the precision Go's math package offers.
func unaryLoop[T float](op unop, p T, dst, x []T) {
	x = x[:len(dst)]
	switch op {
	case uNeg:
		for i, v := range x {
			dst[i] = -v
		}
	case uAddScalar:
		for i, v := range x {
			dst[i] = v + p
		}
	case uMulScalar:
		for i, v := range x {
			dst[i] = v * p
		}
	case uExp:
		for i, v := range x {
			dst[i] = T(math.Exp(float64(v)))
		}
	case uLog:
		for i, v := range x {
			dst[i] = T(math.Log(float64(v)))
		}
	case uSqrt:
		for i, v := range x {
			dst[i] = T(math.Sqrt(float64(v)))
		}
	case uAbs:
		for i, v := range x {
			dst[i] = T(math.Abs(float64(v)))
		}
	case uSign:
		for i, v := range x {
			switch {
			case v > 0:
				dst[i] = 1
			case v < 0:
				dst[i] = -1
			default:
				dst[i] = v // 0 stays 0 (the L1 sub-gradient), NaN stays NaN
			}
		}
	case uPow:
		for i, v := range x {
			dst[i] = T(math.Pow(float64(v), float64(p)))
		}
	case uPowDeriv:
		for i, v := range x {
			dst[i] = p * T(math.Pow(float64(v), float64(p)-1))
		}
	case uReLU:
		for i, v := range x {
			if v > 0 {
				dst[i] = v
			} else {
				dst[i] = v * 0 // keeps NaN as NaN, 0 otherwise
			}
		}
	case uStep:
		for i, v := range x {
			if v > 0 {
				dst[i] = 1
			} else {
				dst[i] = 0
			}
		}
	case uLeakyReLU:
		for i, v := range x {
			if v > 0 {
				dst[i] = v
			} else {
				dst[i] = p * v
			}
		}
	case uLeakyDeriv:
		for i, v := range x {
			if v > 0 {
				dst[i] = 1
			} else {
				dst[i] = p
			}
		}
	case uELU:
		for i, v := range x {
			if v > 0 {
				dst[i] = v
			} else {
				dst[i] = p * T(math.Expm1(float64(v)))
			}
		}
	case uELUDeriv:
		for i, v := range x {
			if v > 0 {
				dst[i] = 1
			} else {
				dst[i] = p * T(math.Exp(float64(v)))
			}
		}
	case uELUDerivY:
		for i, y := range x {
			dst[i] = eluDerivY(y, p)
		}
	case uSigmoid:
		for i, v := range x {
			dst[i] = T(sigmoid(float64(v)))
		}
	case uSigmoidDerivY:
		for i, y := range x {
			dst[i] = y * (1 - y)
		}
	case uTanh:
		for i, v := range x {
			dst[i] = T(math.Tanh(float64(v)))
		}
	case uTanhDerivY:
		for i, y := range x {
			dst[i] = 1 - y*y
		}
	case uSoftplus:
		for i, v := range x {
			dst[i] = T(softplus(float64(v)))
		}
	case uGELU:
		for i, v := range x {
			z := float64(v)
			dst[i] = T(0.5 * z * (1 + math.Erf(z/math.Sqrt2)))
		}
	case uGELUDeriv:
		for i, v := range x {
			// d/dz [z·Φ(z)] = Φ(z) + z·φ(z), with Φ, φ the standard normal
			// CDF and density (Hendrycks & Gimpel 2016, exact form).
			z := float64(v)
			cdf := 0.5 * (1 + math.Erf(z/math.Sqrt2))
			pdf := math.Exp(-0.5*z*z) / math.Sqrt(2*math.Pi)
			dst[i] = T(cdf + z*pdf)
		}
	default:
		panic("physnn: unknown unop")
	}
}

// sigmoid is 1/(1+e^-x), evaluated without overflow for large |x|.
func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// softplus is log(1+e^x) = max(x,0) + log1p(e^-|x|), stable for large |x|.
func softplus(x float64) float64 {
	return math.Max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
}

// unary applies a unary kernel to x (no graph). Large tensors are split
// over the cores (elements are independent, so results do not change).
func unary(op unop, x *Tensor, p float64) *Tensor {
	if err := x.check(); err != nil {
		return errTensor(err)
	}
	c := x.contiguous()
	out := x.ws.allocOverwrite(x.dt, x.shape)
	work := unaryCost(op)
	if x.dt == f64 {
		dst, src := out.st.f64, c.f64s()
		parallelArgs(len(dst), work, unarySpan[float64]{op, p, dst, src})
	} else {
		dst, src := out.st.f32, c.f32s()
		parallelArgs(len(dst), work, unarySpan32{op, float32(p), dst, src})
	}
	return out
}

// unarySpan and unarySpan32 are unary's loops, for parallelArgs.
type unarySpan[T float] struct {
	op       unop
	p        T
	dst, src []T
}

func (s unarySpan[T]) chunk(lo, hi int) { unaryLoop(s.op, s.p, s.dst[lo:hi], s.src[lo:hi]) }

type unarySpan32 struct {
	op       unop
	p        float32
	dst, src []float32
}

func (s unarySpan32) chunk(lo, hi int) { unaryLoop32(s.op, s.p, s.dst[lo:hi], s.src[lo:hi]) }

// unaryLoop32 is unaryLoop for float32, through the fast kernels where
// the op has one.
func unaryLoop32(op unop, p float32, dst, x []float32) {
	if !fastUnary32(op, p, dst, x) {
		unaryLoop(op, p, dst, x)
	}
}

// unaryCost is a unary op's work per element in units of a simple
// arithmetic loop's, for deciding how to split it over cores.
func unaryCost(op unop) int {
	switch op {
	case uNeg, uAddScalar, uMulScalar, uAbs, uSign, uReLU, uStep, uLeakyReLU, uLeakyDeriv,
		uSigmoidDerivY, uTanhDerivY, uELUDerivY:
		return 1
	case uSigmoid, uELU:
		return 4 // eight at a time with AVX2
	}
	return 16
}

// mulDeriv returns g·deriv(x) elementwise: the gradient through a unary op
// whose derivative is the unary kernel deriv of x (or of the op's output).
// For contiguous operands of one shape and dtype it is a single pass with
// no temporary tensor; the products are the same as mul(g, unary(deriv,
// x, p)), so results do not depend on which path runs.
func mulDeriv(g *Tensor, deriv unop, x *Tensor, p float64) *Tensor {
	if firstErr(g, x) != nil || g.dt != x.dt || !slices.Equal(g.shape, x.shape) || !g.isContiguous() || !x.isContiguous() {
		return mul(g, unary(deriv, x, p))
	}
	out := wsOf(g, x).allocOverwrite(x.dt, x.shape)
	work := unaryCost(deriv) + 1
	if x.dt == f64 {
		dst, gs, xs := out.st.f64, g.f64s(), x.f64s()
		parallelArgs(len(dst), work, mulDerivSpan[float64]{deriv, p, dst, gs, xs})
	} else {
		dst, gs, xs := out.st.f32, g.f32s(), x.f32s()
		parallelArgs(len(dst), work, mulDerivSpan[float32]{deriv, float32(p), dst, gs, xs})
	}
	return out
}

// mulDerivSpan is mulDeriv's loop, for parallelArgs.
type mulDerivSpan[T float] struct {
	deriv       unop
	p           T
	dst, gs, xs []T
}

func (s mulDerivSpan[T]) chunk(lo, hi int) {
	mulDerivLoop(s.deriv, s.p, s.dst[lo:hi], s.gs[lo:hi], s.xs[lo:hi])
}

// mulDerivLoop computes dst[i] = g[i]·deriv(x[i]): directly for the
// activations' derivatives, through a small stack buffer of derivatives
// otherwise.
func mulDerivLoop[T float](deriv unop, p T, dst, g, x []T) {
	g, x = g[:len(dst)], x[:len(dst)]
	switch deriv {
	case uSigmoidDerivY:
		if d32, ok := any(dst).([]float32); ok {
			mulSigmoidDeriv32(d32, any(g).([]float32), any(x).([]float32))
			return
		}
		for i, y := range x {
			dst[i] = g[i] * (y * (1 - y))
		}
		return
	case uTanhDerivY:
		for i, y := range x {
			dst[i] = g[i] * (1 - y*y)
		}
		return
	case uStep:
		if d32, ok := any(dst).([]float32); ok {
			mulStep32(d32, any(g).([]float32), any(x).([]float32))
			return
		}
	case uELUDeriv:
		if d32, ok := any(dst).([]float32); ok {
			mulELUDeriv32(d32, any(g).([]float32), any(x).([]float32), any(p).(float32))
			return
		}
	case uELUDerivY:
		if d32, ok := any(dst).([]float32); ok {
			mulELUDerivY32(d32, any(g).([]float32), any(x).([]float32), any(p).(float32))
			return
		}
		for i, y := range x {
			dst[i] = g[i] * eluDerivY(y, p)
		}
		return
	}
	var buf [512]T
	for lo := 0; lo < len(dst); lo += len(buf) {
		hi := min(lo+len(buf), len(dst))
		d := buf[:hi-lo]
		if d32, ok := any(d).([]float32); !ok || !fastUnary32(deriv, any(p).(float32), d32, any(x[lo:hi]).([]float32)) {
			unaryLoop(deriv, p, d, x[lo:hi])
		}
		for i, v := range d {
			dst[lo+i] = g[lo+i] * v
		}
	}
}

// unaryOp records a unary op whose derivative is elementwise: dy/dx =
// deriv(src) where src is x or, when fromOutput is set, the output y.
func unaryOp(name string, op unop, x *Tensor, p float64, deriv unop, fromOutput bool) (result *Tensor) {
	defer recoverOp(name, &result)
	return recordVJP(unary(op, x, p), name, []*Tensor{x}, unaryVJP, opArgs{f: p, u: deriv, flag: fromOutput})
}

func unaryVJP(n *node, g *Tensor) []*Tensor {
	src := n.inputs[0]
	if n.args.flag {
		src = n.out
	}
	return n.ret1(mulDeriv(g, n.args.u, src, n.args.f))
}

// Neg returns -x.
func (x *Tensor) Neg() *Tensor { return x.MulScalar(-1) }

// AddScalar returns x + s elementwise.
func (x *Tensor) AddScalar(s float32) (result *Tensor) {
	defer recoverOp("AddScalar", &result)
	return recordVJP(unary(uAddScalar, x, float64(s)), "add_scalar", []*Tensor{x}, identityVJP, opArgs{})
}

// identityVJP passes the gradient through unchanged.
func identityVJP(n *node, g *Tensor) []*Tensor { return n.ret1(g) }

// MulScalar returns x * s elementwise.
func (x *Tensor) MulScalar(s float32) (result *Tensor) {
	defer recoverOp("MulScalar", &result)
	return recordVJP(unary(uMulScalar, x, float64(s)), "mul_scalar", []*Tensor{x}, mulScalarVJP, opArgs{f: float64(s)})
}

func mulScalarVJP(n *node, g *Tensor) []*Tensor { return n.ret1(unary(uMulScalar, g, n.args.f)) }

// Exp returns e^x elementwise.
func (x *Tensor) Exp() (result *Tensor) {
	defer recoverOp("Exp", &result)
	return recordVJP(unary(uExp, x, 0), "exp", []*Tensor{x}, expVJP, opArgs{})
}

func expVJP(n *node, g *Tensor) []*Tensor { return n.ret1(mul(g, n.out)) }

// Log returns the natural logarithm elementwise; log of a negative value is
// NaN and of 0 is -Inf, as in math.Log.
func (x *Tensor) Log() (result *Tensor) {
	defer recoverOp("Log", &result)
	return recordVJP(unary(uLog, x, 0), "log", []*Tensor{x}, logVJP, opArgs{})
}

func logVJP(n *node, g *Tensor) []*Tensor { return n.ret1(div(g, n.inputs[0])) }

// Sqrt returns the square root elementwise.
func (x *Tensor) Sqrt() (result *Tensor) {
	defer recoverOp("Sqrt", &result)
	return recordVJP(unary(uSqrt, x, 0), "sqrt", []*Tensor{x}, sqrtVJP, opArgs{})
}

func sqrtVJP(n *node, g *Tensor) []*Tensor { return n.ret1(div(unary(uMulScalar, g, 0.5), n.out)) }

// Abs returns |x| elementwise; its gradient is sign(x), 0 at 0.
func (x *Tensor) Abs() *Tensor { return unaryOp("abs", uAbs, x, 0, uSign, false) }

// Pow returns x^p elementwise.
func (x *Tensor) Pow(p float32) *Tensor { return unaryOp("pow", uPow, x, float64(p), uPowDeriv, false) }

// ReLU returns max(x, 0) elementwise; its gradient at 0 is 0.
func (x *Tensor) ReLU() *Tensor { return unaryOp("relu", uReLU, x, 0, uStep, false) }

// LeakyReLU returns x where x > 0 and slope·x elsewhere.
func (x *Tensor) LeakyReLU(slope float32) (result *Tensor) {
	defer recoverOp("LeakyReLU", &result)
	return unaryOp("leaky_relu", uLeakyReLU, x, float64(slope), uLeakyDeriv, false)
}

// ELU returns x where x > 0 and alpha·(e^x - 1) elsewhere. For alpha ≥ 0
// its gradient is computed from the output y (1 where y > 0, else y +
// alpha = alpha·e^x), which saves an exponential per element.
func (x *Tensor) ELU(alpha float32) (result *Tensor) {
	defer recoverOp("ELU", &result)
	if alpha >= 0 {
		return unaryOp("elu", uELU, x, float64(alpha), uELUDerivY, true)
	}
	return unaryOp("elu", uELU, x, float64(alpha), uELUDeriv, false)
}

// Sigmoid returns 1/(1+e^-x) elementwise, computed without overflow.
func (x *Tensor) Sigmoid() *Tensor { return unaryOp("sigmoid", uSigmoid, x, 0, uSigmoidDerivY, true) }

// Tanh returns the hyperbolic tangent elementwise.
func (x *Tensor) Tanh() *Tensor { return unaryOp("tanh", uTanh, x, 0, uTanhDerivY, true) }

// Softplus returns log(1+e^x) elementwise, computed without overflow.
func (x *Tensor) Softplus() *Tensor { return unaryOp("softplus", uSoftplus, x, 0, uSigmoid, false) }

// GELU returns x·Φ(x), Φ the standard normal CDF (the exact form, as
// PyTorch's default).
func (x *Tensor) GELU() *Tensor { return unaryOp("gelu", uGELU, x, 0, uGELUDeriv, false) }
