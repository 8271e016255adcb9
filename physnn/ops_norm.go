package physnn

import (
	"fmt"

	"github.com/gophys/gophys/physnn/internal/conv"
)

// Batch normalisation; kernels in physnn/internal/conv.

// BatchNorm normalises x per channel (Ioffe and Szegedy 2015,
// arXiv:1502.03167): y = gamma·(x-mean)/sqrt(var+eps) + beta. x is either
// [N, C, H, W], normalised per channel over the batch and all pixels, or
// [N, C], normalised per feature over the batch. gamma and beta are [C] and
// may be nil (no scale and shift). runMean and runVar are [C] buffers of
// running statistics, owned by the caller (a layer), that are not part of
// the graph.
//
// In training mode (training true) mean and var are the batch's mean and
// biased variance, gradients flow through them to x, gamma and beta, and
// runMean and runVar, when not nil, are updated in place:
// run = (1-momentum)·run + momentum·batch, with the unbiased batch variance
// for runVar. momentum is PyTorch's (0.1 is the usual value; Keras'
// momentum 0.99 is PyTorch's 0.01). Training needs more than one value per
// channel. The update happens even inside [NoGrad], as in PyTorch, so
// evaluate with training false.
//
// In evaluation mode (training false) mean and var are runMean and runVar,
// which must then be given; gradients flow to x, gamma and beta with the
// statistics held constant.
//
// Bad shapes give a tensor holding a *ShapeError; a momentum outside [0, 1]
// or a negative eps give a tensor holding an error.
func BatchNorm(x, gamma, beta, runMean, runVar *Tensor, training bool, momentum, eps float32) *Tensor {
	const op = "batchnorm"
	inputs := normInputs(x, gamma, beta)
	if err := firstErr(inputs...); err != nil {
		return errTensor(err)
	}
	for _, t := range []*Tensor{runMean, runVar} {
		if t != nil {
			if err := t.check(); err != nil {
				return errTensor(err)
			}
		}
	}
	n, c, s, err := normShape(op, x, gamma, beta, runMean, runVar, training)
	if err != nil {
		return errTensor(err)
	}
	if !(momentum >= 0 && momentum <= 1) {
		return errTensor(fmt.Errorf("physnn: batchnorm: momentum %v must be in [0, 1] (PyTorch convention: 0.1 moves the running statistics 10%% towards each batch)", momentum))
	}
	if !(eps >= 0) {
		return errTensor(fmt.Errorf("physnn: batchnorm: eps %v must not be negative", eps))
	}
	if widestDtype(inputs) == f64 {
		return batchNorm[float64](x, gamma, beta, runMean, runVar, training, momentum, eps, n, c, s)
	}
	return batchNorm[float32](x, gamma, beta, runMean, runVar, training, momentum, eps, n, c, s)
}

func batchNorm[T float](x, gamma, beta, runMean, runVar *Tensor, training bool, momentum, eps float32, n, c, s int) *Tensor {
	dt := dtypeOf[T]()
	xs, gv, bv := dtypeValues[T](x), dtypeValues[T](gamma), dtypeValues[T](beta)
	bufs := wsOf(x, gamma, beta)
	out := bufs.alloc(dt, x.shape)
	y := elems[T](out.st)
	stats := elems[T](bufs.alloc(dt, []int{2, c}).st) // saved mean and 1/std
	mean, invStd := stats[:c], stats[c:]
	if training {
		rm, flushMean := runningValues[T](runMean)
		rv, flushVar := runningValues[T](runVar)
		conv.NormTrainForward(n, c, s, xs, gv, bv, T(eps), T(momentum), y, mean, invStd, rm, rv)
		flushMean()
		flushVar()
	} else {
		mean = dtypeValues[T](runMean)
		conv.NormEvalForward(n, c, s, xs, gv, bv, mean, dtypeValues[T](runVar), T(eps), y, invStd)
	}
	return record(out, "batchnorm", normInputs(x, gamma, beta), func(grad *Tensor) []*Tensor {
		dy := dtypeValues[T](grad)
		bufs := wsOf(grad, x)
		var gx, gg, gb *Tensor
		var dx, dgamma, dbeta []T
		if x.requiresGrad {
			gx = bufs.alloc(dt, x.shape)
			dx = elems[T](gx.st)
		}
		if gamma != nil && gamma.requiresGrad {
			gg = bufs.alloc(dt, gamma.shape)
			dgamma = elems[T](gg.st)
		}
		if beta != nil && beta.requiresGrad {
			gb = bufs.alloc(dt, beta.shape)
			dbeta = elems[T](gb.st)
		}
		if training {
			conv.NormTrainBackward(n, c, s, xs, dy, gv, mean, invStd, dx, dgamma, dbeta)
		} else {
			conv.NormEvalBackward(n, c, s, xs, dy, gv, mean, invStd, dx, dgamma, dbeta)
		}
		grads := []*Tensor{gx}
		if gamma != nil {
			grads = append(grads, gg)
		}
		if beta != nil {
			grads = append(grads, gb)
		}
		return grads
	})
}

// normInputs lists the graph inputs of BatchNorm, leaving out nil ones.
func normInputs(x, gamma, beta *Tensor) []*Tensor {
	ts := []*Tensor{x}
	if gamma != nil {
		ts = append(ts, gamma)
	}
	if beta != nil {
		ts = append(ts, beta)
	}
	return ts
}

// normShape validates BatchNorm's shapes and returns x viewed as [n, c, s].
func normShape(op string, x, gamma, beta, runMean, runVar *Tensor, training bool) (n, c, s int, err error) {
	switch len(x.shape) {
	case 2:
		n, c, s = x.shape[0], x.shape[1], 1
	case 4:
		n, c, s = x.shape[0], x.shape[1], x.shape[2]*x.shape[3]
	default:
		return 0, 0, 0, &ShapeError{Op: op, A: cloneInts(x.shape),
			Reason: fmt.Sprintf("input must be [batch, features] or [batch, channels, height, width], got %d-D", len(x.shape))}
	}
	if n*c*s == 0 {
		return 0, 0, 0, &ShapeError{Op: op, A: cloneInts(x.shape), Reason: "input is empty"}
	}
	for _, p := range []struct {
		name string
		t    *Tensor
	}{{"gamma", gamma}, {"beta", beta}, {"running mean", runMean}, {"running variance", runVar}} {
		if p.t != nil && (len(p.t.shape) != 1 || p.t.shape[0] != c) {
			return 0, 0, 0, &ShapeError{Op: op, A: cloneInts(x.shape), B: cloneInts(p.t.shape),
				Reason: fmt.Sprintf("%s must be [%d], one value per channel", p.name, c)}
		}
	}
	if training && n*s < 2 {
		return 0, 0, 0, &ShapeError{Op: op, A: cloneInts(x.shape),
			Reason: "training needs more than one value per channel to estimate a variance; use a larger batch, or evaluation mode (training false)"}
	}
	if !training && (runMean == nil || runVar == nil) {
		return 0, 0, 0, &ShapeError{Op: op, A: cloneInts(x.shape),
			Reason: "evaluation mode (training false) needs the running mean and variance; pass the buffers updated during training"}
	}
	if training {
		for _, t := range []*Tensor{runMean, runVar} {
			if t != nil && !t.ownsStorage() {
				return 0, 0, 0, &ShapeError{Op: op, A: cloneInts(x.shape), B: cloneInts(t.shape),
					Reason: "running statistics must be contiguous tensors that own their storage (not views), so they can be updated in place"}
			}
		}
	}
	return n, c, s, nil
}

// runningValues returns a running-statistics buffer as []T for in-place
// update, and a function that writes the values back when t stores another
// dtype. A nil t gives nil and a no-op.
func runningValues[T float](t *Tensor) ([]T, func()) {
	if t == nil {
		return nil, func() {}
	}
	if t.dt == dtypeOf[T]() {
		return elems[T](t.st), func() {}
	}
	vals := dtypeValues[T](t)
	return vals, func() {
		if t.dt == f64 {
			for i, v := range vals {
				t.st.f64[i] = float64(v)
			}
			return
		}
		for i, v := range vals {
			t.st.f32[i] = float32(v)
		}
	}
}
