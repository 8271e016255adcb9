// Package rbm implements restricted Boltzmann machines and greedy deep
// belief nets, and the renormalization-group analysis of Mehta & Schwab
// (arXiv:1410.3831): receptive fields as products of weight matrices, their
// locality, and majority-rule block spins to compare them with.
//
//	data, _ := sim.IsingConfigurations(1/0.408, sim.DatasetConfig{L: 16, Samples: 5000, Seed: 1})
//	dbn, _, err := rbm.TrainDBN(data, []int{256, 64, 16}, rbm.Config{Epochs: 20, L1: 2e-4, Seed: 1})
//	if err != nil { ... }
//	fields, _ := dbn.ReceptiveFields(1) // [256, 16]: W1·W2
//	loc, _ := rbm.Locality(fields, 16, 5)
//
// # Model
//
// An [RBM] has energy E(v, h) = −b·v − c·h − vᵀWh with W of shape
// [visible, hidden]. Units are [Binary] (0/1) or [Spin] (±1) on both layers.
// [RBM.Train] fits it by contrastive divergence (CD-k) or persistent CD, with
// momentum and L1/L2 weight penalties. The gradients are the CD statistics
// written out by hand on physnn tensors (compiled products), not autodiff;
// a training step reuses its batch, sample and workspace buffers, so once
// the first batches have run it allocates nothing.
// [RBM.FreeEnergy], [RBM.PseudoLikelihood] and [RBM.ReconstructionError]
// monitor training; [RBM.Gibbs] runs sampling chains.
//
// A [DBN] is a stack of RBMs trained greedily ([TrainDBN], or
// [TrainDBNLayers] with one Config per layer): each layer learns the
// sampled hidden states of the layer below. [DBN.Reconstruct] goes up to
// any layer and back down to the visible units, sampling each layer from
// the RBMs' conditionals, so its statistics are those of the model.
//
// # Determinism and errors
//
// Every random draw comes from a [physnn.RNG] seeded from Config.Seed or the
// constructor's seed, so a run is reproducible. Bad sizes, shapes and
// settings return errors prefixed "rbm: "; nothing panics across the API. An
// RBM is not safe for concurrent use.
package rbm
