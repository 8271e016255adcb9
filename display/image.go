package display

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Default size of a plot shown without a [Figure]: 6×4 inches, which is
// 576×384 CSS pixels (vg counts 72 points per inch, browsers 96 pixels per
// inch), close to matplotlib's inline default and readable beside code.
const (
	DefaultPlotWidth  = 6 * vg.Inch
	DefaultPlotHeight = 4 * vg.Inch
)

// hiDPI is the resolution of plot PNGs: twice the browser's 96 pixels per
// inch, so figures stay crisp on HiDPI screens. The bundle's metadata gives
// the logical size, so the frontend shows them at half their pixel size.
const hiDPI = 2 * cssDPI

// cssDPI is the browser's logical resolution (CSS pixels per inch).
const cssDPI = 96

// Figure is a plot with its display size and format. Show(p) for a
// *plot.Plot is Show(Figure{Plot: p}).
type Figure struct {
	Plot *plot.Plot
	// Width and Height give the logical size; zero means DefaultPlotWidth
	// and DefaultPlotHeight.
	Width, Height vg.Length
	// SVG selects vector output (image/svg+xml) instead of a PNG at twice
	// the logical resolution. SVG is smaller and faster for line plots but
	// grows with the number of drawn shapes.
	SVG bool
}

// size returns the figure's logical size with defaults applied.
func (f Figure) size() (w, h vg.Length, err error) {
	w, h = f.Width, f.Height
	if w == 0 {
		w = DefaultPlotWidth
	}
	if h == 0 {
		h = DefaultPlotHeight
	}
	if w < 0 || h < 0 {
		return 0, 0, fmt.Errorf("display: figure size %v×%v: width and height must be positive", f.Width, f.Height)
	}
	return w, h, nil
}

// cssPixels converts a vg length to CSS pixels.
func cssPixels(l vg.Length) int { return int(l.Dots(cssDPI) + 0.5) }

func (f Figure) bundle() (Bundle, error) {
	if f.Plot == nil {
		return Bundle{}, fmt.Errorf("display: figure has no plot (nil *plot.Plot)")
	}
	w, h, err := f.size()
	if err != nil {
		return Bundle{}, err
	}
	wpx, hpx := cssPixels(w), cssPixels(h)
	text := fmt.Sprintf("plot (%d×%d px)", wpx, hpx)
	if t := f.Plot.Title.Text; t != "" {
		text = fmt.Sprintf("plot %q (%d×%d px)", t, wpx, hpx)
	}
	var buf bytes.Buffer
	if f.SVG {
		c := vgsvg.New(w, h)
		f.Plot.Draw(draw.New(c))
		if _, err := c.WriteTo(&buf); err != nil {
			return Bundle{}, fmt.Errorf("display: write plot SVG: %w", err)
		}
		return Bundle{
			Data:     map[string]any{MIMESVG: buf.String(), MIMEText: text},
			Metadata: map[string]any{},
		}, nil
	}
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(hiDPI))
	f.Plot.Draw(draw.New(c))
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return Bundle{}, fmt.Errorf("display: encode plot PNG: %w", err)
	}
	return Bundle{
		Data: map[string]any{MIMEPNG: buf.Bytes(), MIMEText: text},
		Metadata: map[string]any{
			MIMEPNG: map[string]any{"width": wpx, "height": hpx},
		},
	}, nil
}

// imageBundle encodes img as PNG, shown at its natural size.
func imageBundle(img image.Image) (Bundle, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Bundle{}, fmt.Errorf("display: encode %T as PNG: %w", img, err)
	}
	r := img.Bounds()
	return Bundle{
		Data: map[string]any{
			MIMEPNG:  buf.Bytes(),
			MIMEText: fmt.Sprintf("image %d×%d", r.Dx(), r.Dy()),
		},
		Metadata: map[string]any{},
	}, nil
}

// pngBundle wraps encoded PNG bytes after checking they are a PNG.
func pngBundle(data []byte) (Bundle, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Bundle{}, fmt.Errorf("display: invalid PNG data: %w", err)
	}
	return Bundle{
		Data: map[string]any{
			MIMEPNG:  data,
			MIMEText: fmt.Sprintf("image %d×%d", cfg.Width, cfg.Height),
		},
		Metadata: map[string]any{},
	}, nil
}
