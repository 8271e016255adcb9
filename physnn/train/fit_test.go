package train_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/nn"
	"github.com/gophys/gophys/physnn/optim"
	"github.com/gophys/gophys/physnn/physnntest"
	"github.com/gophys/gophys/physnn/train"
)

// lineData is y = 3x − 1 on n points in [−1, 1].
func lineData(n int) (x, y *physnn.Tensor) {
	xs, ys := make([]float32, n), make([]float32, n)
	for i := range n {
		xs[i] = -1 + 2*float32(i)/float32(n-1)
		ys[i] = 3*xs[i] - 1
	}
	return physnn.New(xs, n, 1), physnn.New(ys, n, 1)
}

func smallModel(seed uint64) *nn.Sequential {
	rng := physnn.NewRNG(seed)
	return nn.NewSequential(nn.NewDense(1, 8, rng), nn.Tanh(), nn.NewDense(8, 1, rng))
}

func snapshot(model nn.Layer) [][]float32 {
	var out [][]float32
	for _, p := range nn.StateTensors(model) {
		out = append(out, slices.Clone(p.Tensor.Data()))
	}
	return out
}

func equalState(a, b [][]float32) bool {
	return slices.EqualFunc(a, b, func(x, y []float32) bool { return slices.Equal(x, y) })
}

func TestFitMiniBatchesAndValidation(t *testing.T) {
	model := smallModel(1)
	opt := optim.NewAdam(model.Parameters(), optim.AdamConfig{LR: 0.02})
	var steps, epochs int
	var ended bool
	cb := train.CallbackFuncs{
		Step: func(s train.StepInfo) error {
			steps++
			if s.Step != steps || s.Batches != 5 {
				t.Errorf("step info %+v at call %d", s, steps)
			}
			return nil
		},
		Epoch: func(e train.EpochInfo) error { epochs++; return nil },
		End:   func(h *train.History, err error) { ended = err == nil },
	}
	// 100 points, 20% held out: 80 training samples in batches of 16.
	hist, err := train.Fit(model, opt, train.NewTensorDataset(lineData(100)), train.Config{
		Epochs: 60, BatchSize: 16, ValidationSplit: 0.2, Seed: 7,
		Metrics: []train.Metric{train.MAE()}, Callbacks: []train.Callback{cb},
	})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want int
	}{
		{"steps", hist.Steps, 60 * 5},
		{"step callbacks", steps, 60 * 5},
		{"epoch callbacks", epochs, 60},
		{"train losses", len(hist.TrainLoss), 60},
		{"validation losses", len(hist.ValLoss), 60},
		{"mae values", len(hist.Metrics["mae"]), 60},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if !ended {
		t.Error("OnEnd not called with a nil error")
	}
	if first, last := hist.ValLoss[0], hist.ValLoss[59]; !(last < 0.05*first) {
		t.Errorf("validation loss went from %.4g to %.4g, want a 20× drop", first, last)
	}
	// The recorded MAE must agree with an independent evaluation.
	_, metrics, err := train.Evaluate(model, train.NewTensorDataset(lineData(100)), nil, []train.Metric{train.MAE()}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if mae := metrics["mae"]; mae > 2*hist.Metrics["mae"][59]+0.01 {
		t.Errorf("MAE on all data %.4g, on validation %.4g", mae, hist.Metrics["mae"][59])
	}
}

func TestFitIsReproducible(t *testing.T) {
	run := func() [][]float32 {
		model := smallModel(2)
		opt := optim.NewSGD(model.Parameters(), optim.SGDConfig{LR: 0.1, Momentum: 0.9})
		if _, err := train.Fit(model, opt, train.NewTensorDataset(lineData(50)), train.Config{Epochs: 5, BatchSize: 7, Seed: 3}); err != nil {
			t.Fatal(err)
		}
		return snapshot(model)
	}
	if !equalState(run(), run()) {
		t.Error("two runs with the same seeds differ")
	}
}

func TestEarlyStoppingRestoresBest(t *testing.T) {
	model := smallModel(3)
	opt := optim.NewAdam(model.Parameters(), optim.AdamConfig{LR: 0.01})
	var afterFirst [][]float32
	cb := train.CallbackFuncs{Epoch: func(e train.EpochInfo) error {
		if e.Epoch == 1 {
			afterFirst = snapshot(model)
		}
		return nil
	}}
	// A MinDelta no improvement can beat: epoch 1 stays the best.
	hist, err := train.Fit(model, opt, train.NewTensorDataset(lineData(40)), train.Config{
		Epochs: 50, Patience: 3, MinDelta: 1e9, RestoreBest: true, Callbacks: []train.Callback{cb},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !hist.StoppedEarly || len(hist.TrainLoss) != 4 || hist.BestEpoch != 1 {
		t.Errorf("stopped early %v after %d epochs, best %d; want true, 4, 1", hist.StoppedEarly, len(hist.TrainLoss), hist.BestEpoch)
	}
	if !equalState(snapshot(model), afterFirst) {
		t.Error("RestoreBest did not restore the first epoch's parameters")
	}
}

func TestFitInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	physnn.SetCancelContext(ctx)
	defer physnn.SetCancelContext(nil)
	model := smallModel(4)
	opt := optim.NewAdam(model.Parameters(), optim.AdamConfig{})
	var endErr error
	cb := train.CallbackFuncs{
		Step: func(s train.StepInfo) error {
			if s.Step == 3 {
				cancel()
			}
			return nil
		},
		End: func(_ *train.History, err error) { endErr = err },
	}
	hist, err := train.Fit(model, opt, train.NewTensorDataset(lineData(40)), train.Config{Epochs: 100, BatchSize: 10, Callbacks: []train.Callback{cb}})
	if !errors.Is(err, train.ErrInterrupted) || !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want ErrInterrupted and context.Canceled", err)
	}
	if !errors.Is(endErr, train.ErrInterrupted) {
		t.Errorf("OnEnd got %v, want ErrInterrupted", endErr)
	}
	if hist.Steps != 3 {
		t.Errorf("%d steps completed, want 3", hist.Steps)
	}
	y := train.Predict(model, physnn.Zeros(2, 1))
	if y.Err() != nil || math.IsNaN(float64(y.Data()[0])) {
		t.Errorf("model unusable after interrupt: %v %v", y.Err(), y.Data())
	}
}

// TestFitInterruptedInsideStep cancels while the loss of step 3 is being
// computed: the step is abandoned and the model keeps step 2's parameters.
func TestFitInterruptedInsideStep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	physnn.SetCancelContext(ctx)
	defer physnn.SetCancelContext(nil)
	model := smallModel(4)
	opt := optim.NewAdam(model.Parameters(), optim.AdamConfig{})
	calls := 0
	loss := func(p, y *physnn.Tensor) *physnn.Tensor {
		if calls++; calls == 3 {
			cancel()
		}
		return physnn.MSE(p, y)
	}
	var afterTwo [][]float32
	cb := train.CallbackFuncs{Step: func(s train.StepInfo) error {
		if s.Step == 2 {
			afterTwo = snapshot(model)
		}
		return nil
	}}
	hist, err := train.Fit(model, opt, train.NewTensorDataset(lineData(40)), train.Config{
		Epochs: 10, BatchSize: 10, Loss: loss, Callbacks: []train.Callback{cb},
	})
	if !errors.Is(err, train.ErrInterrupted) || !strings.Contains(err.Error(), "step 3 (not applied)") {
		t.Fatalf("error %v, want ErrInterrupted during step 3", err)
	}
	if hist.Steps != 2 || !equalState(snapshot(model), afterTwo) {
		t.Errorf("%d steps applied, parameters changed by the abandoned step: %v", hist.Steps, !equalState(snapshot(model), afterTwo))
	}
}

func TestFitInterruptLatency(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	physnn.SetCancelContext(ctx)
	defer physnn.SetCancelContext(nil)
	model := smallModel(5)
	opt := optim.NewAdam(model.Parameters(), optim.AdamConfig{})
	var canceledAt time.Time
	go func() {
		time.Sleep(50 * time.Millisecond)
		canceledAt = time.Now()
		cancel()
	}()
	_, err := train.Fit(model, opt, train.NewTensorDataset(lineData(64)), train.Config{Epochs: 1 << 30, BatchSize: 8})
	latency := time.Since(canceledAt)
	if !errors.Is(err, train.ErrInterrupted) {
		t.Fatalf("error %v, want ErrInterrupted", err)
	}
	// The loop checks the hook before every step (microseconds here); a
	// second is the kernel's requirement, with room for a loaded machine.
	if latency > time.Second {
		t.Errorf("Fit returned %v after the cancel", latency)
	}
}

// panicDataset panics in Batch, as a buggy cell-defined dataset might.
type panicDataset struct{}

func (panicDataset) Len() int                          { return 4 }
func (panicDataset) Batch([]int) (x, y *physnn.Tensor) { panic("no data here") }

func TestFitErrors(t *testing.T) {
	nanX, nanY := lineData(40)
	nanY.Values()[25] = float32(math.NaN()) // in the third batch of 10
	cases := []struct {
		name   string
		data   train.Dataset
		cfg    train.Config
		model  nn.Layer
		want   string
		target error
	}{
		{name: "nan loss", data: train.NewTensorDataset(nanX, nanY), cfg: train.Config{BatchSize: 10, NoShuffle: true},
			want: "loss is NaN at epoch 1, step 3"},
		{name: "empty dataset", data: train.NewTensorDataset(physnn.Zeros(0, 1), physnn.Zeros(0, 1)), want: "empty dataset"},
		{name: "mismatched dataset", data: train.NewTensorDataset(physnn.Zeros(3, 1), physnn.Zeros(4, 1)), want: "3 samples, targets 4"},
		{name: "shape error", data: train.NewTensorDataset(physnn.Zeros(4, 2), physnn.Zeros(4, 1)), want: "matmul"},
		{name: "panicking loss", cfg: train.Config{Loss: func(p, t *physnn.Tensor) *physnn.Tensor { panic("bad loss") }},
			want: "panic at epoch 1, step 1: bad loss"},
		{name: "non-scalar loss", cfg: train.Config{Loss: func(p, t *physnn.Tensor) *physnn.Tensor { return p.Sub(t) }},
			want: "loss must be a scalar"},
		{name: "panicking dataset", data: panicDataset{}, want: "no data here"},
		{name: "panicking callback", cfg: train.Config{Callbacks: []train.Callback{train.CallbackFuncs{
			Epoch: func(train.EpochInfo) error { panic("display broke") }}}}, want: "callback panicked at epoch 1"},
		{name: "callback error", cfg: train.Config{Callbacks: []train.Callback{train.CallbackFuncs{
			Step: func(train.StepInfo) error { return context.DeadlineExceeded }}}}, target: context.DeadlineExceeded},
		{name: "bad split", cfg: train.Config{ValidationSplit: 0.001}, want: "empty training or validation set"},
		{name: "negative micro-batch", cfg: train.Config{MicroBatch: -1}, want: "MicroBatch -1"},
		{name: "nan loss in a micro-batch", data: train.NewTensorDataset(nanX, nanY), cfg: train.Config{BatchSize: 20, MicroBatch: 3, NoShuffle: true},
			want: "loss is NaN at epoch 1, step 2"},
		{name: "nil model", model: nil, want: "model is nil"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data
			if data == nil {
				data = train.NewTensorDataset(lineData(40))
			}
			var model nn.Layer = smallModel(6)
			if tc.name == "nil model" {
				model = tc.model
			}
			var params []*physnn.Tensor
			if model != nil {
				params = nn.Parameters(model)
			}
			before := [][]float32{}
			if model != nil {
				before = snapshot(model)
			}
			_, err := train.Fit(model, optim.NewSGD(params, optim.SGDConfig{}), data, tc.cfg)
			if err == nil {
				t.Fatal("nil error")
			}
			if tc.want != "" && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
			if tc.target != nil && !errors.Is(err, tc.target) {
				t.Errorf("error %v does not wrap %v", err, tc.target)
			}
			if tc.name == "nan loss" {
				var le *train.LossError
				if !errors.As(err, &le) || le.Step != 3 {
					t.Errorf("error %v is not a *LossError for step 3", err)
				}
				for _, p := range snapshot(model) {
					for _, v := range p {
						if math.IsNaN(float64(v)) {
							t.Fatal("NaN reached the parameters")
						}
					}
				}
				if equalState(before, snapshot(model)) {
					t.Error("the two good steps before the NaN were not applied")
				}
			}
		})
	}
}

func TestCallbackStop(t *testing.T) {
	model := smallModel(7)
	cb := train.CallbackFuncs{Epoch: func(e train.EpochInfo) error {
		if e.Epoch == 2 {
			return train.ErrStop
		}
		return nil
	}}
	hist, err := train.Fit(model, optim.NewSGD(model.Parameters(), optim.SGDConfig{}), train.NewTensorDataset(lineData(10)),
		train.Config{Epochs: 10, Callbacks: []train.Callback{cb}})
	if err != nil || !hist.StoppedEarly || len(hist.TrainLoss) != 2 {
		t.Errorf("err %v, stopped early %v after %d epochs; want nil, true, 2", err, hist.StoppedEarly, len(hist.TrainLoss))
	}
}

func TestTensorDataset(t *testing.T) {
	x := physnn.New([]float32{0, 1, 10, 11, 20, 21, 30, 31}, 4, 2)
	y := physnn.New([]float32{0, 1, 2, 3}, 4)
	d := train.NewTensorDataset(x, y)
	bx, by := d.Batch([]int{2, 0})
	if !slices.Equal(bx.Data(), []float32{20, 21, 0, 1}) || !slices.Equal(by.Data(), []float32{2, 0}) {
		t.Errorf("batch [2 0] = %v %v", bx.Data(), by.Data())
	}
	if !slices.Equal(bx.Shape(), []int{2, 2}) || !slices.Equal(by.Shape(), []int{2}) {
		t.Errorf("batch shapes %v %v", bx.Shape(), by.Shape())
	}
	if ax, ay := d.Batch([]int{0, 1, 2, 3}); ax != x || ay != y {
		t.Error("the full batch in order is not the original tensors")
	}
	if ex, _ := d.Batch([]int{4}); ex.Err() == nil {
		t.Error("index 4 of 4: no error")
	}
	allocs := testing.AllocsPerRun(100, func() { d.Batch([]int{3, 1}) })
	if allocs != 0 {
		t.Errorf("Batch allocated %v times, want 0", allocs)
	}
}

func TestAccuracy(t *testing.T) {
	pred := physnn.New([]float32{0.9, 0.1, 0.2, 0.8, 0.6, 0.4}, 3, 2)
	cases := []struct {
		name   string
		target *physnn.Tensor
		want   float64
	}{
		{"class indices", physnn.New([]float32{0, 1, 1}, 3), 2.0 / 3},
		{"one-hot", physnn.New([]float32{1, 0, 1, 0, 1, 0}, 3, 2), 2.0 / 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := train.Accuracy().Fn(pred, tc.target); math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("accuracy %g, want %g", got, tc.want)
			}
		})
	}
}

// TestMicroBatchIsTheSameStep checks that accumulating a batch's gradient
// in micro-batches gives the step of the whole batch: the same parameters
// and losses after a few epochs, up to float32 rounding, for batch sizes
// that the micro-batch divides and does not divide, and with validation
// metrics evaluated in micro-batches too.
func TestMicroBatchIsTheSameStep(t *testing.T) {
	x, y := lineData(100)
	cases := []struct {
		name            string
		batch, micro    int
		validationSplit float64
	}{
		{"full batch in chunks of 25", 0, 25, 0},
		{"full batch in uneven chunks", 0, 30, 0},
		{"mini-batches in chunks", 40, 16, 0},
		{"micro-batch larger than the batch", 10, 64, 0},
		{"with a validation split", 0, 16, 0.2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fit := func(micro int) ([][]float32, *train.History) {
				model := smallModel(3)
				// SGD, not Adam: Adam's update would hide a wrongly scaled
				// gradient.
				opt := optim.NewSGD(model.Parameters(), optim.SGDConfig{LR: 0.05})
				hist, err := train.Fit(model, opt, train.NewTensorDataset(x, y), train.Config{
					Epochs: 5, BatchSize: tc.batch, MicroBatch: micro, Loss: physnn.L1, Seed: 1,
					ValidationSplit: tc.validationSplit, Metrics: []train.Metric{train.MAE()},
				})
				if err != nil {
					t.Fatal(err)
				}
				return snapshot(model), hist
			}
			whole, wholeHist := fit(0)
			chunked, chunkedHist := fit(tc.micro)
			for i := range whole {
				physnntest.AllClose(t, toFloat64(chunked[i]), toFloat64(whole[i]), 1e-5, 1e-4)
			}
			physnntest.AllClose(t, chunkedHist.TrainLoss, wholeHist.TrainLoss, 1e-5, 1e-5)
			physnntest.AllClose(t, chunkedHist.Metrics["mae"], wholeHist.Metrics["mae"], 1e-5, 1e-5)
			if chunkedHist.Steps != wholeHist.Steps {
				t.Errorf("%d optimizer steps in micro-batches, %d without", chunkedHist.Steps, wholeHist.Steps)
			}
		})
	}
}

func toFloat64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, f := range v {
		out[i] = float64(f)
	}
	return out
}

// TestFitAddsNoAllocations compares Fit's allocations per full-batch step
// with those of the same step written by hand: the loop itself must add
// none (the forward and backward ops allocate their own results).
func TestFitAddsNoAllocations(t *testing.T) {
	x, y := lineData(64)
	data := train.NewTensorDataset(x, y)
	model := smallModel(8)
	opt := optim.NewAdam(model.Parameters(), optim.AdamConfig{})
	steps := 0
	counter := train.CallbackFuncs{Step: func(train.StepInfo) error { steps++; return nil }}
	fitAllocs := func(epochs int) float64 {
		return testing.AllocsPerRun(3, func() {
			if _, err := train.Fit(model, opt, data, train.Config{Epochs: epochs, Callbacks: []train.Callback{counter}}); err != nil {
				t.Fatal(err)
			}
		})
	}
	perStep := (fitAllocs(40) - fitAllocs(20)) / 20
	handAllocs := testing.AllocsPerRun(20, func() {
		opt.ZeroGrad()
		loss := physnn.MSE(model.Forward(x), y)
		_ = loss.Item()
		if err := loss.Backward(); err != nil {
			t.Fatal(err)
		}
		if err := opt.Step(); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("allocations per full-batch step: Fit %.1f, hand-written loop %.1f", perStep, handAllocs)
	// Epoch bookkeeping (an EpochInfo, history appends) is amortised over
	// the steps; half an allocation per step is the slack for it.
	if perStep > handAllocs+0.5 {
		t.Errorf("Fit allocates %.1f per step, the bare step %.1f", perStep, handAllocs)
	}
}

func BenchmarkFitStep(b *testing.B) {
	rng := physnn.NewRNG(9)
	model := nn.NewSequential(nn.NewDense(50, 500, rng), nn.ELU(1), nn.NewDense(500, 100, rng), nn.ELU(1), nn.NewDense(100, 6, rng))
	x, y := rng.Normal(0, 1, 512, 50), rng.Normal(0, 1, 512, 6)
	data := train.NewTensorDataset(x, y)
	opt := optim.NewAdam(model.Parameters(), optim.AdamConfig{})
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := train.Fit(model, opt, data, train.Config{Epochs: b.N}); err != nil {
		b.Fatal(err)
	}
}
