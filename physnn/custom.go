package physnn

import (
	"errors"
	"fmt"
)

// Custom adds a differentiable op written in compiled Go (or in a notebook
// cell) to the graph: an FFT, a ray tracer, a physics simulator step.
//
// forward receives the inputs and returns the output; it runs with recording
// off for its inputs (they arrive detached), so it may use any physnn ops or
// raw loops over Data. vjp receives the same detached inputs, the output and
// the gradient of the loss with respect to the output, and returns the
// gradient with respect to each input (the vector-Jacobian product), each of
// its input's shape, or nil where no gradient flows. A nil vjp makes the op a
// constant for autodiff.
//
// An error or panic in forward gives a tensor holding the error; one in vjp
// makes Backward return it. name appears in those messages.
func Custom(name string, inputs []*Tensor, forward func(in []*Tensor) (*Tensor, error), vjp func(in []*Tensor, out, gradOut *Tensor) ([]*Tensor, error)) (result *Tensor) {
	defer recoverOp("Custom", &result)
	if forward == nil {
		return errTensor(fmt.Errorf("physnn: custom op %s: nil forward", name))
	}
	if err := firstErr(inputs...); err != nil {
		return errTensor(err)
	}
	detached := make([]*Tensor, len(inputs))
	for i, in := range inputs {
		detached[i] = in.Detach()
	}
	out, err := callForward(name, forward, detached)
	if err != nil {
		return errTensor(err)
	}
	y := out.Detach() // a fresh tensor the graph node can own
	if vjp == nil {
		return y
	}
	saved := append([]*Tensor(nil), inputs...)
	return record(y, name, saved, func(g *Tensor) []*Tensor {
		grads, err := callVJP(name, vjp, detached, y.Detach(), g.Detach())
		if err != nil {
			panic(err) // Backward recovers it and returns it
		}
		if len(grads) != len(saved) {
			panic(fmt.Errorf("physnn: custom op %s: vjp returned %d gradients for %d inputs", name, len(grads), len(saved)))
		}
		return grads
	})
}

func callForward(name string, forward func([]*Tensor) (*Tensor, error), in []*Tensor) (out *Tensor, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("physnn: custom op %s: forward panicked: %v", name, r)
		}
	}()
	out, err = forward(in)
	if err != nil {
		return nil, fmt.Errorf("physnn: custom op %s: %w", name, err)
	}
	if out == nil {
		return nil, fmt.Errorf("physnn: custom op %s: %w", name, errors.New("forward returned a nil tensor"))
	}
	if err := out.check(); err != nil {
		return nil, fmt.Errorf("physnn: custom op %s: %w", name, err)
	}
	return out, nil
}

func callVJP(name string, vjp func([]*Tensor, *Tensor, *Tensor) ([]*Tensor, error), in []*Tensor, out, g *Tensor) (grads []*Tensor, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("physnn: custom op %s: vjp panicked: %v", name, r)
		}
	}()
	grads, err = vjp(in, out, g)
	if err != nil {
		return nil, fmt.Errorf("physnn: custom op %s: vjp: %w", name, err)
	}
	return grads, nil
}
