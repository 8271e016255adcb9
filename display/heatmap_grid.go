package display

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot/palette"
)

// ImageGridOptions configures [ImageGrid]. The zero value lays the tiles
// out in a near-square grid, each with its own grey scale.
type ImageGridOptions struct {
	// Cols is the number of tiles per row; zero means ⌈√n⌉.
	Cols int
	// CellPixels is the size of one cell in CSS pixels; zero picks the
	// largest whole size that keeps the grid within 720 CSS pixels wide
	// (at least 1).
	CellPixels int
	// Shared uses one colour scale for all tiles (compare magnitudes, or
	// show spins ±1 the same way everywhere); otherwise each tile is
	// scaled to its own range (receptive fields of different strength).
	Shared bool
	// Min and Max fix the shared scale; when both are zero it is the range
	// of the values.
	Min, Max float64
	// Symmetric centres each scale on zero with a diverging blue–white–red
	// map (weights, receptive fields); otherwise a grey scale runs from
	// black (low) to white (high), which shows Ising spins as black and
	// white.
	Symmetric bool
	// ColorMap overrides the colour map.
	ColorMap palette.ColorMap
}

// gridGap is the gap between tiles, in CSS pixels.
const gridGap = 2

// ImageGrid draws many small 2-D arrays (tiles[i][row][col], all the same
// shape) as a grid of crisp images: each cell a block of whole pixels in
// exactly one colour, tiles separated by white gaps. It is the one-liner for
// receptive fields, Ising lattices, jet images or calorimeter layers:
//
//	b, err := display.ImageGrid(spins, display.ImageGridOptions{Shared: true})
//	display.Show(b)
//
// The PNG has twice the logical resolution; its metadata gives the logical
// size. It returns an error for no tiles or tiles of different shapes.
func ImageGrid(tiles [][][]float64, opt ImageGridOptions) (Bundle, error) {
	img, err := renderImageGrid(tiles, opt)
	if err != nil {
		return Bundle{}, err
	}
	var buf bytes.Buffer
	if err := fastPNG.Encode(&buf, img); err != nil {
		return Bundle{}, fmt.Errorf("display: encode image grid PNG: %w", err)
	}
	b := img.Bounds()
	return Bundle{
		Data: map[string]any{
			MIMEPNG:  buf.Bytes(),
			MIMEText: fmt.Sprintf("image grid: %d tiles of %d×%d", len(tiles), len(tiles[0]), len(tiles[0][0])),
		},
		Metadata: map[string]any{MIMEPNG: map[string]any{"width": b.Dx() / 2, "height": b.Dy() / 2}},
	}, nil
}

func renderImageGrid(tiles [][][]float64, opt ImageGridOptions) (*image.RGBA, error) {
	n := len(tiles)
	if n == 0 || len(tiles[0]) == 0 || len(tiles[0][0]) == 0 {
		return nil, fmt.Errorf("display: image grid: no tiles, or empty tiles")
	}
	rows, cols := len(tiles[0]), len(tiles[0][0])
	for i, t := range tiles {
		if len(t) != rows {
			return nil, fmt.Errorf("display: image grid: tile %d has %d rows, want %d", i, len(t), rows)
		}
		for r, row := range t {
			if len(row) != cols {
				return nil, fmt.Errorf("display: image grid: tile %d row %d has %d columns, want %d", i, r, len(row), cols)
			}
		}
	}
	perRow := opt.Cols
	if perRow <= 0 {
		perRow = int(math.Ceil(math.Sqrt(float64(n))))
	}
	perRow = min(perRow, n)
	gridRows := (n + perRow - 1) / perRow
	cell := opt.CellPixels
	if cell <= 0 {
		cell = max(1, (720-gridGap*(perRow-1))/(perRow*cols))
	}
	// Device pixels: twice the CSS size, for HiDPI screens.
	const k = 2
	cellPx, gapPx := cell*k, gridGap*k
	width := perRow*cols*cellPx + (perRow-1)*gapPx
	height := gridRows*rows*cellPx + (gridRows-1)*gapPx
	if width*height > 64<<20 {
		return nil, fmt.Errorf("display: image grid of %d×%d pixels is too large; lower CellPixels", width, height)
	}
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	fill(img, img.Bounds(), color.RGBA{R: 255, G: 255, B: 255, A: 255})
	var shared *colourLUT
	if opt.Shared {
		lo, hi := colourRange(flatten(tiles), opt.Min, opt.Max, opt.Symmetric)
		shared = gridColours(opt, lo, hi)
	}
	for i, t := range tiles {
		lut := shared
		if lut == nil {
			lo, hi := colourRange(t, 0, 0, opt.Symmetric)
			lut = gridColours(opt, lo, hi)
		}
		ox := (i % perRow) * (cols*cellPx + gapPx)
		oy := (i / perRow) * (rows*cellPx + gapPx)
		for r, row := range t {
			for c, v := range row {
				x, y := ox+c*cellPx, oy+r*cellPx
				fill(img, image.Rect(x, y, x+cellPx, y+cellPx), lut.at(v))
			}
		}
	}
	return img, nil
}

// gridColours returns the colour table of an image grid: the chosen map,
// the diverging map when symmetric, else a grey scale.
func gridColours(opt ImageGridOptions, lo, hi float64) *colourLUT {
	if opt.ColorMap != nil || opt.Symmetric {
		return colourTable(opt.ColorMap, opt.Symmetric, lo, hi)
	}
	l := &colourLUT{lo: lo, hi: hi}
	for i := range l.table {
		g := uint8(i)
		l.table[i] = color.RGBA{R: g, G: g, B: g, A: 255}
	}
	return l
}

// flatten joins tiles into one grid of rows, for computing a shared range.
func flatten(tiles [][][]float64) [][]float64 {
	var out [][]float64
	for _, t := range tiles {
		out = append(out, t...)
	}
	return out
}
