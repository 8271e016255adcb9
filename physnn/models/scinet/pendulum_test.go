package scinet

import (
	"math"
	"testing"

	"github.com/gophys/gophys/physnn/optim"
	"github.com/gophys/gophys/physnn/sim"
)

// TestPendulumPassCriteria trains the notes' fast toy SciNet (§1.6: 20 000
// samples, 3 latents, encoder 50→64→32→6, decoder 4→64→32→1, Adam 1e-3,
// β = 0 for the first 20 % of steps, then 1e-3, σ_t = 1) and asserts the
// pendulum pass criteria of physics-models-1.md §1 on 2 000 fresh samples.
//
// Two choices inside the recipe's latitude make it pass with margin at a
// CPU-test size: the parameter ranges are the recipe's "±20 %" option
// (b ∈ [0.4, 1.2], κ ∈ [4, 12], which is the paper's own generator), and
// the schedule is 500 epochs of batch 128 with the rate cut to 1e-4 for the
// last 30 %. At the nominal ranges the damping latent stays at mean σ ≈ 0.7
// (above the 0.5 threshold) after 600 epochs: b's effect on x(t) is small,
// so β = 1e-3 buys only a noisy code for it. SCINET_PENDULUM_SEED=n runs
// the same check with another seed.
//
// The headline check is notebooks/scinet-pendulum.ipynb, which trains this
// exact recipe and asserts the same criteria in make test's notebook run
// (decisions.md: do not train the same thing twice in make test). This test
// therefore runs only when SCINET_FULL=1 is set: for iterating on the model
// without Jupyter, and for other seeds.
func TestPendulumPassCriteria(t *testing.T) {
	seed := fullRunSeed(t, "SCINET_PENDULUM_SEED", "notebooks/scinet-pendulum.ipynb")
	pc := sim.PendulumConfig{Samples: 20000, Seed: seed, BMin: 0.4, BMax: 1.2, KappaMin: 4, KappaMax: 12}
	data, err := sim.Pendulum(pc)
	if err != nil {
		t.Fatal(err)
	}
	pc.Samples, pc.Seed = 2000, seed+1000
	fresh, err := sim.Pendulum(pc)
	if err != nil {
		t.Fatal(err)
	}
	model, err := New(Config{Observation: 50, Question: 1, Answer: 1, Latents: 3,
		Encoder: []int{64, 32}, Decoder: []int{64, 32}, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	const epochs, batch = 500, 128
	steps := epochs * (data.Len() / batch)
	a := fitAndAnalyze(t, model, data, fresh, TrainConfig{Epochs: epochs, BatchSize: batch, Beta: 1e-3, Seed: seed,
		Schedule: optim.StepDecay{Every: steps * 7 / 10, Gamma: 0.1}})
	checkPendulum(t, a)
}

func logAnalysis(t *testing.T, a *Analysis) {
	t.Logf("RMS prediction error %.4f on %d samples", a.RMS, a.Samples)
	t.Logf("%v", a.Columns())
	for _, r := range a.Rows() {
		t.Logf("%.3f", r)
	}
	t.Logf("mutual information between latent means (nats): %.3f", a.MI)
}

// checkPendulum asserts physics-models-1.md §1 "Pass criteria (numbers)".
func checkPendulum(t *testing.T, a *Analysis) {
	t.Helper()
	if a.RMS >= 0.05 {
		t.Errorf("RMS prediction error %.4f, want < 0.05", a.RMS)
	}
	active := a.Active()
	if len(active) != 2 {
		t.Fatalf("%d active latents %v, want exactly 2", len(active), active)
	}
	for _, r := range a.Latents {
		if !r.Active && !(r.MeanSigma > 0.8 && r.MeanAbsMu < 0.1) {
			t.Errorf("inactive latent %d: mean σ %.3f (want > 0.8), mean |μ| %.3f (want < 0.1)",
				r.Latent, r.MeanSigma, r.MeanAbsMu)
		}
	}
	// Each active latent maps to one parameter (R² > 0.95 by a linear or
	// quadratic fit) and not to the other alone (R² < 0.3), and the two
	// map to different parameters. Otherwise accept a rotation: both
	// latents linear in (b, κ) with R² > 0.95 and a well-conditioned 2×2 map.
	mapped := map[int]bool{}
	separated := true
	for _, k := range active {
		r := a.Latents[k]
		p := -1
		for j := range a.ParamNames {
			if math.Max(r.R2Linear[j], r.R2Quadratic[j]) > 0.95 && r.R2Linear[1-j] < 0.3 {
				p = j
			}
		}
		if p < 0 || mapped[p] {
			separated = false
		}
		mapped[p] = true
	}
	if separated {
		return
	}
	r0, r1 := a.Latents[active[0]], a.Latents[active[1]]
	if r0.R2Combined <= 0.95 || r1.R2Combined <= 0.95 {
		t.Fatalf("active latents neither separate b and κ nor are a rotation of them: R² combined %.3f, %.3f",
			r0.R2Combined, r1.R2Combined)
	}
	// Normalise the map by the parameter ranges, so its condition number
	// compares like with like: latent = M·(b, κ)/range.
	ranges := []float64{0.5, 5}
	m := [2][2]float64{
		{r0.Combination[0] * ranges[0], r0.Combination[1] * ranges[1]},
		{r1.Combination[0] * ranges[0], r1.Combination[1] * ranges[1]},
	}
	det := m[0][0]*m[1][1] - m[0][1]*m[1][0]
	norm := math.Hypot(math.Hypot(m[0][0], m[0][1]), math.Hypot(m[1][0], m[1][1]))
	if math.Abs(det) < 0.1*norm*norm {
		t.Errorf("active latents mix b and κ with a near-singular map %v (det %.3g)", m, det)
	}
}
