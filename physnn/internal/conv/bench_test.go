package conv

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkJetConv runs the three conv layers of the q/g jet-image CNN
// (Komiske et al. 2017, §3.2: 64 filters of 8×8, 4×4 and 4×4 with "same"
// padding on 33×33 images with 2 channels, 2×2 max-pooling in between, so
// the later layers see 16×16 and 8×8) forward and backward (data and
// filter gradients) on float32 batches.
func BenchmarkJetConv(b *testing.B) {
	layers := []struct {
		name       string
		c, size, k int
	}{
		{"layer1_2x33x33_k8", 2, 33, 8},
		{"layer2_64x16x16_k4", 64, 16, 4},
		{"layer3_64x8x8_k4", 64, 8, 4},
	}
	for _, l := range layers {
		for _, n := range []int{1, 32} {
			b.Run(fmt.Sprintf("%s/n=%d", l.name, n), func(b *testing.B) {
				before, after := SamePadding(l.size, l.k, 1)
				pad := Padding{before, after, before, after}
				g, err := NewGeom(l.c, l.size, l.size, 64, l.k, l.k, 1, 1, pad)
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
}
