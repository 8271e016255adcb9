package train

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/nn"
	"github.com/gophys/gophys/physnn/optim"
)

// ErrInterrupted is returned (wrapped, together with the context's error)
// when the kernel's cancellation hook (physnn.Canceled) fires during Fit.
// The model keeps the parameters of the last completed step and is usable.
var ErrInterrupted = errors.New("train: interrupted")

// ErrStop, returned by a callback, ends training cleanly: Fit returns the
// history and a nil error.
var ErrStop = errors.New("train: stop requested")

// LossError reports a NaN or infinite loss. The step that produced it was
// not applied, so the model holds the previous step's parameters.
type LossError struct {
	Epoch, Step int
	Loss        float64
}

func (e *LossError) Error() string {
	return fmt.Sprintf("train: loss is %v at epoch %d, step %d; lower the learning rate, clip gradients (ClipNorm) or check the data for NaN",
		e.Loss, e.Epoch, e.Step)
}

// Config configures Fit. The zero value trains one full-batch epoch with the
// MSE loss and no validation.
type Config struct {
	// Epochs is the number of passes over the training data; zero means 1.
	Epochs int
	// BatchSize is the number of samples per step; zero (or more than the
	// training samples) means full batch.
	BatchSize int
	// MicroBatch > 0 computes each step's gradient in chunks of at most
	// MicroBatch samples (gradient accumulation): every chunk's loss,
	// weighted by its share of the batch, is back-propagated into the same
	// gradients before the one optimizer step. For a loss that is a mean
	// over samples (MSE, L1, BCEWithLogits, CrossEntropy) and a model
	// without batch statistics (not BatchNorm) this is the whole batch's
	// step, up to float rounding, computed in pieces whose activations fit
	// in the CPU's cache: a large full batch trains several times faster,
	// and an interrupt is seen after every chunk. The step's loss is the
	// weighted mean of the chunks' losses. Evaluation uses chunks of the
	// same size. Zero means no splitting.
	MicroBatch int
	// NoShuffle keeps the sample order; otherwise mini-batches are drawn
	// from a fresh permutation each epoch (full batches are never shuffled).
	NoShuffle bool
	// RNG drives shuffling and the validation split; nil means
	// physnn.NewRNG(Seed).
	RNG  *physnn.RNG
	Seed uint64
	// Validation is held-out data evaluated after every epoch. Without it,
	// ValidationSplit (in (0, 1)) holds out that random fraction of data.
	Validation      Dataset
	ValidationSplit float64
	// Loss is the training objective; nil means physnn.MSE.
	Loss Loss
	// Metrics are evaluated after every epoch on the validation data, or on
	// the training data without validation (one extra forward pass).
	Metrics []Metric
	// Patience > 0 enables early stopping: training ends after Patience
	// epochs without the monitored loss (validation loss if any, else
	// training loss) improving by more than MinDelta.
	Patience int
	MinDelta float64
	// RestoreBest copies back the parameters and buffers of the best epoch
	// when training ends normally or stops early.
	RestoreBest bool
	// Callbacks receive step and epoch progress, in order.
	Callbacks []Callback
}

// Fit trains model with opt on data and returns the per-epoch history.
//
// Each step clears the gradients, runs the model on a batch, computes the
// loss, back-propagates and steps the optimizer. Between steps, and after
// the forward and backward passes, Fit checks physnn.Canceled, so an
// interrupt from the kernel ends training within a fraction of a step and
// returns ErrInterrupted; an interrupted step is not applied. A NaN or infinite loss returns a
// *LossError naming the epoch and step before the step is applied. Panics in
// the model, the loss, the dataset or a callback are recovered and returned
// as errors. In every case the returned History covers the completed
// epochs, and the model is left in evaluation mode (SetTraining(false)).
//
// Each step runs in a physnn.Workspace that Fit resets at the start of the
// next step, so a steady loop reuses its activation-sized buffers instead
// of allocating them anew. Tensors the model, loss or metrics compute during
// a step are therefore valid only until that step ends: a custom layer that
// keeps one (for example its last activations, to plot them) must keep a
// Clone. Everything Fit hands out (History, StepInfo, EpochInfo) holds plain
// numbers, never tensors.
func Fit(model nn.Layer, opt optim.Optimizer, data Dataset, cfg Config) (hist *History, err error) {
	hist = &History{Metrics: map[string][]float64{}, BestEpoch: 0, BestLoss: math.Inf(1)}
	cfg.Callbacks = withDefaultCallbacks(cfg)
	r := &run{model: model, opt: opt, data: data, cfg: cfg, hist: hist, start: time.Now()}
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("train: panic at epoch %d, step %d: %v", r.epoch, r.step, rec)
		}
		if errors.Is(err, errStopped) {
			err = nil
		}
		r.finish(err)
	}()
	if err := r.setup(); err != nil {
		return hist, err
	}
	return hist, r.loop()
}

// run holds one Fit call's state.
type run struct {
	model nn.Layer
	opt   optim.Optimizer
	data  Dataset
	cfg   Config
	hist  *History
	start time.Time

	loss     Loss
	rng      *physnn.RNG
	trainIdx []int // training sample indices, reshuffled in place
	order    []int // scratch for shuffling
	val      Dataset
	valIdx   []int
	batch    int
	chunk    int // samples per forward and backward pass (MicroBatch)
	epochs   int
	epoch    int
	step     int
	best     [][]float32 // snapshot of the best epoch's state (RestoreBest)
	state    []*physnn.Tensor
	restored bool

	// ws recycles the training steps' intermediate tensors and evalWS
	// those of the per-epoch evaluation: each is reset before its next use.
	ws, evalWS *physnn.Workspace
}

func (r *run) setup() error {
	switch {
	case r.model == nil:
		return errors.New("train: model is nil")
	case r.opt == nil:
		return errors.New("train: optimizer is nil")
	case r.data == nil:
		return errors.New("train: dataset is nil")
	case r.cfg.Epochs < 0 || r.cfg.BatchSize < 0 || r.cfg.Patience < 0 || r.cfg.MicroBatch < 0:
		return fmt.Errorf("train: Epochs %d, BatchSize %d, MicroBatch %d and Patience %d must not be negative", r.cfg.Epochs, r.cfg.BatchSize, r.cfg.MicroBatch, r.cfg.Patience)
	case r.cfg.ValidationSplit < 0 || r.cfg.ValidationSplit >= 1:
		return fmt.Errorf("train: ValidationSplit %g must be in [0, 1)", r.cfg.ValidationSplit)
	}
	if e, ok := r.data.(interface{ Err() error }); ok && e.Err() != nil {
		return e.Err()
	}
	n := r.data.Len()
	if n <= 0 {
		return errors.New("train: empty dataset: nothing to train on")
	}
	r.loss = r.cfg.Loss
	if r.loss == nil {
		r.loss = physnn.MSE
	}
	r.rng = r.cfg.RNG
	if r.rng == nil {
		r.rng = physnn.NewRNG(r.cfg.Seed)
	}
	r.epochs = max(r.cfg.Epochs, 1)
	r.ws, r.evalWS = physnn.NewWorkspace(), physnn.NewWorkspace()
	r.trainIdx = make([]int, n)
	for i := range r.trainIdx {
		r.trainIdx[i] = i
	}
	switch {
	case r.cfg.Validation != nil:
		r.val = r.cfg.Validation
		if e, ok := r.val.(interface{ Err() error }); ok && e.Err() != nil {
			return fmt.Errorf("train: validation data: %w", e.Err())
		}
		r.valIdx = make([]int, r.val.Len())
		for i := range r.valIdx {
			r.valIdx[i] = i
		}
		if len(r.valIdx) == 0 {
			return errors.New("train: validation dataset is empty")
		}
	case r.cfg.ValidationSplit > 0:
		nVal := int(math.Round(r.cfg.ValidationSplit * float64(n)))
		if nVal == 0 || nVal == n {
			return fmt.Errorf("train: ValidationSplit %g of %d samples leaves an empty training or validation set", r.cfg.ValidationSplit, n)
		}
		perm := r.rng.Perm(n)
		r.valIdx, r.trainIdx = perm[:nVal], perm[nVal:]
		r.val = r.data
	}
	r.order = make([]int, len(r.trainIdx))
	r.batch = r.cfg.BatchSize
	if r.batch == 0 || r.batch > len(r.trainIdx) {
		r.batch = len(r.trainIdx)
	}
	r.chunk = r.batch
	if r.cfg.MicroBatch > 0 {
		r.chunk = min(r.cfg.MicroBatch, r.batch)
	}
	if r.cfg.RestoreBest {
		for _, nt := range nn.StateTensors(r.model) {
			r.state = append(r.state, nt.Tensor)
			r.best = append(r.best, make([]float32, nt.Tensor.Len()))
		}
	}
	return nil
}

func (r *run) loop() error {
	batches := (len(r.trainIdx) + r.batch - 1) / r.batch
	wait := 0
	for r.epoch = 1; r.epoch <= r.epochs; r.epoch++ {
		r.model.SetTraining(true)
		if !r.cfg.NoShuffle && r.batch < len(r.trainIdx) {
			r.shuffle()
		}
		var sum float64
		for b := range batches {
			if err := physnn.Canceled(); err != nil {
				return fmt.Errorf("train: stopped before epoch %d, step %d: %w (%w)", r.epoch, r.step+1, ErrInterrupted, err)
			}
			idx := r.trainIdx[b*r.batch : min((b+1)*r.batch, len(r.trainIdx))]
			loss, err := r.trainStep(idx)
			if err != nil {
				return err
			}
			sum += loss * float64(len(idx))
			info := StepInfo{Epoch: r.epoch, Step: r.step, Batch: b + 1, Batches: batches, Size: len(idx), Loss: loss}
			for _, cb := range r.cfg.Callbacks {
				if err := r.callback(func() error { return cb.OnStep(info) }); err != nil {
					return err
				}
			}
		}
		if err := physnn.Canceled(); err != nil {
			return fmt.Errorf("train: stopped after epoch %d's training steps: %w (%w)", r.epoch, ErrInterrupted, err)
		}
		e := EpochInfo{Epoch: r.epoch, Epochs: r.epochs, Steps: r.step, TrainLoss: sum / float64(len(r.trainIdx)), ValLoss: math.NaN()}
		r.hist.TrainLoss = append(r.hist.TrainLoss, e.TrainLoss)
		monitor := e.TrainLoss
		if r.val != nil || len(r.cfg.Metrics) > 0 {
			evalData, evalIdx := r.val, r.valIdx
			if evalData == nil {
				evalData, evalIdx = r.data, r.trainIdx
			}
			loss, metrics, err := evaluate(r.model, evalData, evalIdx, r.loss, r.cfg.Metrics, r.chunk, r.evalWS)
			if err != nil {
				return fmt.Errorf("train: evaluation after epoch %d: %w", r.epoch, err)
			}
			if r.val != nil {
				e.ValLoss = loss
				monitor = loss
				r.hist.ValLoss = append(r.hist.ValLoss, loss)
			}
			e.Metrics = metrics
			for name, v := range metrics {
				r.hist.Metrics[name] = append(r.hist.Metrics[name], v)
			}
		}
		e.Elapsed = time.Since(r.start)
		if monitor < r.hist.BestLoss-r.cfg.MinDelta {
			r.hist.BestLoss, r.hist.BestEpoch = monitor, r.epoch
			wait = 0
			for i, t := range r.state {
				copy(r.best[i], t.Data())
			}
		} else {
			wait++
		}
		for _, cb := range r.cfg.Callbacks {
			if err := r.callback(func() error { return cb.OnEpoch(e) }); err != nil {
				return err
			}
		}
		if r.cfg.Patience > 0 && wait >= r.cfg.Patience {
			r.hist.StoppedEarly = true
			r.restoreBest()
			return nil
		}
	}
	r.restoreBest()
	return nil
}

// callback runs one callback call, turning ErrStop into a clean stop and a
// panic into an error.
func (r *run) callback(call func() error) (err error) {
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("train: callback panicked at epoch %d, step %d: %v", r.epoch, r.step, rec)
		}
	}()
	err = call()
	if errors.Is(err, ErrStop) {
		r.hist.StoppedEarly = true
		r.restoreBest()
		return errStopped
	}
	if err != nil {
		return fmt.Errorf("train: callback at epoch %d, step %d: %w", r.epoch, r.step, err)
	}
	return nil
}

// errStopped unwinds the loop after ErrStop; finish turns it into nil.
var errStopped = errors.New("train: stopped by a callback")

func (r *run) shuffle() {
	// A fresh permutation of the current order each epoch; Perm's one
	// allocation per epoch is outside the step loop.
	perm := r.rng.Perm(len(r.trainIdx))
	for i, j := range perm {
		r.order[i] = r.trainIdx[j]
	}
	copy(r.trainIdx, r.order)
}

// trainStep runs one optimizer step on the samples idx and returns the
// batch loss.
func (r *run) trainStep(idx []int) (loss float64, err error) {
	r.step++
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("train: panic at epoch %d, step %d: %v", r.epoch, r.step, rec)
		}
	}()
	r.opt.ZeroGrad()
	for lo := 0; lo < len(idx); lo += r.chunk {
		part := idx[lo:min(lo+r.chunk, len(idx))]
		l, err := r.accumulate(part, float64(len(part))/float64(len(idx)))
		loss += l
		if err != nil {
			return loss, err
		}
	}
	if err := r.opt.Step(); err != nil {
		return loss, fmt.Errorf("train: epoch %d, step %d: %w", r.epoch, r.step, err)
	}
	r.hist.Steps = r.step
	return loss, nil
}

// accumulate runs the forward and backward pass of the samples idx, a
// share weight of the step's batch, adding weight × their gradient to the
// parameters' gradients, and returns weight × their loss.
func (r *run) accumulate(idx []int, weight float64) (loss float64, err error) {
	// The previous pass's tensors are dead by now: its loss was read as a
	// float64 and nothing else of it is kept.
	r.ws.Reset()
	x, y := r.data.Batch(idx)
	pred := r.model.Forward(r.ws.Use(x))
	l := r.loss(pred, r.ws.Use(y))
	if l == nil {
		return 0, fmt.Errorf("train: epoch %d, step %d: the loss function returned nil", r.epoch, r.step)
	}
	if err := l.Err(); err != nil {
		return 0, fmt.Errorf("train: epoch %d, step %d: %w", r.epoch, r.step, err)
	}
	if l.Len() != 1 {
		return 0, fmt.Errorf("train: epoch %d, step %d: the loss must be a scalar, got shape %v", r.epoch, r.step, l.Shape())
	}
	value := float64(l.Item())
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return value, &LossError{Epoch: r.epoch, Step: r.step, Loss: value}
	}
	// A full-batch step on a large dataset can take longer than the ~100 ms
	// an interrupt may wait, so the hook is also polled inside the step; an
	// abandoned step leaves the parameters as they were.
	if err := physnn.Canceled(); err != nil {
		return value * weight, r.interrupted(err)
	}
	if weight != 1 {
		l = l.MulScalar(float32(weight))
	}
	if err := l.Backward(); err != nil {
		return value * weight, fmt.Errorf("train: epoch %d, step %d: backward: %w", r.epoch, r.step, err)
	}
	if err := physnn.Canceled(); err != nil {
		return value * weight, r.interrupted(err)
	}
	return value * weight, nil
}

// interrupted reports a cancellation inside the current step, which is
// abandoned.
func (r *run) interrupted(cause error) error {
	return fmt.Errorf("train: stopped during epoch %d, step %d (not applied): %w (%w)", r.epoch, r.step, ErrInterrupted, cause)
}

func (r *run) restoreBest() {
	if r.restored || r.hist.BestEpoch == 0 || len(r.state) == 0 {
		return
	}
	r.restored = true
	for i, t := range r.state {
		copy(t.Values(), r.best[i])
	}
}

func (r *run) finish(err error) {
	r.hist.Elapsed = time.Since(r.start)
	if r.model != nil {
		func() {
			defer func() { _ = recover() }()
			r.model.SetTraining(false)
		}()
	}
	for _, cb := range r.cfg.Callbacks {
		func() {
			defer func() { _ = recover() }()
			cb.OnEnd(r.hist, err)
		}()
	}
}
