package physnn

import (
	"fmt"
	"math"

	"github.com/gophys/gophys/physnn/internal/conv"
)

// Pooling over k×k windows of NCHW tensors; kernels in physnn/internal/conv.

// MaxPool2D returns the maximum over every k×k window of x, shaped
// [N, C, H, W], moving the window by stride pixels (stride 0 means k, the
// usual non-overlapping pooling). The result is [N, C, OH, OW] with
// OH = floor((H-k)/stride) + 1: rows and columns that do not fill a window
// are dropped, as in PyTorch and Keras' padding="valid" (a 33×33 jet image
// pools 2×2 to 16×16). A NaN in a window makes its maximum NaN.
//
// The gradient flows to the input value each window took (the first one in
// row-major order among ties); overlapping windows add up. A 2-D input
// (not [N, C, H, W]) or a window larger than the image gives a tensor
// holding a *ShapeError.
func MaxPool2D(x *Tensor, k, stride int) *Tensor {
	g, err := poolGeom("maxpool2d", x, k, stride)
	if err != nil {
		return errTensor(err)
	}
	if x.dt == f64 {
		return maxPool2d[float64](x, g, k, stride)
	}
	return maxPool2d[float32](x, g, k, stride)
}

func maxPool2d[T float](x *Tensor, g conv.Geom, k, stride int) *Tensor {
	n := x.shape[0]
	out := x.ws.allocOverwrite(x.dt, []int{n, g.C, g.OH, g.OW})
	if x.dt == f32 && isPool2x2(&g) {
		// The winners go to the backward pass as a float32 tensor.
		idx := x.ws.allocOverwrite(f32, out.shape)
		maxPool2x2Forward(&g, n, x.contiguous().f32s(), out.st.f32, idx.st.f32)
		return recordVJP(out, "maxpool2d", []*Tensor{x}, poolVJP, opArgs{i: k, j: stride, flag: true, aux: idx})
	}
	conv.MaxPoolForward(&g, n, dtypeValues[T](x), elems[T](out.st))
	return recordVJP(out, "maxpool2d", []*Tensor{x}, poolVJP, opArgs{i: k, j: stride, flag: true})
}

// AvgPool2D returns the mean over every k×k window of x, shaped
// [N, C, H, W], moving the window by stride pixels (stride 0 means k). The
// output size follows [MaxPool2D]. The gradient of each output is spread
// evenly over its window.
func AvgPool2D(x *Tensor, k, stride int) *Tensor {
	g, err := poolGeom("avgpool2d", x, k, stride)
	if err != nil {
		return errTensor(err)
	}
	if x.dt == f64 {
		return avgPool2d[float64](x, g, k, stride)
	}
	return avgPool2d[float32](x, g, k, stride)
}

func avgPool2d[T float](x *Tensor, g conv.Geom, k, stride int) *Tensor {
	n := x.shape[0]
	out := x.ws.alloc(x.dt, []int{n, g.C, g.OH, g.OW})
	conv.AvgPoolForward(&g, n, dtypeValues[T](x), elems[T](out.st))
	return recordVJP(out, "avgpool2d", []*Tensor{x}, poolVJP, opArgs{i: k, j: stride})
}

// poolVJP is the gradient of a max pool (args.flag) or average pool of
// window args.i and stride args.j.
func poolVJP(nd *node, grad *Tensor) []*Tensor {
	x := nd.inputs[0]
	g, err := poolGeom(nd.op, x, nd.args.i, nd.args.j)
	if err != nil {
		return nd.ret1(errTensor(err))
	}
	if idx := nd.args.aux; idx != nil {
		dx := wsOf(grad, x).allocOverwrite(f32, x.shape)
		maxPool2x2Backward(&g, x.shape[0], idx.st.f32, dtypeValues[float32](grad), dx.st.f32)
		return nd.ret1(dx)
	}
	if x.dt == f64 {
		return nd.ret1(poolBackward[float64](&g, nd.args.flag, x, grad))
	}
	return nd.ret1(poolBackward[float32](&g, nd.args.flag, x, grad))
}

func poolBackward[T float](g *conv.Geom, isMax bool, x, grad *Tensor) *Tensor {
	n := x.shape[0]
	if isMax {
		dx := wsOf(grad, x).allocOverwrite(x.dt, x.shape) // MaxPoolBackward clears it
		conv.MaxPoolBackward(g, n, dtypeValues[T](x), dtypeValues[T](grad), elems[T](dx.st))
		return dx
	}
	dx := wsOf(grad, x).alloc(x.dt, x.shape)
	conv.AvgPoolBackward(g, n, dtypeValues[T](grad), elems[T](dx.st))
	return dx
}

// poolGeom validates a pooling op's input and window.
func poolGeom(op string, x *Tensor, k, stride int) (conv.Geom, error) {
	if err := x.check(); err != nil {
		return conv.Geom{}, err
	}
	if len(x.shape) != 4 {
		return conv.Geom{}, &ShapeError{Op: op, A: cloneInts(x.shape),
			Reason: fmt.Sprintf("input must be 4-D [batch, channels, height, width], got %d-D", len(x.shape))}
	}
	if x.shape[0] < 1 {
		return conv.Geom{}, &ShapeError{Op: op, A: cloneInts(x.shape), Reason: "batch is empty"}
	}
	if stride == 0 {
		stride = k
	}
	g, err := conv.NewPoolGeom(x.shape[1], x.shape[2], x.shape[3], k, k, stride, stride)
	if err != nil {
		return conv.Geom{}, geomShapeError(op, x, nil, err)
	}
	return g, nil
}

// The common pooling of CNNs, 2×2 windows with stride 2, has its own
// float32 loops: the general kernels' per-window loop, and its branches on
// random signs, cost several times more than comparing four values, and
// max pooling was the largest cost after the convolutions in the jet-image
// CNN's training step. The forward pass runs eight windows at a time with
// AVX2 and keeps each window's winner (0 to 3) for the backward pass, which
// then only scatters. Results are the general kernels' exactly (see
// maxWindow in physnn/internal/conv: the first maximum in row-major order
// wins ties, the first NaN wins over numbers), which
// TestMaxPool2x2MatchesGeneral checks.

// isPool2x2 reports whether g pools non-overlapping 2×2 windows.
func isPool2x2(g *conv.Geom) bool {
	return g.KH == 2 && g.KW == 2 && g.StrideH == 2 && g.StrideW == 2 && g.PadTop == 0 && g.PadLeft == 0
}

// argmax2x2 returns which of a, b, c, d (a window's values in row-major
// order) maxWindow would pick: 0, 1, 2 or 3.
func argmax2x2(a, b, c, d float32) int {
	best, bv := 0, a
	if b > bv || (b != b && bv == bv) {
		best, bv = 1, b
	}
	if c > bv || (c != c && bv == bv) {
		best, bv = 2, c
	}
	if d > bv || (d != d && bv == bv) {
		best = 3
	}
	return best
}

// maxPool2x2Row writes the maxima of the windows over rows r0 and r1 into
// y and their winners into idx.
func maxPool2x2Row(y, idx, r0, r1 []float32) {
	j := vecLen(len(y))
	if j > 0 {
		maxPool2x2AVX2(y[:j], idx[:j], r0, r1)
	}
	for ; j < len(y); j++ {
		w := [4]float32{r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1]}
		k := argmax2x2(w[0], w[1], w[2], w[3])
		y[j], idx[j] = w[k], float32(k)
	}
}

// maxPool2x2Forward overwrites y with the maxima of the 2×2 windows of x
// (n·C planes of H×W, outputs OH×OW) and idx with their winners.
func maxPool2x2Forward(g *conv.Geom, n int, x, y, idx []float32) {
	parallelArgs(n*g.C, g.H*g.W, pool2x2Fwd{g.H, g.W, g.OH, g.OW, x, y, idx})
}

// pool2x2Fwd is maxPool2x2Forward's loop over planes, for parallelArgs.
type pool2x2Fwd struct {
	h, w, oh, ow int
	x, y, idx    []float32
}

func (a pool2x2Fwd) chunk(lo, hi int) {
	h, w, oh, ow, x, y, idx := a.h, a.w, a.oh, a.ow, a.x, a.y, a.idx
	for p := lo; p < hi; p++ {
		plane := x[p*h*w : (p+1)*h*w]
		for r := range oh {
			o := (p*oh + r) * ow
			maxPool2x2Row(y[o:o+ow], idx[o:o+ow], plane[2*r*w:2*r*w+2*ow], plane[(2*r+1)*w:(2*r+1)*w+2*ow])
		}
	}
}

// maxPool2x2Backward overwrites dx with the gradient dy routed to each
// window's winner (idx, from maxPool2x2Forward), and zero elsewhere. Every
// window writes all four of its elements, the winner's gradient selected
// by bit masks rather than branches (the winner's position is random), so
// only a row and column outside every window need clearing.
func maxPool2x2Backward(g *conv.Geom, n int, idx, dy, dx []float32) {
	parallelArgs(n*g.C, g.H*g.W, pool2x2Bwd{g.H, g.W, g.OH, g.OW, idx, dy, dx})
}

// pool2x2Bwd is maxPool2x2Backward's loop over planes, for parallelArgs.
type pool2x2Bwd struct {
	h, w, oh, ow int
	idx, dy, dx  []float32
}

func (a pool2x2Bwd) chunk(lo, hi int) {
	h, w, oh, ow, idx, dy, dx := a.h, a.w, a.oh, a.ow, a.idx, a.dy, a.dx
	for p := lo; p < hi; p++ {
		dxp := dx[p*h*w : (p+1)*h*w]
		for r := range oh {
			o := (p*oh + r) * ow
			d0, d1 := dxp[2*r*w:2*r*w+2*ow], dxp[(2*r+1)*w:(2*r+1)*w+2*ow]
			for j, gv := range dy[o : o+ow] {
				k, bits := uint32(idx[o+j]), math.Float32bits(gv)
				// (k^q - 1) >> 31 is 1 exactly when k == q (k ≤ 3).
				d0[2*j] = math.Float32frombits(bits & -((k - 1) >> 31))
				d0[2*j+1] = math.Float32frombits(bits & -((k ^ 1 - 1) >> 31))
				d1[2*j] = math.Float32frombits(bits & -((k ^ 2 - 1) >> 31))
				d1[2*j+1] = math.Float32frombits(bits & -((k ^ 3 - 1) >> 31))
			}
			if w > 2*ow { // an odd width leaves a column outside the windows
				dxp[2*r*w+2*ow], dxp[(2*r+1)*w+2*ow] = 0, 0
			}
		}
		clear(dxp[2*oh*w:]) // rows below the last window
	}
}
