package sim

import (
	"errors"
	"fmt"
	"math/cmplx"

	"github.com/gophys/gophys/physnn"
)

// Data is one simulated data set for SciNet-style models: per sample an
// observation, a question and the answer, plus the true hidden parameters
// the network should rediscover. Row i of every tensor and Params[i] belong
// to the same sample.
type Data struct {
	// Observations is [samples, observation size]; for Copernicus it is the
	// first observation of each series.
	Observations *physnn.Tensor
	// Questions is [samples, question size]; nil when there is no question
	// (Copernicus).
	Questions *physnn.Tensor
	// Answers is [samples, answer size].
	Answers *physnn.Tensor
	// Params[i][j] is the true value of parameter ParamNames[j] for sample i.
	Params     [][]float64
	ParamNames []string
}

// Len returns the number of samples.
func (d *Data) Len() int { return len(d.Params) }

// Inputs returns concat(observation, question) per sample, the input layout
// the scinet package trains on.
func (d *Data) Inputs() *physnn.Tensor {
	if d.Questions == nil {
		return d.Observations
	}
	return physnn.Concat(1, d.Observations, d.Questions)
}

// Param returns the column of parameter name, or an error naming the known
// parameters.
func (d *Data) Param(name string) ([]float64, error) {
	for j, n := range d.ParamNames {
		if n == name {
			col := make([]float64, len(d.Params))
			for i, p := range d.Params {
				col[i] = p[j]
			}
			return col, nil
		}
	}
	return nil, fmt.Errorf("sim: no parameter %q (have %v)", name, d.ParamNames)
}

// PendulumConfig configures [Pendulum]. Zero fields take the defaults of
// Iten et al.'s pendulum experiment at the notes' toy ranges.
type PendulumConfig struct {
	Samples int // number of samples; must be positive
	// Damping b range (kg/s); zero means [0.5, 1]. The paper's generator
	// widens it to [0.4, 1.2].
	BMin, BMax float64
	// Spring constant κ range (kg/s²); zero means [5, 10] ([4, 12] in the
	// paper's generator).
	KappaMin, KappaMax float64
	// Observations samples x(t) at this many times evenly spaced on
	// [0, ObservationEnd]; zero means 50 on [0, 5].
	Observations   int
	ObservationEnd float64
	// The question time is uniform on [QuestionMin, QuestionMax]; both zero
	// means [0, 10].
	QuestionMin, QuestionMax float64
	// Noise is the standard deviation of Gaussian noise added to
	// observations and answers (zero: none, as in the paper).
	Noise float64
	Seed  uint64
}

func (c *PendulumConfig) defaults() error {
	if c.Samples <= 0 {
		return fmt.Errorf("sim: pendulum: Samples must be positive, got %d", c.Samples)
	}
	if c.BMin == 0 && c.BMax == 0 {
		c.BMin, c.BMax = 0.5, 1
	}
	if c.KappaMin == 0 && c.KappaMax == 0 {
		c.KappaMin, c.KappaMax = 5, 10
	}
	if c.Observations == 0 {
		c.Observations = 50
	}
	if c.ObservationEnd == 0 {
		c.ObservationEnd = 5
	}
	if c.QuestionMin == 0 && c.QuestionMax == 0 {
		c.QuestionMax = 10
	}
	switch {
	case c.BMin < 0 || c.BMax < c.BMin:
		return fmt.Errorf("sim: pendulum: bad damping range [%g, %g]", c.BMin, c.BMax)
	case c.KappaMin <= 0 || c.KappaMax < c.KappaMin:
		return fmt.Errorf("sim: pendulum: bad spring-constant range [%g, %g]", c.KappaMin, c.KappaMax)
	case c.Observations < 2 || c.ObservationEnd <= 0:
		return errors.New("sim: pendulum: need at least 2 observations on a positive interval")
	case c.QuestionMax < c.QuestionMin:
		return fmt.Errorf("sim: pendulum: bad question range [%g, %g]", c.QuestionMin, c.QuestionMax)
	case c.Noise < 0:
		return errors.New("sim: pendulum: Noise must not be negative")
	}
	return nil
}

// PendulumX is the closed-form position of a damped oscillator of unit
// mass released at x = 1 (A0 = 1, δ0 = 0), as in Iten et al.:
//
//	x(t) = Re[ e^{−bt/2} · e^{½·sqrt(b² − 4κ)·t} ].
//
// It covers the under-, critically and over-damped cases.
func PendulumX(b, kappa, t float64) float64 {
	root := cmplx.Sqrt(complex(b*b-4*kappa, 0))
	return real(cmplx.Exp(complex(-b*t/2, 0) + root*complex(t/2, 0)))
}

// PendulumObservation writes x(t) at the configured observation times into
// dst (len = Observations), without noise.
func pendulumObservation(dst []float32, b, kappa, end float64) {
	n := len(dst)
	for k := range dst {
		t := end * float64(k) / float64(n-1)
		dst[k] = float32(PendulumX(b, kappa, t))
	}
}

// Pendulum simulates the damped pendulum of Iten et al. (PRL 124, 010508):
// b and κ uniform on their ranges, x(t) observed at Observations times on
// [0, ObservationEnd], the question is one time t and the answer x(t).
// Params are (b, kappa). Equal configs give equal data.
func Pendulum(cfg PendulumConfig) (*Data, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	rng := physnn.NewRNG(cfg.Seed)
	n, m := cfg.Samples, cfg.Observations
	obs := make([]float32, n*m)
	qs := make([]float32, n)
	ans := make([]float32, n)
	params := make([][]float64, n)
	for i := 0; i < n; i++ {
		b := cfg.BMin + (cfg.BMax-cfg.BMin)*rng.Float64()
		k := cfg.KappaMin + (cfg.KappaMax-cfg.KappaMin)*rng.Float64()
		t := cfg.QuestionMin + (cfg.QuestionMax-cfg.QuestionMin)*rng.Float64()
		row := obs[i*m : (i+1)*m]
		pendulumObservation(row, b, k, cfg.ObservationEnd)
		x := PendulumX(b, k, t)
		if cfg.Noise > 0 {
			for j := range row {
				row[j] += float32(cfg.Noise * rng.NormFloat64())
			}
			x += cfg.Noise * rng.NormFloat64()
		}
		qs[i], ans[i] = float32(t), float32(x)
		params[i] = []float64{b, k}
	}
	return pendulumData(obs, qs, ans, params, n, m), nil
}

// PendulumGrid returns noise-free pendulum data on an nb × nk grid of
// (b, κ) over the configured ranges (b varies fastest), each with the
// question time QuestionMin, for latent maps such as the paper's Fig. 2.
func PendulumGrid(cfg PendulumConfig, nb, nk int) (*Data, error) {
	cfg.Samples = 1
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if nb < 2 || nk < 2 {
		return nil, fmt.Errorf("sim: pendulum grid: need at least 2×2 points, got %d×%d", nb, nk)
	}
	n, m := nb*nk, cfg.Observations
	obs := make([]float32, n*m)
	qs := make([]float32, n)
	ans := make([]float32, n)
	params := make([][]float64, 0, n)
	for j := 0; j < nk; j++ {
		k := cfg.KappaMin + (cfg.KappaMax-cfg.KappaMin)*float64(j)/float64(nk-1)
		for i := 0; i < nb; i++ {
			b := cfg.BMin + (cfg.BMax-cfg.BMin)*float64(i)/float64(nb-1)
			s := len(params)
			pendulumObservation(obs[s*m:(s+1)*m], b, k, cfg.ObservationEnd)
			qs[s] = float32(cfg.QuestionMin)
			ans[s] = float32(PendulumX(b, k, cfg.QuestionMin))
			params = append(params, []float64{b, k})
		}
	}
	return pendulumData(obs, qs, ans, params, n, m), nil
}

// pendulumData wraps n samples of m observations, one question and one
// answer each, with their true (b, κ).
func pendulumData(obs, qs, ans []float32, params [][]float64, n, m int) *Data {
	return &Data{
		Observations: physnn.New(obs, n, m),
		Questions:    physnn.New(qs, n, 1),
		Answers:      physnn.New(ans, n, 1),
		Params:       params,
		ParamNames:   []string{"b", "kappa"},
	}
}
