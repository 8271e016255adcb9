package sim

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gophys/gophys/physnn"
)

func TestQubits(t *testing.T) {
	cases := []struct {
		name         string
		cfg          QubitConfig
		meanOverlap  float64 // E|⟨ψ|φ⟩|² = 1/d for Haar pairs
		stdOverlap   float64 // std of Beta(1, d−1): 1/√12 (d=2), √(3/80) (d=4)
		wantRank     int     // rank of the observation matrix
		measurements int
	}{
		{"one qubit complete", QubitConfig{Samples: 4000, Qubits: 1, Seed: 1, ReferenceSeed: 2}, 0.5, 1 / math.Sqrt(12), 4, 10},
		{"one qubit incomplete", QubitConfig{Samples: 4000, Qubits: 1, Subspace: 2, Seed: 1, ReferenceSeed: 2}, 0.5, 1 / math.Sqrt(12), 3, 10},
		{"two qubits complete", QubitConfig{Samples: 4000, Qubits: 2, Seed: 1, ReferenceSeed: 2}, 0.25, math.Sqrt(3.0 / 80), 16, 30},
		{"two qubits incomplete", QubitConfig{Samples: 4000, Qubits: 2, Subspace: 3, Seed: 1, ReferenceSeed: 2}, 0.25, math.Sqrt(3.0 / 80), 6, 30},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Qubits(c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			n, m := c.cfg.Samples, c.measurements
			if !sameInts(d.Observations.Shape(), []int{n, m}) || !sameInts(d.Questions.Shape(), []int{n, m}) {
				t.Fatalf("shapes %v %v", d.Observations.Shape(), d.Questions.Shape())
			}
			all := append(append([]float32{}, d.Observations.Values()...), d.Answers.Values()...)
			for _, v := range append(all, d.Questions.Values()...) {
				if v < 0 || v > 1+1e-6 {
					t.Fatalf("Born probability %g outside [0, 1]", v)
				}
			}
			var mean, ss float64
			for _, v := range d.Answers.Values() {
				mean += float64(v)
			}
			mean /= float64(n)
			for _, v := range d.Answers.Values() {
				ss += (float64(v) - mean) * (float64(v) - mean)
			}
			std := math.Sqrt(ss / float64(n))
			// 4000 samples: the standard errors are below 0.005
			if math.Abs(mean-c.meanOverlap) > 0.02 || math.Abs(std-c.stdOverlap) > 0.02 {
				t.Errorf("overlap mean %.3f std %.3f, want %.3f and %.3f", mean, std, c.meanOverlap, c.stdOverlap)
			}
			// |⟨s|ψ⟩|² = s†ρs is linear in ρ: the observations span at most
			// d² real dimensions, and references from a real k-dim span
			// only k(k+1)/2 (incomplete tomography).
			obs := mat.NewDense(n, m, d.Observations.Float64())
			var svd mat.SVD
			svd.Factorize(obs, mat.SVDNone)
			sv := svd.Values(nil)
			rank := 0
			for _, s := range sv {
				if s > 1e-4*sv[0] {
					rank++
				}
			}
			if rank != c.wantRank {
				t.Errorf("observation rank %d, want %d", rank, c.wantRank)
			}
			// Params: ψ normalised, with its first amplitude real.
			for _, p := range d.Params[:50] {
				var norm float64
				for _, v := range p {
					norm += v * v
				}
				if math.Abs(norm-1) > 1e-9 || p[1] != 0 || p[0] < 0 {
					t.Fatalf("params %v: norm %g", p, norm)
				}
			}
		})
	}
	t.Run("Born probabilities of a basis sum to 1", func(t *testing.T) {
		psi := HaarState(4, physnn.NewRNG(11))
		var sum float64
		for k := range 4 {
			e := make([]complex128, 4)
			e[k] = 1
			sum += Overlap(e, psi)
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("Σ_k |⟨k|ψ⟩|² = %g", sum)
		}
	})
	t.Run("references fixed by ReferenceSeed", func(t *testing.T) {
		a, _ := Qubits(QubitConfig{Samples: 10, Qubits: 1, Seed: 1, ReferenceSeed: 7})
		b, _ := Qubits(QubitConfig{Samples: 10, Qubits: 1, Seed: 9, ReferenceSeed: 7})
		refs, _ := QubitReferences(QubitConfig{Qubits: 1, ReferenceSeed: 7})
		for i := range 10 {
			psi := []complex128{complex(b.Params[i][0], b.Params[i][1]), complex(b.Params[i][2], b.Params[i][3])}
			if got, want := float64(b.Observations.At(i, 3)), Overlap(refs[3], psi); math.Abs(got-want) > 1e-6 {
				t.Fatalf("sample %d: observation %g, want %g", i, got, want)
			}
		}
		if slices.Equal(a.Observations.Values(), b.Observations.Values()) {
			t.Error("different Seeds gave equal states")
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, bad := range []QubitConfig{{Samples: 1, Qubits: 3}, {Qubits: 1}, {Samples: 1, Qubits: 1, Subspace: -1}} {
			if _, err := Qubits(bad); err == nil {
				t.Errorf("%+v: no error", bad)
			}
		}
	})
}
