package conv

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkJetConv runs the first layer of the q/g jet-image CNN
// (Komiske et al. 2017, §3.2: 64 filters of 8×8 on 33×33 images with 2
// channels, "same" padding) forward and backward on float32 batches.
func BenchmarkJetConv(b *testing.B) {
	for _, n := range []int{1, 32} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			before, after := SamePadding(33, 8, 1)
			pad := Padding{before, after, before, after}
			g, err := NewGeom(2, 33, 33, 64, 8, 8, 1, 1, pad)
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 1))
			x := to32(randSlice(rng, n*g.InSize()))
			w := to32(randSlice(rng, g.FilterSize()))
			bias := to32(randSlice(rng, g.K))
			y := make([]float32, n*g.OutSize())
			dx, dw, db := make([]float32, len(x)), make([]float32, len(w)), make([]float32, g.K)
			ws := new(Workspace[float32])
			// forward + data + filter gradients: three GEMMs of K×(C·KH·KW)×(OH·OW).
			flops := 3 * 2 * float64(n*g.K*g.colRows()*g.colCols())
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				Forward(&g, n, x, w, bias, y, ws)
				BackwardData(&g, n, y, w, dx, ws)
				BackwardFilter(&g, n, x, y, dw, ws)
				BiasGrad(n, g.K, g.OH*g.OW, y, db)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
