package display

import (
	"encoding/json"
	"math"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/nn"
	"github.com/gophys/gophys/physnn/optim"
	"github.com/gophys/gophys/physnn/train"
)

// encodingPublisher encodes every bundle as JSON, as the kernel does
// before sending it, and drops it: it prices an update at its real cost.
type encodingPublisher struct{ bytes, count int }

func (e *encodingPublisher) Publish(b Bundle) error { return e.encode(b) }
func (e *encodingPublisher) Update(b Bundle) error  { return e.encode(b) }
func (e *encodingPublisher) Clear(bool) error       { return nil }
func (e *encodingPublisher) encode(b Bundle) error {
	raw, err := json.Marshal(b.Data)
	e.bytes = len(raw)
	e.count++
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

// BenchmarkFitProgressOverhead measures what the default progress display
// (the one every train.Fit in a notebook gets, see AutoProgress) adds to a
// training run. Each iteration trains the same small MLP (1-64-64-1, batch
// 32, 128 steps an epoch, 32 epochs: about 0.2 s CPU, long enough for
// several throttled updates on top of the first and final ones) twice,
// once with AutoProgress off and once on, in alternating order so that load
// from other processes hits both alike. It reports the overhead in the
// process's CPU time (user + system, which other processes' load does not
// inflate) and in wall time (the median of the per-pair ratios, robust to
// load spikes), and logs both; the target is below 2 %. A 30 s training
// pays the same per-step cost and proportionally fewer fixed costs (the
// first and final displays), so its overhead is at most this.
//
//	go test -run '^$' -bench FitProgressOverhead -benchtime 10x -v ./display
func BenchmarkFitProgressOverhead(b *testing.B) {
	const n = 4096
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range xs {
		xs[i] = -3 + 6*float64(i)/(n-1)
		ys[i] = math.Sin(xs[i])
	}
	data := train.NewTensorDataset(physnn.FromFloat64(xs, n, 1), physnn.FromFloat64(ys, n, 1))
	pub := &encodingPublisher{}
	SetPublisher(pub)
	defer SetPublisher(nil)
	defer AutoProgress(true)
	newModel := func() (nn.Layer, optim.Optimizer) {
		rng := physnn.NewRNG(1)
		model := nn.NewSequential(nn.NewDense(1, 64, rng), nn.Tanh(), nn.NewDense(64, 64, rng), nn.Tanh(), nn.NewDense(64, 1, rng))
		return model, optim.NewAdam(model.Parameters(), optim.AdamConfig{LR: 1e-3})
	}
	plainModel, plainOpt := newModel()
	progModel, progOpt := newModel()
	cfg := train.Config{Epochs: 32, BatchSize: 32, Seed: 1}
	type cost struct{ wall, cpu time.Duration }
	fit := func(model nn.Layer, opt optim.Optimizer, progress bool) (cost, int) {
		AutoProgress(progress)
		cpu0, start := cpuTime(b), time.Now()
		h, err := train.Fit(model, opt, data, cfg)
		c := cost{time.Since(start), cpuTime(b) - cpu0}
		if err != nil {
			b.Fatal(err)
		}
		return c, h.Steps
	}
	var plain, prog cost
	var ratios []float64
	steps := 0
	pub.count = 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var cp, cq cost
		var s int
		// Alternate the order, so neither variant always runs with the
		// caches the other left behind.
		if i%2 == 0 {
			cp, s = fit(plainModel, plainOpt, false)
			cq, _ = fit(progModel, progOpt, true)
		} else {
			cq, _ = fit(progModel, progOpt, true)
			cp, s = fit(plainModel, plainOpt, false)
		}
		plain.wall, plain.cpu = plain.wall+cp.wall, plain.cpu+cp.cpu
		prog.wall, prog.cpu = prog.wall+cq.wall, prog.cpu+cq.cpu
		steps += s
		ratios = append(ratios, cq.wall.Seconds()/cp.wall.Seconds())
	}
	b.StopTimer()
	sort.Float64s(ratios)
	median := (ratios[(len(ratios)-1)/2] + ratios[len(ratios)/2]) / 2
	cpuOverhead := 100 * (prog.cpu.Seconds() - plain.cpu.Seconds()) / plain.cpu.Seconds()
	wallOverhead := 100 * (median - 1)
	b.ReportMetric(float64(plain.wall.Nanoseconds())/float64(steps), "ns/step")
	b.ReportMetric(cpuOverhead, "cpu_overhead_%")
	b.ReportMetric(wallOverhead, "wall_overhead_%")
	b.ReportMetric(float64(pub.count)/float64(b.N), "displays/fit")
	b.Logf("default progress display overhead: %.2f %% CPU time, %.2f %% wall time (median of %d pairs, "+
		"quartiles %+.1f %% … %+.1f %%: the wall-time noise); plain %.0f ms/fit (%.0f ms CPU), %.1f displays/fit; target < 2 %%",
		cpuOverhead, wallOverhead, len(ratios), 100*(ratios[len(ratios)/4]-1), 100*(ratios[3*len(ratios)/4]-1),
		plain.wall.Seconds()*1e3/float64(b.N),
		plain.cpu.Seconds()*1e3/float64(b.N), float64(pub.count)/float64(b.N))
}

// cpuTime is the CPU time (user + system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
