package physnntest_test

import (
	"testing"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/physnntest"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Helper()               {}

func TestAllClose(t *testing.T) {
	cases := []struct {
		name       string
		got, want  []float64
		atol, rtol float64
		ok         bool
	}{
		{"equal", []float64{1, 2}, []float64{1, 2}, 0, 0, true},
		{"within atol", []float64{1.05}, []float64{1}, 0.1, 0, true},
		{"within rtol", []float64{101}, []float64{100}, 0, 0.02, true},
		{"outside both", []float64{1.5}, []float64{1}, 0.1, 0.1, false},
		{"lengths differ", []float64{1}, []float64{1, 2}, 1, 1, false},
		{"NaN", []float64{nan()}, []float64{nan()}, 1, 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			if got := physnntest.AllClose(rec, tc.got, tc.want, tc.atol, tc.rtol); got != tc.ok || rec.failed == tc.ok {
				t.Errorf("AllClose = %v (failed %v), want %v", got, rec.failed, tc.ok)
			}
		})
	}
}

func nan() float64 { z := 0.0; return z / z }

func TestCheckGrad(t *testing.T) {
	x := physnn.New([]float32{0.3, -1.2, 2}, 3)
	good := func(in []*physnn.Tensor) *physnn.Tensor { return in[0].Tanh() }
	if !physnntest.CheckGrad(t, "tanh", good, x) {
		t.Error("CheckGrad rejected a correct gradient")
	}
	// halfGrad's forward is x² but its VJP is x (half the true 2x).
	halfGrad := func(in []*physnn.Tensor) *physnn.Tensor {
		return physnn.Custom("bad", in, func(in []*physnn.Tensor) (*physnn.Tensor, error) {
			return in[0].Mul(in[0]), nil
		}, func(in []*physnn.Tensor, _, g *physnn.Tensor) ([]*physnn.Tensor, error) {
			return []*physnn.Tensor{in[0].Mul(g)}, nil
		})
	}
	rec := &recorder{TB: t}
	if physnntest.CheckGrad(rec, "bad", halfGrad, x) || !rec.failed {
		t.Error("CheckGrad accepted a wrong gradient")
	}
	rec = &recorder{TB: t}
	bad := func(in []*physnn.Tensor) *physnn.Tensor { return in[0].MatMul(in[0]) }
	if physnntest.CheckGrad(rec, "shape error", bad, x) || !rec.failed {
		t.Error("CheckGrad accepted a forward that fails")
	}
}
