package display

import (
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/gophys/gophys/physnn"
)

// Defaults of [LatentOptions]: the SciNet criterion for an active latent
// (Var(μ) > 0.05 and mean σ < 0.5) and the R² from which a latent explains
// a parameter well enough to be highlighted.
const (
	DefaultActiveThreshold = 0.05
	DefaultMaxStd          = 0.5
	DefaultStrongR2        = 0.5
)

// Param is a named physical parameter with its value for each sample, in the
// order of the samples of the latent means it is compared with.
type Param struct {
	Name   string
	Values []float64
}

// LatentOptions configures a latent table. The zero value uses the
// defaults.
type LatentOptions struct {
	// Title labels the table.
	Title string
	// Names labels the latents; missing names are "z0", "z1", ...
	Names []string
	// ActiveThreshold is the Var(μ) above which a latent is active; zero
	// means DefaultActiveThreshold.
	ActiveThreshold float64
	// MaxStd is the mean σ below which an active latent must lie; zero
	// means DefaultMaxStd. It applies only when σ is known (logVar given).
	MaxStd float64
	// StrongR2 is the R² from which a latent–parameter pair is
	// highlighted; zero means DefaultStrongR2.
	StrongR2 float64
}

// LatentTable is a table of latent-neuron statistics: one row per latent
// with the mean, σ, KL divergence to the N(0, 1) prior, activity (Var(μ)),
// whether it is active, and its correlation and R² with each named physical
// parameter. Shown (by [Show], [Table] or as a cell's value) it is a
// [MIMELatents] JSON payload, rendered by the gophys JupyterLab extension as
// a sortable table, with an HTML table (active latents and strong R²
// highlighted) and aligned text as fallbacks. Build it with
// [NewLatentTable] or [NewLatentTableFromTensors].
type LatentTable struct {
	// Payload holds the statistics, exactly as sent under MIMELatents.
	Payload LatentsPayload
}

// Table computes the latent table of mu and logVar (see [NewLatentTable])
// and shows it; the one-liner for a notebook:
//
//	display.Table(mu, logVar, []display.Param{{"length", L}, {"g", g}}, display.LatentOptions{})
//
// Invalid input is shown as an error message and returned.
func Table(mu, logVar [][]float64, params []Param, opt LatentOptions) error {
	t, err := NewLatentTable(mu, logVar, params, opt)
	if err != nil {
		return showBundle(Bundle{}, err)
	}
	return Show(t)
}

// NewLatentTable computes the statistics of the latents whose posterior
// means are mu (one row per sample, one column per latent) and whose
// posterior log-variances are logVar (the same shape, or nil when the model
// has no σ: then Std is undefined and KL is that of N(μ, 1)). Each param
// must have one value per sample. It returns an error for ragged or empty
// input, mismatched shapes, or non-finite values.
func NewLatentTable(mu, logVar [][]float64, params []Param, opt LatentOptions) (*LatentTable, error) {
	n := len(mu)
	if n == 0 || len(mu[0]) == 0 {
		return nil, fmt.Errorf("display: latent table: no samples or no latents in mu")
	}
	k := len(mu[0])
	if err := checkMatrix("mu", mu, n, k); err != nil {
		return nil, err
	}
	if logVar != nil {
		if err := checkMatrix("logVar", logVar, n, k); err != nil {
			return nil, err
		}
	}
	for _, p := range params {
		if len(p.Values) != n {
			return nil, fmt.Errorf("display: latent table: parameter %q has %d values for %d samples", p.Name, len(p.Values), n)
		}
		for i, v := range p.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("display: latent table: parameter %q is %v at sample %d", p.Name, v, i)
			}
		}
	}
	if opt.ActiveThreshold == 0 {
		opt.ActiveThreshold = DefaultActiveThreshold
	}
	if opt.MaxStd == 0 {
		opt.MaxStd = DefaultMaxStd
	}
	if opt.StrongR2 == 0 {
		opt.StrongR2 = DefaultStrongR2
	}
	pl := LatentsPayload{
		Version:         SchemaVersion,
		Title:           opt.Title,
		Parameters:      make([]string, len(params)),
		ActiveThreshold: Number(opt.ActiveThreshold),
		MaxStd:          Number(math.NaN()),
		StrongR2:        Number(opt.StrongR2),
		Latents:         make([]LatentRow, k),
	}
	if logVar != nil {
		pl.MaxStd = Number(opt.MaxStd)
	}
	for i, p := range params {
		pl.Parameters[i] = p.Name
	}
	col := make([]float64, n)
	for j := 0; j < k; j++ {
		for i := range mu {
			col[i] = mu[i][j]
		}
		mean, variance := meanVar(col)
		std, kl := math.NaN(), 0.0
		if logVar != nil {
			std = 0
			for i := range mu {
				lv := logVar[i][j]
				std += math.Exp(lv / 2)
				kl += 0.5 * (mu[i][j]*mu[i][j] + math.Exp(lv) - 1 - lv)
			}
			std /= float64(n)
		} else {
			for _, m := range col {
				kl += 0.5 * m * m
			}
		}
		kl /= float64(n)
		row := LatentRow{
			Index:    j,
			Name:     fmt.Sprintf("z%d", j),
			Mean:     Number(mean),
			Std:      Number(std),
			KL:       Number(kl),
			Activity: Number(variance),
			Active:   variance > opt.ActiveThreshold && (logVar == nil || std < opt.MaxStd),
			Corr:     make([]Number, len(params)),
			R2:       make([]Number, len(params)),
		}
		if j < len(opt.Names) && opt.Names[j] != "" {
			row.Name = opt.Names[j]
		}
		for p, param := range params {
			r := pearson(col, param.Values)
			row.Corr[p], row.R2[p] = Number(r), Number(r*r)
		}
		pl.Latents[j] = row
	}
	return &LatentTable{Payload: pl}, nil
}

// NewLatentTableFromTensors is [NewLatentTable] for physnn tensors of shape
// [samples, latents], as an encoder returns them; logVar may be nil.
func NewLatentTableFromTensors(mu, logVar *physnn.Tensor, params []Param, opt LatentOptions) (*LatentTable, error) {
	m, err := tensorRows("mu", mu)
	if err != nil {
		return nil, err
	}
	var lv [][]float64
	if logVar != nil {
		if lv, err = tensorRows("logVar", logVar); err != nil {
			return nil, err
		}
	}
	return NewLatentTable(m, lv, params, opt)
}

// tensorRows copies a rank-2 tensor into rows.
func tensorRows(name string, t *physnn.Tensor) ([][]float64, error) {
	if t == nil {
		return nil, fmt.Errorf("display: latent table: %s is nil", name)
	}
	if err := t.Err(); err != nil {
		return nil, fmt.Errorf("display: latent table: %s: %w", name, err)
	}
	shape := t.Shape()
	if len(shape) != 2 {
		return nil, fmt.Errorf("display: latent table: %s has shape %v, want [samples, latents]", name, shape)
	}
	v := t.Float64()
	rows := make([][]float64, shape[0])
	for i := range rows {
		rows[i] = v[i*shape[1] : (i+1)*shape[1] : (i+1)*shape[1]]
	}
	return rows, nil
}

// checkMatrix verifies that m is n×k and finite.
func checkMatrix(name string, m [][]float64, n, k int) error {
	if len(m) != n {
		return fmt.Errorf("display: latent table: %s has %d rows, want %d (one per sample)", name, len(m), n)
	}
	for i, row := range m {
		if len(row) != k {
			return fmt.Errorf("display: latent table: %s row %d has %d latents, want %d", name, i, len(row), k)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("display: latent table: %s[%d][%d] is %v", name, i, j, v)
			}
		}
	}
	return nil
}

// meanVar returns the mean and population variance of xs (two passes, for
// accuracy when the mean is large).
func meanVar(xs []float64) (mean, variance float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(len(xs))
}

// pearson returns the correlation of x and y, NaN when either is constant
// (the correlation is undefined, not zero). "Constant" allows for rounding:
// a spread below 1e-7 of the mean is taken as none.
func pearson(x, y []float64) float64 {
	mx, vx := meanVar(x)
	my, vy := meanVar(y)
	if vx <= 1e-14*mx*mx || vy <= 1e-14*my*my || vx == 0 || vy == 0 {
		return math.NaN()
	}
	var c float64
	for i := range x {
		c += (x[i] - mx) * (y[i] - my)
	}
	r := c / float64(len(x)) / math.Sqrt(vx*vy)
	return math.Max(-1, math.Min(1, r))
}

// MIMEBundle renders the table: the [MIMELatents] payload, an HTML table
// and aligned text.
func (t *LatentTable) MIMEBundle() map[string]any {
	return map[string]any{
		MIMELatents: t.Payload,
		MIMEHTML:    t.HTML(),
		MIMEText:    t.String(),
	}
}

// HTML renders the table as HTML: active latents in bold on a green tint,
// inactive ones greyed; correlation cells tinted by R², those at or above
// StrongR2 in bold. Names and the title are escaped.
func (t *LatentTable) HTML() string {
	pl := t.Payload
	var b strings.Builder
	b.WriteString(`<table class="gophys-latents" style="border-collapse:collapse;font-variant-numeric:tabular-nums">`)
	if pl.Title != "" {
		b.WriteString(`<caption style="font-weight:bold">` + html.EscapeString(pl.Title) + `</caption>`)
	}
	b.WriteString(`<thead><tr>`)
	for _, h := range []string{"latent", "mean", "σ", "KL", "Var(μ)", "active"} {
		b.WriteString(`<th style="` + latentCellPadding + `">` + h + `</th>`)
	}
	for _, p := range pl.Parameters {
		b.WriteString(`<th style="` + latentCellPadding + `">r (R²) ` + html.EscapeString(p) + `</th>`)
	}
	b.WriteString("</tr></thead><tbody>")
	for _, r := range pl.Latents {
		style := `color:#888`
		active := "no"
		if r.Active {
			style, active = `font-weight:bold;background:#e6f4e6`, "yes"
		}
		b.WriteString(`<tr style="` + style + `"><td style="` + latentCellPadding + `">` + html.EscapeString(r.Name) + `</td>`)
		for _, v := range []Number{r.Mean, r.Std, r.KL, r.Activity} {
			b.WriteString(`<td style="text-align:right;` + latentCellPadding + `">` + formatNumber(v) + `</td>`)
		}
		b.WriteString(`<td style="` + latentCellPadding + `">` + active + `</td>`)
		for p := range pl.Parameters {
			r2 := float64(r.R2[p])
			cell := `text-align:right;` + latentCellPadding
			if !math.IsNaN(r2) {
				// Tint from white (R² = 0) to blue (R² = 1).
				cell += fmt.Sprintf(";background:rgba(31,119,180,%.2f)", 0.6*r2)
				if r2 >= float64(pl.StrongR2) {
					cell += ";font-weight:bold;color:#000"
				}
			}
			b.WriteString(`<td style="` + cell + `">` + formatNumber(r.Corr[p]) + ` (` + formatNumber(r.R2[p]) + `)</td>`)
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>")
	return b.String()
}

// latentCellPadding spaces the HTML table's cells; inline, since notebook
// frontends may strip <style> elements from outputs.
const latentCellPadding = "padding:2px 8px"

// String renders the table as aligned text, active latents marked with *.
func (t *LatentTable) String() string {
	pl := t.Payload
	header := []string{"latent", "mean", "σ", "KL", "Var(μ)", "active"}
	for _, p := range pl.Parameters {
		header = append(header, "r(R²) "+p)
	}
	rows := [][]string{header}
	for _, r := range pl.Latents {
		active := ""
		if r.Active {
			active = "*"
		}
		row := []string{r.Name, formatNumber(r.Mean), formatNumber(r.Std), formatNumber(r.KL), formatNumber(r.Activity), active}
		for p := range pl.Parameters {
			row = append(row, formatNumber(r.Corr[p])+" ("+formatNumber(r.R2[p])+")")
		}
		rows = append(rows, row)
	}
	widths := make([]int, len(header))
	for _, row := range rows {
		for c, cell := range row {
			widths[c] = max(widths[c], len([]rune(cell)))
		}
	}
	lines := make([]string, 0, len(rows)+1)
	if pl.Title != "" {
		lines = append(lines, pl.Title)
	}
	for _, row := range rows {
		var b strings.Builder
		for c, cell := range row {
			if c > 0 {
				b.WriteString("  ")
			}
			b.WriteString(cell + strings.Repeat(" ", widths[c]-len([]rune(cell))))
		}
		lines = append(lines, strings.TrimRight(b.String(), " "))
	}
	return strings.Join(lines, "\n")
}
