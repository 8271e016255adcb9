package physnn

import (
	"runtime"
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

// TestLinearGradJobs checks the weight gradients that a Backward in a
// workspace computes on helper goroutines beside its sweep: the same bits
// as without a workspace (where every product runs in line), also for a
// weight used by two layers (whose second product finds the first one's
// lock taken) and across two Backward calls that accumulate.
func TestLinearGradJobs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0))))
	rng := NewRNG(5)
	x := rng.Normal(0, 1, 128, 96)
	w1 := rng.Normal(0, 0.1, 96, 128).SetRequiresGrad(true)
	w2 := rng.Normal(0, 0.1, 128, 128).SetRequiresGrad(true)
	b := rng.Normal(0, 1, 128).SetRequiresGrad(true)
	params := []*Tensor{w1, w2, b}
	grads := func(ws *Workspace) [][]float32 {
		t.Helper()
		for _, p := range params {
			p.ZeroGrad()
		}
		for range 2 {
			ws.Reset()
			in := x
			if ws != nil {
				in = ws.Use(x)
			}
			h := LinearELU(in, w1, b, 1)
			h = LinearELU(h, w2, b, 1)
			h = LinearELU(h, w2, nil, 1) // w2 again
			if err := h.Mul(h).Sum().Backward(); err != nil {
				t.Fatal(err)
			}
		}
		var out [][]float32
		for _, p := range params {
			out = append(out, slices.Clone(p.GradValues()))
		}
		return out
	}
	want := grads(nil)
	for run := range 5 {
		got := grads(NewWorkspace())
		for i := range got {
			if !slices.Equal(got[i], want[i]) {
				t.Fatalf("run %d: gradient %d differs from the in-line products'", run, i)
			}
		}
	}
}
