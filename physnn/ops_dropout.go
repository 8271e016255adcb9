package physnn

import (
	"errors"
	"fmt"
)

// Dropout zeroes each element of x with probability p and scales the kept
// ones by 1/(1-p) ("inverted dropout", Srivastava et al., JMLR 15 (2014)
// 1929), so the expected value of every element is unchanged and evaluation
// needs no rescaling. The mask is drawn from rng, one uniform value per
// element in row-major order, so a seeded RNG makes it reproducible; the
// gradient is the output gradient times the same mask.
//
// When training is false, or p is 0, Dropout returns x itself (evaluation
// mode); for Monte-Carlo dropout at inference, pass training true. p = 1
// zeroes everything. p outside [0, 1], or a nil rng in training mode, give
// a tensor holding an error.
func Dropout(x *Tensor, p float32, rng *RNG, training bool) *Tensor {
	if err := x.check(); err != nil {
		return errTensor(err)
	}
	if !(p >= 0 && p <= 1) {
		return errTensor(fmt.Errorf("physnn: dropout: p = %v must be in [0, 1]: it is the probability of dropping an element", p))
	}
	if !training || p == 0 {
		return x
	}
	if rng == nil {
		return errTensor(errors.New("physnn: dropout: nil *RNG in training mode; give the layer an RNG from physnn.NewRNG(seed)"))
	}
	if x.dt == f64 {
		return dropout[float64](x, p, rng)
	}
	return dropout[float32](x, p, rng)
}

func dropout[T float](x *Tensor, p float32, rng *RNG) *Tensor {
	xs := dtypeValues[T](x)
	out := x.ws.allocOverwrite(x.dt, x.shape)
	y := elems[T](out.st)
	// The mask holds 0 or 1/(1-p), so forward and backward are one multiply.
	maskT := x.ws.allocOverwrite(x.dt, x.shape)
	mask := elems[T](maskT.st)
	var keep T
	if p < 1 {
		keep = T(1 / (1 - float64(p)))
	}
	for i, v := range xs {
		if rng.Float32() >= p {
			mask[i] = keep
			y[i] = v * keep
		} else {
			mask[i], y[i] = 0, 0
		}
	}
	return recordVJP(out, "dropout", []*Tensor{x}, dropoutVJP, opArgs{aux: maskT})
}

// dropoutVJP multiplies the gradient by the forward pass's mask.
func dropoutVJP(n *node, g *Tensor) []*Tensor { return n.ret1(mul(g, n.args.aux)) }
