package physnn

import (
	"math"
	"slices"
)

// Reductions over axes. Sum, Mean and Max drop the reduced axes; SumKeep,
// MeanKeep and MaxKeep keep them with size 1, which broadcasts back against
// the input (x.Sub(x.MeanKeep(1)) centres each row). With no axes, all axes
// are reduced.

// normAxes validates axes against a rank, resolves negative axes (counted
// from the end, -1 is the last) and returns them sorted without repeats.
// No axes means all axes.
func normAxes(op string, shape []int, axes []int) ([]int, error) {
	return normAxesInto(nil, op, shape, axes)
}

// normAxesInto is normAxes appending to buf (empty, with room for the
// axes to avoid an allocation).
func normAxesInto(buf []int, op string, shape []int, axes []int) ([]int, error) {
	rank := len(shape)
	out := buf[:0]
	if len(axes) == 0 {
		for i := range rank {
			out = append(out, i)
		}
		return out, nil
	}
	for _, a := range axes {
		if a < 0 {
			a += rank
		}
		if a < 0 || a >= rank {
			return nil, &ShapeError{Op: op, A: cloneInts(shape), Reason: "axis out of range for a tensor of " + itoa(rank) + " dimensions"}
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out, nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}

// keepShape returns shape with the given axes set to 1, and the shape with
// them removed.
func keepShape(shape, axes []int) (keep, dropped []int) {
	return keepShapeInto(nil, []int{}, shape, axes)
}

// keepShapeInto is keepShape appending to keep and dropped (empty).
func keepShapeInto(keep, dropped, shape, axes []int) ([]int, []int) {
	for i, d := range shape {
		if slices.Contains(axes, i) {
			keep = append(keep, 1)
		} else {
			keep, dropped = append(keep, d), append(dropped, d)
		}
	}
	return keep, dropped
}

// reduce computes the sum (or max) of x over axes with kept dimensions.
func reduce(x *Tensor, axes []int, isMax bool) *Tensor {
	var keepBuf [8]int
	keep, _ := keepShapeInto(keepBuf[:0], nil, x.shape, axes)
	return reduceKeep(x, keep, isMax)
}

// reduceKeep computes the sum (or max) of x into the shape keep: x's shape
// with the reduced axes set to 1.
func reduceKeep(x *Tensor, keep []int, isMax bool) *Tensor {
	out := x.ws.alloc(x.dt, keep)
	if isMax {
		fill(out, math.Inf(-1))
	}
	var dsBuf [8]int
	ds := dsBuf[:0]
	if len(x.shape) > len(dsBuf) {
		ds = make([]int, len(x.shape))
	} else {
		ds = dsBuf[:len(x.shape)]
	}
	broadcastStridesInto(ds, keep, out.strides)
	switch {
	case x.dt == f64 && isMax:
		reduceMaxStrided(out.st.f64, ds, x.st.f64, x.offset, x.shape, x.strides)
	case x.dt == f64:
		reduceSumStrided(out.st.f64, ds, x.st.f64, x.offset, x.shape, x.strides)
	case isMax:
		reduceMaxStrided(out.st.f32, ds, x.st.f32, x.offset, x.shape, x.strides)
	default:
		reduceSumStrided(out.st.f32, ds, x.st.f32, x.offset, x.shape, x.strides)
	}
	return out
}

// sumKeep is the non-recording SumKeep used by kernels and backward code.
func sumKeep(x *Tensor, axes ...int) *Tensor {
	ax, err := normAxes("sum", x.shape, axes)
	if err != nil {
		return errTensor(err)
	}
	return reduce(x, ax, false)
}

// reduceOp implements the six public reductions. Shapes of up to 8
// dimensions stay on the stack, so a reduction in a Workspace allocates
// nothing.
func reduceOp(kind string, x *Tensor, axes []int, keepDims bool) (result *Tensor) {
	defer recoverOp(kind, &result)
	if err := x.check(); err != nil {
		return errTensor(err)
	}
	if len(x.shape) > 64 {
		return shapeErr(kind, x.shape, nil, "reductions support at most 64 dimensions")
	}
	var axBuf, keepBuf, droppedBuf [8]int
	ax, err := normAxesInto(axBuf[:0], kind, x.shape, axes)
	if err != nil {
		return errTensor(err)
	}
	keep, dropped := keepShapeInto(keepBuf[:0], droppedBuf[:0], x.shape, ax)
	count := 1
	var mask uint64
	for _, a := range ax {
		count *= x.shape[a]
		mask |= 1 << a
	}
	if kind == "max" && count == 0 {
		return shapeErr(kind, x.shape, nil, "max over an empty axis")
	}
	yKeep := reduceKeep(x, keep, kind == "max")
	if kind == "mean" {
		yKeep = unary(uMulScalar, yKeep, 1/float64(count))
	}
	y := yKeep
	if !keepDims {
		y = x.ws.contiguousHeader(yKeep.dt, dropped)
		y.st, y.offset = yKeep.st, yKeep.offset
	}
	return recordVJP(y, kind, []*Tensor{x}, reduceVJP, opArgs{mask: mask, f: float64(count)})
}

// reduceVJP is the gradient of the reduction over the axes in n.args.mask
// of n.args.f elements each.
func reduceVJP(n *node, g *Tensor) []*Tensor {
	x := n.inputs[0]
	var keepBuf, axBuf [8]int
	keep, ax := keepBuf[:0], axBuf[:0]
	for i, d := range x.shape {
		if n.args.mask&(1<<i) != 0 {
			keep, ax = append(keep, 1), append(ax, i)
		} else {
			keep = append(keep, d)
		}
	}
	gk := reshape(g, keep)
	switch n.op {
	case "mean":
		gk = unary(uMulScalar, gk, 1/n.args.f)
	case "max":
		// The gradient goes to the maximal elements, shared equally among
		// ties (as torch.amax does).
		yKeep := reshape(n.out, keep)
		mask := binary(opEq, "max", x, expand(yKeep, x.shape))
		gk = div(gk, reduce(mask, ax, false))
		return n.ret1(mul(mask, expand(gk, x.shape)))
	}
	return n.ret1(expand(gk, x.shape))
}

// Sum returns the sum over the given axes (all axes if none), dropping them.
// Negative axes count from the end. A bad axis gives a *ShapeError.
func (x *Tensor) Sum(axes ...int) *Tensor { return reduceOp("sum", x, axes, false) }

// SumKeep is Sum keeping the reduced axes with size 1.
func (x *Tensor) SumKeep(axes ...int) *Tensor { return reduceOp("sum", x, axes, true) }

// Mean returns the mean over the given axes (all axes if none), dropping
// them.
func (x *Tensor) Mean(axes ...int) *Tensor { return reduceOp("mean", x, axes, false) }

// MeanKeep is Mean keeping the reduced axes with size 1.
func (x *Tensor) MeanKeep(axes ...int) *Tensor { return reduceOp("mean", x, axes, true) }

// Max returns the maximum over the given axes (all axes if none), dropping
// them. A NaN in a group makes its maximum NaN. The gradient flows to the
// maximal elements, split equally among ties.
func (x *Tensor) Max(axes ...int) *Tensor { return reduceOp("max", x, axes, false) }

// MaxKeep is Max keeping the reduced axes with size 1.
func (x *Tensor) MaxKeep(axes ...int) *Tensor { return reduceOp("max", x, axes, true) }
