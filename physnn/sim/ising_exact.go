package sim

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// CriticalTemperature is the 2-D square-lattice critical temperature
// T_c = 2/ln(1+√2) (Onsager 1944), with J = k_B = 1.
const CriticalTemperature = 2.269185314213022

// CriticalBeta is 1/T_c = ln(1+√2)/2.
const CriticalBeta = 0.44068679350977147

// OnsagerMagnetization returns the exact spontaneous magnetization per spin
// of the infinite 2-D Ising model, M(T) = (1 − sinh(2/T)^{−4})^{1/8} below
// T_c (Onsager–Yang) and 0 at and above T_c. It returns 1 for T ≤ 0.
func OnsagerMagnetization(T float64) float64 {
	if T <= 0 {
		return 1
	}
	if T >= CriticalTemperature {
		return 0
	}
	sh := math.Sinh(2 / T)
	return math.Pow(1-math.Pow(sh, -4), 0.125)
}

// OnsagerEnergy returns the exact energy per spin of the infinite 2-D
// Ising model, u = −coth 2β [1 + (2/π)(2 tanh² 2β − 1) K(k)] with
// k = 2 sinh 2β / cosh² 2β and K the complete elliptic integral of the
// first kind; u(T_c) = −√2. It returns −2 for T ≤ 0.
func OnsagerEnergy(T float64) float64 {
	if T <= 0 {
		return -2
	}
	b2 := 2 / T
	k := 2 * math.Sinh(b2) / (math.Cosh(b2) * math.Cosh(b2))
	factor := 2*math.Tanh(b2)*math.Tanh(b2) - 1
	term := 0.0
	// At T_c, K(k) diverges logarithmically while factor vanishes linearly:
	// the product tends to 0.
	if K := mathext.CompleteK(math.Min(k*k, 1)); !math.IsInf(K, 0) && factor != 0 {
		term = 2 / math.Pi * factor * K
	}
	return -(1 + term) / math.Tanh(b2)
}

// Decimate1D returns the coupling K′ of the 1-D Ising chain after
// decimating every second spin: tanh K′ = tanh² K (exact), so
// K = 1 → 0.66250 → 0.35006 → 0.11367 → ... flows to the K = 0 fixed point.
func Decimate1D(K float64) float64 {
	t := math.Tanh(K)
	return math.Atanh(t * t)
}

// CorrelationLength1D returns the correlation length of the infinite 1-D
// Ising chain, ξ = −1/ln tanh K, in lattice spacings; decimation halves it:
// CorrelationLength1D(Decimate1D(K)) = CorrelationLength1D(K)/2.
func CorrelationLength1D(K float64) float64 {
	return -1 / math.Log(math.Tanh(K))
}

// NearestNeighbour1D returns the exact ⟨s_i s_{i+1}⟩ of a periodic ring of
// n spins at coupling K, (t + t^{n−1}) / (1 + t^n) with t = tanh K; it tends
// to tanh K for long rings.
func NearestNeighbour1D(K float64, n int) float64 {
	t := math.Tanh(K)
	return (t + math.Pow(t, float64(n-1))) / (1 + math.Pow(t, float64(n)))
}
