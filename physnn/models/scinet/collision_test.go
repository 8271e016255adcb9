package scinet

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/gophys/gophys/physnn/optim"
	"github.com/gophys/gophys/physnn/sim"
	"github.com/gophys/gophys/physnn/train"
)

// collisionRun is one training of the angular-momentum SciNet of
// notebooks/scinet-angular-momentum.ipynb: one latent, encoder
// 30→150→100→2 (the paper's widths), decoder 17→100→100→100→2, Adam from
// 2e-3 annealed along a cosine to 2e-5, β = 1e-3 after the default 20 %
// warm-up.
type collisionRun struct {
	samples, epochs, batch int
	seed                   uint64
	// ranges holds the incoming-velocity ranges (zero: the paper's).
	ranges sim.CollisionConfig
}

// train fits the model on run.samples collisions and analyses it on 2 000
// fresh ones (another seed).
func (run collisionRun) train(t *testing.T) *Analysis {
	t.Helper()
	cfg := run.ranges
	cfg.Samples, cfg.Seed = run.samples, run.seed
	data, err := sim.Collision(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Samples, cfg.Seed = 2000, run.seed+1000
	fresh, err := sim.Collision(cfg)
	if err != nil {
		t.Fatal(err)
	}
	model, err := New(Config{Observation: 30, Question: 16, Answer: 2, Latents: 1,
		Encoder: []int{150, 100}, Decoder: []int{100, 100, 100}, Seed: run.seed})
	if err != nil {
		t.Fatal(err)
	}
	steps := run.epochs * ((run.samples + run.batch - 1) / run.batch)
	return fitAndAnalyze(t, model, data, fresh, TrainConfig{Epochs: run.epochs, BatchSize: run.batch, LR: 2e-3,
		Beta: 1e-3, Seed: run.seed, Schedule: optim.Cosine{Steps: steps, MinFactor: 0.01}})
}

// fitAndAnalyze trains model on data with cfg, logging the loss five times,
// and returns (and logs) its analysis on fresh.
func fitAndAnalyze(t *testing.T, model *Model, data, fresh *sim.Data, cfg TrainConfig) *Analysis {
	t.Helper()
	progress := train.CallbackFuncs{Epoch: func(e train.EpochInfo) error {
		if e.Epoch%max(1, cfg.Epochs/5) == 0 {
			t.Logf("epoch %d: loss %.5f (%v)", e.Epoch, e.TrainLoss, e.Elapsed.Round(time.Second))
		}
		return nil
	}}
	cfg.Callbacks = append(cfg.Callbacks, progress)
	start := time.Now()
	if _, _, err := Train(model, data, cfg); err != nil {
		t.Fatal(err)
	}
	t.Logf("training: %v", time.Since(start))
	a, err := Analyze(model, fresh)
	if err != nil {
		t.Fatal(err)
	}
	logAnalysis(t, a)
	return a
}

// checkCollision asserts that the single latent is active, linear in the
// total angular momentum L (Params[0]) with R² above minR2, and clearly
// better explained by L than by either of its ingredients ω_in and vx_in
// alone (by at least 0.1 in R²), and that the RMS prediction error is
// below maxRMS. For scale, the best answer that ignores the observation
// (knowing the question exactly but not L) has RMS error 0.82: the root of
// the mean over t_p ∈ [0, 4] of 1 − |sinc t_p · sinc(t_p/2)|², with
// sinc x = sin x / x the characteristic functions of ω_in ~ U(1, 3) and
// vx_in ~ U(1, 2) up to phase.
func checkCollision(t *testing.T, a *Analysis, minR2, maxRMS float64) {
	t.Helper()
	if a.RMS >= maxRMS {
		t.Errorf("RMS prediction error %.4f, want < %g", a.RMS, maxRMS)
	}
	r := a.Latents[0]
	if !r.Active || r.MeanSigma >= 0.5 || r.VarMu <= 0.05 {
		t.Errorf("latent not active: mean σ %.3f (want < 0.5), Var(μ) %.3f (want > 0.05)", r.MeanSigma, r.VarMu)
	}
	if r.R2Linear[0] <= minR2 {
		t.Errorf("R²(μ ~ L) = %.3f, want > %g", r.R2Linear[0], minR2)
	}
	for j := 1; j < len(a.ParamNames); j++ {
		if r.R2Linear[j] > r.R2Linear[0]-0.1 {
			t.Errorf("the latent is about as linear in %s (R² %.3f) as in L (%.3f): it does not encode the conserved sum",
				a.ParamNames[j], r.R2Linear[j], r.R2Linear[0])
		}
	}
}

// TestCollisionLatentIsAngularMomentum trains the notebook's network at a
// small size (16 000 collisions, 40 epochs: seconds) and checks the
// physics loosely: the latent is linear in L with R² > 0.9, and the
// prediction error is below 0.3. The notebook asserts the headline
// criteria (R² > 0.95, RMS < 0.1) at its default size; SCINET_FULL=1 runs
// that size here too (TestCollisionPassCriteria).
func TestCollisionLatentIsAngularMomentum(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a SciNet for several seconds")
	}
	a := collisionRun{samples: 16000, epochs: 40, batch: 128, seed: 1}.train(t)
	checkCollision(t, a, 0.9, 0.3)
}

// TestCollisionPassCriteria trains the notebook's default recipe (120 000
// collisions, 75 epochs of batch 256: about a minute) and asserts the
// notebook's pass criteria, R²(μ ~ L) > 0.95 and RMS < 0.1. Like the
// pendulum test it runs only with SCINET_FULL=1, since make test already
// trains this in notebooks/scinet-angular-momentum.ipynb;
// SCINET_COLLISION_SEED=n checks another seed.
//
// The second subtest trains on other incoming velocities, ω ∈ [0, 2] and
// vx ∈ [0.5, 2.5], so L ∈ [−2.5, 1.5] instead of [−1, 2], with the same
// criteria. The answers are (cos, sin) on the unit circle for every range,
// so RMS < 0.1 means the same there; the task is harder (the encoder must
// read ω off up to 12 instead of 9 radians of turning before the
// collision, and |ω'| reaches 4.5 instead of 4), which the paper's encoder
// widths and twice the data of the earlier recipe (encoder [64, 32],
// 60 000 collisions: RMS 0.129 at seed 1) absorb.
func TestCollisionPassCriteria(t *testing.T) {
	seed := fullRunSeed(t, "SCINET_COLLISION_SEED", "notebooks/scinet-angular-momentum.ipynb")
	for _, c := range []struct {
		name   string
		ranges sim.CollisionConfig
	}{
		{"paper ranges", sim.CollisionConfig{}},
		{"other ranges", sim.CollisionConfig{OmegaMin: 0, OmegaMax: 2, VxMin: 0.5, VxMax: 2.5}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := collisionRun{samples: 120000, epochs: 75, batch: 256, seed: seed, ranges: c.ranges}.train(t)
			checkCollision(t, a, 0.95, 0.1)
		})
	}
}

// fullRunSeed skips a test that trains a notebook's full recipe unless
// SCINET_FULL=1 is set, and returns the seed to train with: 1, or the value
// of the environment variable seedVar.
func fullRunSeed(t *testing.T, seedVar, notebook string) uint64 {
	t.Helper()
	if os.Getenv("SCINET_FULL") != "1" {
		t.Skipf("trains a SciNet for about a minute; set SCINET_FULL=1 (%s asserts the same criteria)", notebook)
	}
	return envSeed(t, seedVar)
}

// envSeed returns the seed a test trains with: 1, or the value of the
// environment variable name (to check the physics with other seeds).
func envSeed(t *testing.T, name string) uint64 {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return 1
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return n
}
