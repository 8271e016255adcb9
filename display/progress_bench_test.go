package display

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/nn"
	"github.com/gophys/gophys/physnn/optim"
	"github.com/gophys/gophys/physnn/train"
)

// encodingPublisher encodes every bundle as JSON, as the kernel does
// before sending it, and drops it: it prices an update at its real cost.
type encodingPublisher struct{ bytes int }

func (e *encodingPublisher) Publish(b Bundle) error { return e.encode(b) }
func (e *encodingPublisher) Update(b Bundle) error  { return e.encode(b) }
func (e *encodingPublisher) Clear(bool) error       { return nil }
func (e *encodingPublisher) encode(b Bundle) error {
	raw, err := json.Marshal(b.Data)
	e.bytes = len(raw)
	return err
}

// BenchmarkProgressOnStep is the cost of one throttled OnStep: what a
// training step pays when no update is due (the common case).
func BenchmarkProgressOnStep(b *testing.B) {
	SetPublisher(&encodingPublisher{})
	defer SetPublisher(nil)
	p, _ := NewProgress(ProgressConfig{Epochs: 1})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = p.OnStep(train.StepInfo{Epoch: 1, Step: i + 1, Batch: i + 1, Batches: b.N, Loss: 1 / float64(i+1)})
	}
}

// BenchmarkProgressUpdate is the cost of one update sent to the frontend
// with full curves (256 batch-loss points, 100 epoch points twice):
// payload, HTML with the SVG curve, text, and JSON encoding.
func BenchmarkProgressUpdate(b *testing.B) {
	pub := &encodingPublisher{}
	SetPublisher(pub)
	defer SetPublisher(nil)
	p := newProgress(ProgressConfig{Epochs: 100}, time.Now)
	for s := 1; s <= 100000; s++ {
		p.curve("batch loss").add(float64(s), math.Exp(-float64(s)/3e4))
	}
	for e := 1; e <= 100; e++ {
		p.curve("train loss").add(float64(e*1000), 1/float64(e))
		p.curve("val loss").add(float64(e*1000), 1.1/float64(e))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.mu.Lock()
		_ = p.flush(false)
		p.mu.Unlock()
	}
	b.ReportMetric(float64(pub.bytes), "bytes/update")
}

// BenchmarkFitProgressOverhead trains a small MLP (1-64-64-1, batch 32, 16
// steps per Fit) with and without a Progress callback, alternating the two
// in each iteration so that load from other processes hits both alike, and
// reports the relative overhead. Its steps are far shorter than a real
// model's, so the overhead is an upper bound.
func BenchmarkFitProgressOverhead(b *testing.B) {
	const n = 512
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range xs {
		xs[i] = -3 + 6*float64(i)/(n-1)
		ys[i] = math.Sin(xs[i])
	}
	data := train.NewTensorDataset(physnn.FromFloat64(xs, n, 1), physnn.FromFloat64(ys, n, 1))
	SetPublisher(&encodingPublisher{})
	defer SetPublisher(nil)
	AutoProgress(false)
	defer AutoProgress(true)
	newModel := func() (nn.Layer, optim.Optimizer) {
		rng := physnn.NewRNG(1)
		model := nn.NewSequential(nn.NewDense(1, 64, rng), nn.Tanh(), nn.NewDense(64, 64, rng), nn.Tanh(), nn.NewDense(64, 1, rng))
		return model, optim.NewAdam(model.Parameters(), optim.AdamConfig{LR: 1e-3})
	}
	plainModel, plainOpt := newModel()
	progModel, progOpt := newModel()
	p, _ := NewProgress(ProgressConfig{Epochs: b.N})
	plain := train.Config{Epochs: 1, BatchSize: 32, Seed: 1}
	withProgress := plain
	withProgress.Callbacks = []train.Callback{train.CallbackFuncs{Step: p.OnStep, Epoch: p.OnEpoch}}
	var tPlain, tProg time.Duration
	steps := 0
	b.ResetTimer()
	fit := func(model nn.Layer, opt optim.Optimizer, cfg train.Config, total *time.Duration) int {
		start := time.Now()
		h, err := train.Fit(model, opt, data, cfg)
		*total += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		return h.Steps
	}
	for i := 0; i < b.N; i++ {
		// Alternate the order, so neither variant always runs with the
		// caches the other left behind.
		if i%2 == 0 {
			steps += fit(plainModel, plainOpt, plain, &tPlain)
			fit(progModel, progOpt, withProgress, &tProg)
		} else {
			fit(progModel, progOpt, withProgress, &tProg)
			steps += fit(plainModel, plainOpt, plain, &tPlain)
		}
	}
	b.StopTimer()
	_ = p.Finish(nil)
	b.ReportMetric(float64(tPlain.Nanoseconds())/float64(steps), "ns/step")
	b.ReportMetric(100*(tProg.Seconds()-tPlain.Seconds())/tPlain.Seconds(), "overhead_%")
	b.ReportMetric(float64(p.updates)/b.Elapsed().Seconds(), "updates/s")
}
