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
	rank := len(shape)
	if len(axes) == 0 {
		all := make([]int, rank)
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	out := make([]int, 0, len(axes))
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
	keep = cloneInts(shape)
	dropped = []int{}
	for i := range shape {
		if slices.Contains(axes, i) {
			keep[i] = 1
		} else {
			dropped = append(dropped, shape[i])
		}
	}
	return keep, dropped
}

// reduce computes the sum (or max) of x over axes with kept dimensions.
func reduce(x *Tensor, axes []int, isMax bool) *Tensor {
	keep, _ := keepShape(x.shape, axes)
	out := x.ws.alloc(x.dt, keep)
	if isMax {
		fill(out, math.Inf(-1))
	}
	ds := broadcastStrides(keep, out.strides, x.shape)
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

// reduceOp implements the six public reductions.
func reduceOp(kind string, x *Tensor, axes []int, keepDims bool) (result *Tensor) {
	defer recoverOp(kind, &result)
	if err := x.check(); err != nil {
		return errTensor(err)
	}
	ax, err := normAxes(kind, x.shape, axes)
	if err != nil {
		return errTensor(err)
	}
	keep, dropped := keepShape(x.shape, ax)
	count := 1
	for _, a := range ax {
		count *= x.shape[a]
	}
	if kind == "max" && count == 0 {
		return shapeErr(kind, x.shape, nil, "max over an empty axis")
	}
	yKeep := reduce(x, ax, kind == "max")
	if kind == "mean" {
		yKeep = unary(uMulScalar, yKeep, 1/float64(count))
	}
	y := yKeep
	if !keepDims {
		y = yKeep.view(dropped, contiguousStrides(dropped), 0)
	}
	return record(y, kind, []*Tensor{x}, func(g *Tensor) []*Tensor {
		gk := reshape(g, keep)
		switch kind {
		case "mean":
			gk = unary(uMulScalar, gk, 1/float64(count))
		case "max":
			// The gradient goes to the maximal elements, shared equally
			// among ties (as torch.amax does).
			mask := binary(opEq, "max", x, expand(yKeep, x.shape))
			gk = div(gk, reduce(mask, ax, false))
			return []*Tensor{mul(mask, expand(gk, x.shape))}
		}
		return []*Tensor{expand(gk, x.shape)}
	})
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
