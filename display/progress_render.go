package display

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"time"
)

// Size of the inline SVG loss curve of the HTML fallback, in CSS pixels.
const (
	progressCurveWidth  = 480
	progressCurveHeight = 140
	progressCurveMargin = 48 // left margin, for the y labels
)

// seriesColors are the curve colours, in order of series creation
// (matplotlib's tab10, readable on light and dark backgrounds).
var seriesColors = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"}

// textBarWidth is the number of cells of the console bar.
const textBarWidth = 30

// progressText renders a payload as one line of text:
//
//	training [#########.....................]  30% 150/500 steps · epoch 3/10 · train loss 0.41 · 4.0s, ETA 9.3s
func progressText(pl ProgressPayload) string {
	var b strings.Builder
	if pl.Title != "" {
		b.WriteString(pl.Title)
		b.WriteByte(' ')
	}
	if pl.Total > 0 {
		filled := int(progressFraction(pl) * textBarWidth)
		b.WriteString("[" + strings.Repeat("#", filled) + strings.Repeat(".", textBarWidth-filled) + "] ")
	}
	b.WriteString(progressStatus(pl))
	return b.String()
}

// progressStatus is the status line without title and bar:
// " 30% 150/500 steps · epoch 3/10 · train loss 0.41 · 4.0s, ETA 9.3s".
func progressStatus(pl ProgressPayload) string {
	var b strings.Builder
	if pl.Total > 0 {
		fmt.Fprintf(&b, "%3d%% %d/%d %ss", int(progressFraction(pl)*100), pl.Current, pl.Total, pl.Unit)
	} else {
		fmt.Fprintf(&b, "%d %ss", pl.Current, pl.Unit)
	}
	if pl.Epochs > 0 {
		fmt.Fprintf(&b, " · epoch %d/%d", pl.Epoch, pl.Epochs)
	}
	for _, k := range sortedKeys(pl.Metrics) {
		fmt.Fprintf(&b, " · %s %s", k, formatNumber(pl.Metrics[k]))
	}
	fmt.Fprintf(&b, " · %s", formatSeconds(float64(pl.ElapsedSeconds)))
	if eta := float64(pl.ETASeconds); pl.Status == "running" && !math.IsNaN(eta) {
		fmt.Fprintf(&b, ", ETA %s", formatSeconds(eta))
	}
	switch pl.Status {
	case "running":
	case "error":
		fmt.Fprintf(&b, " · error: %s", pl.Error)
	default:
		b.WriteString(" · " + pl.Status)
		if pl.Error != "" {
			b.WriteString(": " + pl.Error)
		}
	}
	return b.String()
}

// progressFraction is the share done, in [0, 1]; 0 when the total is
// unknown.
func progressFraction(pl ProgressPayload) float64 {
	if pl.Total <= 0 {
		return 0
	}
	return math.Min(1, math.Max(0, float64(pl.Current)/float64(pl.Total)))
}

// progressHTML renders a payload as a bar, a status line and an inline SVG
// of its curves: cheap to build (a few hundred points of text) and shown by
// any frontend, and in exported reports, without the gophys extension.
func progressHTML(pl ProgressPayload) string {
	var b strings.Builder
	frac := progressFraction(pl)
	if pl.Total <= 0 && pl.Status != "running" {
		frac = 1
	}
	color := "#1f77b4"
	switch pl.Status {
	case "done":
		color = "#2ca02c"
	case "stopped":
		color = "#ff7f0e"
	case "error":
		color = "#d62728"
	}
	b.WriteString(`<div class="gophys-progress" style="font-family:sans-serif;font-size:13px;max-width:` +
		strconv.Itoa(progressCurveWidth) + `px">`)
	if pl.Title != "" {
		b.WriteString(`<div style="font-weight:bold">` + html.EscapeString(pl.Title) + `</div>`)
	}
	fmt.Fprintf(&b, `<div style="background:#e0e0e0;border-radius:3px;height:12px;margin:3px 0">`+
		`<div style="background:%s;width:%.1f%%;height:100%%;border-radius:3px"></div></div>`, color, 100*frac)
	b.WriteString(`<div>` + html.EscapeString(strings.TrimSpace(progressStatus(pl))) + `</div>`)
	b.WriteString(progressSVG(pl))
	b.WriteString(`</div>`)
	return b.String()
}

// progressSVG draws the payload's curves as polylines with their y range
// and a legend; empty when there is nothing to draw.
func progressSVG(pl ProgressPayload) string {
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	points := 0
	for _, s := range pl.Series {
		for i := range s.X {
			xlo, xhi = math.Min(xlo, s.X[i]), math.Max(xhi, s.X[i])
			ylo, yhi = math.Min(ylo, s.Y[i]), math.Max(yhi, s.Y[i])
			points++
		}
	}
	if points == 0 {
		return ""
	}
	ty := func(y float64) float64 { return y }
	if pl.LogY {
		ty = math.Log10
	}
	tlo, thi := ty(ylo), ty(yhi)
	if thi == tlo {
		tlo, thi = tlo-0.5, thi+0.5
	}
	if xhi == xlo {
		xlo, xhi = xlo-0.5, xhi+0.5
	}
	const top, bottom, right = 6.0, 18.0, 6.0
	w, h := float64(progressCurveWidth), float64(progressCurveHeight)
	left := float64(progressCurveMargin)
	px := func(x float64) float64 { return left + (x-xlo)/(xhi-xlo)*(w-left-right) }
	py := func(y float64) float64 { return top + (thi-ty(y))/(thi-tlo)*(h-top-bottom) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" style="display:block">`,
		progressCurveWidth, progressCurveHeight, progressCurveWidth, progressCurveHeight)
	fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#bbb"/>`,
		left, top, w-left-right, h-top-bottom)
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="10" text-anchor="end">%s</text>`, left-3, top+8, formatNumber(Number(yhi)))
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="10" text-anchor="end">%s</text>`, left-3, h-bottom, formatNumber(Number(ylo)))
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="10">%s</text>`, left, h-5, formatNumber(Number(xlo)))
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="10" text-anchor="end">%s %ss</text>`, w-right, h-5,
		formatNumber(Number(xhi)), html.EscapeString(pl.Unit))
	if pl.LogY {
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="10" text-anchor="end">log</text>`, left-3, (h-bottom+top)/2)
	}
	legendX := left + 8
	for i, s := range pl.Series {
		color := seriesColors[i%len(seriesColors)]
		if len(s.X) > 0 {
			b.WriteString(`<polyline fill="none" stroke-width="1.5" stroke="` + color + `" points="`)
			for j := range s.X {
				if j > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(strconv.FormatFloat(px(s.X[j]), 'f', 1, 64))
				b.WriteByte(',')
				b.WriteString(strconv.FormatFloat(py(s.Y[j]), 'f', 1, 64))
			}
			b.WriteString(`"/>`)
			if len(s.X) == 1 {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2" fill="%s"/>`, px(s.X[0]), py(s.Y[0]), color)
			}
		}
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="10" fill="%s">%s</text>`, legendX, top+12, color, html.EscapeString(s.Name))
		legendX += 8 + 6*float64(len(s.Name))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// formatNumber writes n with 4 significant digits, or "–" when undefined.
func formatNumber(n Number) string {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	return strconv.FormatFloat(f, 'g', 4, 64)
}

// formatSeconds writes a duration rounded for a progress line: 850ms,
// 4.2s, 3m05s, 1h02m.
func formatSeconds(s float64) string {
	if math.IsNaN(s) || s < 0 {
		return "–"
	}
	d := time.Duration(s * float64(time.Second))
	switch {
	case d < time.Second:
		return strconv.Itoa(int(d/time.Millisecond)) + "ms"
	case d < time.Minute:
		return strconv.FormatFloat(s, 'f', 1, 64) + "s"
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	default:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
}
