package sim

import (
	"math"
	"testing"
)

func TestCopernicusGeometry(t *testing.T) {
	near := func(a, b float64) bool { d := angleDiff(a, b); return d < 1e-9 || d > 2*math.Pi-1e-9 }
	t.Run("opposition and conjunction", func(t *testing.T) {
		for _, phi := range []float64{0.3, 2, 4.5} {
			// Opposition (Earth between Sun and Mars): θ_M = θ_S + π.
			if _, tm := CopernicusAngles(phi, phi); !near(tm, phi+math.Pi) {
				t.Errorf("opposition at φ=%g: θ_M=%g, want φ+π", phi, tm)
			}
			// Conjunction (Mars behind the Sun): θ_M = θ_S.
			if _, tm := CopernicusAngles(phi, phi+math.Pi); !near(tm, phi) {
				t.Errorf("conjunction at φ=%g: θ_M=%g, want φ", phi, tm)
			}
		}
	})
	d, err := Copernicus(CopernicusConfig{Samples: 400, Steps: 50, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	ans := d.Answers.Values()
	sunStep := 2 * math.Pi * 7 / EarthPeriod
	retrograde, prograde := 0, 0
	for i, p := range d.Params {
		row := ans[i*100 : (i+1)*100]
		if row[0] != d.Observations.At(i, 0) || row[1] != d.Observations.At(i, 1) {
			t.Fatalf("series %d: the observation is not the first pair", i)
		}
		for s := 1; s < 50; s++ {
			if ds := float64(row[2*s] - row[2*s-2]); math.Abs(ds-sunStep) > 1e-5 {
				t.Fatalf("series %d step %d: the Sun moved %g, want %g", i, s, ds, sunStep)
			}
			dm := float64(row[2*s+1] - row[2*s-1])
			if math.Abs(dm) > 1 {
				t.Fatalf("series %d step %d: Mars jumped %g (not unwrapped)", i, s, dm)
			}
			if dm < 0 {
				retrograde++
			} else {
				prograde++
			}
		}
		// The observed angles come from the heliocentric truth.
		if _, tm := CopernicusAngles(p[0], p[1]); angleDiff(float64(row[1]), tm) > 1e-5 && angleDiff(float64(row[1]), tm) < 2*math.Pi-1e-5 {
			t.Fatalf("series %d: θ_M %g, want %g", i, row[1], tm)
		}
	}
	// Mars moves backwards (retrograde) near opposition: a minority of
	// weeks, but not none.
	if retrograde == 0 || retrograde > prograde {
		t.Errorf("retrograde steps %d, prograde %d", retrograde, prograde)
	}
	t.Run("errors", func(t *testing.T) {
		for _, bad := range []CopernicusConfig{{}, {Samples: 1, Steps: -1}} {
			if _, err := Copernicus(bad); err == nil {
				t.Errorf("%+v: no error", bad)
			}
		}
	})
}

// TestCopernicusSheet checks the parameters the latents are compared with:
// phi_E is θ_S, phi_M lies within arcsin(R_E/R_M) of θ_M + π, and along
// every unwrapped series the Earth-seen angles are those of the
// heliocentric angles phi + ω·t on the same sheet, so the heliocentric
// angles advance linearly in time without 2π jumps (a latent linear in
// them can follow z_{t+1} = z_t + b).
func TestCopernicusSheet(t *testing.T) {
	const steps = 50
	d, err := Copernicus(CopernicusConfig{Samples: 2000, Steps: steps, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	bound := math.Asin(EarthRadius / MarsRadius)
	wE, wM := 2*math.Pi*7/EarthPeriod, 2*math.Pi*7/MarsPeriod
	ans := d.Answers.Values()
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, p := range d.Params {
		phiE, phiM := p[0], p[1]
		lo, hi = math.Min(lo, phiM), math.Max(hi, phiM)
		if float32(phiE) != d.Observations.At(i, 0) {
			t.Fatalf("series %d: phi_E %g, θ_S %g", i, phiE, d.Observations.At(i, 0))
		}
		for s := range steps {
			e, m := phiE+wE*float64(s), phiM+wM*float64(s)
			thetaM := float64(ans[i*2*steps+2*s+1])
			if off := math.Abs(thetaM + math.Pi - m); off > bound+1e-5 {
				t.Fatalf("series %d step %d: θ_M %g is %g from φ_M + π (bound %g): not on φ_M's sheet", i, s, thetaM, off, bound)
			}
			if got := MarsUnwrapped(m, thetaM); math.Abs(got-m) > 1e-9 {
				t.Fatalf("series %d step %d: MarsUnwrapped moved φ_M %g to %g", i, s, m, got)
			}
			if got := float64(ans[i*2*steps+2*s]); math.Abs(got-e) > 1e-5 {
				t.Fatalf("series %d step %d: θ_S %g, want φ_E %g", i, s, got, e)
			}
		}
	}
	// The unwrapped Mars angle fills (−0.72, 2π + 0.72).
	if lo > -bound+0.1 || lo < -bound || hi < 2*math.Pi+bound-0.1 || hi > 2*math.Pi+bound {
		t.Errorf("phi_M spans [%g, %g], want about (%g, %g)", lo, hi, -bound, 2*math.Pi+bound)
	}
}
