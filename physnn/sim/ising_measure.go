package sim

import (
	"fmt"
	"math"
)

// Measurements is a time series recorded by [Measure]: one entry per
// measurement of the magnetization per spin M (signed), the energy per
// spin E and the lowest Fourier mode F ([Ising.FourierMode]).
type Measurements struct {
	Side  int // L
	Dims  int // lattice dimension
	Sites int // N
	M     []float64
	E     []float64
	F     []float64
}

// Estimate is a Monte Carlo mean with its one-standard-deviation error bar
// and the integrated autocorrelation time (in measurements) used for it.
type Estimate struct {
	Mean, Err, Tau float64
}

// String formats the estimate as "mean ± err".
func (e Estimate) String() string { return fmt.Sprintf("%.5f ± %.5f", e.Mean, e.Err) }

// Measure runs between sweep-equivalents of alg ([Ising.Advance]) before
// each of n measurements and returns the series. Thermalize first with
// Advance. n and between must be at least 1.
func Measure(s *Ising, alg Algorithm, n, between int) (*Measurements, error) {
	if n < 1 {
		return nil, fmt.Errorf("sim: Measure with %d measurements; use at least 1", n)
	}
	if between < 1 {
		return nil, fmt.Errorf("sim: Measure with %d sweeps between measurements; use at least 1", between)
	}
	ms := &Measurements{Side: s.side, Dims: s.dims, Sites: len(s.spins),
		M: make([]float64, n), E: make([]float64, n), F: make([]float64, n)}
	for k := 0; k < n; k++ {
		if err := s.Advance(alg, between); err != nil {
			return nil, err
		}
		ms.M[k] = s.Magnetization()
		ms.E[k] = s.Energy()
		ms.F[k] = s.FourierMode()
	}
	return ms, nil
}

// AbsMagnetization returns ⟨|m|⟩.
func (ms *Measurements) AbsMagnetization() Estimate {
	abs := make([]float64, len(ms.M))
	for i, m := range ms.M {
		abs[i] = math.Abs(m)
	}
	return MeanEstimate(abs)
}

// Energy returns ⟨e⟩, the mean energy per spin.
func (ms *Measurements) Energy() Estimate { return MeanEstimate(ms.E) }

// Binder returns the Binder cumulant U = 1 − ⟨m⁴⟩/(3⟨m²⟩²) (2/3 in the
// ordered phase, 0 for a Gaussian, ≈ 0.6107 at T_c in 2-D), with a
// jackknife error over blocks longer than the autocorrelation time.
func (ms *Measurements) Binder() Estimate {
	m2 := make([]float64, len(ms.M))
	m4 := make([]float64, len(ms.M))
	for i, m := range ms.M {
		m2[i] = m * m
		m4[i] = m2[i] * m2[i]
	}
	binder := func(s2, s4 float64) float64 { return 1 - s4/(3*s2*s2) }
	return jackknife(m2, m4, binder)
}

// CorrelationLength returns the second-moment correlation length
// ξ = sqrt(χ/F − 1) / (2 sin(π/L)), with χ = N⟨m²⟩ and F = ⟨|S(2π/L)|²⟩/N,
// with a jackknife error. It is meaningful above T_c (and at T_c, where
// ξ/L is universal); below T_c χ includes the spontaneous magnetization.
func (ms *Measurements) CorrelationLength() Estimate {
	chi := make([]float64, len(ms.M))
	for i, m := range ms.M {
		chi[i] = float64(ms.Sites) * m * m
	}
	L := float64(ms.Side)
	xi := func(c, f float64) float64 {
		return math.Sqrt(math.Max(c/f-1, 0)) / (2 * math.Sin(math.Pi/L))
	}
	return jackknife(chi, ms.F, xi)
}

// MeanEstimate returns the mean of a correlated series with the error bar
// sqrt(2τ·var/n), τ from [IntegratedAutocorrTime].
func MeanEstimate(x []float64) Estimate {
	n := len(x)
	if n == 0 {
		return Estimate{Mean: math.NaN(), Err: math.NaN(), Tau: math.NaN()}
	}
	mean, variance := meanVar(x)
	tau := IntegratedAutocorrTime(x)
	return Estimate{Mean: mean, Err: math.Sqrt(2 * tau * variance / float64(n)), Tau: tau}
}

func meanVar(x []float64) (mean, variance float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		variance += (v - mean) * (v - mean)
	}
	return mean, variance / float64(len(x))
}

// IntegratedAutocorrTime returns τ_int = 1/2 + Σ_{t=1}^{W} ρ(t) of a series
// in units of its spacing, with Sokal's automatic window: the smallest W
// with W ≥ 6 τ_int(W). τ_int = 1/2 means uncorrelated samples (the error of
// the mean is then the naive one). A constant series gives 1/2.
func IntegratedAutocorrTime(x []float64) float64 {
	n := len(x)
	if n < 2 {
		return 0.5
	}
	mean, variance := meanVar(x)
	if variance == 0 {
		return 0.5
	}
	tau := 0.5
	for t := 1; t < n/2; t++ {
		c := 0.0
		for i := 0; i+t < n; i++ {
			c += (x[i] - mean) * (x[i+t] - mean)
		}
		tau += c / float64(n-t) / variance
		if float64(t) >= 6*tau {
			break
		}
	}
	return math.Max(tau, 0.5)
}

// jackknife estimates f(⟨a⟩, ⟨b⟩) and its error from 20 blocks of the
// series (blocks much longer than τ make the blocks independent), with
// τ the larger autocorrelation time of a and b.
func jackknife(a, b []float64, f func(ma, mb float64) float64) Estimate {
	n := len(a)
	ma, _ := meanVar(a)
	mb, _ := meanVar(b)
	tau := math.Max(IntegratedAutocorrTime(a), IntegratedAutocorrTime(b))
	est := Estimate{Mean: f(ma, mb), Err: math.NaN(), Tau: tau}
	const blocks = 20
	size := n / blocks
	if size < 1 {
		return est
	}
	var sa, sb [blocks]float64
	for k := 0; k < blocks; k++ {
		for i := k * size; i < (k+1)*size; i++ {
			sa[k] += a[i]
			sb[k] += b[i]
		}
	}
	ta, tb := 0.0, 0.0
	for k := 0; k < blocks; k++ {
		ta += sa[k]
		tb += sb[k]
	}
	m := float64((blocks - 1) * size)
	vals := make([]float64, blocks)
	mean := 0.0
	for k := 0; k < blocks; k++ {
		vals[k] = f((ta-sa[k])/m, (tb-sb[k])/m)
		mean += vals[k]
	}
	mean /= blocks
	v := 0.0
	for _, x := range vals {
		v += (x - mean) * (x - mean)
	}
	est.Err = math.Sqrt(v * (blocks - 1) / blocks)
	return est
}
