package nn_test

import (
	"fmt"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/nn"
	"github.com/gophys/gophys/physnn/optim"
	"github.com/gophys/gophys/physnn/train"
)

// bars returns n noisy 8×8 one-channel images, each holding one vertical
// (label 1) or horizontal (label 0) bar at a random position.
func bars(n int, rng *physnn.RNG) (x, y *physnn.Tensor) {
	img := rng.Normal(0, 0.2, n, 1, 8, 8).Data()
	labels := make([]float32, n)
	for i := range n {
		at := rng.IntN(8)
		vertical := rng.IntN(2) == 1
		for k := range 8 {
			if vertical {
				img[i*64+k*8+at] += 1
			} else {
				img[i*64+at*8+k] += 1
			}
		}
		if vertical {
			labels[i] = 1
		}
	}
	return physnn.New(img, n, 1, 8, 8), physnn.New(labels, n, 1)
}

// A small CNN (convolution, ReLU, max-pooling, dense) learns to tell
// vertical bars from horizontal ones, trained with train.Fit.
func ExampleSequential_cnn() {
	rng := physnn.NewRNG(3)
	model := nn.NewSequential(
		nn.NewConv2D(1, 4, 3, physnn.ConvOptions{Same: true}, rng), // [N 4 8 8]
		nn.ReLU(),
		nn.MaxPool2D(2, 2), // [N 4 4 4]
		nn.Flatten(),       // [N 64]
		nn.NewDense(64, 1, rng),
	)
	x, y := bars(256, rng)
	opt := optim.NewAdam(model.Parameters(), optim.AdamConfig{LR: 0.01})
	_, err := train.Fit(model, opt, train.NewTensorDataset(x, y), train.Config{
		Epochs: 20, BatchSize: 32, Seed: 1, Loss: physnn.BCEWithLogits,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	testX, testY := bars(200, rng)
	logits, labels := train.Predict(model, testX).Data(), testY.Data()
	correct := 0
	for i, l := range logits {
		if (l > 0) == (labels[i] == 1) {
			correct++
		}
	}
	fmt.Println(nn.Describe(model))
	fmt.Println("test accuracy above 95%:", correct > 190)
	// Output:
	// Sequential(Conv2D(1→4, 3×3, same), ReLU, MaxPool2D(2, 2), Flatten, Dense(64→1))
	// test accuracy above 95%: true
}
