package conv

import "fmt"

// Padding is the zero padding added on each side of an image.
type Padding struct {
	Top, Bottom, Left, Right int
}

// Geom describes one 2-D convolution in NCHW layout: the input has C
// channels of H×W pixels, the filter bank has K filters of C×KH×KW weights,
// and the output has K channels of OH×OW pixels. For a transposed
// convolution the same Geom describes the forward convolution it is the
// adjoint of: its input is [N, K, OH, OW] and its output [N, C, H, W].
//
// Only the top and left padding enter the arithmetic; bottom and right
// padding only decide OH and OW.
type Geom struct {
	C, H, W          int
	K, KH, KW        int
	StrideH, StrideW int
	PadTop, PadLeft  int
	OH, OW           int
}

// GeomError reports sizes that make no valid convolution or pooling
// window. physnn turns it into a *physnn.ShapeError naming the op and shapes.
type GeomError struct {
	Axis   string // "height", "width" or "" when the problem is not per axis
	Reason string // what is wrong, e.g. "stride 0 must be at least 1"
}

// Error implements the error interface.
func (e *GeomError) Error() string {
	if e.Axis == "" {
		return "conv: " + e.Reason
	}
	return "conv: " + e.Axis + ": " + e.Reason
}

func geomErr(format string, args ...any) error {
	return &GeomError{Reason: fmt.Sprintf(format, args...)}
}

// onAxis sets the axis of a *GeomError returned by OutSize or
// TransposeOutSize.
func onAxis(axis string, err error) error {
	if ge, ok := err.(*GeomError); ok {
		return &GeomError{Axis: axis, Reason: ge.Reason}
	}
	return err
}

// OutSize returns the output length of a convolution along one axis:
// floor((in + before + after - k) / stride) + 1. It returns an error when a
// size is not positive, a padding is negative, or the kernel does not fit
// into the padded input.
func OutSize(in, k, stride, before, after int) (int, error) {
	switch {
	case in < 1:
		return 0, geomErr("input size %d must be at least 1", in)
	case k < 1:
		return 0, geomErr("kernel size %d must be at least 1", k)
	case stride < 1:
		return 0, geomErr("stride %d must be at least 1", stride)
	case before < 0 || after < 0:
		return 0, geomErr("padding %d before and %d after must not be negative", before, after)
	case before >= k || after >= k:
		// A padding of k or more would create output pixels that see only
		// zeros; PyTorch rejects pad > k/2 for the same reason, we only
		// reject the case that is certainly a mistake.
		return 0, geomErr("padding %d before and %d after must be smaller than the kernel size %d", before, after, k)
	case in+before+after < k:
		return 0, geomErr("kernel size %d is larger than the padded input size %d", k, in+before+after)
	}
	return (in+before+after-k)/stride + 1, nil
}

// SamePadding returns the padding that gives a convolution of an input of
// size in an output of ceil(in/stride) pixels along one axis, as TensorFlow's
// and Keras' "same" padding: the total padding is split evenly and an odd
// extra pixel goes after (bottom or right).
func SamePadding(in, k, stride int) (before, after int) {
	if stride < 1 {
		stride = 1
	}
	out := (in + stride - 1) / stride
	total := max((out-1)*stride+k-in, 0)
	return total / 2, total - total/2
}

// NewGeom validates and returns the geometry of a convolution of an input
// with c channels of h×w pixels by k filters of kh×kw, with the given
// strides and padding.
func NewGeom(c, h, w, k, kh, kw, strideH, strideW int, pad Padding) (Geom, error) {
	if c < 1 || k < 1 {
		return Geom{}, geomErr("channel counts %d in, %d out must be at least 1", c, k)
	}
	oh, err := OutSize(h, kh, strideH, pad.Top, pad.Bottom)
	if err != nil {
		return Geom{}, onAxis("height", err)
	}
	ow, err := OutSize(w, kw, strideW, pad.Left, pad.Right)
	if err != nil {
		return Geom{}, onAxis("width", err)
	}
	return Geom{C: c, H: h, W: w, K: k, KH: kh, KW: kw,
		StrideH: strideH, StrideW: strideW, PadTop: pad.Top, PadLeft: pad.Left, OH: oh, OW: ow}, nil
}

// TransposeOutSize returns the output length of a transposed convolution
// along one axis: (in-1)*stride + k - before - after + extra, where extra
// (PyTorch's output_padding) must be smaller than the stride and picks one of
// the stride input sizes that a strided convolution maps to the same size.
func TransposeOutSize(in, k, stride, before, after, extra int) (int, error) {
	switch {
	case in < 1:
		return 0, geomErr("input size %d must be at least 1", in)
	case k < 1:
		return 0, geomErr("kernel size %d must be at least 1", k)
	case stride < 1:
		return 0, geomErr("stride %d must be at least 1", stride)
	case before < 0 || after < 0:
		return 0, geomErr("padding %d before and %d after must not be negative", before, after)
	case before >= k || after >= k:
		return 0, geomErr("padding %d before and %d after must be smaller than the kernel size %d", before, after, k)
	case extra < 0 || extra >= stride:
		return 0, geomErr("output padding %d must be in [0, stride %d)", extra, stride)
	}
	out := (in-1)*stride + k - before - after + extra
	if out < 1 {
		return 0, geomErr("padding %d before and %d after leaves no output from input size %d and kernel size %d", before, after, in, k)
	}
	return out, nil
}

// NewTransposeGeom validates and returns the geometry of a transposed
// convolution of an input with cin channels of h×w pixels to cout channels,
// with kh×kw kernels, the given strides, padding and output padding
// (extraH, extraW). The result describes the adjoint forward convolution:
// C = cout, K = cin, OH×OW = h×w.
func NewTransposeGeom(cin, h, w, cout, kh, kw, strideH, strideW int, pad Padding, extraH, extraW int) (Geom, error) {
	if cin < 1 || cout < 1 {
		return Geom{}, geomErr("channel counts %d in, %d out must be at least 1", cin, cout)
	}
	oh, err := TransposeOutSize(h, kh, strideH, pad.Top, pad.Bottom, extraH)
	if err != nil {
		return Geom{}, onAxis("height", err)
	}
	ow, err := TransposeOutSize(w, kw, strideW, pad.Left, pad.Right, extraW)
	if err != nil {
		return Geom{}, onAxis("width", err)
	}
	g := Geom{C: cout, H: oh, W: ow, K: cin, KH: kh, KW: kw,
		StrideH: strideH, StrideW: strideW, PadTop: pad.Top, PadLeft: pad.Left, OH: h, OW: w}
	return g, nil
}

// NewPoolGeom validates and returns the geometry of a pooling window of
// kh×kw with the given strides and no padding over c channels of h×w.
// K equals C: pooling maps every channel to itself.
func NewPoolGeom(c, h, w, kh, kw, strideH, strideW int) (Geom, error) {
	if c < 1 {
		return Geom{}, geomErr("channel count %d must be at least 1", c)
	}
	oh, err := OutSize(h, kh, strideH, 0, 0)
	if err != nil {
		return Geom{}, onAxis("height", err)
	}
	ow, err := OutSize(w, kw, strideW, 0, 0)
	if err != nil {
		return Geom{}, onAxis("width", err)
	}
	return Geom{C: c, H: h, W: w, K: c, KH: kh, KW: kw, StrideH: strideH, StrideW: strideW, OH: oh, OW: ow}, nil
}

// InSize is the number of values in one batch item of the input: C·H·W.
func (g Geom) InSize() int { return g.C * g.H * g.W }

// OutSize is the number of values in one batch item of the output: K·OH·OW.
func (g Geom) OutSize() int { return g.K * g.OH * g.OW }

// FilterSize is the number of weights: K·C·KH·KW.
func (g Geom) FilterSize() int { return g.K * g.C * g.KH * g.KW }

// colRows is the number of rows of the im2col matrix: C·KH·KW.
func (g Geom) colRows() int { return g.C * g.KH * g.KW }

// colCols is the number of columns of the im2col matrix: OH·OW.
func (g Geom) colCols() int { return g.OH * g.OW }

// identityCol reports whether the im2col matrix equals the input itself
// (1×1 kernel, stride 1, no padding), so the copy can be skipped.
func (g Geom) identityCol() bool {
	return g.KH == 1 && g.KW == 1 && g.StrideH == 1 && g.StrideW == 1 && g.PadTop == 0 && g.PadLeft == 0 &&
		g.OH == g.H && g.OW == g.W
}
