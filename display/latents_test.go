package display

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/gophys/gophys/physnn"
)

// pendulumLatents builds a small latent set with known statistics: z0 = L
// exactly (active, R² = 1 with L, 0 with g), z1 constant (inactive, its
// correlations undefined), z2 = 10 − g (active, r = −1 with g).
func pendulumLatents() (mu, logVar [][]float64, params []Param) {
	L := []float64{-1, -0.5, 0, 0.5, 1, -1, -0.5, 0, 0.5, 1}
	g := []float64{9, 9, 9, 9, 9, 11, 11, 11, 11, 11}
	for i := range L {
		mu = append(mu, []float64{L[i], 0.25, 10 - g[i]})
		logVar = append(logVar, []float64{math.Log(0.01), 0, math.Log(0.04)})
	}
	return mu, logVar, []Param{{"length", L}, {"g <m/s²>", g}}
}

func TestLatentTableStatistics(t *testing.T) {
	mu, logVar, params := pendulumLatents()
	tab, err := NewLatentTable(mu, logVar, params, LatentOptions{Names: []string{"", "slow"}})
	if err != nil {
		t.Fatal(err)
	}
	rows := tab.Payload.Latents
	// KL of N(μ, σ²) from N(0, 1) is ½(μ² + σ² − 1 − ln σ²); for z1,
	// μ = 0.25 and σ = 1 everywhere: ½·0.0625.
	klZ0 := 0.0
	for _, m := range mu {
		klZ0 += 0.5 * (m[0]*m[0] + 0.01 - 1 - math.Log(0.01))
	}
	klZ0 /= float64(len(mu))
	cases := []struct {
		name   string
		got    float64
		want   float64
		approx bool
	}{
		{"z0 mean", float64(rows[0].Mean), 0, true},
		{"z0 activity", float64(rows[0].Activity), 0.5, true}, // mean of L² over {±1, ±0.5, 0}
		{"z0 std", float64(rows[0].Std), 0.1, true},
		{"z0 KL", float64(rows[0].KL), klZ0, true},
		{"z0 r with length", float64(rows[0].Corr[0]), 1, true},
		{"z0 R² with g", float64(rows[0].R2[1]), 0, true},
		{"z1 KL", float64(rows[1].KL), 0.03125, true},
		{"z1 activity", float64(rows[1].Activity), 0, true},
		{"z2 activity", float64(rows[2].Activity), 1, true},
		{"z2 r with g", float64(rows[2].Corr[1]), -1, true},
		{"z2 R² with g", float64(rows[2].R2[1]), 1, true},
		{"z2 std", float64(rows[2].Std), 0.2, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if math.Abs(tc.got-tc.want) > 1e-12 {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
	t.Run("activity flags", func(t *testing.T) {
		if !rows[0].Active || rows[1].Active || !rows[2].Active {
			t.Errorf("active = %v %v %v, want true false true", rows[0].Active, rows[1].Active, rows[2].Active)
		}
	})
	t.Run("undefined correlation is null", func(t *testing.T) {
		if !math.IsNaN(float64(rows[1].Corr[0])) {
			t.Errorf("a constant latent's correlation is %v, want NaN", rows[1].Corr[0])
		}
		raw, err := json.Marshal(tab.Payload)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(raw), `"corr":[null,null]`) {
			t.Errorf("payload %s lacks null correlations for z1", raw)
		}
	})
	t.Run("names", func(t *testing.T) {
		if rows[0].Name != "z0" || rows[1].Name != "slow" || rows[2].Name != "z2" {
			t.Errorf("names %q %q %q", rows[0].Name, rows[1].Name, rows[2].Name)
		}
	})
	t.Run("σ > MaxStd makes a latent inactive", func(t *testing.T) {
		wide := make([][]float64, len(logVar))
		for i := range wide {
			wide[i] = []float64{0, 0, 0} // σ = 1
		}
		tab, err := NewLatentTable(mu, wide, params, LatentOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if tab.Payload.Latents[0].Active {
			t.Errorf("z0 with σ = 1 is active")
		}
	})
}

func TestLatentTableGolden(t *testing.T) {
	mu, logVar, params := pendulumLatents()
	cases := []struct {
		name   string
		logVar [][]float64
		opt    LatentOptions
	}{
		{"latents_with_sigma", logVar, LatentOptions{Title: "pendulum <β-VAE>", Names: []string{"<script>alert(1)</script>"}}},
		{"latents_without_sigma", nil, LatentOptions{StrongR2: 0.9}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := NewLatentTable(mu, tc.logVar, params, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			b, ok := Render(tab)
			if !ok {
				t.Fatal("Render does not know a *LatentTable")
			}
			// Round-trip the payload through JSON so the golden file
			// shows what the frontend receives.
			raw, err := json.Marshal(b.Data[MIMELatents])
			if err != nil {
				t.Fatal(err)
			}
			var wire any
			if err := json.Unmarshal(raw, &wire); err != nil {
				t.Fatal(err)
			}
			got := normalize(t, b)
			got["data"].(map[string]any)[MIMELatents] = wire
			checkGolden(t, tc.name, got)
			html := b.Data[MIMEHTML].(string)
			if strings.Contains(html, "<script>") || strings.Contains(html, "<β-VAE>") {
				t.Errorf("HTML does not escape names and title")
			}
		})
	}
}

func TestLatentTableErrors(t *testing.T) {
	mu, logVar, params := pendulumLatents()
	cases := []struct {
		name   string
		mu     [][]float64
		logVar [][]float64
		params []Param
		want   string
	}{
		{"empty", nil, nil, nil, "no samples"},
		{"ragged mu", [][]float64{{1, 2}, {3}}, nil, nil, "row 1 has 1 latents"},
		{"logVar rows", mu, logVar[:3], nil, "logVar has 3 rows"},
		{"param length", mu, nil, []Param{{"L", []float64{1}}}, `parameter "L" has 1 values`},
		{"NaN mu", [][]float64{{math.NaN()}}, nil, nil, "is NaN"},
		{"NaN param", mu, nil, []Param{{"L", append(make([]float64, 9), math.Inf(1))}}, "+Inf"},
	}
	_ = params
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewLatentTable(tc.mu, tc.logVar, tc.params, LatentOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestLatentTableFromTensors(t *testing.T) {
	mu, logVar, params := pendulumLatents()
	flat := func(m [][]float64) []float32 {
		var out []float32
		for _, r := range m {
			for _, v := range r {
				out = append(out, float32(v))
			}
		}
		return out
	}
	tm := physnn.New(flat(mu), len(mu), 3)
	tl := physnn.New(flat(logVar), len(mu), 3)
	tab, err := NewLatentTableFromTensors(tm, tl, params, LatentOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r := float64(tab.Payload.Latents[2].Corr[1]); math.Abs(r+1) > 1e-6 {
		t.Errorf("z2 correlation with g from tensors = %v, want -1", r)
	}
	if _, err := NewLatentTableFromTensors(physnn.New(flat(mu), len(mu)*3), nil, nil, LatentOptions{}); err == nil {
		t.Errorf("a rank-1 tensor was accepted")
	}
}
