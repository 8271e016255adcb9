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
		return maxPool2d[float64](x, g)
	}
	return maxPool2d[float32](x, g)
}

func maxPool2d[T float](x *Tensor, g conv.Geom) *Tensor {
	n := x.shape[0]
	xs := dtypeValues[T](x)
	out := x.ws.alloc(x.dt, []int{n, g.C, g.OH, g.OW})
	conv.MaxPoolForward(&g, n, xs, elems[T](out.st))
	return record(out, "maxpool2d", []*Tensor{x}, func(grad *Tensor) []*Tensor {
		dx := wsOf(grad, x).alloc(x.dt, x.shape)
		conv.MaxPoolBackward(&g, n, xs, dtypeValues[T](grad), elems[T](dx.st))
		return []*Tensor{dx}
	})
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
		return avgPool2d[float64](x, g)
	}
	return avgPool2d[float32](x, g)
}

func avgPool2d[T float](x *Tensor, g conv.Geom) *Tensor {
	n := x.shape[0]
	out := x.ws.alloc(x.dt, []int{n, g.C, g.OH, g.OW})
	conv.AvgPoolForward(&g, n, dtypeValues[T](x), elems[T](out.st))
	return record(out, "avgpool2d", []*Tensor{x}, func(grad *Tensor) []*Tensor {
		dx := wsOf(grad, x).alloc(x.dt, x.shape)
		conv.AvgPoolBackward(&g, n, dtypeValues[T](grad), elems[T](dx.st))
		return []*Tensor{dx}
	})
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
