package bench

import (
	"testing"
	"time"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/internal/gemm/cputime"
	"github.com/gophys/gophys/physnn/models/scinet"
	"github.com/gophys/gophys/physnn/nn"
	"github.com/gophys/gophys/physnn/optim"
	"github.com/gophys/gophys/physnn/sim"
	"github.com/gophys/gophys/physnn/train"
)

// sciNetCase is one SciNet benchmark configuration.
type sciNetCase struct {
	encoder, decoder []int
	batch            int
}

var (
	sciNetNotebook = sciNetCase{encoder: []int{64, 32}, decoder: []int{64, 32}, batch: 128}
	sciNetPaper    = sciNetCase{encoder: []int{500, 100}, decoder: []int{100, 100}, batch: 512}
)

// pendulumData returns samples pendulum samples (50 observations, one
// question, one answer).
func pendulumData(tb testing.TB, samples int) *sim.Data {
	tb.Helper()
	data, err := sim.Pendulum(sim.PendulumConfig{Samples: samples, Seed: 1, BMin: 0.4, BMax: 1.2, KappaMin: 4, KappaMax: 12})
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// stopAfter is a callback that ends Fit cleanly after steps steps.
func stopAfter(steps int) train.Callback {
	return train.CallbackFuncs{Step: func(s train.StepInfo) error {
		if s.Step >= steps {
			return train.ErrStop
		}
		return nil
	}}
}

// trainSciNet runs steps SciNet training steps of c through scinet.Train.
func trainSciNet(tb testing.TB, c sciNetCase, data *sim.Data, steps int) {
	model, err := scinet.New(scinet.Config{Observation: 50, Question: 1, Answer: 1, Latents: 3,
		Encoder: c.encoder, Decoder: c.decoder, Seed: 1})
	if err != nil {
		tb.Fatal(err)
	}
	_, _, err = scinet.Train(model, data, scinet.TrainConfig{Epochs: 1 << 30, BatchSize: c.batch, Beta: 1e-3,
		BetaWarmup: -1, Seed: 1, Callbacks: []train.Callback{stopAfter(steps)}})
	if err != nil {
		tb.Fatal(err)
	}
}

func benchSciNet(b *testing.B, c sciNetCase) {
	data := pendulumData(b, 64*c.batch)
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu := time.Now(), cputime.Process()
	trainSciNet(b, c, data, b.N)
	reportSamples(b, c.batch, time.Since(start), cputime.Process()-cpu)
}

// reportSamples reports the training throughput of b.N steps of batch
// samples that took wall time d and process CPU time cpu: samples/s, and
// samples per CPU-second, which a machine shared with other jobs disturbs
// much less than wall time (it counts the work, not the waiting for a
// core).
func reportSamples(b *testing.B, batch int, d, cpu time.Duration) {
	b.ReportMetric(float64(b.N*batch)/d.Seconds(), "samples/s")
	if cpu > 0 {
		b.ReportMetric(float64(b.N*batch)/cpu.Seconds(), "samples/cpu-s")
	}
}

// BenchmarkTrainSciNetNotebook measures a training step of the SciNet in
// notebooks/scinet-pendulum.ipynb (batch 128).
func BenchmarkTrainSciNetNotebook(b *testing.B) { benchSciNet(b, sciNetNotebook) }

// BenchmarkTrainSciNetPaper measures a training step of the paper's
// pendulum SciNet (encoder [500, 100], decoder [100, 100], batch 512).
func BenchmarkTrainSciNetPaper(b *testing.B) { benchSciNet(b, sciNetPaper) }

// jetCNNBatch is the jet CNN's batch size (Komiske et al. 2017).
const jetCNNBatch = 128

// jetCNN returns the jet-image CNN described in the package documentation.
func jetCNN(rng *physnn.RNG) *nn.Sequential {
	same := physnn.ConvOptions{Same: true}
	return nn.NewSequential(
		nn.NewConv2D(2, 64, 8, same, rng), nn.ReLU(), nn.MaxPool2D(2, 2), nn.NewDropout(0.25, rng.Split()), // 16×16
		nn.NewConv2D(64, 64, 4, same, rng), nn.ReLU(), nn.MaxPool2D(2, 2), nn.NewDropout(0.25, rng.Split()), // 8×8
		nn.NewConv2D(64, 64, 4, same, rng), nn.ReLU(), nn.MaxPool2D(2, 2), nn.NewDropout(0.25, rng.Split()), // 4×4
		nn.Flatten(),
		nn.NewDense(64*4*4, 128, rng), nn.ReLU(),
		nn.NewDense(128, 1, rng),
	)
}

// jetImages returns n random 2×33×33 images with random binary labels.
func jetImages(n int, rng *physnn.RNG) *train.TensorDataset {
	x := rng.Normal(0, 1, n, 2, 33, 33)
	labels := make([]float32, n)
	for i := range labels {
		labels[i] = float32(rng.IntN(2))
	}
	return train.NewTensorDataset(x, physnn.New(labels, n, 1))
}

// trainJetCNN runs steps training steps of the jet CNN through train.Fit.
func trainJetCNN(tb testing.TB, data train.Dataset, steps int) {
	rng := physnn.NewRNG(1)
	model := jetCNN(rng)
	opt := optim.NewAdam(model.Parameters(), optim.AdamConfig{LR: 1e-3})
	_, err := train.Fit(model, opt, data, train.Config{Epochs: 1 << 30, BatchSize: jetCNNBatch, Seed: 1,
		Loss: physnn.BCEWithLogits, Callbacks: []train.Callback{stopAfter(steps)}})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkTrainJetCNN measures a training step of the jet-image CNN
// (batch 128).
func BenchmarkTrainJetCNN(b *testing.B) {
	data := jetImages(16*jetCNNBatch, physnn.NewRNG(2))
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu := time.Now(), cputime.Process()
	trainJetCNN(b, data, b.N)
	reportSamples(b, jetCNNBatch, time.Since(start), cputime.Process()-cpu)
}
