package scinet

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/gophys/gophys/physnn/sim"
	"github.com/gophys/gophys/physnn/train"
)

// SweepConfig configures [Sweep]: one architecture and one schedule,
// trained with each of several latent counts, Runs times each from
// different seeds.
type SweepConfig struct {
	// Model is the architecture; Sweep sets its Latents and Seed per run.
	Model Config
	// Train is the schedule; Sweep sets its Seed per run.
	Train TrainConfig
	// Latents lists the latent counts to train, each positive. (With no
	// latent the decoder sees only the question; see [MeanBaselineRMS].)
	Latents []int
	// Runs is the number of independent runs per latent count; zero means
	// 1. The paper reports the best of 3.
	Runs int
	// Seed derives the model and shuffling seed of every run, so that
	// every (latent count, run) pair trains from its own seed.
	Seed uint64
	// Callbacks, if set, returns extra training callbacks for run run
	// (0-based) of the latent count latents, such as a progress display
	// titled by both; they are appended to Train.Callbacks.
	Callbacks func(latents, run int) []train.Callback
}

// SweepResult is the outcome of one latent count of a [Sweep].
type SweepResult struct {
	Latents int
	// RMS holds each run's RMS prediction error on the test data, with the
	// decoder fed the latent means (ε = 0).
	RMS []float64
	// Best is the index of the run with the smallest RMS, and Model that
	// run's trained model.
	Best  int
	Model *Model
	// Elapsed is the training time of all runs of this latent count.
	Elapsed time.Duration
}

// BestRMS returns the smallest RMS error of the runs, RMS[Best].
func (r SweepResult) BestRMS() float64 { return r.RMS[r.Best] }

// Sweep trains cfg.Runs SciNets for every latent count in cfg.Latents on
// data and measures each one's RMS prediction error on test (fresh data,
// never trained on), keeping the best run per count: the paper's "error
// against the number of latent neurons" experiment, whose knee is the
// number of parameters the answers depend on. The results follow
// cfg.Latents' order. Training stops at the first error (an interrupt
// included), which Sweep returns with the results of the completed counts.
func Sweep(data, test *sim.Data, cfg SweepConfig) ([]SweepResult, error) {
	if data == nil || test == nil {
		return nil, errors.New("scinet: Sweep needs training and test data")
	}
	if len(cfg.Latents) == 0 {
		return nil, errors.New("scinet: Sweep needs at least one latent count")
	}
	for _, l := range cfg.Latents {
		if l <= 0 {
			return nil, fmt.Errorf("scinet: Sweep: latent count %d, want positive", l)
		}
	}
	runs := max(cfg.Runs, 1)
	var out []SweepResult
	for _, l := range cfg.Latents {
		res := SweepResult{Latents: l}
		start := time.Now()
		for r := range runs {
			mc, tc := cfg.Model, cfg.Train
			mc.Latents = l
			mc.Seed = sweepSeed(cfg.Seed, l, r)
			tc.Seed = mc.Seed
			if cfg.Callbacks != nil {
				tc.Callbacks = append(append([]train.Callback(nil), tc.Callbacks...), cfg.Callbacks(l, r)...)
			}
			model, err := New(mc)
			if err != nil {
				return out, err
			}
			if _, _, err := Train(model, data, tc); err != nil {
				return out, fmt.Errorf("scinet: Sweep: %d latents, run %d: %w", l, r, err)
			}
			rms, err := RMSError(model, test)
			if err != nil {
				return out, fmt.Errorf("scinet: Sweep: %d latents, run %d: %w", l, r, err)
			}
			res.RMS = append(res.RMS, rms)
			if rms < res.RMS[res.Best] || res.Model == nil {
				res.Best, res.Model = r, model
			}
		}
		res.Elapsed = time.Since(start)
		out = append(out, res)
	}
	return out, nil
}

// sweepSeed mixes the sweep's seed, the latent count and the run index
// (SplitMix64's finaliser), so that sweeps from neighbouring seeds share no
// run.
func sweepSeed(seed uint64, latents, run int) uint64 {
	z := seed + 0x9e3779b97f4a7c15*uint64(1+latents<<16+run)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// RMSError returns the model's RMS prediction error on data with ε = 0:
// the square root of the mean over samples of the squared error summed
// over outputs (the paper's "error", as in [Analysis].RMS), without the
// latent analysis.
func RMSError(model *Model, data *sim.Data) (float64, error) {
	pred, err := Predict(model, data)
	if err != nil {
		return 0, err
	}
	if data.Answers == nil {
		return 0, errors.New("scinet: RMSError needs answers")
	}
	pv, av := pred.Float64(), data.Answers.Float64()
	if len(pv) != len(av) || len(av) == 0 {
		return 0, fmt.Errorf("scinet: %d predictions for %d answers", len(pv), len(av))
	}
	var sse float64
	for i := range pv {
		d := pv[i] - av[i]
		sse += d * d
	}
	return math.Sqrt(sse / float64(data.Len())), nil
}

// MeanBaselineRMS returns the RMS error of always answering the mean
// answer of data (summed over outputs per sample, as RMSError). A decoder
// without latents sees only the question, and can at best answer
// E[answer | question]; where that is a constant, as for qubit tomography
// (E[|⟨ψ|φ⟩|² | φ] = 1/d for Haar-random ψ), this is the error with zero
// latents, the standard deviation of the answers (1/√12 ≈ 0.289 for one
// qubit). Otherwise it is an upper bound on it.
func MeanBaselineRMS(data *sim.Data) (float64, error) {
	if data == nil || data.Answers == nil || data.Len() == 0 {
		return 0, errors.New("scinet: MeanBaselineRMS needs answers")
	}
	n := data.Len()
	av := data.Answers.Float64()
	w := len(av) / n
	mean := make([]float64, w)
	for i, v := range av {
		mean[i%w] += v / float64(n)
	}
	var sse float64
	for i, v := range av {
		d := v - mean[i%w]
		sse += d * d
	}
	return math.Sqrt(sse / float64(n)), nil
}
