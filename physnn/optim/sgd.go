package optim

import (
	"fmt"

	"github.com/gophys/gophys/physnn"
)

// SGDConfig configures NewSGD. The zero value means plain SGD at rate 0.01.
type SGDConfig struct {
	// LR is the base learning rate; zero means 0.01.
	LR float32
	// Momentum is the heavy-ball coefficient μ in [0, 1); zero disables it.
	Momentum float32
	// Nesterov uses Nesterov's look-ahead form (needs Momentum > 0).
	Nesterov bool
	// WeightDecay adds WeightDecay·θ to the gradient (L2 regularisation).
	WeightDecay float32
	// ClipValue, if positive, clips each gradient element to ±ClipValue.
	ClipValue float32
	// ClipNorm, if positive, scales all gradients so their joint L2 norm is
	// at most ClipNorm (applied after ClipValue).
	ClipNorm float32
	// Schedule, if set, multiplies the rate by Schedule.Factor(steps).
	Schedule Schedule
}

// SGD is stochastic gradient descent with optional momentum, Nesterov
// momentum and weight decay, with PyTorch's update rule:
//
//	g ← ∇ + λθ;  b ← μb + g;  θ ← θ − η·(Nesterov ? g + μb : b).
type SGD struct {
	core
	momentum float32
	nesterov bool
}

// NewSGD returns an SGD optimizer over params (the group "default").
// Configuration errors are reported by Err and Step.
func NewSGD(params []*physnn.Tensor, cfg SGDConfig) *SGD {
	o := &SGD{momentum: cfg.Momentum, nesterov: cfg.Nesterov}
	if cfg.LR == 0 {
		cfg.LR = 0.01
	}
	o.init(o, cfg.LR, cfg.Schedule, cfg.ClipValue, cfg.ClipNorm, params, cfg.WeightDecay)
	if cfg.Momentum < 0 || cfg.Momentum >= 1 {
		o.setErr(fmt.Errorf("optim: SGD momentum %g must be in [0, 1)", cfg.Momentum))
	}
	if cfg.Nesterov && cfg.Momentum == 0 {
		o.setErr(fmt.Errorf("optim: SGD Nesterov needs Momentum > 0"))
	}
	return o
}

func (o *SGD) slotNames() []string {
	if o.momentum == 0 {
		return nil
	}
	return []string{"momentum"}
}

func (o *SGD) update(p, g []float32, lr, wd float32, _ float64, slots [][]float32) {
	if o.momentum == 0 {
		for i := range p {
			p[i] -= lr * (g[i] + wd*p[i])
		}
		return
	}
	buf := slots[0]
	mu := o.momentum
	for i := range p {
		gi := g[i] + wd*p[i]
		buf[i] = mu*buf[i] + gi
		if o.nesterov {
			gi += mu * buf[i]
		} else {
			gi = buf[i]
		}
		p[i] -= lr * gi
	}
}
