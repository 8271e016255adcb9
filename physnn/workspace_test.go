package physnn_test

import (
	"runtime"
	"testing"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/internal/racedet"
	"github.com/gophys/gophys/physnn/physnntest"
)

// bytesPerStep returns the heap bytes allocated per call of step, after
// two warm-up calls.
func bytesPerStep(t *testing.T, step func()) uint64 {
	step()
	step()
	const n = 5
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; i < n; i++ {
		step()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / n
}

func TestWorkspace(t *testing.T) {
	rng := physnn.NewRNG(1)
	heap, pooled := newMLP(rng, 8, 64, 64, 3), &mlp{}
	for i := range heap.ws {
		pooled.ws = append(pooled.ws, heap.ws[i].Clone().Detach().SetRequiresGrad(true))
		pooled.bs = append(pooled.bs, heap.bs[i].Clone().Detach().SetRequiresGrad(true))
	}
	x, y := rng.Normal(0, 1, 128, 8), rng.Normal(0, 1, 128, 3)
	ws := physnn.NewWorkspace()
	var heapBytes, wsBytes uint64
	t.Run("same gradients", func(t *testing.T) {
		for step := 0; step < 3; step++ {
			if err := heap.step(nil, x, y); err != nil {
				t.Fatal(err)
			}
			if err := pooled.step(ws, x, y); err != nil {
				t.Fatal(err)
			}
			for i := range heap.ws {
				physnntest.AllClose(t, pooled.ws[i].Grad().Float64(), heap.ws[i].Grad().Float64(), 0, 0)
				physnntest.AllClose(t, pooled.bs[i].Grad().Float64(), heap.bs[i].Grad().Float64(), 0, 0)
			}
		}
	})
	t.Run("recycles buffers", func(t *testing.T) {
		if racedet.Enabled {
			t.Skip("the race detector drops pooled buffers on purpose")
		}
		heapBytes = bytesPerStep(t, func() { _ = heap.step(nil, x, y) })
		wsBytes = bytesPerStep(t, func() { _ = pooled.step(ws, x, y) })
		// The 128×64 activations alone are 32 KiB each; what remains with
		// a workspace is per-op bookkeeping (headers, shapes, graph nodes).
		if wsBytes*5 > heapBytes {
			t.Errorf("a workspace step allocates %d bytes, a heap step %d: want at least 5× less", wsBytes, heapBytes)
		}
		t.Logf("bytes per step: heap %d, workspace %d", heapBytes, wsBytes)
	})
	t.Run("few allocations per step", func(t *testing.T) {
		// A 1-16-16-1 step records ~25 ops; what still allocates is one
		// closure per op and Backward's gradient lists (27 when written).
		// 40 leaves room for compiler changes while catching a return to
		// per-op buffers, headers or bookkeeping (~90 without a workspace).
		small := newMLP(physnn.NewRNG(2), 1, 16, 16, 1)
		xs, ys := rng.Normal(0, 1, 32, 1), rng.Normal(0, 1, 32, 1)
		ws := physnn.NewWorkspace()
		allocs := testing.AllocsPerRun(20, func() { _ = small.step(ws, xs, ys) })
		if allocs > 40 {
			t.Errorf("%v allocations per workspace step, want ≤ 40", allocs)
		}
	})
	t.Run("use keeps parameters trainable", func(t *testing.T) {
		w := physnn.Ones(2).SetRequiresGrad(true)
		ws := physnn.NewWorkspace()
		if err := ws.Use(w).Mul(physnn.New([]float32{3, 4})).Sum().Backward(); err != nil {
			t.Fatal(err)
		}
		physnntest.AllClose(t, w.Grad().Float64(), []float64{3, 4}, 0, 0)
	})
	t.Run("clone survives reset", func(t *testing.T) {
		ws := physnn.NewWorkspace()
		kept := ws.Use(physnn.Ones(3)).MulScalar(2).Clone()
		ws.Reset()
		_ = ws.Use(physnn.Ones(3)).MulScalar(5) // reuses the freed buffer
		physnntest.AllClose(t, kept.Float64(), []float64{2, 2, 2}, 0, 0)
	})
}

// mlp is a tanh multilayer perceptron built from core ops only.
type mlp struct{ ws, bs []*physnn.Tensor }

func newMLP(rng *physnn.RNG, sizes ...int) *mlp {
	m := &mlp{}
	for i := 0; i+1 < len(sizes); i++ {
		m.ws = append(m.ws, rng.Normal(0, 0.1, sizes[i], sizes[i+1]).SetRequiresGrad(true))
		m.bs = append(m.bs, physnn.Zeros(sizes[i+1]).SetRequiresGrad(true))
	}
	return m
}

// step runs one forward and backward pass; with a workspace, the
// intermediate buffers come from it and are recycled at the next step.
func (m *mlp) step(ws *physnn.Workspace, x, y *physnn.Tensor) error {
	if ws != nil {
		ws.Reset()
		x, y = ws.Use(x), ws.Use(y)
	}
	h := x
	for i := range m.ws {
		h = h.MatMul(m.ws[i]).Add(m.bs[i])
		if i+1 < len(m.ws) {
			h = h.Tanh()
		}
	}
	for i := range m.ws {
		m.ws[i].ZeroGrad()
		m.bs[i].ZeroGrad()
	}
	return physnn.MSE(h, y).Backward()
}

// BenchmarkMLPStep times one forward and backward pass (no optimizer) of
// the 50→500→100→6 network on a batch of 512, and of a small one.
func BenchmarkMLPStep(b *testing.B) {
	cases := []struct {
		name  string
		batch int
		sizes []int
	}{
		{"50-500-100-6/batch=512", 512, []int{50, 500, 100, 6}},
		{"1-16-16-1/batch=32", 32, []int{1, 16, 16, 1}},
	}
	for _, tc := range cases {
		for _, useWS := range []bool{false, true} {
			name := tc.name + "/heap"
			if useWS {
				name = tc.name + "/workspace"
			}
			b.Run(name, func(b *testing.B) {
				rng := physnn.NewRNG(1)
				m := newMLP(rng, tc.sizes...)
				x := rng.Normal(0, 1, tc.batch, tc.sizes[0])
				y := rng.Normal(0, 1, tc.batch, tc.sizes[len(tc.sizes)-1])
				var ws *physnn.Workspace
				if useWS {
					ws = physnn.NewWorkspace()
				}
				b.ReportAllocs()
				for b.Loop() {
					if err := m.step(ws, x, y); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
