package nn

import (
	"fmt"

	"github.com/gophys/gophys/physnn"
)

// BatchNorm normalises each channel (of [N, C] or [N, C, H, W] input) with
// batch statistics in training mode and running statistics in evaluation
// mode (physnn.BatchNorm). Gamma and Beta are trainable; RunningMean and
// RunningVar are buffers that checkpoints store. A new layer is in training
// mode.
type BatchNorm struct {
	Gamma, Beta             *physnn.Tensor
	RunningMean, RunningVar *physnn.Tensor
	// Momentum is PyTorch's running-statistics momentum (default 0.1) and
	// Eps the variance offset (default 1e-5).
	Momentum, Eps float32
	features      int
	training      bool
	err           error
}

// NewBatchNorm returns a batch-norm layer over features channels with
// gamma 1, beta 0, running mean 0 and running variance 1.
func NewBatchNorm(features int) *BatchNorm {
	b := &BatchNorm{Momentum: 0.1, Eps: 1e-5, features: features, training: true}
	if features <= 0 {
		b.err = fmt.Errorf("nn: batchnorm needs a positive number of features, got %d", features)
		return b
	}
	b.Gamma = param(physnn.Ones(features))
	b.Beta = param(physnn.Zeros(features))
	b.RunningMean = physnn.Zeros(features)
	b.RunningVar = physnn.Ones(features)
	return b
}

// Forward normalises x.
func (b *BatchNorm) Forward(x *physnn.Tensor) *physnn.Tensor {
	if b.err != nil {
		return errorTensor(b.err)
	}
	return physnn.BatchNorm(x, b.Gamma, b.Beta, b.RunningMean, b.RunningVar, b.training, b.Momentum, b.Eps)
}

// NamedParameters returns "weight" (gamma) and "bias" (beta), PyTorch's
// names.
func (b *BatchNorm) NamedParameters() []NamedTensor { return weightBias(b.err, b.Gamma, b.Beta) }

// NamedBuffers returns "running_mean" and "running_var", PyTorch's names.
func (b *BatchNorm) NamedBuffers() []NamedTensor {
	if b.err != nil {
		return nil
	}
	return []NamedTensor{{"running_mean", b.RunningMean}, {"running_var", b.RunningVar}}
}

// Parameters returns the trainable tensors.
func (b *BatchNorm) Parameters() []*physnn.Tensor { return Parameters(b) }

// SetTraining switches between batch statistics (true) and running
// statistics (false).
func (b *BatchNorm) SetTraining(training bool) { b.training = training }

// Err returns the layer's configuration error, if any.
func (b *BatchNorm) Err() error { return b.err }

// String describes the layer.
func (b *BatchNorm) String() string { return fmt.Sprintf("BatchNorm(%d)", b.features) }

// Dropout zeroes inputs with probability P while training and passes them
// through in evaluation mode (physnn.Dropout). A new layer is in training
// mode; for Monte-Carlo dropout at inference, keep it in training mode.
type Dropout struct {
	P        float32
	rng      *physnn.RNG
	training bool
}

// NewDropout returns a dropout layer drawing its masks from rng.
func NewDropout(p float32, rng *physnn.RNG) *Dropout {
	return &Dropout{P: p, rng: rng, training: true}
}

// Forward applies dropout in training mode and returns x otherwise.
func (d *Dropout) Forward(x *physnn.Tensor) *physnn.Tensor {
	return physnn.Dropout(x, d.P, d.rng, d.training)
}

// NamedParameters returns nil: dropout has no parameters.
func (d *Dropout) NamedParameters() []NamedTensor { return nil }

// SetTraining switches dropout on (true) or off (false).
func (d *Dropout) SetTraining(training bool) { d.training = training }

// String describes the layer.
func (d *Dropout) String() string { return fmt.Sprintf("Dropout(%g)", d.P) }
