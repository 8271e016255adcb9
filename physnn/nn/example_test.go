package nn_test

import (
	"fmt"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/nn"
	"github.com/gophys/gophys/physnn/optim"
)

// A small network: its named parameters and the shape of its output.
func ExampleSequential() {
	rng := physnn.NewRNG(1)
	model := nn.NewSequential(nn.NewDense(3, 16, rng), nn.ReLU(), nn.NewDense(16, 2, rng))
	for _, p := range model.NamedParameters() {
		fmt.Println(p.Name, p.Tensor.Shape())
	}
	y := model.Forward(rng.Normal(0, 1, 8, 3))
	fmt.Println(nn.Describe(model), y.Shape())
	// Output:
	// 0.weight [3 16]
	// 0.bias [16]
	// 2.weight [16 2]
	// 2.bias [2]
	// Sequential(Dense(3→16), ReLU, Dense(16→2)) [8 2]
}

// Training a Dense layer by hand to fit y = 2x + 1: forward, loss,
// backward, step.
func ExampleDense() {
	rng := physnn.NewRNG(2)
	layer := nn.NewDense(1, 1, rng)
	opt := optim.NewAdam(layer.Parameters(), optim.AdamConfig{LR: 0.05})
	x := physnn.New([]float32{-1, -0.5, 0, 0.5, 1}, 5, 1)
	y := x.MulScalar(2).AddScalar(1)
	for range 1000 {
		opt.ZeroGrad()
		loss := physnn.MSE(layer.Forward(x), y)
		if err := loss.Backward(); err != nil {
			fmt.Println(err)
			return
		}
		opt.Step()
	}
	fmt.Printf("w = %.3f, b = %.3f\n", layer.Weight.Item(), layer.Bias.Item())
	// Output:
	// w = 2.000, b = 1.000
}
