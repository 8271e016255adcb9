package physnn

import (
	"fmt"

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
	if x.dt == f64 {
		return nd.ret1(poolBackward[float64](&g, nd.args.flag, x, grad))
	}
	return nd.ret1(poolBackward[float32](&g, nd.args.flag, x, grad))
}

func poolBackward[T float](g *conv.Geom, isMax bool, x, grad *Tensor) *Tensor {
	n := x.shape[0]
	if isMax {
		dx := wsOf(grad, x).allocOverwrite(x.dt, x.shape) // cleared by MaxPoolBackward
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
