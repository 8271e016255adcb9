package scinet

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/sim"
	"github.com/gophys/gophys/physnn/train"
)

func smallPendulum(t *testing.T, n int, seed uint64) *sim.Data {
	t.Helper()
	d, err := sim.Pendulum(sim.PendulumConfig{Samples: n, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestNewErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
	}{
		{"no latents", Config{Observation: 50, Question: 1, Answer: 1}},
		{"no answer", Config{Observation: 50, Question: 1, Latents: 2}},
		{"negative question", Config{Observation: 2, Question: -1, Answer: 1, Latents: 2}},
		{"Copernicus with question", Config{Observation: 2, Question: 1, Answer: 2, Latents: 2, Steps: 5}},
		{"negative prior", Config{Observation: 2, Answer: 2, Latents: 2, PriorStd: -1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := New(c.cfg); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestForwardShapesAndModes(t *testing.T) {
	m, err := New(Config{Observation: 50, Question: 1, Answer: 1, Latents: 3, Encoder: []int{8}, Decoder: []int{8}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	d := smallPendulum(t, 16, 1)
	x := d.Inputs()
	t.Run("shape", func(t *testing.T) {
		y := m.Forward(x)
		if err := y.Err(); err != nil || y.Shape()[0] != 16 || y.Shape()[1] != 1 {
			t.Fatalf("output %v, err %v", y.Shape(), err)
		}
	})
	t.Run("wrong input width", func(t *testing.T) {
		if err := m.Forward(d.Observations).Err(); err == nil {
			t.Error("no error for an input without the question")
		}
	})
	t.Run("training samples, evaluation uses μ", func(t *testing.T) {
		m.SetTraining(true)
		a, b := m.Forward(x).Values(), m.Forward(x).Values()
		if a[0] == b[0] {
			t.Error("two training passes gave equal outputs: the latent is not sampled")
		}
		m.SetTraining(false)
		a, b = m.Forward(x).Values(), m.Forward(x).Values()
		if a[0] != b[0] {
			t.Error("evaluation is not deterministic")
		}
	})
	t.Run("loss adds β·KL", func(t *testing.T) {
		m.SetTraining(false)
		y := m.Forward(x)
		m.Beta = 0
		plain := m.Loss(y, d.Answers).Item()
		m.Beta = 0.5
		with := m.Loss(y, d.Answers).Item()
		mu, logSigma := m.Encode(d.Observations)
		kl := physnn.KLDiagGaussian(mu, logSigma.MulScalar(2), 1).Item()
		if math.Abs(float64(with-plain-0.5*kl)) > 1e-5 || kl <= 0 {
			t.Errorf("loss %g − %g ≠ 0.5·KL %g", with, plain, kl)
		}
		m.Beta = 0
	})
}

func TestCopernicusVariant(t *testing.T) {
	d, err := sim.Copernicus(sim.CopernicusConfig{Samples: 32, Steps: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(Config{Observation: 2, Answer: 2, Latents: 2, Steps: 5, PriorStd: 0.1, Encoder: []int{16}, Decoder: []int{16}, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	m.Step.Values()[0] = 0.5
	m.SetTraining(false)
	y := m.Forward(d.Inputs())
	if err := y.Err(); err != nil || y.Shape()[1] != 10 {
		t.Fatalf("output %v, err %v", y.Shape(), err)
	}
	// Decoding z + b at step 0 must equal step 1 decoded from z.
	mu, _ := m.Encode(d.Observations)
	shifted := m.Decode(mu.Add(m.Step), nil)
	if got, want := shifted.At(3, 0), y.At(3, 2); math.Abs(float64(got-want)) > 1e-6 {
		t.Errorf("step 1 from z is %g, step 0 from z+b is %g", want, got)
	}
	if mu.Abs().Max().Item() > 1 {
		t.Error("latent means are not tanh-bounded")
	}
	hist, _, err := Train(m, d, TrainConfig{Epochs: 2, BatchSize: 16, Beta: 1e-3})
	if err != nil || len(hist.TrainLoss) != 2 {
		t.Fatalf("train: %v", err)
	}
}

func TestTrainLearnsAndSaves(t *testing.T) {
	data := smallPendulum(t, 2000, 1)
	fresh := smallPendulum(t, 500, 2)
	m, err := New(Config{Observation: 50, Question: 1, Answer: 1, Latents: 2, Encoder: []int{32}, Decoder: []int{32}, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	before, err := Analyze(m, fresh)
	if err != nil {
		t.Fatal(err)
	}
	betas := map[int]float32{}
	record := train.CallbackFuncs{Step: func(s train.StepInfo) error { betas[s.Step] = m.Beta; return nil }}
	hist, opt, err := Train(m, data, TrainConfig{Epochs: 10, BatchSize: 100, Beta: 1e-3, BetaWarmup: 0.5,
		Validation: fresh, Callbacks: []train.Callback{record}})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("β warm-up", func(t *testing.T) {
		// 200 steps, the first half at β = 0; the β callback runs before
		// the recorder, so step s records the β of step s+1.
		if betas[50] != 0 || betas[150] != 1e-3 {
			t.Errorf("β at steps 50 and 150: %g, %g", betas[50], betas[150])
		}
	})
	after, err := Analyze(m, fresh)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("learns", func(t *testing.T) {
		if !(after.RMS < 0.6*before.RMS) || len(hist.ValLoss) != 10 {
			t.Errorf("RMS %g before, %g after training", before.RMS, after.RMS)
		}
	})
	t.Run("save and load", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "scinet.ckpt")
		if err := Save(path, m, opt); err != nil {
			t.Fatal(err)
		}
		other, _ := New(m.Config())
		if err := Load(path, other, nil); err != nil {
			t.Fatal(err)
		}
		again, err := Analyze(other, fresh)
		if err != nil || again.RMS != after.RMS {
			t.Errorf("loaded model RMS %g, saved %g (err %v)", again.RMS, after.RMS, err)
		}
		wrong, _ := New(Config{Observation: 50, Question: 1, Answer: 1, Latents: 3, Encoder: []int{32}, Decoder: []int{32}})
		if err := Load(path, wrong, nil); err == nil {
			t.Error("loading into a model with another latent size: no error")
		}
	})
	t.Run("table layout", func(t *testing.T) {
		rows, cols := after.Rows(), after.Columns()
		if len(rows) != 2 || len(rows[0]) != len(cols) || cols[7] != "R² lin b" {
			t.Errorf("rows %v, columns %v", rows, cols)
		}
	})
	t.Run("errors", func(t *testing.T) {
		q, _ := sim.Qubits(sim.QubitConfig{Samples: 10, Qubits: 1})
		if _, _, err := Train(m, q, TrainConfig{Epochs: 1}); err == nil {
			t.Error("training on data of another shape: no error")
		}
		if _, _, err := Train(nil, data, TrainConfig{}); err == nil {
			t.Error("nil model: no error")
		}
	})
}

func TestRSquared(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4, 5, 6, 7}
	noise := []float64{0.1, -0.1, 0.1, -0.1, 0.1, -0.1, 0.1, -0.1}
	line, parabola, mixed := make([]float64, 8), make([]float64, 8), make([]float64, 8)
	other := []float64{3, 1, 4, 1, 5, 9, 2, 6}
	for i, v := range x {
		line[i] = 2*v + 1
		parabola[i] = (v-3.5)*(v-3.5) + noise[i]
		mixed[i] = v - 2*other[i]
	}
	cases := []struct {
		name   string
		y      []float64
		xs     [][]float64
		lo, hi float64
	}{
		{"exact line", line, [][]float64{x}, 1 - 1e-12, 1},
		{"parabola, linear fit", parabola, [][]float64{x}, 0, 0.05},
		{"parabola, quadratic fit", parabola, [][]float64{x, square(x)}, 0.99, 1},
		{"combination", mixed, [][]float64{x, other}, 1 - 1e-12, 1},
		{"constant", []float64{2, 2, 2, 2, 2, 2, 2, 2}, [][]float64{x}, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if r2, _ := RSquared(c.y, c.xs...); r2 < c.lo || r2 > c.hi {
				t.Errorf("R² = %g, want in [%g, %g]", r2, c.lo, c.hi)
			}
		})
	}
	_, coef := RSquared(mixed, x, other)
	if math.Abs(coef[1]-1) > 1e-9 || math.Abs(coef[2]+2) > 1e-9 {
		t.Errorf("coefficients %v, want [0 1 −2]", coef)
	}
}

func TestMutualInformation(t *testing.T) {
	// Correlated Gaussians have MI = −½ log(1 − ρ²).
	rng := physnn.NewRNG(4)
	const n = 20000
	cases := []struct {
		name string
		rho  float64
	}{{"independent", 0}, {"ρ = 0.6", 0.6}, {"ρ = 0.9", 0.9}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x, y := make([]float64, n), make([]float64, n)
			for i := range n {
				x[i] = rng.NormFloat64()
				y[i] = c.rho*x[i] + math.Sqrt(1-c.rho*c.rho)*rng.NormFloat64()
			}
			want := -0.5 * math.Log(1-c.rho*c.rho)
			// 31 bins per axis: plug-in bias ≈ 30²/(2n) ≈ 0.02 nats,
			// binning loses a little at strong correlation.
			if got := MutualInformation(x, y, 0); math.Abs(got-want) > 0.05 {
				t.Errorf("MI %.3f, want %.3f", got, want)
			}
			// monotone rescaling leaves it unchanged
			cubed := make([]float64, n)
			for i, v := range y {
				cubed[i] = v * v * v
			}
			if a, b := MutualInformation(x, y, 0), MutualInformation(x, cubed, 0); a != b {
				t.Errorf("MI changed under y → y³: %g vs %g", a, b)
			}
		})
	}
	if !math.IsNaN(MutualInformation([]float64{1}, nil, 0)) {
		t.Error("mismatched lengths: want NaN")
	}
}

func TestLatentMeansOnGrid(t *testing.T) {
	m, err := New(Config{Observation: 50, Question: 1, Answer: 1, Latents: 3, Encoder: []int{8}, Decoder: []int{8}, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	grid, err := sim.PendulumGrid(sim.PendulumConfig{}, 4, 5)
	if err != nil {
		t.Fatal(err)
	}
	mu, sigma, err := LatentMeans(m, grid)
	if err != nil {
		t.Fatal(err)
	}
	if len(mu) != 20 || len(mu[0]) != 3 || len(sigma) != 20 {
		t.Fatalf("got %d×%d means", len(mu), len(mu[0]))
	}
	wantMu, wantLogSigma := m.Encode(grid.Observations)
	for i := range mu {
		for k := range 3 {
			if math.Abs(mu[i][k]-float64(wantMu.At(i, k))) > 1e-6 ||
				math.Abs(sigma[i][k]-math.Exp(float64(wantLogSigma.At(i, k)))) > 1e-6 {
				t.Fatalf("sample %d latent %d: μ %g σ %g", i, k, mu[i][k], sigma[i][k])
			}
		}
	}
	if _, _, err := LatentMeans(nil, grid); err == nil {
		t.Error("nil model: no error")
	}
}
