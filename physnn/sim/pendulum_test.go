package sim

import (
	"math"
	"slices"
	"testing"
)

// TestPendulumPhysics checks the closed form against the equation of
// motion x” + b x' + κ x = 0 (m = 1), the initial position x(0) = 1 and
// the monotone decay of the energy E = ½x'² + ½κx² (dE/dt = −b x'² ≤ 0),
// in all three damping regimes.
func TestPendulumPhysics(t *testing.T) {
	cases := []struct {
		name     string
		b, kappa float64
	}{
		{"underdamped toy range", 0.7, 7},
		{"underdamped paper edge", 0.4, 12},
		{"critically damped", 2, 1},
		{"overdamped", 3, 1},
	}
	const h = 1e-4 // finite-difference step; the residual is O(h²)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := func(s float64) float64 { return PendulumX(c.b, c.kappa, s) }
			if x(0) != 1 {
				t.Errorf("x(0) = %g, want 1", x(0))
			}
			energy := func(s float64) float64 {
				v := (x(s+h) - x(s-h)) / (2 * h)
				return 0.5*v*v + 0.5*c.kappa*x(s)*x(s)
			}
			prev := energy(h)
			for s := 0.05; s < 10; s += 0.05 {
				acc := (x(s+h) - 2*x(s) + x(s-h)) / (h * h)
				vel := (x(s+h) - x(s-h)) / (2 * h)
				if r := acc + c.b*vel + c.kappa*x(s); math.Abs(r) > 1e-4*(1+c.kappa) {
					t.Fatalf("t=%.2f: residual of x''+bx'+κx is %g", s, r)
				}
				e := energy(s)
				if e > prev+1e-9 {
					t.Fatalf("t=%.2f: energy rose from %g to %g", s, prev, e)
				}
				prev = e
			}
		})
	}
}

func TestPendulumData(t *testing.T) {
	cfg := PendulumConfig{Samples: 500, Seed: 3}
	d, err := Pendulum(cfg)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Pendulum(cfg)
	other, _ := Pendulum(PendulumConfig{Samples: 500, Seed: 4})
	tests := []struct {
		name string
		ok   bool
	}{
		{"shapes", sameInts(d.Observations.Shape(), []int{500, 50}) && sameInts(d.Questions.Shape(), []int{500, 1}) &&
			sameInts(d.Answers.Shape(), []int{500, 1})},
		{"deterministic", slices.Equal(d.Observations.Values(), again.Observations.Values())},
		{"seed matters", !slices.Equal(d.Observations.Values(), other.Observations.Values())},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ok {
				t.Fail()
			}
		})
	}
	t.Run("answers and ranges", func(t *testing.T) {
		obs, q, a := d.Observations.Values(), d.Questions.Values(), d.Answers.Values()
		for i, p := range d.Params {
			b, k := p[0], p[1]
			if b < 0.5 || b > 1 || k < 5 || k > 10 || q[i] < 0 || q[i] > 10 {
				t.Fatalf("sample %d: b=%g κ=%g t=%g out of range", i, b, k, q[i])
			}
			if want := PendulumX(b, k, float64(q[i])); math.Abs(float64(a[i])-want) > 1e-6 {
				t.Fatalf("sample %d: answer %g, want x(t) = %g", i, a[i], want)
			}
			// the 11th observation is at t = 5·10/49
			if want := PendulumX(b, k, 50.0/49); math.Abs(float64(obs[i*50+10])-want) > 1e-6 {
				t.Fatalf("sample %d: observation 10 is %g, want %g", i, obs[i*50+10], want)
			}
		}
	})
	t.Run("noise", func(t *testing.T) {
		noisy, _ := Pendulum(PendulumConfig{Samples: 500, Seed: 3, Noise: 0.01})
		var ss float64
		for i, v := range noisy.Observations.Values() {
			b, k := noisy.Params[i/50][0], noisy.Params[i/50][1]
			dv := float64(v) - PendulumX(b, k, 5*float64(i%50)/49)
			ss += dv * dv
		}
		// 25 000 draws: the std estimate is within 1% of 0.01
		if sd := math.Sqrt(ss / 25000); math.Abs(sd-0.01) > 0.0005 {
			t.Errorf("noise std %g, want 0.01", sd)
		}
	})
	t.Run("grid", func(t *testing.T) {
		g, err := PendulumGrid(PendulumConfig{}, 3, 4)
		if err != nil {
			t.Fatal(err)
		}
		if g.Len() != 12 || g.Params[0][0] != 0.5 || g.Params[2][0] != 1 || g.Params[11][1] != 10 {
			t.Errorf("grid params %v", g.Params)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, bad := range []PendulumConfig{{}, {Samples: 1, BMin: 2, BMax: 1}, {Samples: 1, Noise: -1}} {
			if _, err := Pendulum(bad); err == nil {
				t.Errorf("%+v: no error", bad)
			}
		}
		if _, err := d.Param("mass"); err == nil {
			t.Error("Param of an unknown name: no error")
		}
	})
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
