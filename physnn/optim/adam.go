package optim

import (
	"fmt"
	"math"

	"github.com/gophys/gophys/physnn"
)

// AdamConfig configures NewAdam and NewAdamW. Zero fields mean the defaults
// of Kingma & Ba (2015): LR 1e-3, Beta1 0.9, Beta2 0.999, Eps 1e-8.
type AdamConfig struct {
	LR    float32
	Beta1 float32
	Beta2 float32
	Eps   float32
	// WeightDecay is L2 regularisation added to the gradient for Adam, and
	// decoupled decay θ ← θ(1 − ηλ) for AdamW (Loshchilov & Hutter 2019).
	WeightDecay float32
	// ClipValue, if positive, clips each gradient element to ±ClipValue.
	ClipValue float32
	// ClipNorm, if positive, scales all gradients so their joint L2 norm is
	// at most ClipNorm (applied after ClipValue).
	ClipNorm float32
	// Schedule, if set, multiplies the rate by Schedule.Factor(steps).
	Schedule Schedule
}

// Adam is the Adam optimizer (Kingma & Ba 2015, Algorithm 1) with bias
// correction; NewAdamW gives the decoupled-weight-decay variant AdamW. Its
// state slots are "exp_avg" (m) and "exp_avg_sq" (v).
type Adam struct {
	core
	beta1, beta2, eps float32
	decoupled         bool
}

// NewAdam returns an Adam optimizer over params (the group "default").
// Configuration errors are reported by Err and Step.
func NewAdam(params []*physnn.Tensor, cfg AdamConfig) *Adam {
	return newAdam(params, cfg, false)
}

// NewAdamW returns an AdamW optimizer: Adam with weight decay applied to the
// parameters directly instead of through the gradient.
func NewAdamW(params []*physnn.Tensor, cfg AdamConfig) *Adam {
	return newAdam(params, cfg, true)
}

func newAdam(params []*physnn.Tensor, cfg AdamConfig, decoupled bool) *Adam {
	o := &Adam{beta1: cfg.Beta1, beta2: cfg.Beta2, eps: cfg.Eps, decoupled: decoupled}
	if cfg.LR == 0 {
		cfg.LR = 1e-3
	}
	if o.beta1 == 0 {
		o.beta1 = 0.9
	}
	if o.beta2 == 0 {
		o.beta2 = 0.999
	}
	if o.eps == 0 {
		o.eps = 1e-8
	}
	o.init(o, cfg.LR, cfg.Schedule, cfg.ClipValue, cfg.ClipNorm, params, cfg.WeightDecay)
	if o.beta1 < 0 || o.beta1 >= 1 || o.beta2 < 0 || o.beta2 >= 1 || o.eps < 0 {
		o.setErr(fmt.Errorf("optim: Adam betas (%g, %g) must be in [0, 1) and Eps %g non-negative", o.beta1, o.beta2, o.eps))
	}
	return o
}

func (o *Adam) slotNames() []string { return []string{"exp_avg", "exp_avg_sq"} }

func (o *Adam) update(p, g []float32, lr, wd float32, t float64, slots [][]float32) {
	m, v := slots[0], slots[1]
	b1, b2 := o.beta1, o.beta2
	// Bias corrections 1 − β^t in float64: β2^t underflows float32 precision
	// for small t otherwise.
	c1 := float32(1 - math.Pow(float64(b1), t))
	c2 := float32(math.Sqrt(1 - math.Pow(float64(b2), t)))
	stepSize := lr / c1
	coupled := wd
	if o.decoupled {
		coupled = 0
		decay := 1 - lr*wd
		for i := range p {
			p[i] *= decay
		}
	}
	i := 0
	if haveAVX2 && len(p) >= 8 {
		i = len(p) &^ 7
		k := adamConsts{coupled, b1, 1 - b1, b2, 1 - b2, c2, o.eps, stepSize}
		adamAVX2(p[:i], g[:i], m[:i], v[:i], &k)
	}
	for ; i < len(p); i++ {
		gi := g[i] + coupled*p[i]
		m[i] = b1*m[i] + (1-b1)*gi
		v[i] = b2*v[i] + (1-b2)*gi*gi
		denom := float32(math.Sqrt(float64(v[i])))/c2 + o.eps
		p[i] -= stepSize * m[i] / denom
	}
}

// adamConsts are the per-step constants of the AVX2 Adam loop, in the
// order it reads them.
type adamConsts struct {
	coupled, b1, oneMinusB1, b2, oneMinusB2, c2, eps, stepSize float32
}
