package physnn

import (
	"math"
	"testing"

	"github.com/gophys/gophys/physnn/internal/conv"
)

// TestMaxPool2x2MatchesGeneral checks the 2×2, stride-2 max-pool loops
// against the general kernels bit for bit, on odd and even image sizes,
// with ties (values rounded to a coarse grid) and NaNs.
func TestMaxPool2x2MatchesGeneral(t *testing.T) {
	for _, sz := range [][3]int{{3, 33, 33}, {2, 8, 8}, {1, 5, 6}, {4, 2, 2}, {64, 33, 33}} { // the last splits over cores
		c, h, w := sz[0], sz[1], sz[2]
		const n = 3
		g, err := conv.NewPoolGeom(c, h, w, 2, 2, 2, 2)
		if err != nil {
			t.Fatal(err)
		}
		if !isPool2x2(&g) {
			t.Fatal("isPool2x2 is false for a 2×2, stride-2 geometry")
		}
		x := NewRNG(4).Normal(0, 1, n*c*h*w).Data()
		for i := range x {
			x[i] = float32(math.Round(float64(x[i]) * 2)) // many ties
		}
		x[5], x[17], x[18] = float32(math.NaN()), float32(math.NaN()), float32(math.Inf(-1))
		dy := NewRNG(5).Normal(0, 1, n*c*g.OH*g.OW).Data()
		want, got, idx := make([]float32, len(dy)), make([]float32, len(dy)), make([]float32, len(dy))
		conv.MaxPoolForward(&g, n, x, want)
		maxPool2x2Forward(&g, n, x, got, idx)
		for i := range want {
			if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
				t.Fatalf("%v: forward output %d = %v, general kernel %v", sz, i, got[i], want[i])
			}
		}
		wantDx, gotDx := make([]float32, len(x)), make([]float32, len(x))
		for i := range gotDx {
			gotDx[i] = 7 // must be overwritten
		}
		conv.MaxPoolBackward(&g, n, x, dy, wantDx)
		maxPool2x2Backward(&g, n, idx, dy, gotDx)
		for i := range wantDx {
			if math.Float32bits(wantDx[i]) != math.Float32bits(gotDx[i]) {
				t.Fatalf("%v: backward element %d = %v, general kernel %v", sz, i, gotDx[i], wantDx[i])
			}
		}
	}
}
