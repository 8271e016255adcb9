package display

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
)

// BenchmarkHeatmap renders crisp heatmaps to PNG bundles; gonum/plot's own
// HeatMap takes 5.6 ms (28×28, vector, with seams) to 47 ms (64×64,
// rasterized, blurred) at 96 dpi (notes §2).
func BenchmarkHeatmap(b *testing.B) {
	for _, n := range []int{28, 64} {
		z := make([][]float64, n)
		for i := range z {
			z[i] = make([]float64, n)
			for j := range z[i] {
				z[i][j] = math.Sin(float64(i)/5) * math.Cos(float64(j)/7)
			}
		}
		b.Run(fmt.Sprintf("%dx%d", n, n), func(b *testing.B) {
			size := 0
			for i := 0; i < b.N; i++ {
				bundle, err := Heatmap(z, HeatmapOptions{Title: "t", Symmetric: true})
				if err != nil {
					b.Fatal(err)
				}
				size = len(bundle.Data[MIMEPNG].([]byte))
			}
			b.ReportMetric(float64(size), "png_bytes")
		})
	}
}

// BenchmarkLatentTable builds and encodes the bundle of a 50-latent table
// over 1000 samples and 3 parameters (the benchmark).
func BenchmarkLatentTable(b *testing.B) {
	const n, k = 1000, 50
	mu, logVar := make([][]float64, n), make([][]float64, n)
	params := []Param{{"a", make([]float64, n)}, {"b", make([]float64, n)}, {"c", make([]float64, n)}}
	for i := range mu {
		mu[i], logVar[i] = make([]float64, k), make([]float64, k)
		for j := range mu[i] {
			mu[i][j] = math.Sin(float64(i*j + j))
			logVar[i][j] = -float64(j%5) / 2
		}
		for p := range params {
			params[p].Values[i] = math.Cos(float64(i * (p + 1)))
		}
	}
	size := 0
	for i := 0; i < b.N; i++ {
		t, err := NewLatentTable(mu, logVar, params, LatentOptions{})
		if err != nil {
			b.Fatal(err)
		}
		raw, err := json.Marshal(t.MIMEBundle())
		if err != nil {
			b.Fatal(err)
		}
		size = len(raw)
	}
	b.ReportMetric(float64(size), "bundle_bytes")
}
