package eval

import (
	"strconv"
	"strings"
	"testing"
)

// TestCellDefinedLayerAndLossTrain is issue 4's "usable from cells" check: a
// layer type and a loss function written in interpreted Go, passed to the
// compiled training loop through yaegi's interface and func wrappers, learn
// y = 3x - 1.
func TestCellDefinedLayerAndLossTrain(t *testing.T) {
	in := newTestInterpreter(t)
	mustRun(t, in, `
// Affine is y = x·W + B, written in the cell: a layer is anything with these three methods.
type Affine struct{ W, B *physnn.Tensor }

func (a *Affine) Forward(x *physnn.Tensor) *physnn.Tensor { return x.MatMul(a.W).Add(a.B) }
func (a *Affine) NamedParameters() []nn.NamedTensor {
	return []nn.NamedTensor{{Name: "w", Tensor: a.W}, {Name: "b", Tensor: a.B}}
}
func (a *Affine) SetTraining(bool) {}

// pseudoHuber is a loss composed from physnn ops in the cell.
func pseudoHuber(pred, target *physnn.Tensor) *physnn.Tensor {
	d := pred.Sub(target)
	return d.Mul(d).AddScalar(1).Sqrt().AddScalar(-1).Mean()
}
`)
	mustRun(t, in, `
rng := physnn.NewRNG(7)
xs, ys := make([]float32, 64), make([]float32, 64)
for i := 0; i < 64; i++ {
	xs[i] = float32(i)/32 - 1
	ys[i] = 3*xs[i] - 1
}
data := train.NewTensorDataset(physnn.New(xs, 64, 1), physnn.New(ys, 64, 1))
var model nn.Layer = &Affine{W: rng.Normal(0, 0.1, 1, 1).SetRequiresGrad(true), B: physnn.Zeros(1).SetRequiresGrad(true)}
opt := optim.NewAdam(nn.Parameters(model), optim.AdamConfig{LR: 0.05})
hist, err := train.Fit(model, opt, data, train.Config{Epochs: 300, BatchSize: 16, Seed: 1, Loss: pseudoHuber})
`)
	res, _ := mustRun(t, in, `if err != nil { panic(err) }
fmt.Sprintf("%.4f %.4f %.6f %.6f", model.(*Affine).W.Item(), model.(*Affine).B.Item(), hist.TrainLoss[0], hist.TrainLoss[len(hist.TrainLoss)-1])`)
	t.Logf("w b loss0 lossN: %s", valueText(res))
	fields := strings.Fields(strings.Trim(valueText(res), `"`))
	if len(fields) != 4 {
		t.Fatalf("value %q: want four numbers", valueText(res))
	}
	var got [4]float64
	for i, f := range fields {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatalf("value %q: %v", valueText(res), err)
		}
		got[i] = v
	}
	if w, b := got[0], got[1]; abs(w-3) > 0.05 || abs(b+1) > 0.05 {
		t.Errorf("cell-defined layer learned w=%.4f b=%.4f; want 3 and -1 within 0.05", w, b)
	}
	if first, last := got[2], got[3]; !(last < first/100) {
		t.Errorf("cell-defined loss fell from %g to %g; want a 100-fold drop", first, last)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
