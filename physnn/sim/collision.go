package sim

import (
	"fmt"
	"math"

	"github.com/gophys/gophys/physnn"
)

// CollisionConfig configures [Collision].
type CollisionConfig struct {
	Samples int     // number of samples; must be positive
	Noise   float64 // Gaussian noise on observations, questions and answers; zero means 0.01, negative none
	// The rotating body's incoming angular velocity ω is uniform on
	// [OmegaMin, OmegaMax]; both zero means the paper's [1, 3].
	OmegaMin, OmegaMax float64
	// The free body's incoming x velocity is uniform on [VxMin, VxMax];
	// both zero means the paper's [1, 2]. VxMin must be positive, so that
	// the body, starting at x0 < 0, reaches the collision point.
	VxMin, VxMax float64
	Seed         uint64
}

func (c *CollisionConfig) defaults() error {
	if c.Samples <= 0 {
		return fmt.Errorf("sim: collision: Samples must be positive, got %d", c.Samples)
	}
	switch {
	case c.Noise == 0:
		c.Noise = 0.01
	case c.Noise < 0:
		c.Noise = 0
	}
	if c.OmegaMin == 0 && c.OmegaMax == 0 {
		c.OmegaMin, c.OmegaMax = 1, 3
	}
	if c.VxMin == 0 && c.VxMax == 0 {
		c.VxMin, c.VxMax = 1, 2
	}
	switch {
	case c.OmegaMax < c.OmegaMin:
		return fmt.Errorf("sim: collision: bad angular-velocity range [%g, %g]", c.OmegaMin, c.OmegaMax)
	case c.VxMin <= 0 || c.VxMax < c.VxMin:
		return fmt.Errorf("sim: collision: bad incoming x-velocity range [%g, %g] (must be positive)", c.VxMin, c.VxMax)
	}
	return nil
}

// CollisionAngularMomentum returns the total angular momentum about the
// origin of the collision set-up of [Collision] for the incoming angular
// velocity of the rotating body and the free body's incoming x velocity:
// L = ω_in − vx_in (unit masses and radius; at the collision point (0, 1)
// the free body's x·vy − y·vx is −vx).
func CollisionAngularMomentum(omegaIn, vxIn float64) float64 { return omegaIn - vxIn }

// Collision simulates the angular-momentum experiment of Iten et al.: body
// A (unit mass) rotates on the unit circle about the origin with angle
// α(t) = α0 + ω t; body B (unit mass) flies freely and the two meet at
// (0, 1) at t_col. Afterwards B flies with a random velocity (vx', vy') and
// A rotates with ω' = L + vx' so that the total angular momentum
// L = ω − vx is conserved. The incoming ω and vx are uniform on the
// config's ranges (the paper's [1, 3] and [1, 2] by default), vy on
// [−1, 1], B's start x0 on [−3, −1], and vx', vy' on [−2, 2].
//
// The observation (30 numbers) is, at 5 times in [0, t_col] (the first is
// 0), (x, y, t) of B and (cos α, sin α, t) of A. The question (16 numbers)
// is 5 post-collision (x, y, t) of B with t ∈ [0, 4] measured from the
// collision, and a prediction time t_p ∈ [0, 4]. The answer is A's
// (cos, sin) at t_p after the collision. Params are (L, omega_in, vx_in).
func Collision(cfg CollisionConfig) (*Data, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	noise := cfg.Noise
	rng := physnn.NewRNG(cfg.Seed)
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }
	jitter := func() float64 { return noise * rng.NormFloat64() }
	const times, obsSize, qSize = 5, 30, 16
	n := cfg.Samples
	obs := make([]float32, n*obsSize)
	qs := make([]float32, n*qSize)
	ans := make([]float32, n*2)
	params := make([][]float64, n)
	for i := range n {
		vx, vy, omega, x0 := u(cfg.VxMin, cfg.VxMax), u(-1, 1), u(cfg.OmegaMin, cfg.OmegaMax), u(-3, -1)
		tCol := -x0 / vx
		y0 := 1 - tCol*vy
		alpha0 := math.Pi/2 - tCol*omega
		vxOut, vyOut := u(-2, 2), u(-2, 2)
		l := CollisionAngularMomentum(omega, vx)
		omegaOut := l + vxOut
		o := obs[i*obsSize : (i+1)*obsSize]
		for k := range times {
			t := 0.0
			if k > 0 {
				t = u(0, tCol)
			}
			alpha := alpha0 + omega*t
			copy(o[6*k:], []float32{
				float32(x0 + vx*t + jitter()), float32(y0 + vy*t + jitter()), float32(t),
				float32(math.Cos(alpha) + jitter()), float32(math.Sin(alpha) + jitter()), float32(t),
			})
		}
		q := qs[i*qSize : (i+1)*qSize]
		for k := range times {
			t := u(0, 4)
			copy(q[3*k:], []float32{float32(vxOut*t + jitter()), float32(1 + vyOut*t + jitter()), float32(t)})
		}
		tp := u(0, 4)
		q[15] = float32(tp)
		angle := math.Pi/2 + tp*omegaOut
		ans[2*i] = float32(math.Cos(angle) + jitter())
		ans[2*i+1] = float32(math.Sin(angle) + jitter())
		params[i] = []float64{l, omega, vx}
	}
	return &Data{
		Observations: physnn.New(obs, n, obsSize),
		Questions:    physnn.New(qs, n, qSize),
		Answers:      physnn.New(ans, n, 2),
		Params:       params,
		ParamNames:   []string{"L", "omega_in", "vx_in"},
	}, nil
}
