package nn

import (
	"fmt"

	"github.com/gophys/gophys/physnn"
)

// Dense is a fully connected layer y = x·W + b for x of shape [batch, In].
// Weight has shape [In, Out] (the transpose of PyTorch's nn.Linear weight)
// and Bias [Out].
type Dense struct {
	Weight *physnn.Tensor
	Bias   *physnn.Tensor
	in     int
	out    int
	err    error
}

// NewDense returns a Dense layer with Glorot-uniform weights drawn from rng
// and zero bias. Re-initialise with the init functions (HeNormal(d.Weight,
// rng), ...) for other schemes. Invalid sizes or a nil rng make Forward
// return a tensor carrying the error.
func NewDense(in, out int, rng *physnn.RNG) *Dense {
	d := &Dense{in: in, out: out}
	if in <= 0 || out <= 0 {
		d.err = fmt.Errorf("nn: dense sizes must be positive, got in=%d out=%d", in, out)
		return d
	}
	d.Weight = param(physnn.Zeros(in, out))
	d.Bias = param(physnn.Zeros(out))
	d.err = GlorotUniform(d.Weight, rng)
	return d
}

// Forward returns x·W + b: one physnn.Linear op for a batch of rows
// ([N, In]), MatMul and Add for batches of sequences ([B, T, In]).
func (d *Dense) Forward(x *physnn.Tensor) *physnn.Tensor {
	if d.err != nil {
		return errorTensor(d.err)
	}
	if x.Dims() == 2 {
		return physnn.Linear(x, d.Weight, d.Bias)
	}
	y := x.MatMul(d.Weight)
	if d.Bias != nil {
		y = y.Add(d.Bias)
	}
	return y
}

// NamedParameters returns "weight" and "bias" (if any).
func (d *Dense) NamedParameters() []NamedTensor { return weightBias(d.err, d.Weight, d.Bias) }

// Parameters returns the trainable tensors.
func (d *Dense) Parameters() []*physnn.Tensor { return Parameters(d) }

// SetTraining does nothing: Dense behaves the same in both modes.
func (d *Dense) SetTraining(bool) {}

// Err returns the layer's configuration error, if any.
func (d *Dense) Err() error { return d.err }

// String describes the layer, e.g. "Dense(1→100)".
func (d *Dense) String() string { return fmt.Sprintf("Dense(%d→%d)", d.in, d.out) }
