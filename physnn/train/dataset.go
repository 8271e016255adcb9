package train

import (
	"fmt"

	"github.com/gophys/gophys/physnn"
)

// Dataset is what Fit trains on: Len samples, of which Batch returns the
// inputs and targets at the given indices, stacked along a new first axis.
// Implement it (also in a notebook cell) to stream or generate data; errors
// travel in the returned tensors (Tensor.Err). Fit never keeps a batch past
// the step that uses it, so Batch may reuse its buffers.
type Dataset interface {
	Len() int
	Batch(indices []int) (x, y *physnn.Tensor)
}

// TensorDataset is an in-memory Dataset over two tensors whose first axis
// indexes samples. Batch copies the selected rows into buffers it reuses (one
// pair per batch size), so a training loop over it allocates nothing; a
// batch of all samples in order returns the original tensors themselves.
type TensorDataset struct {
	x, y       *physnn.Tensor
	xs, ys     []float32
	xRow, yRow int
	xShape     []int
	yShape     []int
	n          int
	buffers    map[int][2]*physnn.Tensor
	err        error
}

// NewTensorDataset returns a dataset of the rows of x (inputs) and y
// (targets), which must have the same first dimension. An error (mismatched
// sizes, a tensor carrying an error) is kept and reported by Err, Batch and
// Fit.
func NewTensorDataset(x, y *physnn.Tensor) *TensorDataset {
	d := &TensorDataset{x: x, y: y, buffers: map[int][2]*physnn.Tensor{}}
	switch {
	case x == nil || y == nil:
		d.err = fmt.Errorf("train: dataset needs both inputs and targets")
	case x.Err() != nil:
		d.err = fmt.Errorf("train: dataset inputs: %w", x.Err())
	case y.Err() != nil:
		d.err = fmt.Errorf("train: dataset targets: %w", y.Err())
	case x.Dims() == 0 || y.Dims() == 0:
		d.err = fmt.Errorf("train: dataset tensors need a sample axis, got shapes %v and %v", x.Shape(), y.Shape())
	case x.Shape()[0] != y.Shape()[0]:
		d.err = fmt.Errorf("train: dataset inputs have %d samples, targets %d", x.Shape()[0], y.Shape()[0])
	}
	if d.err != nil {
		return d
	}
	d.n = x.Shape()[0]
	d.xShape, d.yShape = x.Shape(), y.Shape()
	d.xs, d.ys = x.Data(), y.Data()
	if d.n > 0 {
		d.xRow, d.yRow = len(d.xs)/d.n, len(d.ys)/d.n
	}
	return d
}

// Len returns the number of samples (0 if the dataset holds an error).
func (d *TensorDataset) Len() int { return d.n }

// Err returns the dataset's construction error, if any.
func (d *TensorDataset) Err() error { return d.err }

// Batch returns the rows at indices. The returned tensors are reused by the
// next Batch call of the same size: copy them (Clone) to keep them. An index
// out of range gives tensors carrying an error.
func (d *TensorDataset) Batch(indices []int) (x, y *physnn.Tensor) {
	if d.err != nil {
		return errorTensor(d.err), errorTensor(d.err)
	}
	identity := len(indices) == d.n
	for i, j := range indices {
		if j < 0 || j >= d.n {
			err := fmt.Errorf("train: batch index %d out of range [0, %d)", j, d.n)
			return errorTensor(err), errorTensor(err)
		}
		if j != i {
			identity = false
		}
	}
	if identity {
		return d.x, d.y
	}
	buf, ok := d.buffers[len(indices)]
	if !ok {
		xs := append([]int{len(indices)}, d.xShape[1:]...)
		ys := append([]int{len(indices)}, d.yShape[1:]...)
		buf = [2]*physnn.Tensor{physnn.Zeros(xs...), physnn.Zeros(ys...)}
		d.buffers[len(indices)] = buf
	}
	bx, by := buf[0].Values(), buf[1].Values()
	for i, j := range indices {
		copy(bx[i*d.xRow:(i+1)*d.xRow], d.xs[j*d.xRow:(j+1)*d.xRow])
		copy(by[i*d.yRow:(i+1)*d.yRow], d.ys[j*d.yRow:(j+1)*d.yRow])
	}
	return buf[0], buf[1]
}

// errorTensor returns a tensor carrying err.
func errorTensor(err error) *physnn.Tensor {
	return physnn.Custom("train", nil,
		func([]*physnn.Tensor) (*physnn.Tensor, error) { return nil, err },
		nil)
}
