package physnn

// This file holds the element loops shared by all ops. They are generic over
// float32 and float64 so the float64 gradient checks run exactly the code the
// float32 networks run.

type float interface{ float32 | float64 }

// elems returns the dtype-matching storage slice of st as []T.
func elems[T float](st *storage) []T {
	var zero T
	if _, ok := any(zero).(float32); ok {
		return any(st.f32).([]T)
	}
	return any(st.f64).([]T)
}

// eachRow calls fn once per innermost row of shape with the offsets of the
// row's first element in up to three operands, whose strides s0, s1, s2 are
// aligned with shape (nil for an unused operand) and whose base offsets are
// o0, o1, o2. A 0-d shape has a single row of one element. The walk is an
// odometer, not recursion, and allocates nothing for up to 9 dimensions.
func eachRow(shape, s0, s1, s2 []int, o0, o1, o2 int, fn func(o0, o1, o2 int)) {
	if numel(shape) == 0 {
		return
	}
	nd := len(shape)
	if nd <= 1 {
		fn(o0, o1, o2)
		return
	}
	var idxBuf [8]int
	var idx []int
	if nd-1 <= len(idxBuf) {
		idx = idxBuf[:nd-1]
	} else {
		idx = make([]int, nd-1)
	}
	for {
		fn(o0, o1, o2)
		// Advance the odometer over the outer dimensions.
		d := nd - 2
		for ; d >= 0; d-- {
			idx[d]++
			o0, o1, o2 = o0+strideAt(s0, d), o1+strideAt(s1, d), o2+strideAt(s2, d)
			if idx[d] < shape[d] {
				break
			}
			n := shape[d]
			o0, o1, o2 = o0-n*strideAt(s0, d), o1-n*strideAt(s1, d), o2-n*strideAt(s2, d)
			idx[d] = 0
		}
		if d < 0 {
			return
		}
	}
}

func strideAt(s []int, d int) int {
	if s == nil {
		return 0
	}
	return s[d]
}

// innerLen and innerStride describe the innermost row of a shape.
func innerLen(shape []int) int {
	if len(shape) == 0 {
		return 1
	}
	return shape[len(shape)-1]
}

func innerStride(strides []int) int {
	if len(strides) == 0 {
		return 1
	}
	return strides[len(strides)-1]
}

// copyStrided copies the strided elements of src into contiguous dst.
func copyStrided[T float](dst, src []T, off int, shape, strides []int) {
	n, s := innerLen(shape), innerStride(strides)
	dstStrides := contiguousStrides(shape)
	eachRow(shape, dstStrides, strides, nil, 0, off, 0, func(od, os, _ int) {
		d := dst[od : od+n]
		if s == 1 {
			copy(d, src[os:os+n])
			return
		}
		j := os
		for i := range d {
			d[i] = src[j]
			j += s
		}
	})
}

// binop names an elementwise binary operation.
type binop uint8

const (
	opAdd binop = iota
	opSub
	opMul
	opDiv
	opEq  // 1 where equal, else 0
	opMax // larger of the two
)

// binaryRow computes dst[i] = a[i·sa] op b[i·sb]; a stride of 0 broadcasts.
// The op switch sits outside the loops so each loop is a tight one.
func binaryRow[T float](op binop, dst, a []T, sa int, b []T, sb int) {
	if sa == 0 && sb == 1 && (op == opAdd || op == opMul) {
		// Commutative (bitwise, in IEEE 754): broadcast from b's side,
		// which has the fast loops.
		a, sa, b, sb = b, 1, a, 0
	}
	if sa == 1 && sb == 1 {
		if d32, ok := any(dst).([]float32); ok && (op == opAdd || op == opMul) {
			if op == opAdd {
				addTo32(d32, any(a).([]float32), any(b).([]float32))
			} else {
				mulTo32(d32, any(a).([]float32), any(b).([]float32))
			}
			return
		}
		a, b = a[:len(dst)], b[:len(dst)]
		switch op {
		case opAdd:
			for i := range dst {
				dst[i] = a[i] + b[i]
			}
		case opSub:
			for i := range dst {
				dst[i] = a[i] - b[i]
			}
		case opMul:
			for i := range dst {
				dst[i] = a[i] * b[i]
			}
		case opDiv:
			for i := range dst {
				dst[i] = a[i] / b[i]
			}
		default:
			for i := range dst {
				dst[i] = scalarOp(op, a[i], b[i])
			}
		}
		return
	}
	if sb == 0 {
		y := b[0]
		switch op {
		case opAdd:
			for i := range dst {
				dst[i] = a[i*sa] + y
			}
		case opMul:
			for i := range dst {
				dst[i] = a[i*sa] * y
			}
		default:
			for i := range dst {
				dst[i] = scalarOp(op, a[i*sa], y)
			}
		}
		return
	}
	for i := range dst {
		dst[i] = scalarOp(op, a[i*sa], b[i*sb])
	}
}

func scalarOp[T float](op binop, x, y T) T {
	switch op {
	case opAdd:
		return x + y
	case opSub:
		return x - y
	case opMul:
		return x * y
	case opDiv:
		return x / y
	case opEq:
		if x == y {
			return 1
		}
		return 0
	case opMax:
		// NaN wins so a NaN input stays visible in the maximum.
		if x != x || x >= y {
			return x
		}
		return y
	}
	panic("physnn: unknown binop")
}

// binarySpan is binaryStrided's loop for contiguous a and out: over
// elements when n is 0, else over rows of n elements with b a row read with
// stride sb (a broadcast bias).
type binarySpan[T float] struct {
	op        binop
	out, a, b []T
	sb, n     int
}

func (s binarySpan[T]) chunk(lo, hi int) {
	if s.n == 0 {
		binaryRow(s.op, s.out[lo:hi], s.a[lo:], 1, s.b[lo:], 1)
		return
	}
	binaryRows(s.op, s.out, s.a, s.b, s.sb, s.n, lo, hi)
}

// binaryStrided applies op over outShape, where a and b are read through
// broadcast strides (0 on broadcast dimensions) and out is contiguous.
func binaryStrided[T float](op binop, out []T, outShape []int, a []T, aOff int, aStr []int, b []T, bOff int, bStr []int) {
	// Fast paths without the odometer: equal contiguous layouts, and a
	// contiguous tensor with a row vector broadcast over it (a bias).
	// Both split over the cores; elements are independent, and out may
	// be a itself (addInto).
	total := numel(outShape)
	// One operand a single value broadcast over the other, contiguous one
	// (a loss gradient coming back through Mean): one row, not a row per
	// innermost dimension.
	switch {
	case total == 0:
		return
	case isRowMajor(aStr, outShape) && allZero(bStr):
		binaryRow(op, out[:total], a[aOff:], 1, b[bOff:], 0)
		return
	case allZero(aStr) && isRowMajor(bStr, outShape):
		binaryRow(op, out[:total], a[aOff:], 0, b[bOff:], 1)
		return
	}
	if isRowMajor(aStr, outShape) {
		switch {
		case isRowMajor(bStr, outShape):
			parallelArgs(total, 1, binarySpan[T]{op: op, out: out, a: a[aOff:], b: b[bOff:]})
			return
		case len(outShape) >= 1 && isBroadcastRow(bStr):
			n := outShape[len(outShape)-1]
			if n == 0 {
				return
			}
			sb := bStr[len(bStr)-1]
			parallelArgs(total/n, n, binarySpan[T]{op: op, out: out, a: a[aOff:], b: b[bOff:], sb: sb, n: n})
			return
		}
	}
	n := innerLen(outShape)
	sa, sb := innerStride(aStr), innerStride(bStr)
	outStr := contiguousStrides(outShape)
	eachRow(outShape, outStr, aStr, bStr, 0, aOff, bOff, func(oo, oa, ob int) {
		binaryRow(op, out[oo:oo+n], a[oa:], sa, b[ob:], sb)
	})
}

// binaryRows computes rows [lo, hi) of out = a op b for contiguous a and
// out of rows of n elements and one row b (stride sb) broadcast over them.
func binaryRows[T float](op binop, out, a, b []T, sb, n, lo, hi int) {
	for r := lo * n; r < hi*n; r += n {
		binaryRow(op, out[r:r+n], a[r:], 1, b, sb)
	}
}

// reduceSumStrided adds every element of src (shape, strides, offset) into
// dst at dstStr, where dstStr has 0 on the dimensions being summed over.
func reduceSumStrided[T float](dst []T, dstStr []int, src []T, off int, shape, strides []int) {
	n := innerLen(shape)
	ss, ds := innerStride(strides), innerStride(dstStr)
	eachRow(shape, dstStr, strides, nil, 0, off, 0, func(od, os, _ int) {
		s := src[os:]
		if ds == 0 {
			var acc T
			for i := 0; i < n; i++ {
				acc += s[i*ss]
			}
			dst[od] += acc
			return
		}
		d := dst[od:]
		for i := 0; i < n; i++ {
			d[i*ds] += s[i*ss]
		}
	})
}

// sumRows sets dst (n elements) to the sum of the rows of the contiguous
// src (rows·n elements): the reduction of a bias gradient over the batch.
// Fixed blocks of rows are summed concurrently and added in block order.
func sumRows[T float](dst, src []T, rows int) {
	if rows <= reduceBlock {
		sumRowRange(dst, src, 0, rows)
		return
	}
	blockedSum(dst, rows, func(lo, hi int, part []T) { sumRowRange(part, src, lo, hi) })
}

// sumRowRange sets dst to the sum of rows [lo, hi) of src (rows of
// len(dst) elements, hi > lo).
func sumRowRange[T float](dst, src []T, lo, hi int) {
	n := len(dst)
	copy(dst, src[lo*n:(lo+1)*n])
	if d32, ok := any(dst).([]float32); ok {
		s32 := any(src).([]float32)
		for r := lo + 1; r < hi; r++ {
			addInPlace32(d32, s32[r*n:(r+1)*n])
		}
		return
	}
	for r := lo + 1; r < hi; r++ {
		row := src[r*n : (r+1)*n]
		for j := range dst {
			dst[j] += row[j]
		}
	}
}

// reduceMaxStrided is reduceSumStrided with max; dst must start at -Inf.
// A NaN anywhere in a reduced group makes that group's maximum NaN.
func reduceMaxStrided[T float](dst []T, dstStr []int, src []T, off int, shape, strides []int) {
	n := innerLen(shape)
	ss, ds := innerStride(strides), innerStride(dstStr)
	eachRow(shape, dstStr, strides, nil, 0, off, 0, func(od, os, _ int) {
		s := src[os:]
		d := dst[od:]
		for i := 0; i < n; i++ {
			d[i*ds] = scalarOp(opMax, d[i*ds], s[i*ss])
		}
	})
}

// isRowMajor reports whether strides lay shape out contiguously (dimensions
// of size 1 may have any stride).
func isRowMajor(strides, shape []int) bool {
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		if shape[i] != 1 && strides[i] != s {
			return false
		}
		s *= shape[i]
	}
	return true
}

// allZero reports whether every stride is 0: one value broadcast.
func allZero(strides []int) bool {
	for _, s := range strides {
		if s != 0 {
			return false
		}
	}
	return true
}

// isBroadcastRow reports whether strides repeat one row (stride 0 or 1 on
// the last dimension) over all leading dimensions.
func isBroadcastRow(strides []int) bool {
	for _, s := range strides[:len(strides)-1] {
		if s != 0 {
			return false
		}
	}
	last := strides[len(strides)-1]
	return last == 0 || last == 1
}

// eluRowBlock is the number of elements biasELU adds the bias to before it
// applies the ELU to them: a few rows, small enough to stay in the L1
// cache between the two loops, long enough for the vector kernels.
const eluRowBlock = 2048

// biasELU sets y = ELU(y + b) in place for the contiguous matrix y [N, n]
// and the bias b [n] (nil for none): the same operations as adding b to
// every row and then applying the ELU, a few rows at a time so the second
// loop finds them in cache. Rows are split over the cores.
func biasELU(y, b *Tensor, alpha float32) {
	rows, n := y.shape[0], y.shape[1]
	if rows == 0 || n == 0 {
		return
	}
	work := n * unaryCost(uELU)
	if y.dt == f64 {
		var bs []float64
		if b != nil {
			bs = b.contiguous().f64s()
		}
		parallelArgs(rows, work, biasELUSpan[float64]{y.st.f64[y.offset:], bs, n, float64(alpha)})
		return
	}
	var bs []float32
	if b != nil {
		bs = b.contiguous().f32s()
	}
	parallelArgs(rows, work, biasELUSpan[float32]{y.st.f32[y.offset:], bs, n, alpha})
}

// biasELUSpan is biasELU's loop over rows, for parallelArgs.
type biasELUSpan[T float] struct {
	y, b  []T
	n     int
	alpha T
}

func (s biasELUSpan[T]) chunk(lo, hi int) {
	step := max(1, eluRowBlock/s.n)
	for r := lo; r < hi; r += step {
		blk := s.y[r*s.n : min(r+step, hi)*s.n]
		if s.b != nil {
			for o := 0; o < len(blk); o += s.n {
				addInPlace(blk[o:o+s.n], s.b)
			}
		}
		if b32, ok := any(blk).([]float32); ok {
			elu32s(b32, b32, any(s.alpha).(float32))
		} else {
			unaryLoop(uELU, s.alpha, blk, blk)
		}
	}
}

// addInPlace adds x into dst, through the vector loop for float32.
func addInPlace[T float](dst, x []T) {
	if d32, ok := any(dst).([]float32); ok {
		addInPlace32(d32, any(x).([]float32))
		return
	}
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] += v
	}
}

// eluColumns is the number of columns eluBackward hands out at a time.
const eluColumns = 16

// eluBackward computes, for the gradient g of an ELU's output y (alpha ≥
// 0; contiguous matrices [N, n], N ≤ reduceBlock), the gradient gp =
// g·ELU'(y) of its input and, unless gb is nil, the column sums of gp into
// gb: the same values as mulDeriv(g, uELUDerivY, y, alpha) and sumRows
// (first row copied, the others added in order), in one pass. Columns are
// split over the cores, so every column's sum runs in the same order on
// any number of cores. With no rows gb is left as it is (zero).
func eluBackward(gp, gb, g, y *Tensor, alpha float64) {
	rows, n := y.shape[0], y.shape[1]
	if rows == 0 || n == 0 {
		return // gb, if any, was allocated zeroed
	}
	groups := (n + eluColumns - 1) / eluColumns
	work := rows * eluColumns * 2
	if y.dt == f64 {
		var bs []float64
		if gb != nil {
			bs = gb.st.f64[gb.offset:]
		}
		parallelArgs(groups, work, eluBackSpan[float64]{gp.st.f64[gp.offset:], bs, g.f64s(), y.f64s(), rows, n, alpha})
		return
	}
	var bs []float32
	if gb != nil {
		bs = gb.st.f32[gb.offset:]
	}
	parallelArgs(groups, work, eluBackSpan[float32]{gp.st.f32[gp.offset:], bs, g.f32s(), y.f32s(), rows, n, float32(alpha)})
}

// eluBackSpan is eluBackward's loop over groups of eluColumns columns, for
// parallelArgs.
type eluBackSpan[T float] struct {
	gp, gb, g, y []T
	rows, n      int
	alpha        T
}

func (s eluBackSpan[T]) chunk(lo, hi int) {
	c0, c1 := lo*eluColumns, min(hi*eluColumns, s.n)
	if gp, ok := any(s.gp).([]float32); ok && s.gb != nil {
		eluBackRows32(gp[c0:], any(s.gb).([]float32)[c0:c1], any(s.g).([]float32)[c0:], any(s.y).([]float32)[c0:],
			s.rows, s.n, any(s.alpha).(float32))
		return
	}
	for r := range s.rows {
		o := r * s.n
		gp := s.gp[o+c0 : o+c1]
		mulDerivLoop(uELUDerivY, s.alpha, gp, s.g[o+c0:o+c1], s.y[o+c0:o+c1])
		switch {
		case s.gb == nil:
		case r == 0:
			copy(s.gb[c0:c1], gp)
		default:
			addInPlace(s.gb[c0:c1], gp)
		}
	}
}
