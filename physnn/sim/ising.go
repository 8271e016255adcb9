package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Ising is a periodic lattice of ±1 spins with nearest-neighbour coupling
// J = 1 at temperature T (k_B = 1), H = −Σ_⟨ij⟩ s_i s_j. Make one with
// [NewIsing] (L×L square lattice) or [NewIsing1D] (ring); the zero value is
// not usable. An Ising is not safe for concurrent use.
type Ising struct {
	side   int        // L: the lattice is side^dims sites
	dims   int        // 1 or 2
	spins  []int8     // ±1, site index y*side + x
	coord  int        // neighbours per site (2·dims)
	nbr    []int32    // nbr[i*coord+a]: the a-th neighbour of site i
	colors [2][]int32 // checkerboard sublattices (x+y even, odd)

	temp       float64
	accept     []uint64 // Metropolis: flip when rng < accept[k], k = (s·h + coord)/2
	bondThresh uint64   // Wolff: add a bond when rng < bondThresh (p = 1 − e^{−2/T})
	clusters   int      // Wolff clusters per sweep-equivalent at this temperature; 0 until calibrated

	pcg    *rand.PCG
	rng    *rand.Rand // wraps pcg, for unbiased IntN
	stack  []int32
	parent []int32   // Swendsen–Wang: union-find forest over the sites
	flip   []int8    // Swendsen–Wang: per cluster root, 0 undecided, 1 flip, −1 keep
	cosX   []float64 // cos(2πx/L), for the lowest Fourier mode
	sinX   []float64
}

// NewIsing returns an L×L periodic square-lattice Ising model at
// temperature T with all spins up (a cold start), drawing its random
// numbers from a PCG generator seeded with seed. L must be at least 2 and
// T positive and finite.
func NewIsing(L int, T float64, seed uint64) (*Ising, error) {
	return newIsing(L, 2, T, seed)
}

// NewIsing1D returns a periodic ring of n spins at temperature T, all up,
// seeded with seed. n must be at least 3 and T positive and finite. The
// nearest-neighbour coupling in units of temperature is K = 1/T.
func NewIsing1D(n int, T float64, seed uint64) (*Ising, error) {
	if n < 3 {
		return nil, fmt.Errorf("sim: 1-D Ising ring of %d spins; use at least 3", n)
	}
	return newIsing(n, 1, T, seed)
}

func newIsing(L, dims int, T float64, seed uint64) (*Ising, error) {
	if L < 2 {
		return nil, fmt.Errorf("sim: Ising lattice side %d; use at least 2", L)
	}
	if dims == 2 && L > 1<<15 {
		return nil, fmt.Errorf("sim: Ising lattice side %d is too large (at most %d)", L, 1<<15)
	}
	n := L
	if dims == 2 {
		n = L * L
	}
	pcg := rand.NewPCG(seed, 0x9e3779b97f4a7c15)
	s := &Ising{
		side:  L,
		dims:  dims,
		spins: make([]int8, n),
		coord: 2 * dims,
		pcg:   pcg,
		rng:   rand.New(pcg),
		cosX:  make([]float64, L),
		sinX:  make([]float64, L),
	}
	for i := range s.spins {
		s.spins[i] = 1
	}
	s.nbr = make([]int32, n*s.coord)
	for i := 0; i < n; i++ {
		x, y := i%L, i/L
		nb := s.nbr[i*s.coord : (i+1)*s.coord]
		nb[0] = int32(y*L + (x+1)%L)
		nb[1] = int32(y*L + (x+L-1)%L)
		if dims == 2 {
			nb[2] = int32(((y+1)%L)*L + x)
			nb[3] = int32(((y+L-1)%L)*L + x)
		}
		// For odd L the two colours are not a proper colouring; the sweep
		// is then an ordinary sequential sweep, which still has the
		// Boltzmann distribution as its stationary state.
		c := (x + y) & 1
		s.colors[c] = append(s.colors[c], int32(i))
	}
	for x := 0; x < L; x++ {
		s.cosX[x] = math.Cos(2 * math.Pi * float64(x) / float64(L))
		s.sinX[x] = math.Sin(2 * math.Pi * float64(x) / float64(L))
	}
	if err := s.SetTemperature(T); err != nil {
		return nil, err
	}
	return s, nil
}

// probThreshold turns a probability into a threshold for a uniform uint64:
// the event happens when the draw is below it.
func probThreshold(p float64) uint64 {
	if p <= 0 {
		return 0
	}
	if p >= 1 {
		return math.MaxUint64
	}
	return uint64(math.Ldexp(p, 64))
}

// SetTemperature changes the temperature (positive and finite) and
// recomputes the Metropolis acceptance table and the Wolff bond
// probability; the spins are kept.
func (s *Ising) SetTemperature(T float64) error {
	if !(T > 0) || math.IsInf(T, 1) {
		return fmt.Errorf("sim: Ising temperature %v; use a positive finite temperature", T)
	}
	s.temp = T
	beta := 1 / T
	s.accept = make([]uint64, s.coord+1)
	for k := range s.accept {
		dE := 2 * float64(2*k-s.coord) // ΔE = 2 s h, with s·h = 2k − coord
		s.accept[k] = probThreshold(math.Exp(-beta * dE))
	}
	// Zero-cost flips are accepted with probability 1/2, not 1 (still
	// detailed balance: A(ΔE) = A(−ΔE)·e^{−βΔE}). Always flipping them makes
	// checkerboard sweeps move domain walls deterministically: in 1-D the
	// difference between left- and right-moving walls is then conserved,
	// the chain is not ergodic, and ⟨e⟩ came out 2% too low at K = 0.5.
	s.accept[s.coord/2] = probThreshold(0.5)
	s.bondThresh = probThreshold(-math.Expm1(-2 * beta))
	s.clusters = 0
	return nil
}

// Temperature returns the current temperature.
func (s *Ising) Temperature() float64 { return s.temp }

// Side returns L, the number of sites along each axis.
func (s *Ising) Side() int { return s.side }

// Dims returns the lattice dimension (1 or 2).
func (s *Ising) Dims() int { return s.dims }

// Sites returns the number of spins.
func (s *Ising) Sites() int { return len(s.spins) }

// Spins returns the spins (±1, site index y·L + x). The slice is the
// model's own storage: changing it changes the state.
func (s *Ising) Spins() []int8 { return s.spins }

// Randomize sets every spin to ±1 with equal probability (a hot start).
func (s *Ising) Randomize() {
	for i := range s.spins {
		s.spins[i] = int8(1 - 2*int(s.pcg.Uint64()>>63))
	}
}

// MetropolisSweep updates the whole lattice once with single-spin
// Metropolis moves, first the even then the odd checkerboard sublattice;
// a flip costing ΔE = 2 s_i Σ_j s_j > 0 is accepted with probability
// e^{−ΔE/T}, one with ΔE < 0 always and one with ΔE = 0 with probability
// 1/2 (see SetTemperature for why), from a table computed at
// SetTemperature.
func (s *Ising) MetropolisSweep() {
	if s.dims == 2 {
		s.metropolis2D()
		return
	}
	spins, nbr, z, half := s.spins, s.nbr, s.coord, s.coord/2
	for c := 0; c < 2; c++ {
		for _, i := range s.colors[c] {
			h := 0
			for _, j := range nbr[int(i)*z : int(i)*z+z] {
				h += int(spins[j])
			}
			k := (int(spins[i])*h + z) >> 1
			if k < half || s.pcg.Uint64() < s.accept[k] {
				spins[i] = -spins[i]
			}
		}
	}
}

// metropolis2D is MetropolisSweep with the four neighbours unrolled.
func (s *Ising) metropolis2D() {
	spins, nbr, acc := s.spins, s.nbr, s.accept
	for c := 0; c < 2; c++ {
		for _, i := range s.colors[c] {
			nb := nbr[int(i)*4 : int(i)*4+4 : int(i)*4+4]
			h := int(spins[nb[0]]) + int(spins[nb[1]]) + int(spins[nb[2]]) + int(spins[nb[3]])
			k := (int(spins[i])*h + 4) >> 1
			if k < 2 || s.pcg.Uint64() < acc[k] {
				spins[i] = -spins[i]
			}
		}
	}
}

// WolffStep grows one Wolff cluster from a uniformly chosen site, adding
// each aligned neighbour with probability 1 − e^{−2/T}, flips it, and
// returns its size. The cluster grows from an explicit stack, so its size
// is limited only by the lattice.
func (s *Ising) WolffStep() int {
	spins, nbr, z, thr := s.spins, s.nbr, s.coord, s.bondThresh
	seed := int32(s.rng.IntN(len(spins)))
	old := spins[seed]
	spins[seed] = -old // flipped spins are the "visited" mark
	stack := append(s.stack[:0], seed)
	size := 1
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, j := range nbr[int(i)*z : int(i)*z+z] {
			if spins[j] == old && s.pcg.Uint64() < thr {
				spins[j] = -old
				stack = append(stack, j)
				size++
			}
		}
	}
	s.stack = stack
	return size
}

// SwendsenWangSweep runs one Swendsen–Wang update of the whole lattice:
// it bonds each aligned nearest-neighbour pair with probability
// 1 − e^{−2/T} (the Wolff bond probability), finds the clusters of the bond
// graph with a union-find forest, and flips each cluster with probability
// 1/2. It returns the number of clusters.
func (s *Ising) SwendsenWangSweep() int {
	n := len(s.spins)
	if len(s.parent) != n {
		s.parent, s.flip = make([]int32, n), make([]int8, n)
	}
	spins, nbr, z, thr, parent, flip := s.spins, s.nbr, s.coord, s.bondThresh, s.parent, s.flip
	for i := range parent {
		parent[i] = int32(i)
		flip[i] = 0
	}
	for i := 0; i < n; i++ {
		// Neighbours 0 and 2 are +x and +y: every bond once.
		for a := 0; a < z; a += 2 {
			j := nbr[i*z+a]
			if spins[i] == spins[j] && s.pcg.Uint64() < thr {
				if ri, rj := root(parent, int32(i)), root(parent, j); ri != rj {
					parent[ri] = rj
				}
			}
		}
	}
	clusters := 0
	for i := range spins {
		r := root(parent, int32(i))
		if flip[r] == 0 {
			clusters++
			flip[r] = int8(1 - 2*int(s.pcg.Uint64()>>63))
		}
		if flip[r] > 0 {
			spins[i] = -spins[i]
		}
	}
	return clusters
}

// root returns the root of i's tree in the union-find forest, halving the
// path on the way.
func root(parent []int32, i int32) int32 {
	for parent[i] != i {
		parent[i] = parent[parent[i]]
		i = parent[i]
	}
	return i
}

// Algorithm selects the update used by [Ising.Advance], [Measure] and the
// dataset functions.
type Algorithm int

const (
	// Wolff flips single clusters; use it near and below T_c.
	Wolff Algorithm = iota
	// Metropolis runs checkerboard single-spin sweeps.
	Metropolis
	// SwendsenWang decomposes the whole lattice into clusters each sweep
	// and flips each cluster with probability 1/2.
	SwendsenWang
)

// String returns "wolff", "metropolis" or "swendsen-wang".
func (a Algorithm) String() string {
	switch a {
	case Wolff:
		return "wolff"
	case Metropolis:
		return "metropolis"
	case SwendsenWang:
		return "swendsen-wang"
	}
	return fmt.Sprintf("Algorithm(%d)", int(a))
}

// Advance runs sweeps sweep-equivalents of the algorithm: that many
// Metropolis or Swendsen–Wang sweeps, or sweeps·[Ising.ClustersPerSweep]
// Wolff clusters, so that a "sweep" flips about Sites() spins at every
// temperature. It returns an error for an unknown algorithm or a negative
// count.
func (s *Ising) Advance(alg Algorithm, sweeps int) error {
	if sweeps < 0 {
		return fmt.Errorf("sim: Advance with %d sweeps; use 0 or more", sweeps)
	}
	switch alg {
	case Metropolis:
		for range sweeps {
			s.MetropolisSweep()
		}
	case SwendsenWang:
		for range sweeps {
			s.SwendsenWangSweep()
		}
	case Wolff:
		if sweeps == 0 {
			return nil
		}
		for range sweeps * s.ClustersPerSweep() {
			s.WolffStep()
		}
	default:
		return fmt.Errorf("sim: unknown algorithm %v; use sim.Wolff, sim.Metropolis or sim.SwendsenWang", alg)
	}
	return nil
}

// ClustersPerSweep returns the number of Wolff clusters that flip about
// Sites() spins on average at the current temperature. The first call at a
// temperature calibrates it by running clusters for ten sweep-equivalents
// (five to equilibrate, five to count); later calls return the stored
// count. The count is then fixed: stopping after a fixed number of flipped
// spins instead would make the stopping time depend on the cluster sizes
// and bias the samples (it gave ⟨e⟩ 2% too low in 1-D).
func (s *Ising) ClustersPerSweep() int {
	if s.clusters > 0 {
		return s.clusters
	}
	n := len(s.spins)
	for flipped := 0; flipped < 5*n; {
		flipped += s.WolffStep()
	}
	count := 0
	for flipped := 0; flipped < 5*n; count++ {
		flipped += s.WolffStep()
	}
	s.clusters = max(1, (count+2)/5)
	return s.clusters
}

// Magnetization returns the signed magnetization per spin, Σ s_i / N.
func (s *Ising) Magnetization() float64 {
	sum := 0
	for _, v := range s.spins {
		sum += int(v)
	}
	return float64(sum) / float64(len(s.spins))
}

// AbsMagnetization returns |Σ s_i| / N.
func (s *Ising) AbsMagnetization() float64 { return math.Abs(s.Magnetization()) }

// Energy returns the energy per spin, −Σ_⟨ij⟩ s_i s_j / N (each bond once).
func (s *Ising) Energy() float64 {
	spins, nbr, z := s.spins, s.nbr, s.coord
	sum := 0
	for i, v := range spins {
		// The even-numbered neighbours are +x and +y: each bond once.
		for a := 0; a < z; a += 2 {
			sum += int(v) * int(spins[nbr[i*z+a]])
		}
	}
	return -float64(sum) / float64(len(spins))
}

// FourierMode returns |Σ_i s_i e^{i k·x_i}|² / N for the smallest nonzero
// wave vector k = 2π/L, averaged over the lattice axes; with ⟨M²⟩/N it
// gives the second-moment correlation length ([Measurements.CorrelationLength]).
func (s *Ising) FourierMode() float64 {
	L := s.side
	total := 0.0
	for axis := 0; axis < s.dims; axis++ {
		re, im := 0.0, 0.0
		for i, v := range s.spins {
			x := i % L
			if axis == 1 {
				x = i / L
			}
			re += float64(v) * s.cosX[x]
			im += float64(v) * s.sinX[x]
		}
		total += re*re + im*im
	}
	return total / float64(s.dims) / float64(len(s.spins))
}

// Correlation returns C(r) = ⟨s_i s_{i+r}⟩ for r = 0..maxR of the current
// configuration, averaged over sites and lattice axes (not connected: at
// T < T_c it tends to m²). maxR is clipped to L/2.
func (s *Ising) Correlation(maxR int) []float64 {
	L := s.side
	if maxR > L/2 {
		maxR = L / 2
	}
	if maxR < 0 {
		maxR = 0
	}
	c := make([]float64, maxR+1)
	for r := 0; r <= maxR; r++ {
		sum := 0
		for i, v := range s.spins {
			x, y := i%L, i/L
			sum += int(v) * int(s.spins[y*L+(x+r)%L])
			if s.dims == 2 {
				sum += int(v) * int(s.spins[((y+r)%L)*L+x])
			}
		}
		c[r] = float64(sum) / float64(s.dims*len(s.spins))
	}
	return c
}
