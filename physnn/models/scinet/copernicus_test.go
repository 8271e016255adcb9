package scinet

import (
	"math"
	"testing"

	"github.com/gophys/gophys/physnn/optim"
	"github.com/gophys/gophys/physnn/sim"
)

// copernicusReport holds what TestCopernicusLearnsHeliocentricCode checks:
// how linear the heliocentric angles are in the latents, the same for the
// raw observation (the null a copying encoder would score), the learned
// step mapped through the linear fit, and the prediction error beside
// constant-rate extrapolation of the observed angles.
type copernicusReport struct {
	r2E, r2M         float64 // R² of φ_E and φ_M from the two latent means
	nullE, nullM     float64 // the same from the observation (θ_S, θ_M)
	stepE, stepM     float64 // the step b through the fits, rad per step
	rms, baselineRMS float64
}

// checkCopernicus evaluates model on the fresh series d (Steps steps of
// stepDays days).
func checkCopernicus(t *testing.T, model *Model, d *sim.Data, steps int, stepDays float64) copernicusReport {
	t.Helper()
	a, err := Analyze(model, d)
	if err != nil {
		t.Fatal(err)
	}
	mu, _, err := LatentMeans(model, d)
	if err != nil {
		t.Fatal(err)
	}
	n := d.Len()
	z1, z2, obsS, obsM := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	obs := d.Observations.Float64()
	for i := range n {
		z1[i], z2[i] = mu[i][0], mu[i][1]
		obsS[i], obsM[i] = obs[2*i], obs[2*i+1]
	}
	phiE, _ := d.Param("phi_E")
	phiM, _ := d.Param("phi_M")
	var r copernicusReport
	var fitE, fitM []float64
	r.r2E, fitE = RSquared(phiE, z1, z2)
	r.r2M, fitM = RSquared(phiM, z1, z2)
	r.nullE, _ = RSquared(phiE, obsS, obsM)
	r.nullM, _ = RSquared(phiM, obsS, obsM)
	if fitE == nil || fitM == nil {
		t.Fatalf("singular latent fit: latents %v", a.Latents)
	}
	b := model.Step.Float64()
	r.stepE = fitE[1]*b[0] + fitE[2]*b[1]
	r.stepM = fitM[1]*b[0] + fitM[2]*b[1]
	wE, wM := 2*math.Pi*stepDays/sim.EarthPeriod, 2*math.Pi*stepDays/sim.MarsPeriod
	ans := d.Answers.Float64()
	var sse float64
	for i := range n {
		row := ans[i*2*steps : (i+1)*2*steps]
		for s := range steps {
			dS := row[2*s] - row[0] - wE*float64(s)
			dM := row[2*s+1] - row[1] - wM*float64(s)
			sse += dS*dS + dM*dM
		}
	}
	r.rms, r.baselineRMS = a.RMS, math.Sqrt(sse/float64(n))
	return r
}

// copernicusRun is one training of the Copernicus SciNet of
// notebooks/scinet-copernicus.ipynb: series of 50 weeks, encoder and
// decoder [64, 64], Adam from 1e-3 annealed along a cosine to 2e-5,
// β = 1e-3 after the default 20 % warm-up.
type copernicusRun struct {
	samples, epochs, batch int
	seed                   uint64
}

// train fits the model on run.samples series and checks it on 1,000 fresh
// ones (another seed).
func (run copernicusRun) train(t *testing.T) copernicusReport {
	t.Helper()
	const steps, days = 50, 7
	data, err := sim.Copernicus(sim.CopernicusConfig{Samples: run.samples, Steps: steps, StepDays: days, Seed: run.seed})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := sim.Copernicus(sim.CopernicusConfig{Samples: 1000, Steps: steps, StepDays: days, Seed: run.seed + 1000})
	if err != nil {
		t.Fatal(err)
	}
	model, err := New(Config{Observation: 2, Answer: 2, Latents: 2, Steps: steps, PriorStd: 0.1,
		Encoder: []int{64, 64}, Decoder: []int{64, 64}, Seed: run.seed})
	if err != nil {
		t.Fatal(err)
	}
	total := run.epochs * ((data.Len() + run.batch - 1) / run.batch)
	if _, _, err := Train(model, data, TrainConfig{Epochs: run.epochs, BatchSize: run.batch, Beta: 1e-3, Seed: run.seed,
		Schedule: optim.Cosine{Steps: total, MinFactor: 0.02}}); err != nil {
		t.Fatal(err)
	}
	r := checkCopernicus(t, model, fresh, steps, days)
	t.Logf("R² φ_E %.4f (observation %.4f), φ_M %.4f (observation %.4f); step (%.4f, %.4f) rad/week; RMS %.3f, constant-rate baseline %.3f",
		r.r2E, r.nullE, r.r2M, r.nullM, r.stepE, r.stepM, r.rms, r.baselineRMS)
	return r
}

// checkStep asserts that the learned step b, mapped through the linear fit
// of the heliocentric angles on the latents, is within tol (relative) of
// both planets' weekly motion.
func checkStep(t *testing.T, r copernicusReport, tol float64) {
	t.Helper()
	wE, wM := 2*math.Pi*7/sim.EarthPeriod, 2*math.Pi*7/sim.MarsPeriod
	if math.Abs(r.stepE-wE) > tol*wE || math.Abs(r.stepM-wM) > tol*wM {
		t.Errorf("step b through the fit (%.4f, %.4f), want within %g%% of the heliocentric (%.4f, %.4f)",
			r.stepE, r.stepM, 100*tol, wE, wM)
	}
}

// TestCopernicusLearnsHeliocentricCode trains a small Copernicus SciNet
// (2,000 series, 30 epochs of batch 8: several seconds) and checks, on
// fresh series, looser versions of the criteria of
// notebooks/scinet-copernicus.ipynb, which trains the default size and
// asserts them tighter (decisions.md: not twice in make test). The loss
// covers every step and the step b is learned: mapped through the linear
// fit of the heliocentric angles on the latents, it is within 20 % of both
// planets' weekly motion (b starts at zero). The latents explain φ_E with
// R² > 0.95 and φ_M better than the observation itself does (R² ≈ 0.93,
// Mars' parallax), and the predictions beat constant-rate extrapolation of
// the observed angles by 25 %. (So small a run has not yet learnt Mars'
// retrograde loops: it predicts Mars at about its mean motion, RMS 0.58 of
// the baseline's at seed 1; TestCopernicusPassCriteria checks the loops.)
// SCINET_COPERNICUS_SEED=n runs the same check with another seed.
func TestCopernicusLearnsHeliocentricCode(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a SciNet for several seconds")
	}
	r := copernicusRun{samples: 2000, epochs: 30, batch: 8, seed: envSeed(t, "SCINET_COPERNICUS_SEED")}.train(t)
	checkStep(t, r, 0.2)
	if r.r2E <= 0.95 || r.r2M <= r.nullM {
		t.Errorf("R² φ_E %.4f (want > 0.95), φ_M %.4f (want > the observation's %.4f)", r.r2E, r.r2M, r.nullM)
	}
	if r.rms >= 0.75*r.baselineRMS {
		t.Errorf("RMS %.3f, want < 75%% of constant-rate extrapolation's %.3f", r.rms, r.baselineRMS)
	}
}

// TestCopernicusPassCriteria trains the notebook's default recipe (5,000
// series, 120 epochs of batch 16: about a minute on quiet cores) and
// asserts the notebook's pass criteria: R² > 0.9 for both heliocentric
// angles from the latents, the latents leave at most 60 % of the variance
// of φ_M that the observation leaves, the step is within 10 % of the
// planets' weekly motion, and the RMS error is below 35 % of constant-rate
// extrapolation's, which needs the retrograde loops. It runs only with
// SCINET_FULL=1 (make test trains this in the notebook);
// SCINET_COPERNICUS_SEED=n checks another seed.
func TestCopernicusPassCriteria(t *testing.T) {
	seed := fullRunSeed(t, "SCINET_COPERNICUS_SEED", "notebooks/scinet-copernicus.ipynb")
	r := copernicusRun{samples: 5000, epochs: 120, batch: 16, seed: seed}.train(t)
	checkStep(t, r, 0.1)
	if r.r2E <= 0.9 || r.r2M <= 0.9 {
		t.Errorf("R² φ_E %.4f, φ_M %.4f, want both > 0.9", r.r2E, r.r2M)
	}
	if 1-r.r2M > 0.6*(1-r.nullM) {
		t.Errorf("φ_M: the latents leave %.4f of its variance unexplained, the observation %.4f; want at most 60%%", 1-r.r2M, 1-r.nullM)
	}
	if r.rms >= 0.35*r.baselineRMS {
		t.Errorf("RMS %.3f, want < 35%% of constant-rate extrapolation's %.3f", r.rms, r.baselineRMS)
	}
}
