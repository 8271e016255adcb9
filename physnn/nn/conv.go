package nn

import (
	"fmt"

	"github.com/gophys/gophys/physnn"
)

// Conv2D is a 2-D convolution layer on NCHW batches (physnn.Conv2D). Weight
// has PyTorch's shape [Out, In, K, K] and Bias [Out].
type Conv2D struct {
	Weight  *physnn.Tensor
	Bias    *physnn.Tensor
	Options physnn.ConvOptions
	in, out int
	kernel  int
	err     error
}

// NewConv2D returns a convolution from in to out channels with a square
// kernel of side kernel, the given stride and padding, Glorot-uniform
// weights drawn from rng and zero bias. Bad sizes or a nil rng make Forward
// return a tensor carrying the error.
func NewConv2D(in, out, kernel int, opts physnn.ConvOptions, rng *physnn.RNG) *Conv2D {
	c := &Conv2D{Options: opts, in: in, out: out, kernel: kernel}
	if in <= 0 || out <= 0 || kernel <= 0 {
		c.err = fmt.Errorf("nn: conv2d sizes must be positive, got in=%d out=%d kernel=%d", in, out, kernel)
		return c
	}
	c.Weight = param(physnn.Zeros(out, in, kernel, kernel))
	c.Bias = param(physnn.Zeros(out))
	c.err = GlorotUniform(c.Weight, rng)
	return c
}

// Forward convolves x, shaped [N, In, H, W].
func (c *Conv2D) Forward(x *physnn.Tensor) *physnn.Tensor {
	if c.err != nil {
		return errorTensor(c.err)
	}
	return physnn.Conv2D(x, c.Weight, c.Bias, c.Options)
}

// NamedParameters returns "weight" and "bias" (if any).
func (c *Conv2D) NamedParameters() []NamedTensor { return weightBias(c.err, c.Weight, c.Bias) }

// Parameters returns the trainable tensors.
func (c *Conv2D) Parameters() []*physnn.Tensor { return Parameters(c) }

// SetTraining does nothing: a convolution behaves the same in both modes.
func (c *Conv2D) SetTraining(bool) {}

// Err returns the layer's configuration error, if any.
func (c *Conv2D) Err() error { return c.err }

// String describes the layer, e.g. "Conv2D(2→64, k8, {Stride:4 ...})".
func (c *Conv2D) String() string {
	return fmt.Sprintf("Conv2D(%d→%d, %d×%d%s)", c.in, c.out, c.kernel, c.kernel, describeConv(c.Options))
}

// ConvTranspose2D is a transposed 2-D convolution layer
// (physnn.ConvTranspose2D), the usual upsampling of generators and
// decoders. Weight has PyTorch's shape [In, Out, K, K] and Bias [Out].
type ConvTranspose2D struct {
	Weight  *physnn.Tensor
	Bias    *physnn.Tensor
	Options physnn.ConvOptions
	in, out int
	kernel  int
	err     error
}

// NewConvTranspose2D returns a transposed convolution from in to out
// channels with a square kernel, Glorot-uniform weights and zero bias.
func NewConvTranspose2D(in, out, kernel int, opts physnn.ConvOptions, rng *physnn.RNG) *ConvTranspose2D {
	c := &ConvTranspose2D{Options: opts, in: in, out: out, kernel: kernel}
	if in <= 0 || out <= 0 || kernel <= 0 {
		c.err = fmt.Errorf("nn: conv_transpose2d sizes must be positive, got in=%d out=%d kernel=%d", in, out, kernel)
		return c
	}
	c.Weight = param(physnn.Zeros(in, out, kernel, kernel))
	c.Bias = param(physnn.Zeros(out))
	c.err = GlorotUniform(c.Weight, rng)
	return c
}

// Forward applies the transposed convolution to x, shaped [N, In, H, W].
func (c *ConvTranspose2D) Forward(x *physnn.Tensor) *physnn.Tensor {
	if c.err != nil {
		return errorTensor(c.err)
	}
	return physnn.ConvTranspose2D(x, c.Weight, c.Bias, c.Options)
}

// NamedParameters returns "weight" and "bias" (if any).
func (c *ConvTranspose2D) NamedParameters() []NamedTensor {
	return weightBias(c.err, c.Weight, c.Bias)
}

// Parameters returns the trainable tensors.
func (c *ConvTranspose2D) Parameters() []*physnn.Tensor { return Parameters(c) }

// SetTraining does nothing.
func (c *ConvTranspose2D) SetTraining(bool) {}

// Err returns the layer's configuration error, if any.
func (c *ConvTranspose2D) Err() error { return c.err }

// String describes the layer.
func (c *ConvTranspose2D) String() string {
	return fmt.Sprintf("ConvTranspose2D(%d→%d, %d×%d%s)", c.in, c.out, c.kernel, c.kernel, describeConv(c.Options))
}

func weightBias(err error, w, b *physnn.Tensor) []NamedTensor {
	if err != nil {
		return nil
	}
	ps := []NamedTensor{{"weight", w}}
	if b != nil {
		ps = append(ps, NamedTensor{"bias", b})
	}
	return ps
}

// MaxPool2D returns a layer taking the maximum over k×k windows moved by
// stride (physnn.MaxPool2D).
func MaxPool2D(k, stride int) *Lambda {
	return activation(fmt.Sprintf("MaxPool2D(%d, %d)", k, stride), func(x *physnn.Tensor) *physnn.Tensor {
		return physnn.MaxPool2D(x, k, stride)
	})
}

// AvgPool2D returns a layer averaging over k×k windows moved by stride.
func AvgPool2D(k, stride int) *Lambda {
	return activation(fmt.Sprintf("AvgPool2D(%d, %d)", k, stride), func(x *physnn.Tensor) *physnn.Tensor {
		return physnn.AvgPool2D(x, k, stride)
	})
}

// describeConv lists the options that differ from the defaults (stride 1,
// no padding), as ", stride 2, pad 1" or ", same"; empty for the defaults.
func describeConv(o physnn.ConvOptions) string {
	var s string
	axes := func(name string, both, h, w int) {
		// Positive per-axis values override the shared one.
		if h <= 0 {
			h = both
		}
		if w <= 0 {
			w = both
		}
		switch {
		case h != w:
			s += fmt.Sprintf(", %s %d×%d", name, h, w)
		case h > 0:
			s += fmt.Sprintf(", %s %d", name, h)
		}
	}
	axes("stride", o.Stride, o.StrideH, o.StrideW)
	if o.Same {
		s += ", same"
	} else {
		axes("pad", o.Padding, o.PadH, o.PadW)
	}
	if o.OutputPadding > 0 {
		s += fmt.Sprintf(", output pad %d", o.OutputPadding)
	}
	return s
}
