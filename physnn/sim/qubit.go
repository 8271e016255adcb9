package sim

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/gophys/gophys/physnn"
)

// QubitConfig configures [Qubits].
type QubitConfig struct {
	Samples int // number of (ψ, φ) pairs; must be positive
	Qubits  int // 1 or 2
	// Measurements is the number M of fixed reference states; zero means
	// 10 for one qubit and 30 for two (the paper's sizes).
	Measurements int
	// Subspace > 0 makes the tomography incomplete: the reference states
	// are drawn from a random Subspace-dimensional real span of states
	// (the paper uses 2 for one qubit, 2 or 3 for two).
	Subspace int
	// ReferenceSeed draws the fixed reference states, shared by every data
	// set of one experiment (training and test data must use the same);
	// Seed draws the states ψ and φ.
	ReferenceSeed, Seed uint64
}

// HaarState returns a Haar-random pure state of the given dimension: a
// normalised complex Gaussian vector, which has the same distribution as
// the first column of a Haar-random unitary (the QR of a complex Gaussian
// matrix with the phase fix).
func HaarState(dim int, rng *physnn.RNG) []complex128 {
	v := make([]complex128, dim)
	var norm float64
	for i := range v {
		v[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		norm += real(v[i])*real(v[i]) + imag(v[i])*imag(v[i])
	}
	norm = math.Sqrt(norm)
	for i := range v {
		v[i] /= complex(norm, 0)
	}
	return v
}

// Overlap returns the Born probability |⟨a|b⟩|² of two normalised states.
func Overlap(a, b []complex128) float64 {
	var s complex128
	for i := range a {
		s += cmplx.Conj(a[i]) * b[i]
	}
	return real(s)*real(s) + imag(s)*imag(s)
}

// QubitReferences returns the M fixed reference states of cfg: Haar-random,
// or, for incomplete tomography, normalised random real combinations of
// Subspace Haar-random states.
func QubitReferences(cfg QubitConfig) ([][]complex128, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	rng := physnn.NewRNG(cfg.ReferenceSeed)
	dim := 1 << cfg.Qubits
	var basis [][]complex128
	for range cfg.Subspace {
		basis = append(basis, HaarState(dim, rng))
	}
	refs := make([][]complex128, cfg.Measurements)
	for k := range refs {
		if cfg.Subspace == 0 {
			refs[k] = HaarState(dim, rng)
			continue
		}
		s := make([]complex128, dim)
		for _, b := range basis {
			c := complex(rng.NormFloat64(), 0)
			for i := range s {
				s[i] += c * b[i]
			}
		}
		refs[k] = normalise(s)
	}
	return refs, nil
}

func normalise(s []complex128) []complex128 {
	var n float64
	for _, v := range s {
		n += real(v)*real(v) + imag(v)*imag(v)
	}
	n = math.Sqrt(n)
	for i := range s {
		s[i] /= complex(n, 0)
	}
	return s
}

func (c *QubitConfig) defaults() error {
	if c.Qubits != 1 && c.Qubits != 2 {
		return fmt.Errorf("sim: qubits: Qubits must be 1 or 2, got %d", c.Qubits)
	}
	if c.Measurements == 0 {
		c.Measurements = 10
		if c.Qubits == 2 {
			c.Measurements = 30
		}
	}
	if c.Measurements < 1 || c.Subspace < 0 || c.Subspace > 1<<(c.Qubits+1) {
		return fmt.Errorf("sim: qubits: bad Measurements %d or Subspace %d", c.Measurements, c.Subspace)
	}
	return nil
}

// Qubits simulates the tomography experiment of Iten et al.: for a
// Haar-random pure state ψ the observation is (|⟨s_k|ψ⟩|²)_k over the M
// fixed reference states s_k, the question encodes a second Haar-random
// state φ by the same M projections, and the answer is |⟨ψ|φ⟩|². Params are
// the real and imaginary parts of ψ with its global phase fixed (first
// amplitude real and non-negative): "re0", "im0", "re1", … .
func Qubits(cfg QubitConfig) (*Data, error) {
	if cfg.Samples <= 0 {
		return nil, fmt.Errorf("sim: qubits: Samples must be positive, got %d", cfg.Samples)
	}
	refs, err := QubitReferences(cfg)
	if err != nil {
		return nil, err
	}
	rng := physnn.NewRNG(cfg.Seed)
	n, m, dim := cfg.Samples, len(refs), 1<<cfg.Qubits
	obs := make([]float32, n*m)
	qs := make([]float32, n*m)
	ans := make([]float32, n)
	params := make([][]float64, n)
	for i := range n {
		psi, phi := HaarState(dim, rng), HaarState(dim, rng)
		for k, s := range refs {
			obs[i*m+k] = float32(Overlap(s, psi))
			qs[i*m+k] = float32(Overlap(s, phi))
		}
		ans[i] = float32(Overlap(psi, phi))
		phase := cmplx.Exp(complex(0, -cmplx.Phase(psi[0])))
		p := make([]float64, 0, 2*dim)
		for j, a := range psi {
			a *= phase
			if j == 0 {
				a = complex(cmplx.Abs(psi[0]), 0) // exactly real, not up to rounding
			}
			p = append(p, real(a), imag(a))
		}
		params[i] = p
	}
	names := make([]string, 0, 2*dim)
	for j := range dim {
		names = append(names, fmt.Sprintf("re%d", j), fmt.Sprintf("im%d", j))
	}
	return &Data{
		Observations: physnn.New(obs, n, m),
		Questions:    physnn.New(qs, n, m),
		Answers:      physnn.New(ans, n, 1),
		Params:       params,
		ParamNames:   names,
	}, nil
}
