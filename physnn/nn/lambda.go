package nn

import (
	"fmt"
	"reflect"

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

	// elu marks a layer made by ELU, which Sequential runs together with
	// a Dense layer before it as one physnn.LinearELU op.
	elu *eluMark
}

// eluMark is an ELU layer's alpha and the code pointer of the function ELU
// gave it, so a layer whose Fn was replaced afterwards is not fused.
type eluMark struct {
	alpha float32
	fn    uintptr
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
//
// In a Sequential, a Dense layer followed by an ELU layer runs as one
// physnn.LinearELU op (the same results with fewer passes over memory).
func ELU(alpha float32) *Lambda {
	l := activation(fmt.Sprintf("ELU(%g)", alpha), func(x *physnn.Tensor) *physnn.Tensor { return x.ELU(alpha) })
	l.elu = &eluMark{alpha: alpha, fn: reflect.ValueOf(l.Fn).Pointer()}
	return l
}

// eluAlpha returns the alpha of a layer made by ELU whose function is
// still ELU's, and whether it is one.
func eluAlpha(l Layer) (float32, bool) {
	e, ok := l.(*Lambda)
	if !ok || e.elu == nil || e.Fn == nil || reflect.ValueOf(e.Fn).Pointer() != e.elu.fn {
		return 0, false
	}
	return e.elu.alpha, true
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
