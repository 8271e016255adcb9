package sim

import (
	"math"
	"slices"
	"testing"
)

// TestCollisionConservesAngularMomentum recomputes, noise-free, the total
// angular momentum before the collision (from the observed trajectories)
// and checks that the answer is the rotation whose angular velocity
// conserves it given the free body's observed outgoing motion.
func TestCollisionConservesAngularMomentum(t *testing.T) {
	d, err := Collision(CollisionConfig{Samples: 300, Noise: -1, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	obs, q, a := d.Observations.Values(), d.Questions.Values(), d.Answers.Values()
	checked := 0
	for i, p := range d.Params {
		l := p[0]
		o := obs[i*30 : (i+1)*30]
		// Free body before: velocity from the observations at t0 = 0 and t1.
		dt := float64(o[8] - o[2])
		if dt < 1e-2 {
			continue
		}
		vx, vy := float64(o[6]-o[0])/dt, float64(o[7]-o[1])/dt
		lFree := float64(o[0])*vy - float64(o[1])*vx
		// Rotating body (unit mass, unit radius): L = ω. The observed angle
		// is known modulo 2π, so pick the ω ∈ [1, 3] (the sampled range)
		// consistent with it.
		turn := angleDiff(math.Atan2(float64(o[10]), float64(o[9])), math.Atan2(float64(o[4]), float64(o[3])))
		omega, candidates := 0.0, 0
		for k := 0; k < 20; k++ {
			if w := (turn + 2*math.Pi*float64(k)) / dt; w >= 1-1e-3 && w <= 3+1e-3 {
				omega = w
				candidates++
			}
		}
		if candidates != 1 {
			continue // over a long interval the angle is ambiguous
		}
		if before := omega + lFree; math.Abs(before-l) > 1e-3 {
			t.Fatalf("sample %d: angular momentum before %g, reported L %g", i, before, l)
		}
		qq := q[i*16 : (i+1)*16]
		dq := float64(qq[5] - qq[2])
		if math.Abs(dq) < 1e-2 {
			continue
		}
		vxOut, vyOut := float64(qq[3]-qq[0])/dq, float64(qq[4]-qq[1])/dq
		x, y := float64(qq[0]), float64(qq[1])
		omegaOut := l - (x*vyOut - y*vxOut) // conservation: ω' + L_free' = L
		angle := math.Pi/2 + float64(qq[15])*omegaOut
		if math.Abs(math.Cos(angle)-float64(a[2*i])) > 2e-3 || math.Abs(math.Sin(angle)-float64(a[2*i+1])) > 2e-3 {
			t.Fatalf("sample %d: answer (%g, %g) is not the rotation conserving L (%g, %g)",
				i, a[2*i], a[2*i+1], math.Cos(angle), math.Sin(angle))
		}
		checked++
	}
	if checked < 100 {
		t.Errorf("only %d of 300 samples could be checked", checked)
	}
	t.Run("answers on the unit circle", func(t *testing.T) {
		for i := range d.Len() {
			if r := math.Hypot(float64(a[2*i]), float64(a[2*i+1])); math.Abs(r-1) > 1e-5 {
				t.Fatalf("sample %d: |answer| = %g", i, r)
			}
		}
	})
	t.Run("noise", func(t *testing.T) {
		noisy, _ := Collision(CollisionConfig{Samples: 300, Seed: 5})
		if noisy.Answers.At(0, 0) == a[0] {
			t.Error("default noise 0.01 left the answer unchanged")
		}
	})
	t.Run("errors", func(t *testing.T) {
		if _, err := Collision(CollisionConfig{}); err == nil {
			t.Error("no error for zero samples")
		}
	})
}

// angleDiff returns a − b reduced to [0, 2π).
func angleDiff(a, b float64) float64 {
	d := math.Mod(a-b, 2*math.Pi)
	if d < 0 {
		d += 2 * math.Pi
	}
	return d
}

// TestCollisionRanges checks that the incoming-velocity ranges are honoured,
// that L stays ω − vx, and that the defaults are the paper's ranges drawn in
// the same order (the default data set does not change when the ranges are
// spelled out).
func TestCollisionRanges(t *testing.T) {
	cfg := CollisionConfig{Samples: 500, Seed: 3, OmegaMin: -1, OmegaMax: 0.5, VxMin: 0.5, VxMax: 3}
	d, err := Collision(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range d.Params {
		l, omega, vx := p[0], p[1], p[2]
		if omega < cfg.OmegaMin || omega > cfg.OmegaMax || vx < cfg.VxMin || vx > cfg.VxMax {
			t.Fatalf("sample %d: ω %g, vx %g outside [%g, %g] × [%g, %g]", i, omega, vx,
				cfg.OmegaMin, cfg.OmegaMax, cfg.VxMin, cfg.VxMax)
		}
		if l != CollisionAngularMomentum(omega, vx) {
			t.Fatalf("sample %d: L %g, want ω − vx = %g", i, l, omega-vx)
		}
	}
	def, _ := Collision(CollisionConfig{Samples: 50, Seed: 3})
	explicit, _ := Collision(CollisionConfig{Samples: 50, Seed: 3, OmegaMin: 1, OmegaMax: 3, VxMin: 1, VxMax: 2})
	if !slices.Equal(def.Answers.Values(), explicit.Answers.Values()) || !slices.Equal(def.Observations.Values(), explicit.Observations.Values()) {
		t.Error("the default ranges differ from the paper's [1, 3] × [1, 2]")
	}
	for _, bad := range []CollisionConfig{
		{Samples: 10, OmegaMin: 3, OmegaMax: 1},
		{Samples: 10, VxMin: -1, VxMax: 1},
		{Samples: 10, VxMin: 2, VxMax: 1},
	} {
		if _, err := Collision(bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}
