package physnn_test

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gophys/gophys/physnn"
)

// BenchmarkMatMul compares physnn's float32 MatMul with gonum's float64
// mat.Dense.Mul on the same square sizes in the same run.
func BenchmarkMatMul(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		rng := physnn.NewRNG(1)
		x, y := rng.Normal(0, 1, n, n), rng.Normal(0, 1, n, n)
		b.Run(fmt.Sprintf("physnn/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = x.MatMul(y)
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		gx, gy := x.Dense(), y.Dense()
		var gz mat.Dense
		b.Run(fmt.Sprintf("gonum/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				gz.Reset()
				gz.Mul(gx, gy)
			}
			b.ReportMetric(2*float64(n*n*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
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
