package display

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PlotOptions labels a plot made by the plot helpers. The zero value draws
// an unlabelled plot.
type PlotOptions struct {
	Title, XLabel, YLabel string
	// LogY selects a logarithmic y axis (all values must be positive).
	LogY bool
}

// newPlot returns a plot with the options applied.
func newPlot(opt PlotOptions) *plot.Plot {
	p := plot.New()
	p.Title.Text = opt.Title
	p.X.Label.Text = opt.XLabel
	p.Y.Label.Text = opt.YLabel
	if opt.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{}
	}
	return p
}

// Series is one curve of [Lines]: Y against X, with an optional
// symmetric error Err drawn as a translucent band from Y−Err to Y+Err.
type Series struct {
	Label string
	X, Y  []float64
	// Err, when not nil, holds one non-negative error per point.
	Err []float64
	// Points draws markers (a scatter plot) instead of a line.
	Points bool
}

// Lines plots curves or scatter points with error bands, one colour per
// series and a legend when any series is labelled:
//
//	p, err := display.Lines(display.PlotOptions{Title: "loss", XLabel: "epoch"},
//		display.Series{Label: "train", X: epochs, Y: train},
//		display.Series{Label: "val", X: epochs, Y: val, Err: valStd})
//	display.Show(p)
//
// It returns an error when a series' X, Y and Err differ in length, or a
// value is NaN or infinite.
func Lines(opt PlotOptions, series ...Series) (*plot.Plot, error) {
	p, _, err := lines(opt, series)
	return p, err
}

// lines builds the plot of Lines and returns what it added, for tests.
func lines(opt PlotOptions, series []Series) (*plot.Plot, []plot.Plotter, error) {
	p := newPlot(opt)
	var added []plot.Plotter
	legend := false
	for i, s := range series {
		if len(s.X) != len(s.Y) || (s.Err != nil && len(s.Err) != len(s.Y)) {
			return nil, nil, fmt.Errorf("display: series %d (%q): %d x, %d y and %d errors; want equal lengths", i, s.Label, len(s.X), len(s.Y), len(s.Err))
		}
		pts := make(plotter.XYs, len(s.X))
		for j := range s.X {
			if !finite(s.X[j]) || !finite(s.Y[j]) || (s.Err != nil && !finite(s.Err[j])) {
				return nil, nil, fmt.Errorf("display: series %d (%q): point %d is not finite", i, s.Label, j)
			}
			pts[j] = plotter.XY{X: s.X[j], Y: s.Y[j]}
		}
		col := plotutil.Color(i)
		if s.Err != nil && len(pts) > 1 {
			band := make(plotter.XYs, 0, 2*len(pts))
			for j := range pts {
				band = append(band, plotter.XY{X: pts[j].X, Y: pts[j].Y + math.Abs(s.Err[j])})
			}
			for j := len(pts) - 1; j >= 0; j-- {
				band = append(band, plotter.XY{X: pts[j].X, Y: pts[j].Y - math.Abs(s.Err[j])})
			}
			poly, err := plotter.NewPolygon(band)
			if err != nil {
				return nil, nil, fmt.Errorf("display: series %d (%q) error band: %w", i, s.Label, err)
			}
			poly.Color = translucent(col, 0.25)
			poly.LineStyle.Width = 0
			p.Add(poly)
			added = append(added, poly)
		}
		if s.Points {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, nil, fmt.Errorf("display: series %d (%q): %w", i, s.Label, err)
			}
			sc.GlyphStyle.Color = col
			sc.GlyphStyle.Radius = vg.Points(2)
			sc.GlyphStyle.Shape = draw.CircleGlyph{}
			p.Add(sc)
			added = append(added, sc)
			if s.Label != "" {
				p.Legend.Add(s.Label, sc)
			}
		} else {
			l, err := plotter.NewLine(pts)
			if err != nil {
				return nil, nil, fmt.Errorf("display: series %d (%q): %w", i, s.Label, err)
			}
			l.LineStyle.Color = col
			l.LineStyle.Width = vg.Points(1.5)
			p.Add(l)
			added = append(added, l)
			if s.Label != "" {
				p.Legend.Add(s.Label, l)
			}
		}
		legend = legend || s.Label != ""
	}
	if legend {
		p.Legend.Top = true
	}
	return p, added, nil
}

// Sample is one data set of [Histograms].
type Sample struct {
	Label  string
	Values []float64
}

// HistOptions configures [Histograms]. The zero value uses 30 bins over
// the range of all samples, counting (not normalizing).
type HistOptions struct {
	PlotOptions
	// Bins is the number of bins; zero means 30.
	Bins int
	// Min and Max bound the binned range; when both are zero it is the
	// range of all values. Values outside are not counted.
	Min, Max float64
	// Normalize divides counts by (samples × bin width), so each histogram
	// is a probability density with unit area and samples of different
	// sizes compare.
	Normalize bool
}

// Histograms overlays histograms of the samples on common bins, each a
// translucent fill with an outline in its own colour. NaN values are
// skipped. It returns an error for an empty range or no finite values.
func Histograms(opt HistOptions, samples ...Sample) (*plot.Plot, error) {
	p, _, err := histograms(opt, samples)
	return p, err
}

// histograms builds the plot of Histograms and returns its histograms,
// for tests.
func histograms(opt HistOptions, samples []Sample) (*plot.Plot, []*plotter.Histogram, error) {
	bins := opt.Bins
	if bins <= 0 {
		bins = 30
	}
	lo, hi := opt.Min, opt.Max
	if lo == 0 && hi == 0 {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, s := range samples {
			for _, v := range s.Values {
				if finite(v) {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
		}
		if lo > hi {
			return nil, nil, fmt.Errorf("display: histograms: no finite values")
		}
		if lo == hi {
			lo, hi = lo-0.5, hi+0.5
		}
	}
	if !(hi > lo) || !finite(lo) || !finite(hi) {
		return nil, nil, fmt.Errorf("display: histograms: range [%v, %v] is empty", lo, hi)
	}
	width := (hi - lo) / float64(bins)
	if opt.YLabel == "" {
		opt.YLabel = "count"
		if opt.Normalize {
			opt.YLabel = "density"
		}
	}
	p := newPlot(opt.PlotOptions)
	var hists []*plotter.Histogram
	for i, s := range samples {
		counts := histogramCounts(s.Values, lo, hi, bins)
		total := 0.0
		for _, c := range counts {
			total += c
		}
		h := &plotter.Histogram{Bins: make([]plotter.HistogramBin, bins), Width: width}
		for b, c := range counts {
			if opt.Normalize && total > 0 {
				c /= total * width
			}
			h.Bins[b] = plotter.HistogramBin{Min: lo + float64(b)*width, Max: lo + float64(b+1)*width, Weight: c}
		}
		col := plotutil.Color(i)
		h.FillColor = translucent(col, 0.35)
		h.LineStyle.Color = col
		h.LineStyle.Width = vg.Points(1)
		p.Add(h)
		hists = append(hists, h)
		if s.Label != "" {
			p.Legend.Add(s.Label, h)
			p.Legend.Top = true
		}
	}
	return p, hists, nil
}

// histogramCounts bins values into [lo, hi) in bins equal bins; the upper
// edge hi belongs to the last bin.
func histogramCounts(values []float64, lo, hi float64, bins int) []float64 {
	counts := make([]float64, bins)
	for _, v := range values {
		if !finite(v) || v < lo || v > hi {
			continue
		}
		b := int((v - lo) / (hi - lo) * float64(bins))
		if b == bins {
			b--
		}
		counts[b]++
	}
	return counts
}

// ROCCurve is a receiver operating characteristic: the true-positive rate
// against the false-positive rate as the decision threshold on a score
// falls, and the area under it.
type ROCCurve struct {
	Label string
	// FPR and TPR are the curve's points from (0, 0) to (1, 1);
	// Thresholds[i] is the score from which samples count as positive at
	// point i (+Inf at the first point).
	FPR, TPR, Thresholds []float64
	// AUC is the area under the curve: the probability that a random
	// positive scores above a random negative, ties counting one half.
	AUC float64
}

// ROC computes the ROC curve of scores against labels (true = positive;
// a higher score means more likely positive). Tied scores form one
// point, so the AUC counts ties as one half (the Mann–Whitney U
// statistic). It returns an error when lengths differ, a score is NaN, or
// either class is empty.
func ROC(label string, scores []float64, positive []bool) (ROCCurve, error) {
	if len(scores) != len(positive) {
		return ROCCurve{}, fmt.Errorf("display: ROC %q: %d scores for %d labels", label, len(scores), len(positive))
	}
	var nPos, nNeg float64
	idx := make([]int, len(scores))
	for i := range scores {
		if math.IsNaN(scores[i]) {
			return ROCCurve{}, fmt.Errorf("display: ROC %q: score %d is NaN", label, i)
		}
		idx[i] = i
		if positive[i] {
			nPos++
		} else {
			nNeg++
		}
	}
	if nPos == 0 || nNeg == 0 {
		return ROCCurve{}, fmt.Errorf("display: ROC %q: %v positives and %v negatives; both classes are needed", label, nPos, nNeg)
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	c := ROCCurve{Label: label, FPR: []float64{0}, TPR: []float64{0}, Thresholds: []float64{math.Inf(1)}}
	var tp, fp float64
	for i := 0; i < len(idx); {
		s := scores[idx[i]]
		for ; i < len(idx) && scores[idx[i]] == s; i++ {
			if positive[idx[i]] {
				tp++
			} else {
				fp++
			}
		}
		prevF, prevT := c.FPR[len(c.FPR)-1], c.TPR[len(c.TPR)-1]
		f, t := fp/nNeg, tp/nPos
		c.AUC += (f - prevF) * (t + prevT) / 2 // trapezoid: a tie is a diagonal step
		c.FPR, c.TPR, c.Thresholds = append(c.FPR, f), append(c.TPR, t), append(c.Thresholds, s)
	}
	return c, nil
}

// ROCPlot draws ROC curves with their AUC in the legend and the diagonal of
// a random classifier.
func ROCPlot(opt PlotOptions, curves ...ROCCurve) (*plot.Plot, error) {
	if opt.XLabel == "" {
		opt.XLabel = "false positive rate"
	}
	if opt.YLabel == "" {
		opt.YLabel = "true positive rate"
	}
	opt.LogY = false
	p := newPlot(opt)
	diag, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return nil, err
	}
	diag.LineStyle.Color = color.Gray{Y: 160}
	diag.LineStyle.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(diag)
	for i, c := range curves {
		if len(c.FPR) != len(c.TPR) || len(c.FPR) == 0 {
			return nil, fmt.Errorf("display: ROC curve %d (%q): %d FPR and %d TPR values", i, c.Label, len(c.FPR), len(c.TPR))
		}
		pts := make(plotter.XYs, len(c.FPR))
		for j := range pts {
			pts[j] = plotter.XY{X: c.FPR[j], Y: c.TPR[j]}
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("display: ROC curve %d (%q): %w", i, c.Label, err)
		}
		l.LineStyle.Color = plotutil.Color(i)
		l.LineStyle.Width = vg.Points(1.5)
		p.Add(l)
		name := fmt.Sprintf("AUC = %.3f", c.AUC)
		if c.Label != "" {
			name = c.Label + " (" + name + ")"
		}
		p.Legend.Add(name, l)
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	p.Legend.Left, p.Legend.Top = false, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(4), vg.Points(4)
	return p, nil
}

// translucent returns c with alpha a (0..1), premultiplied as color.RGBA
// requires.
func translucent(c color.Color, a float64) color.Color {
	r, g, b, _ := c.RGBA()
	return color.RGBA{R: uint8(float64(r>>8) * a), G: uint8(float64(g>>8) * a), B: uint8(float64(b>>8) * a), A: uint8(255 * a)}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
