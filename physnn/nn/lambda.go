package nn

import (
	"fmt"

	"github.com/gophys/gophys/physnn"
)

// Lambda is a layer made from a function: activations, reshapes, or a
// custom layer written in a notebook cell as a closure over its own
// parameters (list them in Params so optimizers and checkpoints see them).
//
//	w := physnn.Ones(1).SetRequiresGrad(true)
//	scale := &nn.Lambda{Name: "scale", Fn: func(x *physnn.Tensor) *physnn.Tensor { return x.Mul(w) },
//		Params: []nn.NamedTensor{{Name: "w", Tensor: w}}}
type Lambda struct {
	Name   string
	Fn     func(x *physnn.Tensor) *physnn.Tensor
	Params []NamedTensor
}

// Forward applies Fn, recovering a panic into an error tensor.
func (l *Lambda) Forward(x *physnn.Tensor) (y *physnn.Tensor) {
	if l.Fn == nil {
		return errorTensor(fmt.Errorf("nn: layer %s has no function", l.Name))
	}
	defer func() {
		if r := recover(); r != nil {
			y = errorTensor(fmt.Errorf("nn: layer %s panicked: %v", l.Name, r))
		}
	}()
	return l.Fn(x)
}

// NamedParameters returns Params.
func (l *Lambda) NamedParameters() []NamedTensor { return l.Params }

// SetTraining does nothing: a Lambda has no mode.
func (l *Lambda) SetTraining(bool) {}

// String returns the layer's name.
func (l *Lambda) String() string { return l.Name }

func activation(name string, fn func(x *physnn.Tensor) *physnn.Tensor) *Lambda {
	return &Lambda{Name: name, Fn: fn}
}

// ReLU returns a layer applying max(x, 0).
func ReLU() *Lambda { return activation("ReLU", (*physnn.Tensor).ReLU) }

// Sigmoid returns a layer applying 1/(1+e^−x).
func Sigmoid() *Lambda { return activation("Sigmoid", (*physnn.Tensor).Sigmoid) }

// Tanh returns a layer applying tanh.
func Tanh() *Lambda { return activation("Tanh", (*physnn.Tensor).Tanh) }

// Softplus returns a layer applying log(1+e^x).
func Softplus() *Lambda { return activation("Softplus", (*physnn.Tensor).Softplus) }

// GELU returns a layer applying the Gaussian error linear unit.
func GELU() *Lambda { return activation("GELU", (*physnn.Tensor).GELU) }

// LeakyReLU returns a layer applying x for x > 0 and slope·x otherwise.
func LeakyReLU(slope float32) *Lambda {
	return activation(fmt.Sprintf("LeakyReLU(%g)", slope), func(x *physnn.Tensor) *physnn.Tensor { return x.LeakyReLU(slope) })
}

// ELU returns a layer applying x for x > 0 and alpha·(e^x − 1) otherwise.
func ELU(alpha float32) *Lambda {
	return activation(fmt.Sprintf("ELU(%g)", alpha), func(x *physnn.Tensor) *physnn.Tensor { return x.ELU(alpha) })
}

// Softmax returns a layer applying softmax along axis.
func Softmax(axis int) *Lambda {
	return activation(fmt.Sprintf("Softmax(%d)", axis), func(x *physnn.Tensor) *physnn.Tensor { return x.Softmax(axis) })
}

// LogSoftmax returns a layer applying log-softmax along axis.
func LogSoftmax(axis int) *Lambda {
	return activation(fmt.Sprintf("LogSoftmax(%d)", axis), func(x *physnn.Tensor) *physnn.Tensor { return x.LogSoftmax(axis) })
}

// Flatten returns a layer reshaping [B, d1, d2, ...] to [B, d1·d2·...].
func Flatten() *Lambda {
	return activation("Flatten", func(x *physnn.Tensor) *physnn.Tensor {
		if err := x.Err(); err != nil {
			return x
		}
		if x.Dims() < 1 {
			return errorTensor(fmt.Errorf("nn: flatten needs a batch dimension, got a scalar"))
		}
		b := x.Dim(0)
		if b == 0 {
			return x.Reshape(0, 0)
		}
		return x.Reshape(b, x.Len()/b)
	})
}
