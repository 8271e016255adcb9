package checkpoint_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/checkpoint"
	"github.com/gophys/gophys/physnn/nn"
	"github.com/gophys/gophys/physnn/optim"
)

// Saving a model with its optimizer and loading both into fresh copies.
func ExampleSaveModel() {
	dir, err := os.MkdirTemp("", "checkpoint")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "net.safetensors")

	build := func(seed uint64) (*nn.Sequential, *optim.Adam) {
		rng := physnn.NewRNG(seed)
		m := nn.NewSequential(nn.NewDense(2, 4, rng), nn.Tanh(), nn.NewDense(4, 1, rng))
		return m, optim.NewAdam(m.Parameters(), optim.AdamConfig{})
	}
	model, opt := build(1)
	if err := checkpoint.SaveModel(path, model, opt); err != nil {
		fmt.Println(err)
		return
	}

	restored, restoredOpt := build(2) // different initial weights
	if err := checkpoint.LoadModel(path, restored, restoredOpt); err != nil {
		fmt.Println(err)
		return
	}
	x := physnn.New([]float32{0.5, -1}, 1, 2)
	fmt.Println(model.Forward(x).Item() == restored.Forward(x).Item())

	wrong := nn.NewSequential(nn.NewDense(2, 8, physnn.NewRNG(3)))
	err = checkpoint.LoadModel(path, wrong, nil)
	fmt.Println(err != nil && errors.Is(err, checkpoint.ErrArchMismatch))
	// Output:
	// true
	// true
}
