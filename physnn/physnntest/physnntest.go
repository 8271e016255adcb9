package physnntest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats/scalar"

	"github.com/gophys/gophys/physnn"
)

// AllClose reports a test error unless got and want have equal lengths and
// every pair satisfies gonum's scalar.EqualWithinAbsOrRel(got, want, atol,
// rtol): |got-want| ≤ atol, or within rtol relative to the larger magnitude.
// NaN equals nothing, so a NaN in either slice fails. It returns whether all
// matched, and names at most the first five mismatches.
func AllClose(t testing.TB, got, want []float64, atol, rtol float64) bool {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("AllClose: got %d values, want %d", len(got), len(want))
		return false
	}
	bad := 0
	for i := range got {
		if !scalar.EqualWithinAbsOrRel(got[i], want[i], atol, rtol) {
			if bad < 5 {
				t.Errorf("AllClose: [%d] got %.8g, want %.8g (atol %g, rtol %g)", i, got[i], want[i], atol, rtol)
			}
			bad++
		}
	}
	if bad > 5 {
		t.Errorf("AllClose: %d of %d values differ", bad, len(got))
	}
	return bad == 0
}

// Options tunes CheckGradWith. Zero fields take the defaults noted.
type Options struct {
	// Step is the finite-difference step (default 1e-6: the central
	// difference's truncation error, O(h²), and its round-off,
	// O(ε·|f|/h) with ε = 2.2e-16, are then both below 1e-9 for the O(1..100)
	// values of test losses).
	Step float64
	// Atol and Rtol bound the float64 analytic-vs-numeric difference
	// (defaults 1e-6 and 1e-5, a margin of 100 over the error above).
	Atol, Rtol float64
	// Atol32 and Rtol32 bound the float32 gradient against the float64 one,
	// scaled by the largest gradient magnitude (defaults 2e-3 and 1e-2:
	// float32 has ~7 digits, and losses over a few hundred elements lose
	// two or three to summation).
	Atol32, Rtol32 float64
	// Skip32 leaves out the float32 comparison.
	Skip32 bool
}

// CheckGrad checks the gradient of f with respect to each input with the
// default Options; see the package documentation.
func CheckGrad(t testing.TB, name string, f func(inputs []*physnn.Tensor) *physnn.Tensor, inputs ...*physnn.Tensor) bool {
	t.Helper()
	return CheckGradWith(t, name, Options{}, f, inputs...)
}

// CheckGradWith is CheckGrad with explicit options. The inputs are not
// modified; f receives float64 copies (which may be mixed freely with
// float32 constants: ops compute in float64) and, for the float32
// comparison, float32 copies. It returns whether every check passed.
func CheckGradWith(t testing.TB, name string, o Options, f func(inputs []*physnn.Tensor) *physnn.Tensor, inputs ...*physnn.Tensor) bool {
	t.Helper()
	if o.Step == 0 {
		o.Step = 1e-6
	}
	if o.Atol == 0 {
		o.Atol = 1e-6
	}
	if o.Rtol == 0 {
		o.Rtol = 1e-5
	}
	if o.Atol32 == 0 {
		o.Atol32 = 2e-3
	}
	if o.Rtol32 == 0 {
		o.Rtol32 = 1e-2
	}
	for i, in := range inputs {
		if err := in.Err(); err != nil {
			t.Errorf("%s: input %d: %v", name, i, err)
			return false
		}
	}

	in64 := make([]*physnn.Tensor, len(inputs))
	for i, in := range inputs {
		in64[i] = physnn.New64(in.Float64(), in.Shape()...).SetRequiresGrad(true)
	}
	probe := f(in64)
	if err := probe.Err(); err != nil {
		t.Errorf("%s: forward: %v", name, err)
		return false
	}
	// Fixed weights project a non-scalar output to a scalar; the seed only
	// needs to be the same for every evaluation.
	var weights []float64
	if probe.Len() != 1 {
		rng := rand.New(rand.NewPCG(7, 11))
		weights = make([]float64, probe.Len())
		for i := range weights {
			weights[i] = rng.NormFloat64()
		}
	}
	outShape := probe.Shape()
	project := func(out *physnn.Tensor, as64 bool) *physnn.Tensor {
		if weights == nil {
			return out.Sum()
		}
		w := physnn.New64(weights, outShape...)
		if !as64 {
			w = physnn.FromFloat64(weights, outShape...)
		}
		return out.Mul(w).Sum()
	}

	loss := project(probe, true)
	if err := loss.Backward(); err != nil {
		t.Errorf("%s: backward: %v", name, err)
		return false
	}
	analytic := make([][]float64, len(in64))
	for i, in := range in64 {
		if g := in.Grad(); g != nil {
			analytic[i] = g.Float64()
		} else {
			analytic[i] = make([]float64, in.Len()) // f does not depend on it
		}
	}

	ok := true
	for i, in := range in64 {
		vals := in.Values64()
		x0 := append([]float64(nil), vals...)
		var evalErr error
		// The evaluations record graphs that are then dropped: NoGrad would
		// be cheaper but is process-wide, and tests may run in parallel.
		lossAt := func(x []float64) float64 {
			copy(vals, x)
			l := project(f(in64), true)
			if err := l.Err(); err != nil {
				if evalErr == nil {
					evalErr = err
				}
				return 0
			}
			return l.Float64()[0]
		}
		numeric := fd.Gradient(nil, lossAt, x0, &fd.Settings{Formula: fd.Central, Step: o.Step})
		copy(vals, x0)
		if evalErr != nil {
			t.Errorf("%s: forward during finite differences: %v", name, evalErr)
			return false
		}
		if !allCloseNamed(t, fmt.Sprintf("%s: input %d float64 gradient vs finite differences", name, i), analytic[i], numeric, o.Atol, o.Rtol) {
			ok = false
		}
	}
	if o.Skip32 || !ok {
		return ok
	}

	in32 := make([]*physnn.Tensor, len(inputs))
	for i, in := range inputs {
		in32[i] = physnn.FromFloat64(in.Float64(), in.Shape()...).SetRequiresGrad(true)
	}
	loss32 := project(f(in32), false)
	if err := loss32.Backward(); err != nil {
		t.Errorf("%s: float32 backward: %v", name, err)
		return false
	}
	for i, in := range in32 {
		got := make([]float64, in.Len())
		if g := in.Grad(); g != nil {
			got = g.Float64()
		}
		scale := 1.0
		for _, v := range analytic[i] {
			scale = math.Max(scale, math.Abs(v))
		}
		if !allCloseNamed(t, fmt.Sprintf("%s: input %d float32 gradient vs float64", name, i), got, analytic[i], o.Atol32*scale, o.Rtol32) {
			ok = false
		}
	}
	return ok
}

func allCloseNamed(t testing.TB, what string, got, want []float64, atol, rtol float64) bool {
	t.Helper()
	bad := 0
	for i := range got {
		if !scalar.EqualWithinAbsOrRel(got[i], want[i], atol, rtol) {
			if bad < 5 {
				t.Errorf("%s: [%d] got %.8g, want %.8g", what, i, got[i], want[i])
			}
			bad++
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d of %d values differ", what, bad, len(got))
	}
	return bad == 0
}
