package optim

import (
	"errors"
	"fmt"
	"math"

	"github.com/gophys/gophys/physnn"
)

// SGLDConfig configures NewSGLD.
type SGLDConfig struct {
	// LR is the step size η; zero means 1e-3.
	LR float32
	// Temperature T ≥ 0 scales the injected noise; T = 0 is plain SGD.
	Temperature float32
	// RNG draws the noise; it is required, so runs are reproducible.
	RNG         *physnn.RNG
	WeightDecay float32
	// ClipValue, if positive, clips each gradient element to ±ClipValue.
	ClipValue float32
	// ClipNorm, if positive, scales all gradients so their joint L2 norm is
	// at most ClipNorm (applied after ClipValue).
	ClipNorm float32
	// Schedule, if set, multiplies the step size by Schedule.Factor(steps).
	Schedule Schedule
}

// SGLD is stochastic-gradient Langevin dynamics (Welling & Teh 2011) in the
// physicist's convention:
//
//	θ ← θ − η∇L + √(2ηT)·ξ,  ξ ~ N(0, 1),
//
// whose stationary density is ∝ exp(−L/T) for small η. For L = ½kθ² the
// discrete chain's variance is T/(k(1 − ηk/2)).
type SGLD struct {
	core
	temperature float32
	rng         *physnn.RNG
}

// NewSGLD returns an SGLD optimizer over params (the group "default").
func NewSGLD(params []*physnn.Tensor, cfg SGLDConfig) *SGLD {
	o := &SGLD{temperature: cfg.Temperature, rng: cfg.RNG}
	if cfg.LR == 0 {
		cfg.LR = 1e-3
	}
	o.init(o, cfg.LR, cfg.Schedule, cfg.ClipValue, cfg.ClipNorm, params, cfg.WeightDecay)
	if cfg.RNG == nil {
		o.setErr(errors.New("optim: SGLD needs an RNG (physnn.NewRNG(seed))"))
	}
	if !(cfg.Temperature >= 0) {
		o.setErr(fmt.Errorf("optim: SGLD temperature %g must not be negative", cfg.Temperature))
	}
	return o
}

func (o *SGLD) slotNames() []string { return nil }

func (o *SGLD) update(p, g []float32, lr, wd float32, _ float64, _ [][]float32) {
	std := math.Sqrt(2 * float64(lr) * float64(o.temperature))
	for i := range p {
		p[i] -= lr * (g[i] + wd*p[i])
		if std > 0 {
			p[i] += float32(std * o.rng.NormFloat64())
		}
	}
}
