package train

import (
	"math"

	"github.com/gophys/gophys/physnn"
)

// Loss maps predictions and targets to a scalar loss tensor. The built-in
// losses physnn.MSE, physnn.L1 and physnn.BCEWithLogits have this signature;
// a loss written in a cell from physnn ops works the same way.
type Loss func(pred, target *physnn.Tensor) *physnn.Tensor

// Metric is a named per-sample mean over a batch (such as MAE or
// accuracy); Fit and Evaluate average it over batches weighted by batch
// size, so Fn must be a mean over the batch's samples. pred and target are
// valid only during the call (their buffers are reused for the next batch):
// Fn must not keep them, or must keep a Clone.
type Metric struct {
	Name string
	Fn   func(pred, target *physnn.Tensor) float64
}

// MAE is the mean absolute error metric, named "mae".
func MAE() Metric {
	return Metric{Name: "mae", Fn: func(pred, target *physnn.Tensor) float64 {
		p, t := pred.Data(), target.Data()
		if len(p) != len(t) || len(p) == 0 {
			return math.NaN()
		}
		var s float64
		for i := range p {
			s += math.Abs(float64(p[i]) - float64(t[i]))
		}
		return s / float64(len(p))
	}}
}

// Accuracy is the classification accuracy metric, named "accuracy": pred
// holds one row of scores per sample, target either class indices (shape
// [B] or [B, 1]) or one-hot rows of pred's shape.
func Accuracy() Metric {
	return Metric{Name: "accuracy", Fn: func(pred, target *physnn.Tensor) float64 {
		ps := pred.Shape()
		if len(ps) != 2 || ps[0] == 0 {
			return math.NaN()
		}
		b, c := ps[0], ps[1]
		p, t := pred.Data(), target.Data()
		oneHot := len(t) == b*c && c > 1
		if !oneHot && len(t) != b {
			return math.NaN()
		}
		correct := 0
		for i := range b {
			want := 0
			if oneHot {
				want = argmax(t[i*c : (i+1)*c])
			} else {
				want = int(t[i])
			}
			if argmax(p[i*c:(i+1)*c]) == want {
				correct++
			}
		}
		return float64(correct) / float64(b)
	}}
}

func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
