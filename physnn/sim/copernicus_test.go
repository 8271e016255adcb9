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
