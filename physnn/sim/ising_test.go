package sim

import (
	"math"
	"testing"
	"time"
)

func TestExactOracles(t *testing.T) {
	if got, want := CriticalTemperature, 2/math.Log(1+math.Sqrt2); math.Abs(got-want) > 1e-15 {
		t.Errorf("CriticalTemperature = %v, want 2/ln(1+√2) = %v", got, want)
	}
	if got := CriticalBeta * CriticalTemperature; math.Abs(got-1) > 1e-15 {
		t.Errorf("CriticalBeta·CriticalTemperature = %v, want 1", got)
	}
	tests := []struct {
		name      string
		got, want float64
		tol       float64
	}{
		// 0.9113: the value for T = 2.0 (4 decimals).
		{"M(2.0)", OnsagerMagnetization(2.0), 0.9113, 5e-5},
		{"M(Tc)", OnsagerMagnetization(CriticalTemperature), 0, 0},
		{"M(3.5)", OnsagerMagnetization(3.5), 0, 0},
		// u(T_c) = −√2 exactly.
		{"u(Tc)", OnsagerEnergy(CriticalTemperature), -math.Sqrt2, 1e-9},
		// Just off T_c the elliptic term is finite and small (x log x).
		{"u(Tc+1e-9) continuous", OnsagerEnergy(CriticalTemperature + 1e-9), -math.Sqrt2, 1e-6},
		// Low T: u → −2 + O(e^{−8/T}); 8 e^{−8} ≈ 0.0027 at T = 1.
		{"u(1.0)", OnsagerEnergy(1.0), -2 + 8*math.Exp(-8), 5e-4},
		// High T: u ≈ −2 tanh β ≈ −2/T (leading order of the high-T series).
		{"u(50)", OnsagerEnergy(50), -2 * math.Tanh(1.0/50), 2e-4},
		// The measured L = 40 Wolff run of the notes gives −1.745 at T = 2.0.
		{"u(2.0)", OnsagerEnergy(2.0), -1.7455, 1e-3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if math.Abs(tc.got-tc.want) > tc.tol {
				t.Errorf("got %.10f, want %.10f ± %g", tc.got, tc.want, tc.tol)
			}
		})
	}
}

func TestDecimate1D(t *testing.T) {
	// decisions.md: K = 1 → 0.66250 → 0.35006 → 0.11367.
	want := []float64{0.66250, 0.35006, 0.11367}
	K := 1.0
	for step := 0; step < 10; step++ {
		next := Decimate1D(K)
		if d := math.Abs(math.Tanh(next) - math.Tanh(K)*math.Tanh(K)); d > 1e-12 {
			t.Errorf("step %d: |tanh K' − tanh² K| = %g > 1e-12", step, d)
		}
		xi, xiNext := CorrelationLength1D(K), CorrelationLength1D(next)
		if math.Abs(xiNext/xi-0.5) > 1e-12 {
			t.Errorf("step %d: ξ' / ξ = %.15f, want 1/2", step, xiNext/xi)
		}
		if step < len(want) && math.Abs(next-want[step]) > 5e-6 {
			t.Errorf("step %d: K' = %.6f, want %.5f", step, next, want[step])
		}
		K = next
	}
	if K >= 1e-3 {
		t.Errorf("ten decimations from K = 1 give K = %g, want < 1e-3", K)
	}
}

func TestConstructorErrors(t *testing.T) {
	tests := []struct {
		name string
		err  func() error
	}{
		{"L=1", func() error { _, err := NewIsing(1, 2, 1); return err }},
		{"T=0", func() error { _, err := NewIsing(8, 0, 1); return err }},
		{"T=NaN", func() error { _, err := NewIsing(8, math.NaN(), 1); return err }},
		{"T=Inf", func() error { _, err := NewIsing(8, math.Inf(1), 1); return err }},
		{"ring of 2", func() error { _, err := NewIsing1D(2, 1, 1); return err }},
		{"dataset 0 samples", func() error { _, err := IsingConfigurations(2, DatasetConfig{L: 4}); return err }},
		{"sweep no temps", func() error { _, _, err := IsingSweep(nil, DatasetConfig{L: 4, Samples: 1}); return err }},
		{"bad algorithm", func() error { s, _ := NewIsing(4, 2, 1); return s.Advance(Algorithm(7), 1) }},
		{"measure n=0", func() error { s, _ := NewIsing(4, 2, 1); _, err := Measure(s, Wolff, 0, 1); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err() == nil {
				t.Error("got nil error")
			}
		})
	}
}

// run thermalizes a fresh chain and measures it.
func run(t testing.TB, L int, T float64, alg Algorithm, seed uint64, therm, n, between int) *Measurements {
	t.Helper()
	s, err := NewIsing(L, T, seed)
	if err != nil {
		t.Fatal(err)
	}
	s.Randomize()
	if err := s.Advance(alg, therm); err != nil {
		t.Fatal(err)
	}
	ms, err := Measure(s, alg, n, between)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestWolffOracles checks the sampler pass criteria.
func TestWolffOracles(t *testing.T) {
	t.Run("T=2.0,L=32,|m|", func(t *testing.T) {
		ms := run(t, 32, 2.0, Wolff, 1, 200, 5000, 1)
		m := ms.AbsMagnetization()
		t.Logf("⟨|m|⟩ = %v (τ %.2f), exact M = %.4f", m, m.Tau, OnsagerMagnetization(2))
		// Issue: within 0.01 of 0.9113.
		if math.Abs(m.Mean-0.9113) > 0.01 {
			t.Errorf("⟨|m|⟩ = %v, want 0.9113 ± 0.01", m)
		}
		// The energy at L = 32 is within finite-size corrections of Onsager.
		if e := ms.Energy(); math.Abs(e.Mean-OnsagerEnergy(2)) > 0.01 {
			t.Errorf("⟨e⟩ = %v, want Onsager %.4f ± 0.01", e, OnsagerEnergy(2))
		}
	})
	t.Run("Tc,L=40,e and Binder", func(t *testing.T) {
		start := time.Now()
		ms := run(t, 40, CriticalTemperature, Wolff, 2, 200, 20000, 1)
		e, u, xi := ms.Energy(), ms.Binder(), ms.CorrelationLength()
		t.Logf("L=40 β_c: ⟨e⟩ = %v (τ %.2f), U = %v, ξ_2nd = %v, ⟨|m|⟩ = %v (%v)",
			e, e.Tau, u, xi, ms.AbsMagnetization(), time.Since(start))
		// Issue: ⟨e⟩ = −1.43 ± 0.01 and U = 0.61 ± 0.02.
		if math.Abs(e.Mean+1.43) > 0.01 {
			t.Errorf("⟨e⟩ = %v, want −1.43 ± 0.01", e)
		}
		if math.Abs(u.Mean-0.61) > 0.02 {
			t.Errorf("U = %v, want 0.61 ± 0.02", u)
		}
		// At T_c, ξ/L tends to the universal 0.9050 (Salas & Sokal 2000);
		// at L = 40 it is within a few per cent of it.
		if r := xi.Mean / 40; math.Abs(r-0.905) > 0.05 {
			t.Errorf("ξ/L = %.4f, want ≈ 0.905 ± 0.05", r)
		}
	})
	t.Run("T=3.5,L=32,|m|<0.1", func(t *testing.T) {
		ms := run(t, 32, 3.5, Wolff, 3, 200, 3000, 1)
		m := ms.AbsMagnetization()
		t.Logf("⟨|m|⟩ = %v, ξ_2nd = %v", m, ms.CorrelationLength())
		if m.Mean >= 0.1 {
			t.Errorf("⟨|m|⟩ = %v, want < 0.1", m)
		}
	})
}

// TestMetropolisAgreesWithWolff compares ⟨|m|⟩ and ⟨e⟩ of the two samplers
// within 2σ, σ² the sum of both autocorrelation-corrected variances.
func TestMetropolisAgreesWithWolff(t *testing.T) {
	for _, T := range []float64{2.0, 3.0} {
		wolff := run(t, 16, T, Wolff, 10, 200, 10000, 1)
		metro := run(t, 16, T, Metropolis, 11, 500, 20000, 1)
		agree(t, "metropolis", T, wolff, metro)
	}
}

// TestSwendsenWangAgreesWithWolff is the same check for Swendsen–Wang, at
// T = 2.0, T_c and 3.0.
func TestSwendsenWangAgreesWithWolff(t *testing.T) {
	for _, T := range []float64{2.0, CriticalTemperature, 3.0} {
		wolff := run(t, 16, T, Wolff, 10, 200, 10000, 1)
		sw := run(t, 16, T, SwendsenWang, 12, 200, 10000, 1)
		agree(t, "swendsen-wang", T, wolff, sw)
	}
}

// agree checks ⟨|m|⟩ and ⟨e⟩ of other against Wolff's within 2σ.
func agree(t *testing.T, name string, T float64, wolff, other *Measurements) {
	t.Helper()
	obs := []struct {
		name string
		a, b Estimate
	}{
		{"|m|", wolff.AbsMagnetization(), other.AbsMagnetization()},
		{"e", wolff.Energy(), other.Energy()},
	}
	for _, o := range obs {
		t.Run(o.name+"@T="+formatT(T), func(t *testing.T) {
			sigma := math.Hypot(o.a.Err, o.b.Err)
			t.Logf("wolff %v (τ %.1f), %s %v (τ %.1f): %.2fσ",
				o.a, o.a.Tau, name, o.b, o.b.Tau, math.Abs(o.a.Mean-o.b.Mean)/sigma)
			if !(sigma > 0) || math.Abs(o.a.Mean-o.b.Mean) > 2*sigma {
				t.Errorf("differ by %.4f > 2σ = %.4f", math.Abs(o.a.Mean-o.b.Mean), 2*sigma)
			}
		})
	}
}

func formatT(T float64) string {
	return map[float64]string{2.0: "2.0", 3.0: "3.0", CriticalTemperature: "Tc"}[T]
}

func TestIsing1D(t *testing.T) {
	// ⟨s_i s_{i+1}⟩ of a 64-spin ring at K = 0.5 and 1 against the exact
	// transfer-matrix value, with both samplers.
	for _, K := range []float64{0.5, 1.0} {
		for _, alg := range []Algorithm{Metropolis, Wolff} {
			t.Run(alg.String(), func(t *testing.T) {
				s, err := NewIsing1D(64, 1/K, 5)
				if err != nil {
					t.Fatal(err)
				}
				s.Advance(alg, 100)
				ms, err := Measure(s, alg, 20000, 1)
				if err != nil {
					t.Fatal(err)
				}
				e := ms.Energy() // = −⟨s_i s_{i+1}⟩ in 1-D
				want := -NearestNeighbour1D(K, 64)
				if math.Abs(e.Mean-want) > 4*e.Err || e.Err > 0.01 {
					t.Errorf("K=%v: ⟨e⟩ = %v, want %.5f", K, e, want)
				}
			})
		}
	}
}

func TestCorrelationAndDatasets(t *testing.T) {
	s, err := NewIsing(8, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Correlation(10) // clipped to L/2
	if len(c) != 5 || c[0] != 1 || c[4] != 1 {
		t.Errorf("cold-start C(r) = %v, want five ones", c)
	}
	if got := s.Energy(); got != -2 {
		t.Errorf("cold-start energy %v, want −2", got)
	}
	x, err := IsingConfigurations(2.0, DatasetConfig{L: 8, Samples: 50, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	if sh := x.Shape(); sh[0] != 50 || sh[1] != 64 {
		t.Fatalf("shape %v, want [50 64]", sh)
	}
	for _, v := range x.Values() {
		if v != 0 && v != 1 {
			t.Fatalf("entry %v, want 0 or 1", v)
		}
	}
	y, err := IsingConfigurations(2.0, DatasetConfig{L: 8, Samples: 50, Seed: 4, PlusMinus: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range y.Values() {
		if v != 2*x.Values()[i]-1 {
			t.Fatalf("±1 dataset entry %d = %v, 0/1 entry %v: same seed must give the same chain", i, v, x.Values()[i])
		}
	}
	temps := []float64{1.5, 4}
	z, labels, err := IsingSweep(temps, DatasetConfig{L: 8, Samples: 200, Seed: 9, PlusMinus: true})
	if err != nil {
		t.Fatal(err)
	}
	vals := z.Values()
	for k, T := range temps {
		abs := 0.0
		for r := k * 200; r < (k+1)*200; r++ {
			if labels[r] != T {
				t.Fatalf("label %d = %v, want %v", r, labels[r], T)
			}
			m := 0.0
			for _, v := range vals[r*64 : (r+1)*64] {
				m += float64(v)
			}
			abs += math.Abs(m / 64)
		}
		abs /= 200
		// T = 1.5 is deep in the ordered phase (M = 0.986); T = 4 is
		// disordered (|m| ~ N^{-1/2}·sqrt(χ) ≈ 0.2 at L = 8).
		if (T < 2 && abs < 0.95) || (T > 3 && abs > 0.35) {
			t.Errorf("T=%v: dataset ⟨|m|⟩ = %.3f", T, abs)
		}
	}
}

// TestDatasetSpeed asserts the issue's "20,000 40×40 samples at T_c in
// seconds, not minutes": about 1.3 s on an idle core here; the bound leaves
// room for a machine shared with other builds.
func TestDatasetSpeed(t *testing.T) {
	start := time.Now()
	x, err := IsingConfigurations(CriticalTemperature, DatasetConfig{L: 40, Samples: 20000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	t.Logf("20000 40×40 samples at T_c: %v (%d values)", elapsed, x.Len())
	if elapsed > 30*time.Second {
		t.Errorf("took %v, want seconds", elapsed)
	}
}

// BenchmarkMetropolis reports spin updates per second of checkerboard
// Metropolis sweeps ("spins/s": attempted single-spin updates, L² per
// sweep; one op is one sweep).
func BenchmarkMetropolis(b *testing.B) {
	sweep := func(s *Ising) int { s.MetropolisSweep(); return s.Sites() }
	b.Run("L=40,T=Tc", func(b *testing.B) { benchSpins(b, CriticalTemperature, Metropolis, sweep) })
	b.Run("L=40,T=2.0", func(b *testing.B) { benchSpins(b, 2.0, Metropolis, sweep) })
}

// BenchmarkWolff reports spin updates per second of Wolff cluster flips
// ("spins/s": spins flipped, summed over the clusters; one op is one
// cluster).
func BenchmarkWolff(b *testing.B) {
	cluster := func(s *Ising) int { return s.WolffStep() }
	b.Run("L=40,T=Tc", func(b *testing.B) { benchSpins(b, CriticalTemperature, Wolff, cluster) })
	b.Run("L=40,T=3.5", func(b *testing.B) { benchSpins(b, 3.5, Wolff, cluster) })
}

// BenchmarkSwendsenWang reports spin updates per second of Swendsen–Wang
// sweeps ("spins/s": L² per sweep, every spin is assigned to a cluster).
func BenchmarkSwendsenWang(b *testing.B) {
	sweep := func(s *Ising) int { s.SwendsenWangSweep(); return s.Sites() }
	b.Run("L=40,T=Tc", func(b *testing.B) { benchSpins(b, CriticalTemperature, SwendsenWang, sweep) })
}

// benchSpins thermalizes a 40×40 model with alg and times update, which
// returns the number of spins it updated, reported as "spins/s".
func benchSpins(b *testing.B, T float64, alg Algorithm, update func(*Ising) int) {
	s, err := NewIsing(40, T, 1)
	if err != nil {
		b.Fatal(err)
	}
	s.Randomize()
	if err := s.Advance(alg, 50); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	spins := 0
	for b.Loop() {
		spins += update(s)
	}
	b.ReportMetric(float64(spins)/b.Elapsed().Seconds(), "spins/s")
}
