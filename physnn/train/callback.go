package train

import "time"

// StepInfo describes one completed training step.
type StepInfo struct {
	Epoch   int     // 1-based epoch
	Step    int     // 1-based step counted over the whole run
	Batch   int     // 1-based batch within the epoch
	Batches int     // batches per epoch
	Size    int     // samples in this batch
	Loss    float64 // the batch's loss
}

// EpochInfo describes one completed epoch.
type EpochInfo struct {
	Epoch     int     // 1-based epoch
	Epochs    int     // epochs configured
	Steps     int     // steps completed so far
	TrainLoss float64 // sample-weighted mean of the epoch's batch losses
	// ValLoss is the loss on the validation data, NaN without validation.
	ValLoss float64
	// Metrics holds each configured metric on the validation data (on the
	// training data without validation).
	Metrics map[string]float64
	Elapsed time.Duration // since Fit started
}

// Callback receives Fit's progress; the display package's live progress
// implements it. OnStep runs after every optimizer step and OnEpoch after
// each epoch's validation; returning ErrStop from either ends training
// cleanly, any other error ends it with that error. OnEnd runs once at the
// end with the history and Fit's error (nil, an interruption, ...). Panics
// in callbacks are recovered and returned by Fit.
type Callback interface {
	OnStep(s StepInfo) error
	OnEpoch(e EpochInfo) error
	OnEnd(h *History, err error)
}

// CallbackFuncs adapts functions to Callback; nil fields do nothing.
//
//	cb := train.CallbackFuncs{Epoch: func(e train.EpochInfo) error {
//		fmt.Println(e.Epoch, e.TrainLoss)
//		return nil
//	}}
type CallbackFuncs struct {
	Step  func(s StepInfo) error
	Epoch func(e EpochInfo) error
	End   func(h *History, err error)
}

// OnStep calls f.Step if set.
func (f CallbackFuncs) OnStep(s StepInfo) error {
	if f.Step == nil {
		return nil
	}
	return f.Step(s)
}

// OnEpoch calls f.Epoch if set.
func (f CallbackFuncs) OnEpoch(e EpochInfo) error {
	if f.Epoch == nil {
		return nil
	}
	return f.Epoch(e)
}

// OnEnd calls f.End if set.
func (f CallbackFuncs) OnEnd(h *History, err error) {
	if f.End != nil {
		f.End(h, err)
	}
}

// History records a Fit run epoch by epoch.
type History struct {
	TrainLoss []float64            // per epoch
	ValLoss   []float64            // per epoch; empty without validation
	Metrics   map[string][]float64 // per metric, per epoch
	// BestEpoch is the 1-based epoch with the lowest monitored loss
	// (validation loss if any, else training loss); BestLoss is that loss.
	BestEpoch int
	BestLoss  float64
	// Steps is the number of optimizer steps taken.
	Steps int
	// StoppedEarly is true when early stopping or a callback's ErrStop
	// ended training before the configured epochs.
	StoppedEarly bool
	Elapsed      time.Duration
}
