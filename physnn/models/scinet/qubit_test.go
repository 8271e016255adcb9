package scinet

import (
	"math"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/gophys/gophys/physnn/optim"
	"github.com/gophys/gophys/physnn/sim"
)

// qubitSweep trains the sweep of one- or two-qubit tomography SciNets that
// notebooks/scinet-qubits.ipynb trains (σ_t = 0.1, no β warm-up, Adam with
// the rate cut tenfold for the last sixth of the steps) at the given size,
// and returns the best RMS error per latent count (0 latents: the
// baseline of answering the mean), the best model per count and the 5,000
// fresh pairs they were measured on.
func qubitSweep(t *testing.T, qubits, samples, epochs, batch, runs int, lr, beta float32, hidden []int, latents []int, seed uint64) (best map[int]float64, models map[int]*Model, fresh *sim.Data) {
	t.Helper()
	qc := sim.QubitConfig{Samples: samples, Qubits: qubits, Seed: seed, ReferenceSeed: seed + 500}
	data, err := sim.Qubits(qc)
	if err != nil {
		t.Fatal(err)
	}
	qc.Samples, qc.Seed = 5000, seed+1000
	if fresh, err = sim.Qubits(qc); err != nil {
		t.Fatal(err)
	}
	baseline, err := MeanBaselineRMS(fresh)
	if err != nil {
		t.Fatal(err)
	}
	m := data.Observations.Shape()[1]
	steps := epochs * ((samples + batch - 1) / batch)
	start := time.Now()
	res, err := Sweep(data, fresh, SweepConfig{
		Model: Config{Observation: m, Question: m, Answer: 1, PriorStd: 0.1, Encoder: hidden, Decoder: []int{100, 100}},
		Train: TrainConfig{Epochs: epochs, BatchSize: batch, LR: lr, Beta: beta, BetaWarmup: -1,
			Schedule: optim.StepDecay{Every: steps * 5 / 6, Gamma: 0.1}},
		Latents: latents, Runs: runs, Seed: seed,
	})
	if err != nil {
		t.Fatal(err)
	}
	best, models = map[int]float64{0: baseline}, map[int]*Model{}
	t.Logf("%d qubit(s), seed %d: 0 latents: RMS %.4f (answer the mean)", qubits, seed, baseline)
	for _, r := range res {
		best[r.Latents], models[r.Latents] = r.BestRMS(), r.Model
		t.Logf("%d latents: RMS of the runs %.4f, best %.4f (%v)", r.Latents, r.RMS, r.BestRMS(), r.Elapsed.Round(time.Millisecond))
	}
	t.Logf("sweep trained in %v", time.Since(start).Round(time.Millisecond))
	return best, models, fresh
}

// worstShare returns the share of the model's summed squared prediction
// error on data (ε = 0) that the worst frac of the samples hold. For
// Gaussian errors the worst 1% hold 8.5% of it (2·[z·φ(z) + 0.005] at
// z = 2.576); an error concentrated on a few samples, as near a fold of
// the latent chart, gives far more.
func worstShare(t *testing.T, model *Model, data *sim.Data, frac float64) float64 {
	t.Helper()
	pred, err := Predict(model, data)
	if err != nil {
		t.Fatal(err)
	}
	pv, av := pred.Float64(), data.Answers.Float64()
	se := make([]float64, len(pv))
	var total float64
	for i := range pv {
		se[i] = (pv[i] - av[i]) * (pv[i] - av[i])
		total += se[i]
	}
	slices.Sort(se)
	var worst float64
	for _, v := range se[len(se)-int(frac*float64(len(se))):] {
		worst += v
	}
	return worst / total
}

// qubitSeed returns the seed of the qubit tests: 1, or SCINET_QUBIT_SEED.
func qubitSeed(t *testing.T) uint64 {
	t.Helper()
	return envSeed(t, "SCINET_QUBIT_SEED")
}

// TestQubitKnee is the small version of the notebook's one-qubit sweep:
// the 0-latent error is the answers' standard deviation 1/√12, and two
// latents (the Bloch sphere's two angles) predict the overlap |⟨ψ|φ⟩|²
// far better than one. It uses 5,000 pairs and the notebook's schedule.
// Like the notebook it keeps the best of 3 runs at 2 latents, since a run
// can stay in the projection onto two Bloch coordinates, which cannot tell
// ±r_z apart (RMS ≈ 1/6). One run suffices at 1 latent: one number cannot
// fix a state on the sphere, so its error stays far above. It also checks
// that the 2-latent residual is the fold of the chart S² → R² (the
// notebook explains it): concentrated on a few pairs. Measured (RMS at 1
// and 2 latents; share of the squared error in the worst 1% of the fresh
// pairs): seed 1, 0.191, 0.042, 52%; seed 2, 0.189, 0.043, 53%; seed 3,
// 0.194, 0.047, 49%. SCINET_QUBIT_SEED=n runs it with another seed.
func TestQubitKnee(t *testing.T) {
	if testing.Short() {
		t.Skip("trains four SciNets")
	}
	seed := qubitSeed(t)
	one, _, _ := qubitSweep(t, 1, 5000, 200, 128, 1, 3e-3, 1e-4, []int{100, 100}, []int{1}, seed)
	two, models, fresh := qubitSweep(t, 1, 5000, 200, 128, 3, 3e-3, 1e-4, []int{100, 100}, []int{2}, seed)
	if baseline := two[0]; math.Abs(baseline-1/math.Sqrt(12)) > 0.02 {
		t.Errorf("0-latent error %.4f, want 1/√12 = 0.289 ± 0.02", baseline)
	}
	if one[1] < 0.12 {
		t.Errorf("1 latent predicts too well: RMS %.4f; one number cannot fix a qubit state", one[1])
	}
	if two[2] > 0.08 || two[2] > 0.5*one[1] {
		t.Errorf("2 latents: RMS %.4f, want ≤ 0.08 and ≤ half the 1-latent error %.4f", two[2], one[1])
	}
	// What is left at 2 latents is the fold: the worst 1% of the fresh
	// pairs hold a large share of the squared error, far above the 8.5% of
	// a Gaussian residual (3 latents, which need no fold, give 7–9%).
	share := worstShare(t, models[2], fresh, 0.01)
	t.Logf("2 latents: the worst 1%% of the fresh pairs hold %.0f%% of the squared error", 100*share)
	if share < 0.25 {
		t.Errorf("2 latents: the worst 1%% of the pairs hold %.0f%% of the squared error, want ≥ 25%% (a fold)", 100*share)
	}
}

// TestTwoQubitKnee sweeps 5 to 7 latents for two qubits (M = 30 + 30,
// β = 1e-5, encoder [300, 100] as the paper; 100,000 pairs, 200 epochs of
// batch 256 at a rate of 3e-3, cut tenfold for the last sixth; one run per
// count): a pure two-qubit state has 2(2² − 1) = 6 real parameters, so the
// error should drop sharply at 6. It trains for roughly 8 minutes on 2
// quiet cores (scaled from the 100-epoch sweep's 5), so it runs only with
// SCINET_FULL=1 (SCINET_QUBIT_SEED=n for another seed). Measured (the
// test's runs, same data and seeds, one process per run, under heavy load),
// RMS on 5,000 fresh pairs at 0 (the answers' standard deviation), 5, 6
// and 7 latents; error at 6 over error at 5: 0.34, 0.36, 0.43:
//
//	seed 1: 0.191, 0.095, 0.033, 0.022
//	seed 2: 0.192, 0.096, 0.034, 0.020
//	seed 3: 0.197, 0.082, 0.035, 0.024
//
// With 100 epochs the error at 6 was 0.051 (seed 1) and 0.054 (seed 2),
// against 0.108 and 0.107 at 5: the knee missed at seed 2. As for one qubit
// (see TestQubitKnee), 6 latents must fold: the pure states form CP³, a
// closed 6-manifold that no continuous map puts one-to-one into R⁶, so the
// error at 6 is a residual that training shrinks, and 7 latents end lower.
// Above 6 only "no worse than 1.2 × the error at 6" is asserted.
func TestTwoQubitKnee(t *testing.T) {
	if os.Getenv("SCINET_FULL") != "1" {
		t.Skip("trains three two-qubit SciNets for several minutes; set SCINET_FULL=1")
	}
	best, _, _ := qubitSweep(t, 2, 100000, 200, 256, 1, 3e-3, 1e-5, []int{300, 100}, []int{5, 6, 7}, qubitSeed(t))
	if math.Abs(best[0]-math.Sqrt(3.0/80)) > 0.02 {
		t.Errorf("0-latent error %.4f, want √(3/80) = 0.194 ± 0.02", best[0])
	}
	if best[6] > 0.5*best[5] {
		t.Errorf("no knee at 6 latents: RMS %.4f at 5, %.4f at 6 (want ≤ half)", best[5], best[6])
	}
	if best[7] > 1.2*best[6] {
		t.Errorf("7 latents: RMS %.4f, want ≤ 1.2 × the error at 6 (%.4f)", best[7], best[6])
	}
}
