package conv

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gophys/gophys/physnn/internal/gemm/cputime"
)

// jetLayers are the three conv layers of the q/g jet-image CNN (Komiske et
// al. 2017, §3.2: 64 filters of 8×8, 4×4 and 4×4 with "same" padding on
// 33×33 images with 2 channels, 2×2 max-pooling in between, so the later
// layers see 16×16 and 8×8).
var jetLayers = []struct {
	name       string
	c, size, k int
}{
	{"layer1_2x33x33_k8", 2, 33, 8},
	{"layer2_64x16x16_k4", 64, 16, 4},
	{"layer3_64x8x8_k4", 64, 8, 4},
}

// BenchmarkJetConv runs each jet CNN conv layer forward and backward (data
// and filter gradients, bias gradient) on float32 batches, and, in the same
// loop, the three matrix products the layer amounts to on operands already
// laid out for them (K×(C·KH·KW) times (C·KH·KW)×(b·OH·OW), its transpose
// and the filter-gradient product, for chunks of b images as the
// convolution batches them, repeated over the batch), so conv/gemm is the
// fraction of GEMM speed the convolution reaches, measured side by side
// under the same load. GFLOP/s counts 2·K·C·KH·KW·OH·OW per
// image and product (three products). On a shared machine the wall-clock
// rates drop with other load; cpu-GFLOP/s (work per CPU-second of this
// process, both cores counted) and its ratio show the code's efficiency.
func BenchmarkJetConv(b *testing.B) {
	for _, l := range jetLayers {
		for _, n := range []int{1, 64} {
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
				chunk := chunkSize(&g, n)
				reps := (n + chunk - 1) / chunk
				rows, cols := g.colRows(), chunk*g.colCols()
				col := to32(randSlice(rng, rows*cols))
				ym := make([]float32, g.K*cols)
				convStep := func() {
					Forward(&g, n, x, w, bias, y, ws)
					BackwardData(&g, n, y, w, dx, ws)
					BackwardFilter(&g, n, x, y, dw, ws)
					BiasGrad(n, g.K, g.OH*g.OW, y, db)
				}
				gemmStep := func() {
					for range reps {
						matmul(false, false, false, g.K, cols, rows, 1, w, rows, col, cols, 0, ym, cols)
						matmul(false, true, false, rows, cols, g.K, 1, w, rows, ym, cols, 0, col, cols)
						matmul(false, false, true, g.K, rows, cols, 1, ym, cols, col, cols, 0, dw, rows)
					}
				}
				convStep()
				gemmStep()
				flops := 3 * 2 * float64(g.K*rows*n*g.colCols())
				gemmFlops := 3 * 2 * float64(g.K*rows*cols*reps)
				var convTime, gemmTime, convCPU, gemmCPU time.Duration
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					start, cpu0 := time.Now(), cputime.Process()
					convStep()
					mid, cpu1 := time.Now(), cputime.Process()
					gemmStep()
					convTime += mid.Sub(start)
					gemmTime += time.Since(mid)
					convCPU += cpu1 - cpu0
					gemmCPU += cputime.Process() - cpu1
				}
				convGF := flops * float64(b.N) / convTime.Seconds() / 1e9
				gemmGF := gemmFlops * float64(b.N) / gemmTime.Seconds() / 1e9
				b.ReportMetric(convGF, "GFLOP/s")
				b.ReportMetric(gemmGF, "gemm-GFLOP/s")
				b.ReportMetric(convGF/gemmGF, "conv/gemm")
				if convCPU > 0 && gemmCPU > 0 {
					convCPUGF := flops * float64(b.N) / convCPU.Seconds() / 1e9
					gemmCPUGF := gemmFlops * float64(b.N) / gemmCPU.Seconds() / 1e9
					b.ReportMetric(convCPUGF, "cpu-GFLOP/s")
					b.ReportMetric(convCPUGF/gemmCPUGF, "cpu-conv/gemm")
				}
				b.ReportMetric(0, "ns/op") // the loop also times the GEMMs
			})
		}
	}
}
