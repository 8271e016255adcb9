package physnn

import (
	"slices"
	"testing"
	"time"
)

// TestLinearGradAccumulatesInPlace checks the gradient of a Dense weight
// that the product adds straight into the weight's buffer: a second
// Backward without ZeroGrad doubles it exactly, and a Backward that finds
// the buffer locked (by a concurrent Backward) returns the product for
// Backward to add once the lock is free, with the same result.
func TestLinearGradAccumulatesInPlace(t *testing.T) {
	rng := NewRNG(3)
	x := rng.Normal(0, 1, 9, 5)
	w := rng.Normal(0, 1, 5, 7).SetRequiresGrad(true)
	b := rng.Normal(0, 1, 7).SetRequiresGrad(true)
	backward := func() {
		t.Helper()
		y := LinearELU(x, w, b, 1)
		if err := y.Mul(y).Sum().Backward(); err != nil {
			t.Error(err)
		}
	}
	backward()
	once := slices.Clone(w.GradValues())
	backward()
	for i, v := range w.GradValues() {
		if v != 2*once[i] {
			t.Fatalf("element %d after two Backward calls: %v, want 2·%v", i, v, once[i])
		}
	}

	w.ZeroGrad()
	w.gradMu.Lock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		backward()
	}()
	time.Sleep(20 * time.Millisecond) // Backward reaches the locked buffer
	select {
	case <-done:
		t.Fatal("Backward finished while the gradient buffer was locked")
	default:
	}
	w.gradMu.Unlock()
	<-done
	if got := w.GradValues(); !slices.Equal(got, once) {
		t.Errorf("gradient added after the lock: %v, want %v", got, once)
	}
}
