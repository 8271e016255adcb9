package physnn_test

import (
	"fmt"

	"github.com/gophys/gophys/physnn"
)

func Example() {
	// Fit y = 2x + 1 by gradient descent on a weight and a bias.
	x := physnn.New([]float32{0, 1, 2, 3}, 4, 1)
	y := physnn.New([]float32{1, 3, 5, 7}, 4, 1)
	w := physnn.Zeros(1, 1).SetRequiresGrad(true)
	b := physnn.Zeros(1).SetRequiresGrad(true)
	for step := 0; step < 500; step++ {
		w.ZeroGrad()
		b.ZeroGrad()
		loss := physnn.MSE(x.MatMul(w).Add(b), y)
		if err := loss.Backward(); err != nil {
			fmt.Println(err)
			return
		}
		for _, p := range []*physnn.Tensor{w, b} {
			v, g := p.Values(), p.GradValues()
			for i := range v {
				v[i] -= 0.1 * g[i]
			}
		}
	}
	fmt.Printf("w=%.4g b=%.4g\n", w.Item(), b.Item())
	// Output: w=2 b=1
}

func ExampleNew() {
	x := physnn.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	fmt.Println(x)
	fmt.Println(x.Shape(), x.Dims(), x.Len(), x.At(1, 0))
	fmt.Println(x.Transpose())                               // a view, no copy
	fmt.Println(x.Sum(0))                                    // reduce over rows
	fmt.Println(x.Add(physnn.New([]float32{10, 20, 30}, 3))) // broadcasting
	// Output:
	// Tensor[2 3] [[1 2 3] [4 5 6]]
	// [2 3] 2 6 4
	// Tensor[3 2] [[1 4] [2 5] [3 6]]
	// Tensor[3] [5 7 9]
	// Tensor[2 3] [[11 22 33] [14 25 36]]
}

func ExampleTensor_Backward() {
	// loss = Σ x² + 3x, so dloss/dx = 2x + 3.
	x := physnn.New([]float32{-1, 0, 2}, 3).SetRequiresGrad(true)
	loss := x.Mul(x).Add(x.MulScalar(3)).Sum()
	if err := loss.Backward(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("loss=%.4g\n", loss.Item())
	fmt.Println("grad", x.Grad())
	// Output:
	// loss=8
	// grad Tensor[3] [1 3 7]
}

func ExampleCustom() {
	// square is x² as a custom op: forward plus its vector-Jacobian product.
	square := func(x *physnn.Tensor) *physnn.Tensor {
		return physnn.Custom("square", []*physnn.Tensor{x},
			func(in []*physnn.Tensor) (*physnn.Tensor, error) {
				return in[0].Mul(in[0]), nil
			},
			func(in []*physnn.Tensor, out, gradOut *physnn.Tensor) ([]*physnn.Tensor, error) {
				return []*physnn.Tensor{in[0].MulScalar(2).Mul(gradOut)}, nil
			})
	}
	x := physnn.New([]float32{1, 2, 3}, 3).SetRequiresGrad(true)
	if err := square(x).Sum().Backward(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(x.Grad())
	// Output: Tensor[3] [2 4 6]
}

func ExampleNoGrad() {
	w := physnn.Ones(2).SetRequiresGrad(true)
	physnn.NoGrad(func() {
		y := w.MulScalar(3)
		fmt.Println(y, y.RequiresGrad())
	})
	// Output: Tensor[2] [3 3] false
}

func ExampleWorkspace() {
	// Repeated steps draw their intermediate buffers from one workspace.
	w := physnn.New([]float32{0.5, -0.5}, 2, 1).SetRequiresGrad(true)
	x := physnn.New([]float32{1, 2, 3, 4}, 2, 2)
	ws := physnn.NewWorkspace()
	var kept *physnn.Tensor
	for step := 0; step < 3; step++ {
		ws.Reset() // the previous step's results are recycled from here on
		w.ZeroGrad()
		pred := ws.Use(x).MatMul(w)
		if err := pred.Sum().Backward(); err != nil {
			fmt.Println(err)
			return
		}
		kept = pred.Clone() // a heap copy outlives the next Reset
	}
	fmt.Println(kept, w.Grad())
	// Output: Tensor[2 1] [[-0.5] [-0.5]] Tensor[2 1] [[4] [6]]
}
