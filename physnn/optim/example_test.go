package optim_test

import (
	"fmt"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/optim"
)

// Minimising (θ − 3)² with Adam under a warm-up followed by cosine decay.
func ExampleAdam() {
	theta := physnn.Zeros(1).SetRequiresGrad(true)
	opt := optim.NewAdam([]*physnn.Tensor{theta}, optim.AdamConfig{
		LR:       0.1,
		Schedule: optim.Warmup{Steps: 10, Then: optim.Cosine{Steps: 490, MinFactor: 0.01}},
	})
	for step := range 500 {
		opt.ZeroGrad()
		loss := theta.AddScalar(-3).Pow(2).Sum()
		if err := loss.Backward(); err != nil {
			fmt.Println(err)
			return
		}
		if err := opt.Step(); err != nil {
			fmt.Println(err)
			return
		}
		if step == 0 {
			fmt.Printf("first step at lr %.3g\n", 0.1*optim.Warmup{Steps: 10}.Factor(0))
		}
	}
	fmt.Printf("θ = %.3f after %d steps, final lr %.2g\n", theta.Item(), opt.Steps(), opt.LR("default"))
	// Output:
	// first step at lr 0.01
	// θ = 3.000 after 500 steps, final lr 0.001
}

// Freezing one parameter group while another trains, as when alternating
// the two halves of a GAN.
func ExampleGroup() {
	gen := physnn.Ones(2).SetRequiresGrad(true)
	disc := physnn.Ones(2).SetRequiresGrad(true)
	opt := optim.NewSGD([]*physnn.Tensor{gen}, optim.SGDConfig{LR: 0.5})
	opt.AddGroup(optim.Group{Name: "disc", Params: []*physnn.Tensor{disc}, LR: 0.1})
	opt.Groups()[1].Frozen = true

	opt.ZeroGrad()
	gen.Add(disc).Sum().Backward() // gradient 1 for every element
	opt.Step()
	fmt.Println("gen", gen.Data(), "disc", disc.Data())
	// Output:
	// gen [0.5 0.5] disc [1 1]
}
