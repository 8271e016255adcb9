package nn

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gophys/gophys/physnn"
)

// Sequential chains layers: Forward feeds each layer's output to the next.
// Its children are named by position, so parameters read "0.weight",
// "2.bias", as in PyTorch's nn.Sequential.
type Sequential struct {
	layers []Layer
}

// NewSequential returns a Sequential of the given layers.
func NewSequential(layers ...Layer) *Sequential {
	return &Sequential{layers: append([]Layer(nil), layers...)}
}

// Add appends a layer and returns s for chaining.
func (s *Sequential) Add(l Layer) *Sequential {
	s.layers = append(s.layers, l)
	return s
}

// Layers returns the layers in order (the slice is the Sequential's own).
func (s *Sequential) Layers() []Layer { return s.layers }

// Forward applies the layers in order. A panic in a layer becomes an error
// tensor naming the layer's position. A Dense layer on a batch of rows
// followed by a layer made by ELU runs as one physnn.LinearELU op, which
// gives the same results as the two layers with fewer passes over memory.
func (s *Sequential) Forward(x *physnn.Tensor) (y *physnn.Tensor) {
	i := 0
	defer func() {
		if r := recover(); r != nil {
			y = errorTensor(fmt.Errorf("nn: layer %d (%s) panicked: %v", i, Describe(s.layers[i]), r))
		}
	}()
	y = x
	for i = 0; i < len(s.layers); i++ {
		if s.layers[i] == nil {
			return errorTensor(fmt.Errorf("nn: layer %d is nil", i))
		}
		if d, ok := s.layers[i].(*Dense); ok && i+1 < len(s.layers) && d.err == nil && y.Dims() == 2 {
			if alpha, ok := eluAlpha(s.layers[i+1]); ok {
				y = physnn.LinearELU(y, d.Weight, d.Bias, alpha)
				i++
				continue
			}
		}
		y = s.layers[i].Forward(y)
		if y == nil {
			return errorTensor(fmt.Errorf("nn: layer %d (%s) returned nil", i, Describe(s.layers[i])))
		}
	}
	return y
}

// NamedParameters returns the children's parameters prefixed by position.
func (s *Sequential) NamedParameters() []NamedTensor {
	var out []NamedTensor
	for i, l := range s.layers {
		if l != nil {
			out = append(out, prefixed(strconv.Itoa(i), l.NamedParameters())...)
		}
	}
	return out
}

// NamedBuffers returns the children's buffers prefixed by position.
func (s *Sequential) NamedBuffers() []NamedTensor {
	var out []NamedTensor
	for i, l := range s.layers {
		if l != nil {
			out = append(out, prefixed(strconv.Itoa(i), Buffers(l))...)
		}
	}
	return out
}

// Parameters returns the trainable tensors in NamedParameters order.
func (s *Sequential) Parameters() []*physnn.Tensor { return Parameters(s) }

// SetTraining sets the mode of every child.
func (s *Sequential) SetTraining(training bool) {
	for _, l := range s.layers {
		if l != nil {
			l.SetTraining(training)
		}
	}
}

// String describes the chain, e.g. "Sequential(Dense(1→100), Sigmoid, Dense(100→1))".
func (s *Sequential) String() string {
	parts := make([]string, len(s.layers))
	for i, l := range s.layers {
		if l == nil {
			parts[i] = "nil"
		} else {
			parts[i] = Describe(l)
		}
	}
	return "Sequential(" + strings.Join(parts, ", ") + ")"
}
