package sim

import (
	"fmt"
	"math"

	"github.com/gophys/gophys/physnn"
)

// Orbits of Iten et al.'s Copernicus experiment: circular, coplanar, radii
// in AU and periods in days.
const (
	EarthRadius = 1.0
	MarsRadius  = 1.52366231
	EarthPeriod = 365.26
	MarsPeriod  = 686.97959
)

// CopernicusConfig configures [Copernicus].
type CopernicusConfig struct {
	Samples int // number of series; must be positive
	// Steps is the series length; zero means 20 (the first training stage).
	Steps int
	// StepDays is the time between observations; zero means 7 days.
	StepDays float64
	Seed     uint64
}

// CopernicusAngles returns the angles seen from Earth for heliocentric
// angles φ_E (Earth) and φ_M (Mars), in the convention of the paper's code:
// θ_S = φ_E and θ_M = atan2(sin φ_E − R_M sin φ_M, cos φ_E − R_M cos φ_M).
// Both are the true directions (Earth→Sun, Earth→Mars) turned by the same
// π, which changes nothing a network can learn.
func CopernicusAngles(phiE, phiM float64) (thetaS, thetaM float64) {
	return phiE, math.Atan2(EarthRadius*math.Sin(phiE)-MarsRadius*math.Sin(phiM),
		EarthRadius*math.Cos(phiE)-MarsRadius*math.Cos(phiM))
}

// Copernicus simulates series of the Sun's and Mars' angles seen from
// Earth every StepDays days, starting from uniformly random heliocentric
// angles. Each angle is unwrapped along its series (no 2π jumps). The
// observation is the first pair (θ_S, θ_M), with θ_S in [0, 2π) and θ_M in
// (−π, π]; there is no question, and the answer is the whole series
// (θ_S, θ_M)_t, t = 0..Steps−1, flattened. Params are the heliocentric
// angles at t = 0, ("phi_E", "phi_M"), on the sheet of the observation:
// phi_E = θ_S, and phi_M is unwrapped to within arcsin(R_E/R_M) ≈ 0.72 of
// θ_M + π (see [MarsUnwrapped]), so it lies in (−0.72, 2π + 0.72). Both are
// then continuous functions of the observation, as a latent can be; the
// angles reduced to [0, 2π) jump by 2π where θ_M wraps.
func Copernicus(cfg CopernicusConfig) (*Data, error) {
	if cfg.Samples <= 0 {
		return nil, fmt.Errorf("sim: copernicus: Samples must be positive, got %d", cfg.Samples)
	}
	if cfg.Steps == 0 {
		cfg.Steps = 20
	}
	if cfg.StepDays == 0 {
		cfg.StepDays = 7
	}
	if cfg.Steps < 1 || cfg.StepDays < 0 {
		return nil, fmt.Errorf("sim: copernicus: bad Steps %d or StepDays %g", cfg.Steps, cfg.StepDays)
	}
	rng := physnn.NewRNG(cfg.Seed)
	n, s := cfg.Samples, cfg.Steps
	obs := make([]float32, n*2)
	ans := make([]float32, n*2*s)
	params := make([][]float64, n)
	for i := range n {
		phiE, phiM := 2*math.Pi*rng.Float64(), 2*math.Pi*rng.Float64()
		row := ans[i*2*s : (i+1)*2*s]
		var prevS, prevM float64
		for t := range s {
			days := float64(t) * cfg.StepDays
			ts, tm := CopernicusAngles(phiE+2*math.Pi*days/EarthPeriod, phiM+2*math.Pi*days/MarsPeriod)
			if t > 0 {
				ts = unwrap(ts, prevS)
				tm = unwrap(tm, prevM)
			} else {
				ts = math.Mod(ts, 2*math.Pi)
			}
			prevS, prevM = ts, tm
			row[2*t], row[2*t+1] = float32(ts), float32(tm)
		}
		obs[2*i], obs[2*i+1] = row[0], row[1]
		_, tm := CopernicusAngles(phiE, phiM)
		params[i] = []float64{phiE, MarsUnwrapped(phiM, tm)}
	}
	return &Data{
		Observations: physnn.New(obs, n, 2),
		Answers:      physnn.New(ans, n, 2*s),
		Params:       params,
		ParamNames:   []string{"phi_E", "phi_M"},
	}, nil
}

// MarsUnwrapped returns the heliocentric angle of Mars φ_M + 2πk on the
// sheet of the angle θ_M at which it is seen from Earth: the one within
// arcsin(R_E/R_M) ≈ 0.72 of θ_M + π. (Seen from Earth, Mars lies at most
// that angle away from the direction opposite to its heliocentric one, in
// the convention of [CopernicusAngles].) Along a series, θ_M and the
// returned angle wind together, so a latent linear in it has no 2π jumps.
func MarsUnwrapped(phiM, thetaM float64) float64 {
	return unwrap(phiM, thetaM+math.Pi)
}

// unwrap returns the angle equal to a modulo 2π that is nearest prev.
func unwrap(a, prev float64) float64 {
	return a + 2*math.Pi*math.Round((prev-a)/(2*math.Pi))
}
