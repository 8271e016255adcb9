package optim

import (
	"fmt"
	"math"

	"github.com/gophys/gophys/physnn"
)

// RMSPropConfig configures NewRMSProp. Zero fields mean LR 0.01, Alpha 0.99,
// Eps 1e-8 (PyTorch's defaults).
type RMSPropConfig struct {
	LR    float32
	Alpha float32
	Eps   float32
	// Momentum, if positive, accumulates the scaled gradient in a buffer.
	Momentum float32
	// Centered divides by an estimate of the gradient's variance instead of
	// its raw second moment.
	Centered    bool
	WeightDecay float32
	// ClipValue, if positive, clips each gradient element to ±ClipValue.
	ClipValue float32
	// ClipNorm, if positive, scales all gradients so their joint L2 norm is
	// at most ClipNorm (applied after ClipValue).
	ClipNorm float32
	// Schedule, if set, multiplies the rate by Schedule.Factor(steps).
	Schedule Schedule
}

// RMSProp divides the gradient by a running root mean square of recent
// gradients (Hinton, Coursera lecture 6e), with PyTorch's optional momentum
// and centring. Its state slots are "square_avg", and "grad_avg" and
// "momentum" when enabled.
type RMSProp struct {
	core
	alpha, eps, momentum float32
	centered             bool
}

// NewRMSProp returns an RMSProp optimizer over params (the group "default").
func NewRMSProp(params []*physnn.Tensor, cfg RMSPropConfig) *RMSProp {
	o := &RMSProp{alpha: cfg.Alpha, eps: cfg.Eps, momentum: cfg.Momentum, centered: cfg.Centered}
	if cfg.LR == 0 {
		cfg.LR = 0.01
	}
	if o.alpha == 0 {
		o.alpha = 0.99
	}
	if o.eps == 0 {
		o.eps = 1e-8
	}
	o.init(o, cfg.LR, cfg.Schedule, cfg.ClipValue, cfg.ClipNorm, params, cfg.WeightDecay)
	if o.alpha < 0 || o.alpha >= 1 || o.momentum < 0 || o.momentum >= 1 {
		o.setErr(fmt.Errorf("optim: RMSProp Alpha %g and Momentum %g must be in [0, 1)", o.alpha, o.momentum))
	}
	return o
}

func (o *RMSProp) slotNames() []string {
	names := []string{"square_avg"}
	if o.centered {
		names = append(names, "grad_avg")
	}
	if o.momentum > 0 {
		names = append(names, "momentum")
	}
	return names
}

func (o *RMSProp) update(p, g []float32, lr, wd float32, _ float64, slots [][]float32) {
	sq := slots[0]
	var gavg, buf []float32
	k := 1
	if o.centered {
		gavg = slots[k]
		k++
	}
	if o.momentum > 0 {
		buf = slots[k]
	}
	a := o.alpha
	for i := range p {
		gi := g[i] + wd*p[i]
		sq[i] = a*sq[i] + (1-a)*gi*gi
		ms := sq[i]
		if gavg != nil {
			gavg[i] = a*gavg[i] + (1-a)*gi
			ms -= gavg[i] * gavg[i]
		}
		step := gi / (float32(math.Sqrt(float64(max(ms, 0)))) + o.eps)
		if buf != nil {
			buf[i] = o.momentum*buf[i] + step
			step = buf[i]
		}
		p[i] -= lr * step
	}
}
