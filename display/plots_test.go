package display

import (
	"math"
	"strings"
	"testing"
)

func TestROC(t *testing.T) {
	cases := []struct {
		name     string
		scores   []float64
		positive []bool
		wantAUC  float64
		wantFPR  []float64
		wantTPR  []float64
	}{
		{"perfect", []float64{0.9, 0.8, 0.2, 0.1}, []bool{true, true, false, false}, 1,
			[]float64{0, 0, 0, 0.5, 1}, []float64{0, 0.5, 1, 1, 1}},
		{"inverted", []float64{0.9, 0.8, 0.2, 0.1}, []bool{false, false, true, true}, 0, nil, nil},
		// Pairs (pos, neg) with pos > neg: of 3·2 = 6 pairs, (0.8>0.7),
		// (0.8>0.1), (0.4>0.1), (0.3>0.1) → 4 wins: AUC = 4/6.
		{"mixed", []float64{0.8, 0.7, 0.4, 0.3, 0.1}, []bool{true, false, true, true, false}, 4.0 / 6, nil, nil},
		// All scores tied: one diagonal step, AUC one half.
		{"all tied", []float64{1, 1, 1, 1}, []bool{true, false, true, false}, 0.5,
			[]float64{0, 1}, []float64{0, 1}},
		// One tie between a positive and a negative counts one half:
		// pairs (0.9>0.5), (0.9>0.1), (0.5=0.5 → ½), (0.5>0.1) → 3.5/4.
		{"partial tie", []float64{0.9, 0.5, 0.5, 0.1}, []bool{true, true, false, false}, 3.5 / 4, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ROC(tc.name, tc.scores, tc.positive)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(c.AUC-tc.wantAUC) > 1e-12 {
				t.Errorf("AUC = %v, want %v", c.AUC, tc.wantAUC)
			}
			if got := mannWhitney(tc.scores, tc.positive); math.Abs(c.AUC-got) > 1e-12 {
				t.Errorf("AUC = %v, but the pair count gives %v", c.AUC, got)
			}
			if tc.wantFPR != nil && (!equalFloats(c.FPR, tc.wantFPR) || !equalFloats(c.TPR, tc.wantTPR)) {
				t.Errorf("curve FPR %v TPR %v, want %v %v", c.FPR, c.TPR, tc.wantFPR, tc.wantTPR)
			}
			if last := len(c.FPR) - 1; c.FPR[last] != 1 || c.TPR[last] != 1 || !math.IsInf(c.Thresholds[0], 1) {
				t.Errorf("curve does not run from threshold +Inf to (1, 1): %v %v %v", c.FPR, c.TPR, c.Thresholds)
			}
			p, err := ROCPlot(PlotOptions{Title: "ROC"}, c)
			if err != nil {
				t.Fatal(err)
			}
			b, ok := Render(p)
			if !ok || b.Data[MIMEPNG] == nil {
				t.Errorf("ROC plot did not render to PNG: %v", b.Data[MIMEText])
			}
		})
	}
	errCases := []struct {
		name     string
		scores   []float64
		positive []bool
	}{
		{"length mismatch", []float64{1}, []bool{true, false}},
		{"one class", []float64{1, 2}, []bool{true, true}},
		{"NaN score", []float64{math.NaN(), 2}, []bool{true, false}},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ROC("x", tc.scores, tc.positive); err == nil {
				t.Error("no error")
			}
		})
	}
}

// mannWhitney counts the share of (positive, negative) pairs ordered
// correctly, ties counting one half: the AUC by definition.
func mannWhitney(scores []float64, positive []bool) float64 {
	var wins, pairs float64
	for i := range scores {
		for j := range scores {
			if !positive[i] || positive[j] {
				continue
			}
			pairs++
			switch {
			case scores[i] > scores[j]:
				wins++
			case scores[i] == scores[j]:
				wins += 0.5
			}
		}
	}
	return wins / pairs
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12 {
			return false
		}
	}
	return true
}

func TestHistogramsNormalize(t *testing.T) {
	small := Sample{Label: "signal", Values: []float64{0.1, 0.2, 0.25, 0.9, math.NaN()}}
	big := Sample{Label: "background", Values: make([]float64, 1000)}
	for i := range big.Values {
		big.Values[i] = float64(i) / 999
	}
	cases := []struct {
		name      string
		opt       HistOptions
		wantTotal []float64 // per sample: Σ weight·width (normalized) or Σ weight (counts)
	}{
		{"density", HistOptions{Bins: 10, Normalize: true}, []float64{1, 1}},
		{"counts", HistOptions{Bins: 7}, []float64{4, 1000}},
		{"fixed range drops outside", HistOptions{Bins: 4, Min: 0, Max: 0.5}, []float64{3, 500}}, // i/999 ≤ 0.5 for i < 500,
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, hists, err := histograms(tc.opt, []Sample{small, big})
			if err != nil {
				t.Fatal(err)
			}
			if len(hists) != 2 {
				t.Fatalf("%d histograms, want 2", len(hists))
			}
			for i, h := range hists {
				if h.Bins[0].Min != hists[0].Bins[0].Min || len(h.Bins) != len(hists[0].Bins) {
					t.Errorf("histogram %d does not share the first one's bins", i)
				}
				total := 0.0
				for _, b := range h.Bins {
					if tc.opt.Normalize {
						total += b.Weight * (b.Max - b.Min)
					} else {
						total += b.Weight
					}
				}
				if math.Abs(total-tc.wantTotal[i]) > 1e-9 {
					t.Errorf("histogram %d totals %v, want %v", i, total, tc.wantTotal[i])
				}
			}
			if _, ok := Render(p); !ok {
				t.Error("histogram plot does not render")
			}
		})
	}
	if _, err := Histograms(HistOptions{}, Sample{Values: []float64{math.NaN()}}); err == nil {
		t.Error("a sample without finite values was accepted")
	}
}

func TestLines(t *testing.T) {
	x := []float64{0, 1, 2, 3}
	y := []float64{1, 0.5, 0.3, 0.2}
	cases := []struct {
		name     string
		series   []Series
		wantErr  string
		plotters int
	}{
		{"line with band and scatter", []Series{{Label: "val", X: x, Y: y, Err: []float64{0.1, 0.1, 0.05, 0.05}}, {Label: "data", X: x, Y: y, Points: true}}, "", 3},
		{"length mismatch", []Series{{X: x, Y: y[:2]}}, "want equal lengths", 0},
		{"error length", []Series{{X: x, Y: y, Err: []float64{1}}}, "want equal lengths", 0},
		{"NaN", []Series{{X: x, Y: []float64{1, math.NaN(), 1, 1}}}, "not finite", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, added, err := lines(PlotOptions{Title: "loss", LogY: true}, tc.series)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n := len(added); n != tc.plotters {
				t.Errorf("%d plotters, want %d (band, line, scatter)", n, tc.plotters)
			}
			if b, ok := Render(Figure{Plot: p, SVG: true}); !ok || b.Data[MIMESVG] == nil {
				t.Errorf("line plot did not render to SVG: %v", b.Data[MIMEText])
			}
		})
	}
}
