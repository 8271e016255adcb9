package physnn

// Workspace recycles the buffers of intermediate results from one training
// step to the next, so a steady training loop stops allocating large arrays.
//
// Ops on a tensor that belongs to a workspace (made by [Workspace.Use])
// allocate their results, and Backward its temporaries, from the workspace;
// their results belong to it too, so a whole forward and backward pass
// started from a Use'd input draws from it. Parameters and their gradient
// buffers stay outside. [Workspace.Reset] takes back every buffer handed
// out since the previous Reset:
//
//	ws := physnn.NewWorkspace()
//	for step := range steps {
//		ws.Reset()                 // results of the previous step are now invalid
//		x := ws.Use(batchX)
//		loss := physnn.MSE(model(x), ws.Use(batchY))
//		loss.Backward()
//		...
//	}
//
// After Reset, tensors computed in the workspace must not be read: their
// storage and headers are being reused. Keep a result across a Reset with
// [Tensor.Clone], which always copies to the heap. A Workspace is not safe
// for concurrent use; give each goroutine its own.
type Workspace struct {
	free32 map[int][][]float32
	free64 map[int][][]float64
	used32 [][]float32
	used64 [][]float64

	// Tensor headers handed out since Reset are blocks[:nblocks].
	blocks  []*block
	nblocks int

	// Backward's scratch for sorting the graph and its list of gradient
	// jobs, kept between steps.
	order []*node
	stack []topoFrame
	sweep *sweep
}

// NewWorkspace returns an empty workspace.
func NewWorkspace() *Workspace {
	return &Workspace{free32: map[int][][]float32{}, free64: map[int][][]float64{}}
}

// Use returns a view of t (sharing its storage) whose op results are
// allocated from the workspace. The view keeps t's gradient link, so Use on
// a parameter still trains it.
func (w *Workspace) Use(t *Tensor) (result *Tensor) {
	defer recoverOp("Use", &result)
	if err := t.check(); err != nil {
		return errTensor(err)
	}
	// The view's header comes from the workspace too.
	b := w.newBlock()
	v := &b.t
	*v = *t
	v.ws = w
	if t.requiresGrad && t.node == nil {
		// A leaf: route the view's gradient to t through an identity op so
		// t keeps the gradient buffer it owns.
		v.requiresGrad, v.grad = false, nil
		return recordVJP(v, "use", []*Tensor{t}, identityVJP, opArgs{})
	}
	return v
}

// Reset makes every buffer the workspace handed out available again.
func (w *Workspace) Reset() {
	if w == nil {
		return
	}
	for _, b := range w.used32 {
		w.free32[len(b)] = append(w.free32[len(b)], b)
	}
	for _, b := range w.used64 {
		w.free64[len(b)] = append(w.free64[len(b)], b)
	}
	clear(w.used32)
	clear(w.used64)
	w.used32, w.used64 = w.used32[:0], w.used64[:0]
	w.nblocks = 0
}

// alloc returns a zeroed contiguous tensor from the workspace, or from the
// heap when w is nil.
func (w *Workspace) alloc(dt dtype, shape []int) *Tensor {
	return w.allocTensor(dt, shape, true)
}

// allocOverwrite is alloc for a result the caller overwrites completely
// before anyone reads it: a recycled buffer keeps its old values, which
// saves a clearing pass over activation-sized arrays.
func (w *Workspace) allocOverwrite(dt dtype, shape []int) *Tensor {
	return w.allocTensor(dt, shape, false)
}

func (w *Workspace) allocTensor(dt dtype, shape []int, zero bool) *Tensor {
	if w == nil {
		return alloc(dt, shape)
	}
	n := numel(shape)
	t := w.contiguousHeader(dt, shape)
	if dt == f64 {
		t.st.f64 = take(w.free64, &w.used64, n, zero)
	} else {
		t.st.f32 = take(w.free32, &w.used32, n, zero)
	}
	return t
}

// newBlock returns a zeroed header block: a recycled one when w has one
// free, else a new one (kept for reuse when w is not nil).
func (w *Workspace) newBlock() *block {
	if w == nil {
		return &block{}
	}
	if w.nblocks < len(w.blocks) {
		b := w.blocks[w.nblocks]
		*b = block{}
		w.nblocks++
		return b
	}
	b := &block{}
	w.blocks = append(w.blocks, b)
	w.nblocks++
	return b
}

// take returns a buffer of n elements from free (zeroed if zero is set), or
// a new one, and records it in used.
func take[T float](free map[int][][]T, used *[][]T, n int, zero bool) []T {
	var b []T
	if list := free[n]; len(list) > 0 {
		b = list[len(list)-1]
		list[len(list)-1] = nil
		free[n] = list[:len(list)-1]
		if zero {
			clear(b)
		}
	} else {
		b = make([]T, n)
	}
	*used = append(*used, b)
	return b
}

// wsOf returns the workspace of the first tensor that has one.
func wsOf(ts ...*Tensor) *Workspace {
	for _, t := range ts {
		if t != nil && t.ws != nil {
			return t.ws
		}
	}
	return nil
}
