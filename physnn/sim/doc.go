// Package sim holds the physical simulators gophys's models learn from:
// the Ising model (2-D and 1-D, with exact oracles) and the SciNet
// systems (damped pendulum, elastic collision, qubit tomography,
// Copernicus' heliocentric orbits).
//
//	s, err := sim.NewIsing(40, sim.CriticalTemperature, 1)
//	if err != nil { ... }
//	for range 100 {
//		s.WolffStep()
//	}
//	fmt.Println(s.AbsMagnetization(), s.Energy())
//
// # Determinism
//
// Every simulator is compiled Go and takes an explicit seed; there is no
// global random state. The same seed and the same calls give the same
// numbers on every machine and for every number of cores. A simulator value
// is not safe for concurrent use: give each goroutine its own, with its own
// seed.
//
// # Ising
//
// [Ising] is a periodic lattice of ±1 spins (int8) with coupling J = 1 and
// k_B = 1: [NewIsing] makes the L×L square lattice, [NewIsing1D] a ring.
// [Ising.MetropolisSweep] updates the two checkerboard sublattices in turn
// with a precomputed acceptance table; [Ising.WolffStep] grows and flips one
// Wolff cluster with an explicit stack (no recursion). Near the critical
// point use Wolff: Metropolis decorrelates in ~L^2.17 sweeps there.
//
// [Measure] records a time series of the magnetization, the energy and the
// lowest Fourier mode of a chain; [Measurements] turns it into ⟨|m|⟩, ⟨e⟩,
// the Binder cumulant, the second-moment correlation length and the
// integrated autocorrelation time, each error bar from the autocorrelation
// time. [IsingConfigurations] and [IsingSweep] return datasets as physnn
// tensors of shape [n, L*L] with 0/1 or ±1 entries.
//
// Exact results serve as oracles: [CriticalTemperature], the Onsager–Yang
// magnetization [OnsagerMagnetization], the exact energy per spin
// [OnsagerEnergy] (complete elliptic integral), and the 1-D decimation map
// [Decimate1D] (tanh K′ = tanh² K) with its correlation length
// [CorrelationLength1D].
//
// # Errors
//
// Constructors and dataset functions validate their arguments and return
// errors prefixed "sim: " that name the bad value; the update and
// observable methods cannot fail on a simulator made by a constructor.
package sim
