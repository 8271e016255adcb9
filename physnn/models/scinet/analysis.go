package scinet

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/sim"
)

// LatentRow holds the statistics of one latent neuron over a data set, with
// the decoder fed its mean (ε = 0).
type LatentRow struct {
	Latent    int     // 0-based index
	MeanSigma float64 // mean of σ = e^{log σ}
	MeanMu    float64 // mean of μ
	MeanAbsMu float64 // mean of |μ|
	VarMu     float64 // variance of μ over the samples
	KL        float64 // mean KL of this latent to the prior N(0, σ_t²)
	// Active: MeanSigma < 0.5·σ_t and VarMu > 0.05·σ_t² (the notes'
	// thresholds at σ_t = 1): the latent carries information.
	Active bool
	// R2Linear[j] and R2Quadratic[j] are the R² of μ against a linear and a
	// quadratic function of parameter j (Analysis.ParamNames order).
	R2Linear, R2Quadratic []float64
	// R2Combined is the R² of μ against c0 + Σ_j Combination[j]·param_j,
	// the least-squares linear combination of all parameters.
	R2Combined  float64
	Combination []float64
}

// Analysis is a trained SciNet's latent table: one row per latent, the
// names of the true parameters the R² columns refer to, and the RMS
// prediction error (sqrt of the mean over samples of the squared error
// summed over outputs, the paper's "error").
type Analysis struct {
	ParamNames []string
	PriorStd   float64
	Latents    []LatentRow
	RMS        float64
	Samples    int
	// MI[k][l] is the mutual information (nats) between the means of
	// latents k and l (MutualInformation with default bins); independent
	// latents give ≈ 0 up to the estimator's small positive bias.
	MI [][]float64
}

// Active returns the indices of the active latents.
func (a *Analysis) Active() []int {
	var idx []int
	for _, r := range a.Latents {
		if r.Active {
			idx = append(idx, r.Latent)
		}
	}
	return idx
}

// Columns names the columns of Rows: the statistics, then R² (linear,
// quadratic) per parameter, then R² of the linear combination.
func (a *Analysis) Columns() []string {
	cols := []string{"latent", "mean σ", "mean μ", "mean |μ|", "Var(μ)", "KL", "active"}
	for _, p := range a.ParamNames {
		cols = append(cols, "R² lin "+p, "R² quad "+p)
	}
	return append(cols, "R² combined")
}

// Rows returns the latent table as numbers in Columns order (active is 0
// or 1), one row per latent.
func (a *Analysis) Rows() [][]float64 {
	rows := make([][]float64, len(a.Latents))
	for i, r := range a.Latents {
		act := 0.0
		if r.Active {
			act = 1
		}
		row := []float64{float64(r.Latent), r.MeanSigma, r.MeanMu, r.MeanAbsMu, r.VarMu, r.KL, act}
		for j := range a.ParamNames {
			row = append(row, r.R2Linear[j], r.R2Quadratic[j])
		}
		rows[i] = append(row, r.R2Combined)
	}
	return rows
}

// LatentMeans returns μ and σ ([sample][latent]) of model's encoder for the
// observations of data, with ε = 0; on a sim.PendulumGrid this is the
// paper's Fig. 2.
func LatentMeans(model *Model, data *sim.Data) (mu, sigma [][]float64, err error) {
	if model == nil || data == nil || data.Observations == nil {
		return nil, nil, errors.New("scinet: LatentMeans needs a model and data")
	}
	var m, ls *physnn.Tensor
	physnn.NoGrad(func() { m, ls = model.Encode(data.Observations) })
	if err := m.Err(); err != nil {
		return nil, nil, fmt.Errorf("scinet: encode: %w", err)
	}
	if err := ls.Err(); err != nil {
		return nil, nil, fmt.Errorf("scinet: encode: %w", err)
	}
	n, l := m.Shape()[0], m.Shape()[1]
	mu, sigma = make([][]float64, n), make([][]float64, n)
	mv, sv := m.Float64(), ls.Float64()
	for i := range mu {
		mu[i], sigma[i] = mv[i*l:(i+1)*l], make([]float64, l)
		for k := range l {
			sigma[i][k] = math.Exp(sv[i*l+k])
		}
	}
	return mu, sigma, nil
}

// Analyze evaluates model on data with ε = 0 and returns the latent table
// and the RMS prediction error.
func Analyze(model *Model, data *sim.Data) (*Analysis, error) {
	mu, sigma, err := LatentMeans(model, data)
	if err != nil {
		return nil, err
	}
	if data.Answers == nil || len(data.Params) != len(mu) {
		return nil, errors.New("scinet: Analyze needs answers and parameters for every sample")
	}
	n := len(mu)
	if n < 3 {
		return nil, fmt.Errorf("scinet: Analyze needs at least 3 samples, got %d", n)
	}
	pred, err := Predict(model, data)
	if err != nil {
		return nil, fmt.Errorf("scinet: predict: %w", err)
	}
	pv, av := pred.Float64(), data.Answers.Float64()
	if len(pv) != len(av) {
		return nil, fmt.Errorf("scinet: %d predictions for %d answers", len(pv), len(av))
	}
	var sse float64
	for i := range pv {
		d := pv[i] - av[i]
		sse += d * d
	}
	st := float64(model.cfg.PriorStd)
	a := &Analysis{ParamNames: data.ParamNames, PriorStd: st, RMS: math.Sqrt(sse / float64(n)), Samples: n}
	params := make([][]float64, len(data.ParamNames))
	for j := range params {
		params[j], _ = data.Param(data.ParamNames[j])
	}
	for k := range model.cfg.Latents {
		r := LatentRow{Latent: k}
		y := make([]float64, n)
		for i := range n {
			m, s := mu[i][k], sigma[i][k]
			y[i] = m
			r.MeanMu += m
			r.MeanAbsMu += math.Abs(m)
			r.MeanSigma += s
			r.KL += 0.5 * ((s*s+m*m)/(st*st) - 1 - 2*math.Log(s) + 2*math.Log(st))
		}
		fn := float64(n)
		r.MeanMu /= fn
		r.MeanAbsMu /= fn
		r.MeanSigma /= fn
		r.KL /= fn
		for _, v := range y {
			r.VarMu += (v - r.MeanMu) * (v - r.MeanMu)
		}
		r.VarMu /= fn
		r.Active = r.MeanSigma < 0.5*st && r.VarMu > 0.05*st*st
		for _, p := range params {
			lin, _ := RSquared(y, p)
			quad, _ := RSquared(y, p, square(p))
			r.R2Linear = append(r.R2Linear, lin)
			r.R2Quadratic = append(r.R2Quadratic, quad)
		}
		coef := []float64{}
		r.R2Combined, coef = RSquared(y, params...)
		if len(coef) > 0 {
			r.Combination = coef[1:]
		}
		a.Latents = append(a.Latents, r)
	}
	cols := make([][]float64, model.cfg.Latents)
	for k := range cols {
		cols[k] = make([]float64, n)
		for i := range n {
			cols[k][i] = mu[i][k]
		}
	}
	a.MI = make([][]float64, len(cols))
	for k := range cols {
		a.MI[k] = make([]float64, len(cols))
		for l := range cols {
			if l < k {
				a.MI[k][l] = a.MI[l][k]
				continue
			}
			a.MI[k][l] = MutualInformation(cols[k], cols[l], 0)
		}
	}
	return a, nil
}

func square(x []float64) []float64 {
	s := make([]float64, len(x))
	for i, v := range x {
		s[i] = v * v
	}
	return s
}

// RSquared fits y ≈ c0 + Σ_j c_j·x_j by least squares and returns the
// coefficient of determination R² = 1 − SS_res/SS_tot and the coefficients
// (c0 first). A constant y gives R² = 0 (nothing to explain); a singular
// fit returns NaN and nil.
func RSquared(y []float64, xs ...[]float64) (float64, []float64) {
	n, p := len(y), len(xs)+1
	if n <= p {
		return math.NaN(), nil
	}
	x := mat.NewDense(n, p, nil)
	for i := range n {
		x.Set(i, 0, 1)
		for j, col := range xs {
			x.Set(i, j+1, col[i])
		}
	}
	var qr mat.QR
	qr.Factorize(x)
	var c mat.Dense
	if err := qr.SolveTo(&c, false, mat.NewDense(n, 1, y)); err != nil {
		return math.NaN(), nil
	}
	var mean float64
	for _, v := range y {
		mean += v
	}
	mean /= float64(n)
	var res, tot float64
	coef := mat.Col(nil, 0, &c)
	for i := range n {
		f := coef[0]
		for j, col := range xs {
			f += coef[j+1] * col[i]
		}
		res += (y[i] - f) * (y[i] - f)
		tot += (y[i] - mean) * (y[i] - mean)
	}
	if tot == 0 {
		return 0, coef
	}
	return 1 - res/tot, coef
}
