package display

import (
	"bytes"
	"image/color"
	"image/png"
	"math"
	"testing"

	"gonum.org/v1/plot/vg"
)

func TestHeatmapCellsAreCrisp(t *testing.T) {
	checker := func(rows, cols int) [][]float64 {
		z := make([][]float64, rows)
		for i := range z {
			z[i] = make([]float64, cols)
			for j := range z[i] {
				z[i][j] = float64((i + j) % 2)
			}
		}
		return z
	}
	ramp := func(rows, cols int) [][]float64 {
		z := make([][]float64, rows)
		for i := range z {
			z[i] = make([]float64, cols)
			for j := range z[i] {
				z[i][j] = math.Sin(float64(i*cols+j)) * 3
			}
		}
		z[0][0] = math.NaN()
		return z
	}
	cases := []struct {
		name string
		z    [][]float64
		opt  HeatmapOptions
	}{
		{"checkerboard 28x28", checker(28, 28), HeatmapOptions{Title: "checker"}},
		{"ramp 64x64 symmetric", ramp(64, 64), HeatmapOptions{Symmetric: true, XLabel: "η", YLabel: "φ"}},
		{"wide 3x50 small figure", ramp(3, 50), HeatmapOptions{Width: 3 * vg.Inch, Height: 2 * vg.Inch, X0: -2.5, X1: 2.5}},
		{"single cell", [][]float64{{7}}, HeatmapOptions{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := renderHeatmap(tc.z, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			b, err := Heatmap(tc.z, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			// Check the PNG that is sent, decoded, not the internal image.
			raw := b.Data[MIMEPNG].([]byte)
			img, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("heatmap PNG does not decode: %v", err)
			}
			meta := b.Metadata[MIMEPNG].(map[string]any)
			if got := img.Bounds().Dx(); got != 2*meta["width"].(int) || img.Bounds().Dy() != 2*meta["height"].(int) {
				t.Errorf("PNG is %v, metadata %v: want twice the logical size", img.Bounds().Size(), meta)
			}
			rows, cols := len(tc.z), len(tc.z[0])
			for i := 0; i < rows; i++ {
				if h := r.rowEdges[i+1] - r.rowEdges[i]; h < 2 {
					t.Fatalf("row %d is %d px tall; cells must be at least 2 px", i, h)
				}
				for j := 0; j < cols; j++ {
					want := r.cells[i][j]
					if want.A != 255 {
						t.Fatalf("cell (%d,%d) colour %v is not opaque", i, j, want)
					}
					// Every pixel of the cell, its border pixels included,
					// has exactly the cell's colour: no seams, no blending.
					for y := r.rowEdges[i]; y < r.rowEdges[i+1]; y++ {
						for x := r.colEdges[j]; x < r.colEdges[j+1]; x++ {
							if got := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA); got != want {
								t.Fatalf("pixel (%d,%d) of cell (%d,%d) is %v, want %v", x, y, i, j, got, want)
							}
						}
					}
				}
			}
			// Cells tile the plot area exactly, with equal sizes ±1 px.
			assertEvenEdges(t, "column", r.colEdges)
			assertEvenEdges(t, "row", r.rowEdges)
		})
	}
}

func assertEvenEdges(t *testing.T, what string, e []int) {
	t.Helper()
	lo, hi := math.MaxInt, 0
	for i := 1; i < len(e); i++ {
		d := e[i] - e[i-1]
		lo, hi = min(lo, d), max(hi, d)
	}
	if hi-lo > 1 {
		t.Errorf("%s widths range over %d..%d px; want equal within 1 px", what, lo, hi)
	}
}

func TestHeatmapColours(t *testing.T) {
	z := [][]float64{{-2, 0, 2}, {math.NaN(), 1, 5}}
	cases := []struct {
		name      string
		opt       HeatmapOptions
		wantLo    float64
		wantHi    float64
		sameCells [][2]int // pairs of flat cell indices that must share a colour
	}{
		{"data range", HeatmapOptions{}, -2, 5, nil},
		{"symmetric", HeatmapOptions{Symmetric: true}, -5, 5, nil},
		{"clamped", HeatmapOptions{Min: 0, Max: 1}, 0, 1, [][2]int{{0, 1}, {4, 5}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := renderHeatmap(z, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if r.lo != tc.wantLo || r.hi != tc.wantHi {
				t.Errorf("colour scale [%v, %v], want [%v, %v]", r.lo, r.hi, tc.wantLo, tc.wantHi)
			}
			if r.cells[1][0] != nanColor {
				t.Errorf("NaN cell is %v, want %v", r.cells[1][0], nanColor)
			}
			flat := append(append([]color.RGBA{}, r.cells[0]...), r.cells[1]...)
			for _, p := range tc.sameCells {
				if flat[p[0]] != flat[p[1]] {
					t.Errorf("cells %d and %d differ (%v, %v); clamping should make them equal", p[0], p[1], flat[p[0]], flat[p[1]])
				}
			}
			if tc.sameCells == nil && flat[0] == flat[2] {
				t.Errorf("lowest and highest cells have the same colour %v", flat[0])
			}
		})
	}
}

func TestHeatmapErrors(t *testing.T) {
	cases := []struct {
		name string
		z    [][]float64
		opt  HeatmapOptions
	}{
		{"empty", nil, HeatmapOptions{}},
		{"empty row", [][]float64{{}}, HeatmapOptions{}},
		{"ragged", [][]float64{{1, 2}, {3}}, HeatmapOptions{}},
		{"tiny", [][]float64{{1}}, HeatmapOptions{Width: vg.Inch, Height: vg.Inch}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Heatmap(tc.z, tc.opt); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestImageGrid(t *testing.T) {
	spins := func(seed int) [][]float64 {
		z := make([][]float64, 8)
		for i := range z {
			z[i] = make([]float64, 8)
			for j := range z[i] {
				z[i][j] = float64(1 - 2*((i*j+seed)%2))
			}
		}
		return z
	}
	tiles := [][][]float64{spins(0), spins(1), spins(2), spins(3), spins(4)}
	cases := []struct {
		name           string
		opt            ImageGridOptions
		wantW, wantH   int // CSS pixels
		upSpin, dnSpin color.RGBA
	}{
		// 5 tiles → 3 per row, 2 rows; 4 CSS px cells: 3·8·4 + 2·2.
		{"ising shared grey", ImageGridOptions{Shared: true, CellPixels: 4}, 3*8*4 + 2*gridGap, 2*8*4 + gridGap,
			color.RGBA{R: 255, G: 255, B: 255, A: 255}, color.RGBA{A: 255}},
		{"one row", ImageGridOptions{Cols: 5, CellPixels: 2, Shared: true}, 5*8*2 + 4*gridGap, 8 * 2,
			color.RGBA{R: 255, G: 255, B: 255, A: 255}, color.RGBA{A: 255}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ImageGrid(tiles, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b.Data[MIMEPNG].([]byte)))
			if err != nil {
				t.Fatal(err)
			}
			meta := b.Metadata[MIMEPNG].(map[string]any)
			if meta["width"] != tc.wantW || meta["height"] != tc.wantH || img.Bounds().Dx() != 2*tc.wantW || img.Bounds().Dy() != 2*tc.wantH {
				t.Fatalf("size %v, metadata %v; want %d×%d CSS px at 2×", img.Bounds().Size(), meta, tc.wantW, tc.wantH)
			}
			// Every pixel of each tile is the pure colour of its spin.
			cellPx := 2 * tc.opt.CellPixels
			perRow := tc.opt.Cols
			if perRow == 0 {
				perRow = 3
			}
			for i, tile := range tiles {
				ox := (i % perRow) * (8*cellPx + 2*gridGap)
				oy := (i / perRow) * (8*cellPx + 2*gridGap)
				for r := range tile {
					for c, s := range tile[r] {
						want := tc.dnSpin
						if s > 0 {
							want = tc.upSpin
						}
						for y := oy + r*cellPx; y < oy+(r+1)*cellPx; y++ {
							for x := ox + c*cellPx; x < ox+(c+1)*cellPx; x++ {
								if got := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA); got != want {
									t.Fatalf("tile %d cell (%d,%d) pixel (%d,%d) = %v, want %v", i, r, c, x, y, got, want)
								}
							}
						}
					}
				}
			}
		})
	}
	if _, err := ImageGrid([][][]float64{spins(0), {{1}}}, ImageGridOptions{}); err == nil {
		t.Error("tiles of different shapes were accepted")
	}
}
