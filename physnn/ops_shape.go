package physnn

import "slices"

// Shape ops. Reshape (of a contiguous tensor), Transpose and Slice return
// views sharing the input's storage; Gather and Concat copy.

// resolveShapeInto fills in a single -1 dimension so the size matches
// numel(from).
//
// The result is written into buf when it has room (a caller's stack
// array), else into a new slice.
func resolveShapeInto(buf []int, op string, from, shape []int) ([]int, error) {
	var out []int
	if len(shape) <= cap(buf) {
		out = append(buf[:0], shape...)
	} else {
		out = cloneInts(shape)
	}
	infer := -1
	known := 1
	for i, d := range out {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			return nil, &ShapeError{Op: op, A: cloneInts(from), B: cloneInts(shape), Reason: "at most one dimension may be -1 and none may be negative"}
		default:
			known *= d
		}
	}
	n := numel(from)
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			return nil, &ShapeError{Op: op, A: cloneInts(from), B: cloneInts(shape), Reason: "cannot infer the -1 dimension: sizes do not divide"}
		}
		out[infer] = n / known
	}
	if numel(out) != n {
		return nil, &ShapeError{Op: op, A: cloneInts(from), B: cloneInts(shape), Reason: "sizes differ: " + itoa(n) + " elements cannot take shape " + shapeString(shape)}
	}
	return out, nil
}

// reshape returns t with a new shape (a view when t is contiguous). It
// trusts that sizes match.
func reshape(t *Tensor, shape []int) *Tensor {
	c := t.contiguous()
	v := c.ws.contiguousHeader(c.dt, shape)
	v.st, v.offset = c.st, c.offset
	return v
}

// Reshape returns the tensor with a new shape of the same size; one
// dimension may be -1 and is then inferred. It is a view when the tensor is
// contiguous, else a copy.
func (x *Tensor) Reshape(shape ...int) (result *Tensor) {
	defer recoverOp("Reshape", &result)
	if err := x.check(); err != nil {
		return errTensor(err)
	}
	var buf [8]int
	s, err := resolveShapeInto(buf[:0], "reshape", x.shape, shape)
	if err != nil {
		return errTensor(err)
	}
	return recordVJP(reshape(x, s), "reshape", []*Tensor{x}, reshapeVJP, opArgs{})
}

// reshapeVJP gives the gradient the input's shape back.
func reshapeVJP(n *node, g *Tensor) []*Tensor { return n.ret1(reshape(g, n.inputs[0].shape)) }

// permute returns a view of t with dimensions reordered by perm.
func permute(t *Tensor, perm []int) *Tensor { return permuteIn(t.ws, t, perm) }

// permuteIn is permute with the view's header (and the workspace of results
// computed from it) taken from ws.
func permuteIn(ws *Workspace, t *Tensor, perm []int) *Tensor {
	v := ws.header(len(perm))
	for i, p := range perm {
		v.shape[i], v.strides[i] = t.shape[p], t.strides[p]
	}
	v.st, v.dt, v.offset = t.st, t.dt, t.offset
	return v
}

// swapLast returns the permutation exchanging the last two of n axes.
func swapLast(n int) []int {
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	if n >= 2 {
		perm[n-1], perm[n-2] = perm[n-2], perm[n-1]
	}
	return perm
}

// Transpose returns a view with the dimensions permuted: axes[i] is the
// input dimension that becomes dimension i. With no axes it swaps the last
// two dimensions (the matrix transpose for 2-D tensors; a tensor of fewer
// than 2 dimensions is returned unchanged).
func (x *Tensor) Transpose(axes ...int) (result *Tensor) {
	defer recoverOp("Transpose", &result)
	if err := x.check(); err != nil {
		return errTensor(err)
	}
	perm := axes
	if len(perm) == 0 {
		perm = swapLast(len(x.shape))
	} else {
		if len(perm) != len(x.shape) {
			return shapeErr("transpose", x.shape, nil, "%d axes given for %d dimensions", len(perm), len(x.shape))
		}
		seen := make([]bool, len(perm))
		for _, p := range perm {
			if p < 0 || p >= len(perm) || seen[p] {
				return shapeErr("transpose", x.shape, nil, "axes %v are not a permutation of 0..%d", perm, len(perm)-1)
			}
			seen[p] = true
		}
		perm = cloneInts(perm)
	}
	inv := make([]int, len(perm))
	for i, p := range perm {
		inv[p] = i
	}
	y := permute(x, perm)
	return record(y, "transpose", []*Tensor{x}, func(g *Tensor) []*Tensor {
		return []*Tensor{permute(g, inv)}
	})
}

// axisView returns the view of t restricted to [start, end) along axis.
func axisView(t *Tensor, axis, start, end int) *Tensor {
	v := t.view(t.shape, t.strides, t.offset+start*t.strides[axis])
	v.shape[axis] = end - start
	return v
}

// copyInto writes (or, with accumulate, adds) src's values into dst's
// elements; both may be strided views of the same shape and dtype.
func copyInto(dst, src *Tensor, accumulate bool) {
	src = toDtype(src, dst.dt)
	if dst.dt == f64 {
		copyStridedInto(dst.st.f64, dst.offset, dst.strides, src.st.f64, src.offset, src.strides, dst.shape, accumulate)
	} else {
		copyStridedInto(dst.st.f32, dst.offset, dst.strides, src.st.f32, src.offset, src.strides, dst.shape, accumulate)
	}
}

func copyStridedInto[T float](dst []T, dOff int, dStr []int, src []T, sOff int, sStr []int, shape []int, accumulate bool) {
	n := innerLen(shape)
	ds, ss := innerStride(dStr), innerStride(sStr)
	eachRow(shape, dStr, sStr, nil, dOff, sOff, 0, func(od, os, _ int) {
		d, s := dst[od:], src[os:]
		for i := 0; i < n; i++ {
			if accumulate {
				d[i*ds] += s[i*ss]
			} else {
				d[i*ds] = s[i*ss]
			}
		}
	})
}

// Slice returns the view of elements start ≤ i < end along axis (negative
// axis counts from the end). Out-of-range bounds give a *ShapeError.
func (x *Tensor) Slice(axis, start, end int) (result *Tensor) {
	defer recoverOp("Slice", &result)
	if err := x.check(); err != nil {
		return errTensor(err)
	}
	var axBuf [1]int
	ax, err := normAxesInto(axBuf[:0], "slice", x.shape, []int{axis})
	if err != nil {
		return errTensor(err)
	}
	a := ax[0]
	if start < 0 || end > x.shape[a] || start > end {
		return shapeErr("slice", x.shape, nil, "range [%d, %d) does not fit axis %d of size %d", start, end, a, x.shape[a])
	}
	return recordVJP(axisView(x, a, start, end), "slice", []*Tensor{x}, sliceVJP, opArgs{i: a, j: start})
}

// sliceVJP scatters the gradient of a slice [j, j+len) along axis i into
// zeros of the input's shape.
func sliceVJP(n *node, g *Tensor) []*Tensor {
	x, a, start := n.inputs[0], n.args.i, n.args.j
	gx := g.ws.alloc(g.dt, x.shape)
	copyInto(axisView(gx, a, start, start+n.out.shape[a]), g, false)
	return n.ret1(gx)
}

// Gather returns the entries idx[0], idx[1], ... along axis, in that order
// (indices may repeat), as a new tensor whose axis has size len(idx).
// Gradients of repeated entries add up. An index out of range gives a
// *ShapeError.
func (x *Tensor) Gather(axis int, idx []int) (result *Tensor) {
	defer recoverOp("Gather", &result)
	if err := x.check(); err != nil {
		return errTensor(err)
	}
	ax, err := normAxes("gather", x.shape, []int{axis})
	if err != nil {
		return errTensor(err)
	}
	a := ax[0]
	for _, i := range idx {
		if i < 0 || i >= x.shape[a] {
			return shapeErr("gather", x.shape, nil, "index %d out of range for axis %d of size %d", i, a, x.shape[a])
		}
	}
	idx = slices.Clone(idx)
	shape := cloneInts(x.shape)
	shape[a] = len(idx)
	c := x.contiguous()
	y := x.ws.alloc(x.dt, shape)
	if y.dt == f64 {
		gatherRows(y.st.f64, c.f64s(), x.shape, a, idx, false)
	} else {
		gatherRows(y.st.f32, c.f32s(), x.shape, a, idx, false)
	}
	return record(y, "gather", []*Tensor{x}, func(g *Tensor) []*Tensor {
		gc := g.contiguous()
		gx := g.ws.alloc(g.dt, x.shape)
		if gx.dt == f64 {
			gatherRows(gc.f64s(), gx.st.f64, x.shape, a, idx, true)
		} else {
			gatherRows(gc.f32s(), gx.st.f32, x.shape, a, idx, true)
		}
		return []*Tensor{gx}
	})
}

// gatherRows copies, for contiguous data of shape src, the blocks idx[j]
// along axis into block j of gathered (the Gather forward); with scatter
// it instead adds block j of gathered into block idx[j] of full (the
// backward, where repeated indices accumulate).
func gatherRows[T float](gathered, full []T, shape []int, axis int, idx []int, scatter bool) {
	outer := numel(shape[:axis])
	inner := numel(shape[axis+1:])
	size := shape[axis]
	for o := 0; o < outer; o++ {
		for j, i := range idx {
			g := gathered[(o*len(idx)+j)*inner:][:inner]
			f := full[(o*size+i)*inner:][:inner]
			if !scatter {
				copy(g, f)
				continue
			}
			for k, v := range g {
				f[k] += v
			}
		}
	}
}

// Concat joins tensors along axis (negative counts from the end); all other
// dimensions must agree, else the result holds a *ShapeError.
func Concat(axis int, ts ...*Tensor) (result *Tensor) {
	defer recoverOp("Concat", &result)
	if len(ts) == 0 {
		return shapeErr("concat", nil, nil, "no tensors to concatenate")
	}
	if err := firstErr(ts...); err != nil {
		return errTensor(err)
	}
	var axBuf [1]int
	ax, err := normAxesInto(axBuf[:0], "concat", ts[0].shape, []int{axis})
	if err != nil {
		return errTensor(err)
	}
	a := ax[0]
	var shapeBuf [8]int
	shape := append(shapeBuf[:0], ts[0].shape...)
	shape[a] = 0
	dt := ts[0].dt
	for _, t := range ts {
		if len(t.shape) != len(shape) {
			return shapeErr("concat", ts[0].shape, t.shape, "tensors have different numbers of dimensions")
		}
		for i := range shape {
			if i != a && t.shape[i] != shape[i] {
				return shapeErr("concat", ts[0].shape, t.shape, "dimension %d differs (only axis %d may)", i, a)
			}
		}
		shape[a] += t.shape[a]
		if t.dt == f64 {
			dt = f64
		}
	}
	y := wsOf(ts...).alloc(dt, shape)
	pos := 0
	for _, t := range ts {
		copyInto(axisView(y, a, pos, pos+t.shape[a]), t, false)
		pos += t.shape[a]
	}
	// The node keeps its own copy of ts (the caller may reuse ts).
	return recordVJP(y, "concat", ts, concatVJP, opArgs{i: a})
}

// concatVJP hands each input the part of the gradient along axis i where
// its values went.
func concatVJP(n *node, g *Tensor) []*Tensor {
	grads := n.gbuf[:0]
	if len(n.inputs) > len(n.gbuf) {
		grads = make([]*Tensor, 0, len(n.inputs))
	}
	a, pos := n.args.i, 0
	for _, t := range n.inputs {
		grads = append(grads, axisView(g, a, pos, pos+t.shape[a]))
		pos += t.shape[a]
	}
	return grads
}
