package train

import (
	"errors"
	"fmt"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/nn"
)

// Evaluate runs model in evaluation mode without recording gradients over
// all of data in batches of batchSize (zero means one batch) and returns the
// sample-weighted mean loss (nil means physnn.MSE) and metrics. It leaves
// the model in evaluation mode.
func Evaluate(model nn.Layer, data Dataset, loss Loss, metrics []Metric, batchSize int) (mean float64, values map[string]float64, err error) {
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("train: evaluate panicked: %v", rec)
		}
	}()
	if model == nil || data == nil {
		return 0, nil, errors.New("train: evaluate needs a model and a dataset")
	}
	if loss == nil {
		loss = physnn.MSE
	}
	idx := make([]int, data.Len())
	for i := range idx {
		idx[i] = i
	}
	if len(idx) == 0 {
		return 0, nil, errors.New("train: evaluate on an empty dataset")
	}
	if batchSize <= 0 {
		batchSize = len(idx)
	}
	return evaluate(model, data, idx, loss, metrics, batchSize, physnn.NewWorkspace())
}

// evaluate is Evaluate over the samples idx. Each batch runs in ws, which
// is reset before the next batch: the loss and metrics are read as numbers
// before that.
func evaluate(model nn.Layer, data Dataset, idx []int, loss Loss, metrics []Metric, batchSize int, ws *physnn.Workspace) (mean float64, values map[string]float64, err error) {
	model.SetTraining(false)
	sums := make([]float64, len(metrics))
	physnn.NoGrad(func() {
		for start := 0; start < len(idx); start += batchSize {
			b := idx[start:min(start+batchSize, len(idx))]
			ws.Reset()
			x, y := data.Batch(b)
			pred := model.Forward(ws.Use(x))
			y = ws.Use(y)
			l := loss(pred, y)
			if l == nil {
				err = errors.New("the loss function returned nil")
				return
			}
			if err = l.Err(); err != nil {
				return
			}
			w := float64(len(b))
			mean += float64(l.Item()) * w
			for i, m := range metrics {
				sums[i] += m.Fn(pred, y) * w
			}
		}
	})
	if err != nil {
		return 0, nil, err
	}
	n := float64(len(idx))
	values = make(map[string]float64, len(metrics))
	for i, m := range metrics {
		values[m.Name] = sums[i] / n
	}
	return mean / n, values, nil
}

// Predict runs model on x in evaluation mode without recording gradients.
func Predict(model nn.Layer, x *physnn.Tensor) (y *physnn.Tensor) {
	defer func() {
		if rec := recover(); rec != nil {
			y = errorTensor(fmt.Errorf("train: predict panicked: %v", rec))
		}
	}()
	model.SetTraining(false)
	physnn.NoGrad(func() { y = model.Forward(x) })
	return y
}
