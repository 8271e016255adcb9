package physnn

import "testing"

func TestSmokeMLP(t *testing.T) {
	rng := NewRNG(1)
	w := rng.Normal(0, 1, 3, 4).SetRequiresGrad(true)
	b := Zeros(4).SetRequiresGrad(true)
	x := rng.Normal(0, 1, 5, 3)
	y := x.MatMul(w).Add(b).Tanh().Sum()
	if err := y.Backward(); err != nil {
		t.Fatal(err)
	}
	if w.Grad() == nil || b.Grad() == nil {
		t.Fatal("no grads")
	}
}
