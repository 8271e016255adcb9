package scinet

import (
	"errors"
	"fmt"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/checkpoint"
	"github.com/gophys/gophys/physnn/optim"
	"github.com/gophys/gophys/physnn/sim"
	"github.com/gophys/gophys/physnn/train"
)

// TrainConfig configures Train. Zero fields take the notes' toy defaults.
type TrainConfig struct {
	Epochs    int     // zero means 100
	BatchSize int     // zero means 256
	LR        float32 // Adam learning rate; zero means 1e-3
	// ClipValue clips every gradient element to ±ClipValue; zero means 10.
	ClipValue float32
	// Beta is the KL weight after the warm-up.
	Beta float32
	// BetaWarmup is the fraction of all steps trained with β = 0 before β
	// is switched to Beta, so the KL cannot switch off every latent before
	// the decoder has learnt to use them; zero means 0.2, negative none.
	BetaWarmup float64
	// Validation, if set, is evaluated after every epoch.
	Validation *sim.Data
	// Schedule, if set, multiplies the learning rate (optim.Schedule).
	Schedule optim.Schedule
	// Callbacks receive Fit's progress (live progress displays).
	Callbacks []train.Callback
	Seed      uint64 // shuffling
}

// Train fits model to data with Adam, elementwise gradient clipping and a
// β warm-up, through train.Fit (so cancellation and callbacks work as
// there). It returns Fit's history and the optimizer, for checkpoints.
func Train(model *Model, data *sim.Data, cfg TrainConfig) (*train.History, *optim.Adam, error) {
	if model == nil || data == nil {
		return nil, nil, errors.New("scinet: Train needs a model and data")
	}
	if cfg.Epochs == 0 {
		cfg.Epochs = 100
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 256
	}
	if cfg.LR == 0 {
		cfg.LR = 1e-3
	}
	if cfg.ClipValue == 0 {
		cfg.ClipValue = 10
	}
	if cfg.BetaWarmup == 0 {
		cfg.BetaWarmup = 0.2
	}
	ds, err := dataset(model, data)
	if err != nil {
		return nil, nil, err
	}
	opt := optim.NewAdam(model.Parameters(), optim.AdamConfig{LR: cfg.LR, ClipValue: cfg.ClipValue, Schedule: cfg.Schedule})
	fit := train.Config{Epochs: cfg.Epochs, BatchSize: cfg.BatchSize, Seed: cfg.Seed, Loss: model.Loss}
	if cfg.Validation != nil {
		if fit.Validation, err = dataset(model, cfg.Validation); err != nil {
			return nil, nil, fmt.Errorf("scinet: validation: %w", err)
		}
	}
	steps := cfg.Epochs * ((data.Len() + cfg.BatchSize - 1) / cfg.BatchSize)
	warm := int(cfg.BetaWarmup * float64(steps))
	model.Beta = 0
	if warm <= 0 {
		model.Beta = cfg.Beta
	}
	// The β schedule runs first, so the next step already uses the new β.
	beta := train.CallbackFuncs{Step: func(s train.StepInfo) error {
		if s.Step >= warm {
			model.Beta = cfg.Beta
		}
		return nil
	}}
	fit.Callbacks = append([]train.Callback{beta}, cfg.Callbacks...)
	hist, err := train.Fit(model, opt, ds, fit)
	return hist, opt, err
}

// dataset pairs concat(observation, question) with the answers.
func dataset(model *Model, data *sim.Data) (*train.TensorDataset, error) {
	if data.Observations == nil || data.Answers == nil {
		return nil, errors.New("scinet: data without observations or answers")
	}
	x := data.Inputs()
	if err := x.Err(); err != nil {
		return nil, fmt.Errorf("scinet: data: %w", err)
	}
	if w := x.Shape()[1]; w != model.cfg.Observation+model.cfg.Question {
		return nil, fmt.Errorf("scinet: data rows have %d inputs, the model takes %d (observation %d + question %d)",
			w, model.cfg.Observation+model.cfg.Question, model.cfg.Observation, model.cfg.Question)
	}
	want := model.cfg.Answer * max(1, model.cfg.Steps)
	if a := data.Answers.Shape()[1]; a != want {
		return nil, fmt.Errorf("scinet: data answers have %d values, the model predicts %d", a, want)
	}
	ds := train.NewTensorDataset(x, data.Answers)
	return ds, ds.Err()
}

// Save writes the model's parameters (and opt's state, if not nil) to path
// in the physnn checkpoint format.
func Save(path string, model *Model, opt optim.Optimizer) error {
	return checkpoint.SaveModel(path, model, opt)
}

// Load restores parameters written by Save into model, which must have the
// same Config shape; on error model is unchanged.
func Load(path string, model *Model, opt optim.Optimizer) error {
	return checkpoint.LoadModel(path, model, opt)
}

// Predict returns the model's answers for data with ε = 0, leaving the
// model in evaluation mode.
func Predict(model *Model, data *sim.Data) (*physnn.Tensor, error) {
	if model == nil || data == nil || data.Observations == nil {
		return nil, errors.New("scinet: Predict needs a model and data")
	}
	x := data.Inputs()
	var y *physnn.Tensor
	model.SetTraining(false)
	physnn.NoGrad(func() { y = model.Forward(x) })
	return y, y.Err()
}
