package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/internal/racedet"
	"github.com/gophys/gophys/physnn/sim"
)

// states enumerates all 2^n configurations of n units as rows.
func states(n int, units Units) *physnn.Tensor {
	down := float32(0)
	if units == Spin {
		down = -1
	}
	out := make([]float32, 0, n<<n)
	for s := 0; s < 1<<n; s++ {
		for i := 0; i < n; i++ {
			if s>>i&1 == 1 {
				out = append(out, 1)
			} else {
				out = append(out, down)
			}
		}
	}
	return physnn.New(out, 1<<n, n)
}

// randomRBM returns a small RBM with O(1) weights and biases, so that its
// distribution is far from uniform.
func randomRBM(t *testing.T, v, h int, units Units, seed uint64) *RBM {
	t.Helper()
	r, err := New(v, h, units, seed)
	if err != nil {
		t.Fatal(err)
	}
	rng := physnn.NewRNG(seed + 100)
	copy(r.Weights.Values(), rng.Normal(0, 1, v, h).Values())
	copy(r.VisibleBias.Values(), rng.Normal(0, 0.5, v).Values())
	copy(r.HiddenBias.Values(), rng.Normal(0, 0.5, h).Values())
	return r
}

// energy is E(v, h) = −b·v − c·h − vᵀWh, written out directly.
func energy(r *RBM, v, h []float32) float64 {
	e := 0.0
	w, b, c := r.Weights.Values(), r.VisibleBias.Values(), r.HiddenBias.Values()
	for i := range v {
		e -= float64(b[i] * v[i])
		for j := range h {
			e -= float64(v[i] * w[i*len(h)+j] * h[j])
		}
	}
	for j := range h {
		e -= float64(c[j] * h[j])
	}
	return e
}

func TestFreeEnergyMatchesEnumeration(t *testing.T) {
	for _, units := range []Units{Binary, Spin} {
		t.Run(units.String(), func(t *testing.T) {
			const nv, nh = 4, 3
			r := randomRBM(t, nv, nh, units, 1)
			vs, hs := states(nv, units), states(nh, units)
			f, err := r.FreeEnergy(vs)
			if err != nil {
				t.Fatal(err)
			}
			for s := 0; s < 1<<nv; s++ {
				v := vs.Data()[s*nv : (s+1)*nv]
				z := 0.0
				for k := 0; k < 1<<nh; k++ {
					z += math.Exp(-energy(r, v, hs.Data()[k*nh:(k+1)*nh]))
				}
				if want := -math.Log(z); math.Abs(f[s]-want) > 1e-5 {
					t.Errorf("F(v=%v) = %.7f, want −log Σ_h e^{−E} = %.7f", v, f[s], want)
				}
			}
		})
	}
}

// exactVisible returns p(v) ∝ e^{−F(v)} over all visible states.
func exactVisible(t *testing.T, r *RBM) []float64 {
	f, err := r.FreeEnergy(states(r.Visible(), r.Units))
	if err != nil {
		t.Fatal(err)
	}
	p := make([]float64, len(f))
	z := 0.0
	for i, fi := range f {
		p[i] = math.Exp(-fi)
		z += p[i]
	}
	for i := range p {
		p[i] /= z
	}
	return p
}

func stateIndex(row []float32) int {
	idx := 0
	for i, x := range row {
		if x > 0 {
			idx |= 1 << i
		}
	}
	return idx
}

func TestGibbsSamplesTheModel(t *testing.T) {
	for _, units := range []Units{Binary, Spin} {
		t.Run(units.String(), func(t *testing.T) {
			const nv, chains = 4, 4000
			r := randomRBM(t, nv, 3, units, 2)
			want := exactVisible(t, r)
			v0 := physnn.Zeros(chains, nv)
			v, err := r.Gibbs(v0, 50)
			if err != nil {
				t.Fatal(err)
			}
			counts := make([]float64, 1<<nv)
			for c := 0; c < chains; c++ {
				counts[stateIndex(v.Data()[c*nv:(c+1)*nv])]++
			}
			for s, p := range want {
				got := counts[s] / chains
				// 4σ of a binomial proportion from 4000 chains.
				if tol := 4 * math.Sqrt(p*(1-p)/chains); math.Abs(got-p) > tol+1e-3 {
					t.Errorf("state %04b: frequency %.4f, exact %.4f ± %.4f", s, got, p, tol)
				}
			}
		})
	}
}

// logLikelihood is the exact mean log p(v) of the rows of data.
func logLikelihood(t *testing.T, r *RBM, data *physnn.Tensor) float64 {
	p := exactVisible(t, r)
	n := r.Visible()
	total := 0.0
	rows := data.Shape()[0]
	for k := 0; k < rows; k++ {
		total += math.Log(p[stateIndex(data.Data()[k*n:(k+1)*n])])
	}
	return total / float64(rows)
}

func TestTrainingRaisesLikelihood(t *testing.T) {
	// Two patterns and their complements; the uniform model has
	// log p = −6 log 2 = −4.16, a perfect one −log 4 = −1.39.
	patterns := [][]float32{{1, 1, 1, 0, 0, 0}, {0, 0, 0, 1, 1, 1}, {1, 0, 1, 0, 1, 0}, {0, 1, 0, 1, 0, 1}}
	var rows []float32
	for k := 0; k < 200; k++ {
		rows = append(rows, patterns[k%4]...)
	}
	data := physnn.New(rows, 200, 6)
	tests := []struct {
		name string
		cfg  Config
	}{
		{"CD-1", Config{Epochs: 60, BatchSize: 20, LearningRate: 0.1, Momentum: 0.5}},
		{"CD-3", Config{Epochs: 60, BatchSize: 20, LearningRate: 0.1, K: 3}},
		{"PCD", Config{Epochs: 60, BatchSize: 20, LearningRate: 0.1, Persistent: true}},
		// 200 rows in batches of 30 end each epoch with a batch of 20.
		{"PCD, last batch smaller", Config{Epochs: 60, BatchSize: 30, LearningRate: 0.1, Persistent: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := New(6, 8, Binary, 3)
			if err != nil {
				t.Fatal(err)
			}
			before := logLikelihood(t, r, data)
			hist, err := r.Train(data, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			after := logLikelihood(t, r, data)
			t.Logf("log-likelihood %.3f → %.3f; reconstruction error %.3f → %.3f",
				before, after, hist[0].ReconstructionError, hist[len(hist)-1].ReconstructionError)
			// Halfway from uniform to perfect: −4.16 → better than −2.8.
			if after <= -2.8 {
				t.Errorf("log-likelihood %.3f after training, want > −2.8 (uniform −4.16, perfect −1.39)", after)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	r, _ := New(4, 2, Binary, 1)
	dbn := &DBN{Layers: []*RBM{r}}
	tests := []struct {
		name string
		err  func() error
	}{
		{"zero hidden", func() error { _, err := New(4, 0, Binary, 1); return err }},
		{"bad units", func() error { _, err := New(4, 2, Units(9), 1); return err }},
		{"wrong width", func() error { _, err := r.HiddenMean(physnn.Zeros(3, 5)); return err }},
		{"nil batch", func() error { _, err := r.FreeEnergy(nil); return err }},
		{"negative steps", func() error { _, err := r.Gibbs(physnn.Zeros(1, 4), -1); return err }},
		{"momentum 1", func() error { _, err := r.Train(physnn.Zeros(2, 4), Config{Momentum: 1}); return err }},
		{"negative L1Start", func() error { _, err := r.Train(physnn.Zeros(2, 4), Config{L1Start: -1}); return err }},
		{"dbn one size", func() error { _, _, err := TrainDBN(physnn.Zeros(2, 4), []int{4}, Config{}); return err }},
		{"dbn configs", func() error {
			_, _, err := TrainDBNLayers(physnn.Zeros(2, 4), []int{4, 2, 1}, []Config{{}})
			return err
		}},
		{"dbn mixed units", func() error {
			_, _, err := TrainDBNLayers(physnn.Zeros(2, 4), []int{4, 2, 1}, []Config{{}, {Units: Spin}})
			return err
		}},
		{"depth 2 of 1", func() error { _, err := dbn.ReceptiveFields(2); return err }},
		{"reconstruct depth 0", func() error { _, err := dbn.Reconstruct(physnn.Zeros(1, 4), 0); return err }},
		{"block 3 of L=4", func() error { _, err := BlockSpins(physnn.Zeros(1, 16), 4, 3, Binary, 1); return err }},
		{"locality shape", func() error { _, err := Locality(physnn.Zeros(15, 2), 4, 2); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err() == nil {
				t.Error("got nil error")
			}
		})
	}
}

func TestBlockSpins(t *testing.T) {
	// L = 4, 2×2 blocks: block (0,0) all up, (1,0) three down, (0,1) three
	// up, (1,1) a 2–2 tie.
	spins := []float32{
		1, 1, -1, -1,
		1, 1, -1, 1,
		1, 1, 1, -1,
		-1, 1, -1, 1,
	}
	want := []float32{1, -1, 1}
	got, err := BlockSpins(physnn.New(spins, 1, 16), 4, 2, Spin, 1)
	if err != nil {
		t.Fatal(err)
	}
	g := got.Data()
	for i, w := range want {
		if g[i] != w {
			t.Errorf("block %d = %v, want %v", i, g[i], w)
		}
	}
	if g[3] != 1 && g[3] != -1 {
		t.Errorf("tie block = %v, want ±1", g[3])
	}
	binary := make([]float32, 16)
	for i, s := range spins {
		binary[i] = (s + 1) / 2
	}
	gb, err := BlockSpins(physnn.New(binary, 1, 16), 4, 2, Binary, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if gb.Data()[i] != (g[i]+1)/2 {
			t.Errorf("binary block %d = %v, want %v", i, gb.Data()[i], (g[i]+1)/2)
		}
	}
}

func TestLocalityOfHandMadeFields(t *testing.T) {
	const L = 16
	fields := make([]float32, L*L*2)
	// Unit 0: a 3×3 blob around (15, 0), across the periodic boundary.
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			x, y := (15+dx+L)%L, (dy+L)%L
			fields[(y*L+x)*2] = 1
		}
	}
	// Unit 1: spread evenly, with less total mass so unit 0 is the active one.
	for i := 0; i < L*L; i++ {
		fields[i*2+1] = 0.01
	}
	st, err := Locality(physnn.New(fields, L*L, 2), L, 5)
	if err != nil {
		t.Fatal(err)
	}
	// The blob's RMS radius is sqrt(Σ(dx²+dy²)/9) = sqrt(12/9), core and
	// whole field alike.
	r3 := math.Sqrt(12.0 / 9)
	if st.Active != 1 || st.Fraction != 1 || st.MeanShare != 1 ||
		math.Abs(st.MeanRadius-r3) > 1e-9 || math.Abs(st.MeanRMSRadius-r3) > 1e-9 {
		t.Errorf("got %+v, want 1 active unit, all mass inside, radii %.4f", st, r3)
	}
}

// TestCoreRadius checks the core radius on fields whose answer is known: 0
// for one site, the core's own radius for a site with weak tails over the
// whole lattice (where the RMS radius is large), and ≈ L/√6 for random
// weights.
func TestCoreRadius(t *testing.T) {
	const L = 16
	site := make([]float32, L*L)
	site[5*L+7] = 1
	tails := make([]float32, L*L)
	for i := range tails {
		tails[i] = 0.02
	}
	tails[5*L+7] = 1
	tests := []struct {
		name          string
		field         *physnn.Tensor
		core, rms     float64 // want (rms < 0: not checked)
		tolCore, tolR float64
	}{
		{"one site", physnn.New(site, L*L, 1), 0, 0, 1e-9, 1e-9},
		// Tails of 0.02 on 255 sites hold 5.1 of the 6.1 units of mass.
		{"one site with tails", physnn.New(tails, L*L, 1), 0, 6.0, 1e-9, 0.5},
		// Uniform points on the torus: ⟨dx² + dy²⟩ = L²/6 about a fixed
		// centre; the ~40 core sites' own centroid sits a little closer
		// to them (6.5 · 0.9 = 5.9).
		{"random", physnn.NewRNG(3).Normal(0, 1, L*L, 64), 0.9 * L / math.Sqrt(6), -1, 0.6, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := Locality(tc.field, L, 5)
			if err != nil {
				t.Fatal(err)
			}
			if tc.field.Shape()[1] == 1 {
				// One unit is never above the median of one: measure it
				// through the radius helpers directly.
				abs := make([]float64, L*L)
				for i, v := range tc.field.Data() {
					abs[i] = math.Abs(float64(v))
				}
				st.MeanRadius, st.MeanRMSRadius = radius(abs, L, 0.5), radius(abs, L, 0)
			}
			if math.Abs(st.MeanRadius-tc.core) > tc.tolCore {
				t.Errorf("core radius %.3f, want %.3f ± %.3f", st.MeanRadius, tc.core, tc.tolCore)
			}
			if tc.rms >= 0 && math.Abs(st.MeanRMSRadius-tc.rms) > tc.tolR {
				t.Errorf("RMS radius %.3f, want %.3f ± %.3f", st.MeanRMSRadius, tc.rms, tc.tolR)
			}
		})
	}
}

// TestFirstLayerLocality checks the notes' locality criterion on 16×16
// Ising samples at β = 0.408 (Mehta–Schwab's temperature) and at β_c:
// with L1 at least 70% of the active first-layer units keep half their |W|
// mass in a 5×5 window; without L1 fewer do; random weights put ≈ 25/256
// of the mass there and no unit passes.
func TestFirstLayerLocality(t *testing.T) {
	const L, window = 16, 5
	random, err := newRBM(L*L, 64, Binary, 0.1, 7)
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := Locality(random.Weights, L, window)
	t.Logf("random weights: %+v", rs)
	// 25/256 = 0.098; snapping the window to the densest centroid adds a
	// little.
	if rs.MeanShare < 0.08 || rs.MeanShare > 0.15 || rs.Fraction > 0.05 {
		t.Errorf("random weights: %+v, want mass share ≈ 0.1 and no local unit", rs)
	}
	// At β_c the fields carry more of the global magnetization and need a
	// stronger penalty to shrink to blobs (1e-3 leaves 16% of them local).
	for _, tc := range []struct{ beta, l1 float64 }{{0.408, 1e-3}, {sim.CriticalBeta, 3e-3}} {
		t.Run(fmt.Sprintf("beta=%.3f", tc.beta), func(t *testing.T) {
			l1On := float32(tc.l1)
			data, err := sim.IsingConfigurations(1/tc.beta, sim.DatasetConfig{L: L, Samples: 5000, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			// lr 0.05, 20 epochs, momentum 0.5: the notes' CPU toy setting. The L1
			// strength 1e-3 per unit learning rate removes the initial noise in
			// ~2000 updates.
			fraction := map[float32]float64{}
			for _, l1 := range []float32{0, l1On} {
				// The L1 run trains a two-layer DBN (its first layer is the same
				// RBM as a single one with the same seed) to check depth too.
				sizes := []int{L * L, 64}
				if l1 > 0 {
					sizes = append(sizes, 16)
				}
				dbn, hist, err := TrainDBN(data, sizes, Config{Epochs: 20, LearningRate: 0.05, Momentum: 0.5, L1: l1, Seed: 1})
				if err != nil {
					t.Fatal(err)
				}
				st, _ := Locality(dbn.Layers[0].Weights, L, window)
				first, last := hist[0], hist[19]
				t.Logf("L1 = %g: %+v; reconstruction error %.4f → %.4f, pseudo-likelihood %.1f → %.1f, epoch %v",
					l1, st, first.ReconstructionError, last.ReconstructionError,
					first.PseudoLikelihood, last.PseudoLikelihood, last.Duration)
				if last.ReconstructionError >= first.ReconstructionError {
					t.Errorf("L1 = %g: reconstruction error did not fall (%.4f → %.4f)", l1, first.ReconstructionError, last.ReconstructionError)
				}
				fraction[l1] = st.Fraction
				if l1 == 0 {
					continue
				}
				f2, err := dbn.ReceptiveFields(2)
				if err != nil {
					t.Fatal(err)
				}
				st2, _ := Locality(f2, L, window)
				t.Logf("layer 2 (W1·W2): %+v", st2)
				if st2.MeanRadius <= st.MeanRadius {
					t.Errorf("mean receptive-field radius %.2f (layer 1) → %.2f (layer 2), want growth with depth", st.MeanRadius, st2.MeanRadius)
				}
				sample := data.Slice(0, 0, 1000)
				rec, err := dbn.Reconstruct(sample, 2)
				if err != nil {
					t.Fatal(err)
				}
				m, c, _ := Magnetization(sample, L, Binary)
				rm, rc, _ := Magnetization(rec, L, Binary)
				t.Logf("data ⟨|m|⟩ %.3f ⟨s s'⟩ %.3f; depth-2 reconstruction ⟨|m|⟩ %.3f ⟨s s'⟩ %.3f", m, c, rm, rc)
				// The issue asks for ⟨|m|⟩ within 0.1 of the data's.
				if math.Abs(rm-m) > 0.1 {
					t.Errorf("reconstruction ⟨|m|⟩ %.3f, data %.3f: want within 0.1", rm, m)
				}
			}
			if fraction[l1On] < 0.7 {
				t.Errorf("with L1: %.2f of active units local, want ≥ 0.70", fraction[l1On])
			}
			if fraction[l1On] <= fraction[0] {
				t.Errorf("L1 did not raise the local fraction: %.2f (L1) vs %.2f (none)", fraction[l1On], fraction[0])
			}
		})
	}
}

// reconstructionLayers are the per-layer settings that let top-down
// reconstructions keep the data's short-range order: ±1 units, a first
// layer trained for 100 epochs with L1 (20 epochs left its reconstructions'
// ⟨s s'⟩ 0.15 below the data's at L = 16), and the small upper layers
// trained to convergence (they are cheap; short training lost another 0.08
// per layer). The notebook uses the same settings at L = 16, with a weak
// L1 penalty on its second layer too (without it, at β_c, the second
// layer's fields spread wider than the third's).
func reconstructionLayers(layers int) []Config {
	cfgs := []Config{{Epochs: 100, LearningRate: 0.02, Momentum: 0.5, L1: 7.5e-3, Units: Spin, Seed: 1}}
	for i := 1; i < layers; i++ {
		cfgs = append(cfgs, Config{Epochs: 200 << (i - 1), LearningRate: 0.05, Momentum: 0.5, Units: Spin, Seed: 1})
	}
	return cfgs
}

// TestReconstructionStatistics checks that sampled top-down reconstructions
// from every depth reproduce the data's ⟨|m|⟩ and nearest-neighbour
// correlation within 0.1, on 8×8 lattices at β = 0.408 (Mehta–Schwab's) and
// at β_c, with the notebook's shape of stack, half the units in the first
// layer and a quarter after: 64 → 32 → 8 → 2 (the notebook checks
// 256 → 128 → 32 → 8 on 16×16).
func TestReconstructionStatistics(t *testing.T) {
	const L = 8
	for _, beta := range []float64{0.408, sim.CriticalBeta} {
		t.Run(fmt.Sprintf("beta=%.3f", beta), func(t *testing.T) {
			data, err := sim.IsingConfigurations(1/beta, sim.DatasetConfig{L: L, Samples: 5000, Seed: 1, PlusMinus: true})
			if err != nil {
				t.Fatal(err)
			}
			dbn, _, err := TrainDBNLayers(data, []int{64, 32, 8, 2}, reconstructionLayers(3))
			if err != nil {
				t.Fatal(err)
			}
			sample := data.Slice(0, 0, 1000)
			m, c, _ := Magnetization(sample, L, Spin)
			for depth := 1; depth <= 3; depth++ {
				rec, err := dbn.Reconstruct(sample, depth)
				if err != nil {
					t.Fatal(err)
				}
				rm, rc, _ := Magnetization(rec, L, Spin)
				t.Logf("depth %d: reconstruction ⟨|m|⟩ %.3f ⟨s s'⟩ %.3f; data %.3f %.3f", depth, rm, rc, m, c)
				if math.Abs(rm-m) > 0.1 || math.Abs(rc-c) > 0.1 {
					t.Errorf("depth %d: reconstruction ⟨|m|⟩ %.3f, ⟨s s'⟩ %.3f; data %.3f, %.3f: want both within 0.1", depth, rm, rc, m, c)
				}
			}
		})
	}
}

func TestDBN(t *testing.T) {
	const L = 8
	data, err := sim.IsingConfigurations(1/0.408, sim.DatasetConfig{L: L, Samples: 1000, Seed: 2, PlusMinus: true})
	if err != nil {
		t.Fatal(err)
	}
	dbn, hist, err := TrainDBN(data, []int{64, 16, 4}, Config{Epochs: 5, LearningRate: 0.05, Units: Spin, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(dbn.Layers) != 2 || len(hist) != 10 || hist[9].Layer != 2 {
		t.Fatalf("got %d layers and %d epochs, want 2 and 10", len(dbn.Layers), len(hist))
	}
	f2, err := dbn.ReceptiveFields(2)
	if err != nil {
		t.Fatal(err)
	}
	if sh := f2.Shape(); sh[0] != 64 || sh[1] != 4 {
		t.Fatalf("receptive fields of layer 2: shape %v, want [64 4]", sh)
	}
	// Entry (i, j) of W1·W2 is Σ_k W1[i,k] W2[k,j].
	w1, w2 := dbn.Layers[0].Weights.Data(), dbn.Layers[1].Weights.Data()
	want := 0.0
	for k := 0; k < 16; k++ {
		want += float64(w1[5*16+k] * w2[k*4+3])
	}
	if got := float64(f2.At(5, 3)); math.Abs(got-want) > 1e-5 {
		t.Errorf("(W1·W2)[5,3] = %v, want %v", got, want)
	}
	rec, err := dbn.Reconstruct(data, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range rec.Data() {
		if v != 1 && v != -1 {
			t.Fatalf("reconstruction value %v, want ±1", v)
		}
	}
	m, c, _ := Magnetization(data, L, Spin)
	rm, rc, _ := Magnetization(rec, L, Spin)
	t.Logf("data ⟨|m|⟩ %.3f ⟨ss⟩ %.3f; depth-2 reconstruction %.3f %.3f", m, c, rm, rc)
	if rc <= 0 {
		t.Errorf("reconstructions have nearest-neighbour correlation %.3f, want ferromagnetic (> 0)", rc)
	}
}

// TestStepAllocatesNothing checks that a CD step in steady state
// allocates nothing: the batch, sample and workspace buffers are reused,
// for full batches and the smaller last one, with CD-k and persistent CD.
func TestStepAllocatesNothing(t *testing.T) {
	if racedet.Enabled {
		t.Skip("the race detector drops pooled buffers on purpose")
	}
	for _, units := range []Units{Binary, Spin} {
		for _, cfg := range []Config{
			{BatchSize: 20, Momentum: 0.5, L1: 1e-3},
			{BatchSize: 20, K: 3, L2: 1e-3},
			{BatchSize: 20, Persistent: true},
		} {
			cfg, _ = cfg.withDefaults()
			r, err := New(64, 16, units, 1)
			if err != nil {
				t.Fatal(err)
			}
			data := physnn.NewRNG(2).Bernoulli(0.5, 27, 64)
			if units == Spin {
				data = data.MulScalar(2).AddScalar(-1)
			}
			tr := r.newTrainer(20, 7, cfg.Persistent)
			epoch := func() {
				for lo := 0; lo < 27; lo += 20 {
					b := tr.batch(27 - lo)
					copy(b.v0.Values(), data.Data()[lo*64:(lo+b.n)*64])
					if err := r.step(tr, b, cfg); err != nil {
						t.Fatal(err)
					}
				}
			}
			epoch() // the first steps fill the workspace
			if got := testing.AllocsPerRun(20, epoch); got != 0 {
				t.Errorf("%v units, K = %d, persistent %v: %.1f allocations per epoch of two steps, want 0",
					units, cfg.K, cfg.Persistent, got)
			}
		}
	}
}

// cdSizes are the benchmark sizes: the notes' CPU toy and Mehta–Schwab's
// first layer on the 20,000 rows.
var cdSizes = []struct {
	name                  string
	visible, hidden, rows int
}{
	{"256x64,5000rows", 256, 64, 5000},
	{"1600x400,20000rows", 1600, 400, 20000},
}

// cdBench is the setting of BenchmarkCD1Epoch: CD-1, batch 100, momentum
// 0.5, L1 2e-4 (Mehta–Schwab's re-implementation).
var cdBench = Config{BatchSize: 100, LearningRate: 0.01, Momentum: 0.5, L1: 2e-4}

// BenchmarkCD1Epoch times one CD-1 epoch of a binary RBM (one op = one
// epoch, without Train's per-epoch monitoring) twice in the same run: with
// the physnn RBM (float32, RBM.step) and with the same computation written
// with plain gonum mat (float64: the same products, sampling, momentum, L1
// and bias updates).
func BenchmarkCD1Epoch(b *testing.B) {
	for _, size := range cdSizes {
		data := physnn.NewRNG(1).Bernoulli(0.5, size.rows, size.visible)
		b.Run(size.name+"/physnn", func(b *testing.B) {
			r, _ := New(size.visible, size.hidden, Binary, 1)
			cfg, _ := cdBench.withDefaults()
			values := data.Data()
			bs := cfg.BatchSize
			tr := r.newTrainer(bs, 0, false)
			b.ReportAllocs()
			for b.Loop() {
				for lo := 0; lo+bs <= size.rows; lo += bs {
					copy(tr.full.v0.Values(), values[lo*size.visible:(lo+bs)*size.visible])
					if err := r.step(tr, &tr.full, cfg); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/epoch")
		})
		b.Run(size.name+"/gonum-mat", func(b *testing.B) {
			g := newGonumRBM(size.visible, size.hidden, 1)
			values := data.Float64()
			bs := cdBench.BatchSize
			b.ReportAllocs()
			for b.Loop() {
				for lo := 0; lo+bs <= size.rows; lo += bs {
					g.step(mat.NewDense(bs, size.visible, values[lo*size.visible:(lo+bs)*size.visible]), cdBench)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/epoch")
		})
	}
}

// gonumRBM is RBM.step for binary units written with plain gonum mat, the
// baseline of BenchmarkCD1Epoch.
type gonumRBM struct {
	w, velW                      *mat.Dense
	b, c, velB, velC             []float64
	m0, h0, pv, v1, m1, pos, neg mat.Dense
	rng                          *rand.Rand
}

func newGonumRBM(nv, nh int, seed uint64) *gonumRBM {
	g := &gonumRBM{
		w: mat.NewDense(nv, nh, nil), velW: mat.NewDense(nv, nh, nil),
		b: make([]float64, nv), c: make([]float64, nh), velB: make([]float64, nv), velC: make([]float64, nh),
		rng: rand.New(rand.NewPCG(seed, 2)),
	}
	for i := 0; i < nv; i++ {
		for j := 0; j < nh; j++ {
			g.w.Set(i, j, 0.01*g.rng.NormFloat64())
		}
	}
	return g
}

// step applies one CD-1 update from the batch v0, as RBM.step.
func (g *gonumRBM) step(v0 *mat.Dense, cfg Config) {
	n, _ := v0.Dims()
	sigmoid := func(m *mat.Dense, bias []float64) {
		m.Apply(func(_, j int, x float64) float64 { return 1 / (1 + math.Exp(-(x + bias[j]))) }, m)
	}
	sample := func(dst, p *mat.Dense) {
		dst.Apply(func(_, _ int, x float64) float64 {
			if g.rng.Float64() < x {
				return 1
			}
			return 0
		}, p)
	}
	g.m0.Mul(v0, g.w)
	sigmoid(&g.m0, g.c)
	sample(&g.h0, &g.m0)
	g.pv.Mul(&g.h0, g.w.T())
	sigmoid(&g.pv, g.b)
	sample(&g.v1, &g.pv)
	g.m1.Mul(&g.v1, g.w)
	sigmoid(&g.m1, g.c)
	g.pos.Mul(v0.T(), &g.m0)
	g.neg.Mul(g.v1.T(), &g.m1)
	g.pos.Sub(&g.pos, &g.neg)
	lr, mom, l1 := float64(cfg.LearningRate), float64(cfg.Momentum), float64(cfg.L1)
	scale := lr / float64(n)
	g.velW.Apply(func(i, j int, vel float64) float64 {
		w := g.w.At(i, j)
		penalty := 0.0
		if w > 0 {
			penalty = l1
		} else if w < 0 {
			penalty = -l1
		}
		return mom*vel + scale*g.pos.At(i, j) - lr*penalty
	}, g.velW)
	g.w.Add(g.w, g.velW)
	gonumBias(g.b, g.velB, v0, &g.v1, mom, scale)
	gonumBias(g.c, g.velC, &g.m0, &g.m1, mom, scale)
}

// gonumBias is updateBias on gonum matrices.
func gonumBias(bias, vel []float64, pos, neg *mat.Dense, momentum, scale float64) {
	n, _ := pos.Dims()
	for j := range bias {
		gj := 0.0
		for i := 0; i < n; i++ {
			gj += pos.At(i, j) - neg.At(i, j)
		}
		vel[j] = momentum*vel[j] + scale*gj
		bias[j] += vel[j]
	}
}

func TestPseudoLikelihoodIsUnbiased(t *testing.T) {
	for _, units := range []Units{Binary, Spin} {
		t.Run(units.String(), func(t *testing.T) {
			const nv, reps = 4, 4000
			r := randomRBM(t, nv, 3, units, 4)
			all := states(nv, units)
			f, _ := r.FreeEnergy(all)
			// Exact mean over all states of Σ_i log σ(F(v with i flipped) − F(v)).
			// The estimator draws one site per row: nv·log σ(d_i) with i
			// uniform; its mean over rows and sites is the exact value.
			var terms []float64
			for s := 0; s < 1<<nv; s++ {
				for i := 0; i < nv; i++ {
					d := f[s^(1<<i)] - f[s]
					terms = append(terms, nv*math.Log(1/(1+math.Exp(-d))))
				}
			}
			exact, sq := 0.0, 0.0
			for _, x := range terms {
				exact += x / float64(len(terms))
			}
			for _, x := range terms {
				sq += (x - exact) * (x - exact) / float64(len(terms))
			}
			tol := 4 * math.Sqrt(sq/float64(reps*(1<<nv))) // 4σ of the estimate
			rows := make([]float32, 0, reps*(1<<nv)*nv)
			for range reps {
				rows = append(rows, all.Data()...)
			}
			got, err := r.PseudoLikelihood(physnn.New(rows, reps*(1<<nv), nv))
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-exact) > tol {
				t.Errorf("stochastic pseudo-likelihood %.4f, exact %.4f ± %.4f", got, exact, tol)
			}
		})
	}
}

func TestWeightPenaltiesShrinkWeights(t *testing.T) {
	data := physnn.NewRNG(5).Bernoulli(0.5, 200, 16)
	norm := func(cfg Config) float64 {
		r, err := newRBM(16, 8, Binary, 0.1, 6)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Train(data, cfg); err != nil {
			t.Fatal(err)
		}
		s := 0.0
		for _, w := range r.Weights.Values() {
			s += math.Abs(float64(w))
		}
		return s
	}
	base := Config{Epochs: 10, BatchSize: 20, LearningRate: 0.05}
	none := norm(base)
	tests := []struct {
		name string
		l1   float32
		l2   float32
	}{
		{"L1", 0.05, 0},
		{"L2", 0, 0.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := base
			cfg.L1, cfg.L2 = tc.l1, tc.l2
			// Uncorrelated data carry no structure, so the penalty must
			// win: ‖W‖₁ at most half of the unpenalized run's.
			if got := norm(cfg); got > none/2 {
				t.Errorf("‖W‖₁ = %.3f with the penalty, %.3f without: want at most half", got, none)
			}
		})
	}
}

// TestL1Start checks that the L1 penalty starts at epoch L1Start: a start
// after the last epoch trains exactly as no penalty, an earlier one
// shrinks the weights.
func TestL1Start(t *testing.T) {
	data := physnn.NewRNG(5).Bernoulli(0.5, 200, 16)
	train := func(cfg Config) []float32 {
		r, err := newRBM(16, 8, Binary, 0.1, 6)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Train(data, cfg); err != nil {
			t.Fatal(err)
		}
		return r.Weights.Data()
	}
	norm := func(w []float32) float64 {
		s := 0.0
		for _, x := range w {
			s += math.Abs(float64(x))
		}
		return s
	}
	base := Config{Epochs: 10, BatchSize: 20, LearningRate: 0.05}
	none := train(base)
	late, early := base, base
	late.L1, late.L1Start = 0.05, 11
	early.L1, early.L1Start = 0.05, 5
	for i, w := range train(late) {
		if w != none[i] {
			t.Fatalf("L1Start after the last epoch: weight %d = %v, want %v as without L1", i, w, none[i])
		}
	}
	if got := norm(train(early)); got > norm(none)/2 {
		t.Errorf("L1 from epoch 5: ‖W‖₁ = %.3f, without L1 %.3f; want at most half", got, norm(none))
	}
}

// fullLayers are the notebook's full-run settings for Mehta & Schwab's
// 1600 → 400 → 100 → 25 stack on 40×40 lattices (notebooks/rbm-renormalization.ipynb,
// full = true): 0/1 units, L1 on the first layer from epoch 11 and on the
// second from epoch 21, the upper layers trained longer.
func fullLayers() []Config {
	return []Config{
		{Epochs: 80, LearningRate: 0.05, Momentum: 0.5, L1: 2.5e-3, L1Start: 11, Units: Binary, Seed: 1},
		{Epochs: 100, LearningRate: 0.05, Momentum: 0.5, L1: 5e-3, L1Start: 21, Units: Binary, Seed: 1},
		{Epochs: 200, LearningRate: 0.05, Momentum: 0.5, Units: Binary, Seed: 1},
	}
}

// TestFullRun trains the notebook's full run at β = 0.408 and at β_c
// (minutes: set RBM_FULL=1) and checks the criteria the notebook asserts
// with full = true: ≥ 70% of the active first-layer units local in an 8×8
// window, the core radius growing with depth, and the reconstructions from
// every depth within 0.1 of the data's ⟨|m|⟩ and ⟨s s'⟩. Measured (4.3
// minutes per temperature): locality (99.5%, 98.5%) and the core radius
// (0.66 → 1.30 → 3.14; 0.62 → 1.97 → 6.07) pass; the reconstructions keep
// ⟨|m|⟩ within 0.02 and ⟨s s'⟩ from depth 1 within 0.1 (0.481 against
// 0.576; 0.640 against 0.715), but miss ⟨s s'⟩ from depths 2 and 3 (0.443
// and 0.433; 0.605 and 0.598), so this test fails on those four, as the
// notebook's full run does. The notebook's last section lists what was
// tried; the best decoder that keeps the spins independent given the
// first layer's code reaches only 0.512 at β = 0.408.
func TestFullRun(t *testing.T) {
	if os.Getenv("RBM_FULL") != "1" {
		t.Skip("trains the 40×40, 1600 → 400 → 100 → 25 DBN for several minutes; set RBM_FULL=1 (the notebook's full run asserts the same)")
	}
	const L, window = 40, 8
	for _, beta := range []float64{0.408, sim.CriticalBeta} {
		t.Run(fmt.Sprintf("beta=%.3f", beta), func(t *testing.T) {
			data, err := sim.IsingConfigurations(1/beta, sim.DatasetConfig{L: L, Samples: 20000, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			dbn, _, err := TrainDBNLayers(data, []int{1600, 400, 100, 25}, fullLayers())
			if err != nil {
				t.Fatal(err)
			}
			sample := data.Slice(0, 0, 1000)
			m, c, _ := Magnetization(sample, L, Binary)
			radius := -1.0 // a single-site core has radius 0
			for depth := 1; depth <= 3; depth++ {
				f, err := dbn.ReceptiveFields(depth)
				if err != nil {
					t.Fatal(err)
				}
				st, _ := Locality(f, L, window)
				rec, err := dbn.Reconstruct(sample, depth)
				if err != nil {
					t.Fatal(err)
				}
				rm, rc, _ := Magnetization(rec, L, Binary)
				t.Logf("depth %d: %+v; reconstruction ⟨|m|⟩ %.3f ⟨s s'⟩ %.3f, data %.3f %.3f", depth, st, rm, rc, m, c)
				if depth == 1 && st.Fraction < 0.7 {
					t.Errorf("layer 1: %.2f of active units local, want ≥ 0.70", st.Fraction)
				}
				if st.MeanRadius <= radius {
					t.Errorf("depth %d: core radius %.2f, not above depth %d's %.2f", depth, st.MeanRadius, depth-1, radius)
				}
				radius = st.MeanRadius
				if math.Abs(rm-m) > 0.1 || math.Abs(rc-c) > 0.1 {
					t.Errorf("depth %d: reconstruction ⟨|m|⟩ %.3f, ⟨s s'⟩ %.3f; data %.3f, %.3f: want both within 0.1", depth, rm, rc, m, c)
				}
			}
		})
	}
}
