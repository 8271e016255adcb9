package physnn

import (
	"errors"
	"fmt"
	"slices"

	"github.com/gophys/gophys/physnn/internal/conv"
)

// Convolutions: Conv2D and ConvTranspose2D on NCHW tensors. The arithmetic
// lives in physnn/internal/conv (im2col + GEMM, batch-parallel, pooled
// scratch space); this file validates shapes, picks float32 or float64 and
// records the backward pass beside the forward one.

// ConvOptions sets the stride and zero padding of [Conv2D] and
// [ConvTranspose2D]. The zero value means stride 1 and no padding ("valid").
//
// Stride and Padding apply to both axes; StrideH/StrideW and PadH/PadW
// override them for one axis when positive. Same picks the padding instead,
// as TensorFlow/Keras padding="same": a convolution then has ceil(H/stride)
// output rows (an odd total padding puts the extra row at the bottom and
// the extra column at the right, so an 8×8 kernel on 33×33 pads 3 before
// and 4 after), and a transposed convolution has H·stride output rows.
//
// OutputPadding (ConvTranspose2D only, PyTorch's output_padding) adds rows
// and columns at the bottom and right of the output; it must be smaller
// than the stride and picks which of the input sizes that a strided
// convolution maps to the same size the transposed one produces.
type ConvOptions struct {
	Stride  int // stride on both axes; 0 means 1
	Padding int // zero padding on all four sides

	StrideH, StrideW int // per-axis stride, overriding Stride when positive
	PadH, PadW       int // per-axis padding (top and bottom, left and right), overriding Padding when positive

	Same bool // "same" padding; Padding, PadH and PadW are then ignored

	OutputPadding int // ConvTranspose2D only: extra output rows and columns, in [0, stride)
}

// strides returns the effective strides (0 meaning 1).
func (o ConvOptions) strides() (sh, sw int) {
	sh, sw = o.Stride, o.Stride
	if sh == 0 {
		sh, sw = 1, 1
	}
	if o.StrideH > 0 {
		sh = o.StrideH
	}
	if o.StrideW > 0 {
		sw = o.StrideW
	}
	return sh, sw
}

// explicitPadding returns the padding set by Padding, PadH and PadW.
func (o ConvOptions) explicitPadding() conv.Padding {
	ph, pw := o.Padding, o.Padding
	if o.PadH > 0 {
		ph = o.PadH
	}
	if o.PadW > 0 {
		pw = o.PadW
	}
	return conv.Padding{Top: ph, Bottom: ph, Left: pw, Right: pw}
}

// Conv2D returns the 2-D convolution (cross-correlation, as in PyTorch and
// Keras) of a batch of images x, shaped [N, C, H, W], with the filters w,
// shaped [K, C, kH, kW], plus the bias b, shaped [K] (b may be nil). The
// result is [N, K, OH, OW] with OH = floor((H + padTop + padBottom - kH) /
// strideH) + 1, and likewise OW; see [ConvOptions] for stride and padding.
//
// Gradients flow to x, w and b. Mismatched shapes, or a kernel that does not
// fit the padded input, give a tensor holding a *ShapeError, for example
//
//	conv2d [8 3 32 32] x [16 2 3 3]: input has 3 channels but the weight expects 2 (weight is [out, in, kH, kW])
//
// float64 inputs (see [New64]) run the same kernels in float64. A long
// convolution polls [Canceled] every few milliseconds and, when the cell is
// interrupted, returns a tensor holding the context's error (its backward
// pass likewise makes Backward return it).
func Conv2D(x, w, b *Tensor, o ConvOptions) *Tensor {
	const op = "conv2d"
	inputs := convInputs(x, w, b)
	if err := firstErr(inputs...); err != nil {
		return errTensor(err)
	}
	if err := checkConvShapes(op, x, w, b, false); err != nil {
		return errTensor(err)
	}
	kh, kw := w.shape[2], w.shape[3]
	h, wd := x.shape[2], x.shape[3]
	sh, sw := o.strides()
	pad := o.explicitPadding()
	if o.Same {
		pad.Top, pad.Bottom = conv.SamePadding(h, kh, sh)
		pad.Left, pad.Right = conv.SamePadding(wd, kw, sw)
	}
	g, err := conv.NewGeom(x.shape[1], h, wd, w.shape[0], kh, kw, sh, sw, pad)
	if err != nil {
		return errTensor(geomShapeError(op, x, w, err))
	}
	if widestDtype(inputs) == f64 {
		return conv2d[float64](x, w, b, g)
	}
	return conv2d[float32](x, w, b, g)
}

// convForward, convData and convFilter run the kernels of a convolution,
// or of a transposed one: the forward pass and the gradients with respect
// to the input and the filters. (Generic kernels taken as function values
// would cost an allocation each.)
func convForward[T float](transposed bool, g *conv.Geom, n int, x, w, bias, y []T, ws *conv.Workspace[T]) error {
	if transposed {
		return conv.TransposeForward(g, n, x, w, bias, y, ws)
	}
	return conv.Forward(g, n, x, w, bias, y, ws)
}

func convData[T float](transposed bool, g *conv.Geom, n int, dy, w, dx []T, ws *conv.Workspace[T]) error {
	if transposed {
		return conv.TransposeBackwardData(g, n, dy, w, dx, ws)
	}
	return conv.BackwardData(g, n, dy, w, dx, ws)
}

func convFilter[T float](transposed bool, g *conv.Geom, n int, x, dy, dw []T, ws *conv.Workspace[T]) error {
	if transposed {
		return conv.TransposeBackwardFilter(g, n, x, dy, dw, ws)
	}
	return conv.BackwardFilter(g, n, x, dy, dw, ws)
}

func conv2d[T float](x, w, b *Tensor, g conv.Geom) *Tensor {
	return convOp[T]("conv2d", false, x, w, b, g, g.K, g.OH, g.OW)
}

func convTranspose2d[T float](x, w, b *Tensor, g conv.Geom) *Tensor {
	return convOp[T]("conv_transpose2d", true, x, w, b, g, g.C, g.H, g.W)
}

// convOp runs the (transposed) convolution forward into an [N, ch, oh, ow]
// result and records its backward pass, convVJP; the bias has one entry per
// output channel.
func convOp[T float](op string, transposed bool, x, w, b *Tensor, g conv.Geom, ch, oh, ow int) *Tensor {
	n := x.shape[0]
	xs, wv, bv := dtypeValues[T](x), dtypeValues[T](w), dtypeValues[T](b)
	out := wsOf(x, w, b).alloc(dtypeOf[T](), []int{n, ch, oh, ow})
	ws := acquireConvWorkspace[T]()
	err := convForward(transposed, &g, n, xs, wv, bv, elems[T](out.st), ws)
	conv.Release(ws)
	if err != nil {
		return errTensor(fmt.Errorf("physnn: %s: %w", op, err))
	}
	// The node keeps what the geometry needs besides the shapes: the
	// strides and the top and left padding.
	args := opArgs{i: g.StrideH, j: g.StrideW, mask: uint64(g.PadTop)<<32 | uint64(uint32(g.PadLeft)), flag: transposed}
	return recordVJP(out, op, convInputs(x, w, b), convVJP, args)
}

// convGeom rebuilds the geometry of the convolution recorded in nd from
// its input, weight and result shapes and its arguments (see convOp). For a
// transposed convolution it is the geometry of the adjoint convolution,
// from the result to the input.
func convGeom(nd *node) conv.Geom {
	x, w, y := nd.inputs[0].shape, nd.inputs[1].shape, nd.out.shape
	g := conv.Geom{KH: w[2], KW: w[3], StrideH: nd.args.i, StrideW: nd.args.j,
		PadTop: int(nd.args.mask >> 32), PadLeft: int(uint32(nd.args.mask))}
	if nd.args.flag {
		x, y = y, x
	}
	g.C, g.H, g.W = x[1], x[2], x[3]
	g.K, g.OH, g.OW = y[1], y[2], y[3]
	return g
}

// convVJP is the backward pass of Conv2D and ConvTranspose2D.
func convVJP(nd *node, grad *Tensor) []*Tensor {
	if nd.out.dt == f64 {
		return convBackward[float64](nd, grad)
	}
	return convBackward[float32](nd, grad)
}

func convBackward[T float](nd *node, grad *Tensor) []*Tensor {
	x, w := nd.inputs[0], nd.inputs[1]
	g := convGeom(nd)
	transposed := nd.args.flag
	n := x.shape[0]
	dy := dtypeValues[T](grad)
	bufs := wsOf(grad, x, w)
	ws := acquireConvWorkspace[T]()
	defer conv.Release(ws)
	var gx, gw *Tensor
	var err error
	if x.requiresGrad {
		gx = bufs.alloc(dtypeOf[T](), x.shape)
		err = convData(transposed, &g, n, dy, dtypeValues[T](w), elems[T](gx.st), ws)
	}
	if w.requiresGrad && err == nil {
		gw = bufs.alloc(dtypeOf[T](), w.shape)
		err = convFilter(transposed, &g, n, dtypeValues[T](x), dy, elems[T](gw.st), ws)
	}
	grads := nd.ret2(gx, gw)
	if len(nd.inputs) == 3 {
		var gb *Tensor
		if b := nd.inputs[2]; b.requiresGrad {
			y := nd.out.shape
			gb = bufs.alloc(dtypeOf[T](), b.shape)
			conv.BiasGrad(n, y[1], y[2]*y[3], dy, elems[T](gb.st))
		}
		grads = nd.ret3(gx, gw, gb)
	}
	return interruptedGrads(nd.op, grads, err)
}

// ConvTranspose2D returns the transposed convolution (also called
// fractionally strided convolution or, loosely, deconvolution) of x, shaped
// [N, Cin, H, W], with the filters w, shaped [Cin, Cout, kH, kW] as in
// PyTorch's ConvTranspose2d, plus the bias b, shaped [Cout] (b may be nil).
// It is the adjoint (gradient) of the [Conv2D] with the same weights,
// stride and padding, and upsamples: the result is [N, Cout, OH, OW] with
// OH = (H-1)·strideH + kH - padTop - padBottom + OutputPadding, and likewise
// OW. A GAN generator's usual upsampling by 2 is kH = 4, stride 2, padding
// 1, or Same with stride 2.
//
// Gradients flow to x, w and b; bad shapes give a tensor holding a
// *ShapeError.
func ConvTranspose2D(x, w, b *Tensor, o ConvOptions) *Tensor {
	const op = "conv_transpose2d"
	inputs := convInputs(x, w, b)
	if err := firstErr(inputs...); err != nil {
		return errTensor(err)
	}
	if err := checkConvShapes(op, x, w, b, true); err != nil {
		return errTensor(err)
	}
	kh, kw := w.shape[2], w.shape[3]
	h, wd := x.shape[2], x.shape[3]
	sh, sw := o.strides()
	pad := o.explicitPadding()
	extraH, extraW := o.OutputPadding, o.OutputPadding
	if o.Same {
		// The output is H·stride; its "same" convolution maps it back to H.
		pad.Top, pad.Bottom, extraH = sameTransposePadding(h, kh, sh)
		pad.Left, pad.Right, extraW = sameTransposePadding(wd, kw, sw)
	}
	g, err := conv.NewTransposeGeom(x.shape[1], h, wd, w.shape[1], kh, kw, sh, sw, pad, extraH, extraW)
	if err != nil {
		return errTensor(geomShapeError(op, x, w, err))
	}
	if widestDtype(inputs) == f64 {
		return convTranspose2d[float64](x, w, b, g)
	}
	return convTranspose2d[float32](x, w, b, g)
}

// sameTransposePadding returns the padding and output padding that make a
// transposed convolution of an input of size in produce in·stride values:
// the padding of the "same" convolution of in·stride values, plus output
// padding when the kernel is shorter than the stride (TensorFlow's
// conv2d_transpose with padding="SAME").
func sameTransposePadding(in, k, stride int) (before, after, extra int) {
	before, after = conv.SamePadding(in*stride, k, stride)
	extra = in*stride - ((in-1)*stride + k - before - after)
	return before, after, extra
}

// acquireConvWorkspace returns a pooled workspace whose kernels stop early
// when the cell is interrupted (see Canceled).
func acquireConvWorkspace[T float]() *conv.Workspace[T] {
	ws := conv.Acquire[T]()
	ws.Interrupt = Canceled
	return ws
}

// interruptedGrads returns grads unchanged when err is nil; otherwise every
// gradient becomes a tensor holding err, so Backward stops and reports the
// interrupt (errors.Is(err, context.Canceled) holds) instead of applying a
// partial gradient.
func interruptedGrads(op string, grads []*Tensor, err error) []*Tensor {
	if err == nil {
		return grads
	}
	e := errTensor(fmt.Errorf("physnn: %s backward: %w", op, err))
	for i := range grads {
		grads[i] = e
	}
	return grads
}

// convInputs lists the op's inputs for the graph, leaving out a nil bias.
func convInputs(x, w, b *Tensor) []*Tensor {
	if b == nil {
		return []*Tensor{x, w}
	}
	return []*Tensor{x, w, b}
}

// checkConvShapes checks that x is [N, C, H, W], that w is 4-D with C input
// channels (w[1] for Conv2D, w[0] for ConvTranspose2D) and that b has one
// value per output channel. It is called after firstErr, so x, w and b are
// usable.
func checkConvShapes(op string, x, w, b *Tensor, transposed bool) error {
	layout := "[out, in, kH, kW]"
	if transposed {
		layout = "[in, out, kH, kW]"
	}
	switch {
	case len(x.shape) != 4:
		return &ShapeError{Op: op, A: cloneInts(x.shape), B: cloneInts(w.shape),
			Reason: fmt.Sprintf("input must be 4-D [batch, channels, height, width], got %d-D; reshape it first", len(x.shape))}
	case len(w.shape) != 4:
		return &ShapeError{Op: op, A: cloneInts(x.shape), B: cloneInts(w.shape),
			Reason: fmt.Sprintf("weight must be 4-D %s, got %d-D", layout, len(w.shape))}
	}
	outC, inC := w.shape[0], w.shape[1]
	if transposed {
		outC, inC = inC, outC
	}
	if x.shape[1] != inC {
		return &ShapeError{Op: op, A: cloneInts(x.shape), B: cloneInts(w.shape),
			Reason: fmt.Sprintf("input has %d channels but the weight expects %d (weight is %s)", x.shape[1], inC, layout)}
	}
	if x.shape[0] < 1 || outC < 1 || inC < 1 {
		return &ShapeError{Op: op, A: cloneInts(x.shape), B: cloneInts(w.shape), Reason: "batch and channel counts must be at least 1"}
	}
	if b != nil && (len(b.shape) != 1 || b.shape[0] != outC) {
		return &ShapeError{Op: op, A: cloneInts(x.shape), B: cloneInts(w.shape),
			Reason: fmt.Sprintf("bias is %v but must be [%d], one value per output channel", b.shape, outC)}
	}
	return nil
}

// geomShapeError turns a geometry error of internal/conv into a *ShapeError
// naming the op and the operands' shapes.
func geomShapeError(op string, x, w *Tensor, err error) error {
	reason := err.Error()
	var ge *conv.GeomError
	if errors.As(err, &ge) {
		reason = ge.Reason
		if ge.Axis != "" {
			reason = ge.Axis + ": " + ge.Reason
		}
	}
	var wShape []int
	if w != nil {
		wShape = cloneInts(w.shape)
	}
	return &ShapeError{Op: op, A: cloneInts(x.shape), B: wShape, Reason: reason}
}

// widestDtype returns float64 if any of ts is float64, else float32: ops
// mixing precisions compute in float64, as the elementwise ops do.
func widestDtype(ts []*Tensor) dtype {
	for _, t := range ts {
		if t != nil && t.dt == f64 {
			return f64
		}
	}
	return f32
}

// dtypeOf returns the dtype that stores T.
func dtypeOf[T float]() dtype {
	var zero T
	if _, ok := any(zero).(float64); ok {
		return f64
	}
	return f32
}

// dtypeValues returns t's values as a contiguous []T, converting the dtype
// and copying a strided view only when needed (nil for a nil tensor). The
// result may alias t's storage and must only be read.
func dtypeValues[T float](t *Tensor) []T {
	if t == nil {
		return nil
	}
	c := toDtype(t, dtypeOf[T]()).contiguous()
	return elems[T](c.st)[c.offset : c.offset+numel(c.shape)]
}

// LocallyConnected2D is [Conv2D] with untied weights (Keras'
// LocallyConnected2D): every output pixel has its own filter bank, as
// calorimeter and pile-up networks (CaloGAN, PUMML) use where detector
// cells are not translation invariant. x is [N, C, H, W]; w is
// [OH, OW, K, C, kH, kW], one [K, C, kH, kW] filter bank per output pixel;
// b is [K, OH, OW] (one bias per output value, as in Keras) or nil. Stride
// and padding follow [ConvOptions] (OutputPadding is not used), and the
// result is [N, K, OH, OW].
//
// Gradients flow to x, w and b; a weight whose first two sizes differ from
// the output size, or other bad shapes, give a tensor holding a
// *ShapeError. The kernels are direct loops (no filter is shared, so there
// is no GEMM to batch), fast enough for the few filters and small images
// these layers are used with.
func LocallyConnected2D(x, w, b *Tensor, o ConvOptions) *Tensor {
	const op = "locally_connected2d"
	inputs := convInputs(x, w, b)
	if err := firstErr(inputs...); err != nil {
		return errTensor(err)
	}
	bad := func(format string, args ...any) *Tensor {
		return errTensor(&ShapeError{Op: op, A: cloneInts(x.shape), B: cloneInts(w.shape), Reason: fmt.Sprintf(format, args...)})
	}
	switch {
	case len(x.shape) != 4:
		return bad("input must be 4-D [batch, channels, height, width], got %d-D; reshape it first", len(x.shape))
	case len(w.shape) != 6:
		return bad("weight must be 6-D [outH, outW, out, in, kH, kW], got %d-D", len(w.shape))
	case x.shape[1] != w.shape[3]:
		return bad("input has %d channels but the weight expects %d (weight is [outH, outW, out, in, kH, kW])", x.shape[1], w.shape[3])
	case x.shape[0] < 1 || w.shape[2] < 1:
		return bad("batch and channel counts must be at least 1")
	}
	kh, kw := w.shape[4], w.shape[5]
	h, wd := x.shape[2], x.shape[3]
	sh, sw := o.strides()
	pad := o.explicitPadding()
	if o.Same {
		pad.Top, pad.Bottom = conv.SamePadding(h, kh, sh)
		pad.Left, pad.Right = conv.SamePadding(wd, kw, sw)
	}
	g, err := conv.NewGeom(x.shape[1], h, wd, w.shape[2], kh, kw, sh, sw, pad)
	if err != nil {
		return errTensor(geomShapeError(op, x, w, err))
	}
	if w.shape[0] != g.OH || w.shape[1] != g.OW {
		return bad("weight has %d×%d filter banks but the output is %d×%d; make the weight [%d, %d, ...]", w.shape[0], w.shape[1], g.OH, g.OW, g.OH, g.OW)
	}
	if b != nil && !slices.Equal(b.shape, []int{g.K, g.OH, g.OW}) {
		return bad("bias is %v but must be [%d %d %d], one value per output channel and pixel", b.shape, g.K, g.OH, g.OW)
	}
	if widestDtype(inputs) == f64 {
		return locallyConnected2d[float64](x, w, b, g)
	}
	return locallyConnected2d[float32](x, w, b, g)
}

func locallyConnected2d[T float](x, w, b *Tensor, g conv.Geom) *Tensor {
	n := x.shape[0]
	xs, wv, bv := dtypeValues[T](x), dtypeValues[T](w), dtypeValues[T](b)
	out := wsOf(x, w, b).alloc(dtypeOf[T](), []int{n, g.K, g.OH, g.OW})
	ws := acquireConvWorkspace[T]()
	err := conv.LocalForward(&g, n, xs, wv, bv, elems[T](out.st), ws)
	conv.Release(ws)
	if err != nil {
		return errTensor(fmt.Errorf("physnn: locally_connected2d: %w", err))
	}
	return record(out, "locally_connected2d", convInputs(x, w, b), func(grad *Tensor) []*Tensor {
		bufs := wsOf(grad, x, w)
		grads := make([]*Tensor, 2, 3)
		var dx, dw, db []T
		if x.requiresGrad {
			grads[0] = bufs.alloc(dtypeOf[T](), x.shape)
			dx = elems[T](grads[0].st)
		}
		if w.requiresGrad {
			grads[1] = bufs.alloc(dtypeOf[T](), w.shape)
			dw = elems[T](grads[1].st)
		}
		if b != nil {
			var gb *Tensor
			if b.requiresGrad {
				gb = bufs.alloc(dtypeOf[T](), b.shape)
				db = elems[T](gb.st)
			}
			grads = append(grads, gb)
		}
		ws := acquireConvWorkspace[T]()
		defer conv.Release(ws)
		err := conv.LocalBackward(&g, n, xs, wv, dtypeValues[T](grad), dx, dw, db, ws)
		return interruptedGrads("locally_connected2d", grads, err)
	})
}
