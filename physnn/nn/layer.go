package nn

import (
	"fmt"
	"strings"

	"github.com/gophys/gophys/physnn"
)

// Layer is a differentiable function with trainable parameters: a single
// layer, a Sequential of layers, or a whole model. Implement it to write a
// custom layer (also in a notebook cell):
//
//   - Forward maps a batch to a batch, recording the ops for autodiff. Errors
//     travel inside the returned tensor (Tensor.Err), never as panics.
//   - NamedParameters lists the trainable tensors with names relative to the
//     layer ("weight", "bias"; a container prefixes its children's, as in
//     "0.weight"), like PyTorch's named_parameters. Return nil if none.
//   - SetTraining switches between training and evaluation behaviour
//     (dropout, batch-norm statistics); layers without such behaviour ignore
//     it.
//
// The interface is kept to these three methods because the notebook
// interpreter passes a cell's layer to compiled code through a wrapper that
// has exactly the interface's methods: optional extra interfaces of a
// cell-defined type are invisible to compiled code.
type Layer interface {
	Forward(x *physnn.Tensor) *physnn.Tensor
	NamedParameters() []NamedTensor
	SetTraining(training bool)
}

// BufferHolder is implemented by layers that keep non-trainable state a
// checkpoint must store, such as batch-norm running statistics.
// NamedBuffers names them like NamedParameters does. Containers in this
// package forward it for their children.
type BufferHolder interface {
	NamedBuffers() []NamedTensor
}

// NamedTensor is a tensor with its name inside a model.
type NamedTensor struct {
	Name   string
	Tensor *physnn.Tensor
}

// Parameters returns the trainable tensors of l in NamedParameters order,
// ready for an optimizer.
func Parameters(l Layer) []*physnn.Tensor {
	named := l.NamedParameters()
	ps := make([]*physnn.Tensor, len(named))
	for i, n := range named {
		ps[i] = n.Tensor
	}
	return ps
}

// Buffers returns the named buffers of l, or nil if it keeps none.
func Buffers(l Layer) []NamedTensor {
	if b, ok := l.(BufferHolder); ok {
		return b.NamedBuffers()
	}
	return nil
}

// StateTensors returns everything a checkpoint must store to restore l:
// its named parameters followed by its named buffers.
func StateTensors(l Layer) []NamedTensor {
	return append(append([]NamedTensor(nil), l.NamedParameters()...), Buffers(l)...)
}

// Describe returns a one-line description of l's architecture, used by
// checkpoints to recognise a model: the layer's String method if it has one,
// else its Go type name followed by its parameter shapes.
func Describe(l Layer) string {
	if s, ok := l.(fmt.Stringer); ok {
		return s.String()
	}
	var b strings.Builder
	name := fmt.Sprintf("%T", l)
	if strings.Contains(name, "physnn_nn_Layer") {
		// The interpreter's wrapper for a cell-defined layer: its type name
		// says nothing about the layer, the parameter shapes below do.
		name = "CustomLayer"
	}
	b.WriteString(name)
	params := l.NamedParameters()
	if len(params) > 0 {
		b.WriteString("{")
		for i, p := range params {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %v", p.Name, p.Tensor.Shape())
		}
		b.WriteString("}")
	}
	return b.String()
}

// prefixed returns ts with prefix+"." before each name.
func prefixed(prefix string, ts []NamedTensor) []NamedTensor {
	out := make([]NamedTensor, len(ts))
	for i, t := range ts {
		out[i] = NamedTensor{Name: prefix + "." + t.Name, Tensor: t.Tensor}
	}
	return out
}

// errorTensor returns a tensor carrying err, so Forward can report a bad
// configuration through the sticky-error chain.
func errorTensor(err error) *physnn.Tensor {
	return physnn.Custom("nn", nil,
		func([]*physnn.Tensor) (*physnn.Tensor, error) { return nil, err },
		nil)
}

// param marks t as a trainable parameter.
func param(t *physnn.Tensor) *physnn.Tensor { return t.SetRequiresGrad(true) }
