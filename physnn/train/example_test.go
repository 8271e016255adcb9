package train_test

import (
	"fmt"
	"math"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/nn"
	"github.com/gophys/gophys/physnn/optim"
	"github.com/gophys/gophys/physnn/train"
)

// Fitting y = sin(x) with a small network, mini-batches and a validation
// split, printing the loss every 100 epochs from a callback.
func ExampleFit() {
	const n = 200
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range n {
		xs[i] = -3 + 6*float64(i)/(n-1)
		ys[i] = math.Sin(xs[i])
	}
	data := train.NewTensorDataset(physnn.FromFloat64(xs, n, 1), physnn.FromFloat64(ys, n, 1))

	rng := physnn.NewRNG(1)
	model := nn.NewSequential(nn.NewDense(1, 32, rng), nn.Tanh(), nn.NewDense(32, 1, rng))
	opt := optim.NewAdam(model.Parameters(), optim.AdamConfig{LR: 0.01})
	progress := train.CallbackFuncs{Epoch: func(e train.EpochInfo) error {
		if e.Epoch%100 == 0 {
			fmt.Printf("epoch %d: validation loss below 0.01: %v\n", e.Epoch, e.ValLoss < 0.01)
		}
		return nil
	}}
	hist, err := train.Fit(model, opt, data, train.Config{
		Epochs: 300, BatchSize: 32, ValidationSplit: 0.2, Seed: 1,
		Callbacks: []train.Callback{progress},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("steps:", hist.Steps)
	// Output:
	// epoch 100: validation loss below 0.01: true
	// epoch 200: validation loss below 0.01: true
	// epoch 300: validation loss below 0.01: true
	// steps: 1500
}
