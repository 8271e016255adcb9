package optim_test

import (
	"math"
	"testing"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/optim"
)

// setGrads makes each parameter's gradient equal to grad(values) by
// back-propagating Σ p·c with c a constant, so the tests drive the
// optimizers through real autodiff buffers.
func setGrads(t testing.TB, params []*physnn.Tensor, grad func(i int, p []float32) []float32) {
	t.Helper()
	for i, p := range params {
		p.ZeroGrad()
		c := physnn.New(grad(i, p.Values()), p.Shape()...)
		if err := p.Mul(c).Sum().Backward(); err != nil {
			t.Fatalf("backward: %v", err)
		}
	}
}

func param(vals ...float32) *physnn.Tensor {
	return physnn.New(vals, len(vals)).SetRequiresGrad(true)
}

// quadGrad is the gradient of L = ½ Σ a_i p_i² with a_i = i+1.
func quadGrad(_ int, p []float32) []float32 {
	g := make([]float32, len(p))
	for i, v := range p {
		g[i] = float32(i+1) * v
	}
	return g
}

// reference optimizers in float64, written from the papers' formulas,
// independent of the package's float32 kernels.
type refOpt func(p, g []float64, t int, state map[string][]float64)

func refSGD(lr, mu, wd float64, nesterov bool) refOpt {
	return func(p, g []float64, _ int, s map[string][]float64) {
		if s["b"] == nil {
			s["b"] = make([]float64, len(p))
		}
		for i := range p {
			gi := g[i] + wd*p[i]
			if mu > 0 {
				s["b"][i] = mu*s["b"][i] + gi
				if nesterov {
					gi += mu * s["b"][i]
				} else {
					gi = s["b"][i]
				}
			}
			p[i] -= lr * gi
		}
	}
}

func refAdam(lr, b1, b2, eps, wd float64, decoupled bool) refOpt {
	return func(p, g []float64, t int, s map[string][]float64) {
		if s["m"] == nil {
			s["m"], s["v"] = make([]float64, len(p)), make([]float64, len(p))
		}
		for i := range p {
			gi := g[i]
			if decoupled {
				p[i] *= 1 - lr*wd
			} else {
				gi += wd * p[i]
			}
			s["m"][i] = b1*s["m"][i] + (1-b1)*gi
			s["v"][i] = b2*s["v"][i] + (1-b2)*gi*gi
			mhat := s["m"][i] / (1 - math.Pow(b1, float64(t)))
			vhat := s["v"][i] / (1 - math.Pow(b2, float64(t)))
			p[i] -= lr * mhat / (math.Sqrt(vhat) + eps)
		}
	}
}

func refRMSProp(lr, alpha, eps, mu float64, centered bool) refOpt {
	return func(p, g []float64, _ int, s map[string][]float64) {
		if s["sq"] == nil {
			s["sq"], s["ga"], s["b"] = make([]float64, len(p)), make([]float64, len(p)), make([]float64, len(p))
		}
		for i := range p {
			s["sq"][i] = alpha*s["sq"][i] + (1-alpha)*g[i]*g[i]
			ms := s["sq"][i]
			if centered {
				s["ga"][i] = alpha*s["ga"][i] + (1-alpha)*g[i]
				ms -= s["ga"][i] * s["ga"][i]
			}
			step := g[i] / (math.Sqrt(ms) + eps)
			if mu > 0 {
				s["b"][i] = mu*s["b"][i] + step
				step = s["b"][i]
			}
			p[i] -= lr * step
		}
	}
}

func TestOptimizersMatchReference(t *testing.T) {
	start := []float32{1.5, -0.75, 0.25, 2}
	cases := []struct {
		name string
		opt  func(ps []*physnn.Tensor) optim.Optimizer
		ref  refOpt
	}{
		{"sgd", func(ps []*physnn.Tensor) optim.Optimizer {
			return optim.NewSGD(ps, optim.SGDConfig{LR: 0.1})
		}, refSGD(0.1, 0, 0, false)},
		{"sgd/momentum+decay", func(ps []*physnn.Tensor) optim.Optimizer {
			return optim.NewSGD(ps, optim.SGDConfig{LR: 0.05, Momentum: 0.9, WeightDecay: 0.01})
		}, refSGD(0.05, 0.9, 0.01, false)},
		{"sgd/nesterov", func(ps []*physnn.Tensor) optim.Optimizer {
			return optim.NewSGD(ps, optim.SGDConfig{LR: 0.05, Momentum: 0.8, Nesterov: true})
		}, refSGD(0.05, 0.8, 0, true)},
		{"adam", func(ps []*physnn.Tensor) optim.Optimizer {
			return optim.NewAdam(ps, optim.AdamConfig{LR: 0.01})
		}, refAdam(0.01, 0.9, 0.999, 1e-8, 0, false)},
		{"adam/l2", func(ps []*physnn.Tensor) optim.Optimizer {
			return optim.NewAdam(ps, optim.AdamConfig{LR: 0.02, Beta1: 0.8, Beta2: 0.99, WeightDecay: 0.1})
		}, refAdam(0.02, 0.8, 0.99, 1e-8, 0.1, false)},
		{"adamw", func(ps []*physnn.Tensor) optim.Optimizer {
			return optim.NewAdamW(ps, optim.AdamConfig{LR: 0.02, WeightDecay: 0.1})
		}, refAdam(0.02, 0.9, 0.999, 1e-8, 0.1, true)},
		{"rmsprop", func(ps []*physnn.Tensor) optim.Optimizer {
			return optim.NewRMSProp(ps, optim.RMSPropConfig{LR: 0.01})
		}, refRMSProp(0.01, 0.99, 1e-8, 0, false)},
		{"rmsprop/centered+momentum", func(ps []*physnn.Tensor) optim.Optimizer {
			return optim.NewRMSProp(ps, optim.RMSPropConfig{LR: 0.01, Alpha: 0.9, Momentum: 0.5, Centered: true})
		}, refRMSProp(0.01, 0.9, 1e-8, 0.5, true)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := param(start...)
			opt := tc.opt([]*physnn.Tensor{p})
			want := make([]float64, len(start))
			for i, v := range start {
				want[i] = float64(v)
			}
			state := map[string][]float64{}
			for step := 1; step <= 5; step++ {
				setGrads(t, []*physnn.Tensor{p}, quadGrad)
				g := make([]float64, len(want))
				for i, v := range want {
					g[i] = float64(i+1) * v
				}
				if err := opt.Step(); err != nil {
					t.Fatal(err)
				}
				tc.ref(want, g, step, state)
			}
			for i, v := range p.Values() {
				// float32 kernels against a float64 reference after 5 steps:
				// a few float32 ulps of values of order 1.
				if math.Abs(float64(v)-want[i]) > 1e-5 {
					t.Errorf("param[%d] = %.8g, want %.8g", i, v, want[i])
				}
			}
		})
	}
}

func TestGroupsAndFreezing(t *testing.T) {
	a, b := param(1, 1), param(1, 1)
	opt := optim.NewSGD([]*physnn.Tensor{a}, optim.SGDConfig{LR: 0.1})
	if err := opt.AddGroup(optim.Group{Name: "head", Params: []*physnn.Tensor{b}, LR: 0.5}); err != nil {
		t.Fatal(err)
	}
	ones := func(_ int, p []float32) []float32 { return []float32{1, 1} }
	setGrads(t, []*physnn.Tensor{a, b}, ones)
	if err := opt.Step(); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		p    *physnn.Tensor
		want float32
	}{
		{"default group at its rate", a, 0.9},
		{"head group at its own rate", b, 0.5},
	}
	for _, c := range checks {
		if got := c.p.Values()[0]; math.Abs(float64(got-c.want)) > 1e-6 {
			t.Errorf("%s: got %g, want %g", c.name, got, c.want)
		}
	}
	opt.Groups()[0].Frozen = true
	setGrads(t, []*physnn.Tensor{a, b}, ones)
	if err := opt.Step(); err != nil {
		t.Fatal(err)
	}
	if got := a.Values()[0]; got != 0.9 {
		t.Errorf("frozen group changed: %g, want 0.9", got)
	}
	if got := b.Values()[0]; math.Abs(float64(got)) > 1e-6 {
		t.Errorf("unfrozen group: %g, want 0", got)
	}
	opt.ZeroGrad()
	for _, p := range []*physnn.Tensor{a, b} {
		for _, g := range p.GradValues() {
			if g != 0 {
				t.Errorf("ZeroGrad left %g", g)
			}
		}
	}
}

func TestConfigErrors(t *testing.T) {
	p := param(1)
	cases := []struct {
		name string
		opt  optim.Optimizer
	}{
		{"negative lr", optim.NewSGD([]*physnn.Tensor{p}, optim.SGDConfig{LR: -1})},
		{"momentum 1", optim.NewSGD([]*physnn.Tensor{p}, optim.SGDConfig{Momentum: 1})},
		{"nesterov without momentum", optim.NewSGD([]*physnn.Tensor{p}, optim.SGDConfig{Nesterov: true})},
		{"beta2 above 1", optim.NewAdam([]*physnn.Tensor{p}, optim.AdamConfig{Beta2: 1.5})},
		{"rmsprop alpha", optim.NewRMSProp([]*physnn.Tensor{p}, optim.RMSPropConfig{Alpha: -0.5})},
		{"sgld without rng", optim.NewSGLD([]*physnn.Tensor{p}, optim.SGLDConfig{Temperature: 1})},
		{"duplicate parameter", optim.NewSGD([]*physnn.Tensor{p, p}, optim.SGDConfig{})},
		{"nil parameter", optim.NewSGD([]*physnn.Tensor{nil}, optim.SGDConfig{})},
		{"view parameter", optim.NewSGD([]*physnn.Tensor{physnn.Zeros(2, 3).Transpose()}, optim.SGDConfig{})},
		{"parameter with error", optim.NewSGD([]*physnn.Tensor{physnn.Zeros(-1)}, optim.SGDConfig{})},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.opt.Step(); err == nil {
				t.Fatal("Step returned nil error")
			}
		})
	}
}

func TestClip(t *testing.T) {
	a, b := param(0, 0), param(0)
	params := []*physnn.Tensor{a, b}
	grads := [][]float32{{3, -4}, {12}}
	setGrads(t, params, func(i int, _ []float32) []float32 { return grads[i] })
	norm := optim.ClipGlobalNorm(params, 6.5)
	if math.Abs(norm-13) > 1e-9 {
		t.Errorf("norm before clipping = %g, want 13", norm)
	}
	want := [][]float32{{1.5, -2}, {6}}
	for i, p := range params {
		for j, g := range p.GradValues() {
			if math.Abs(float64(g-want[i][j])) > 1e-5 {
				t.Errorf("after norm clip grad[%d][%d] = %g, want %g", i, j, g, want[i][j])
			}
		}
	}
	optim.ClipValue(params, 1.75)
	want = [][]float32{{1.5, -1.75}, {1.75}}
	for i, p := range params {
		for j, g := range p.GradValues() {
			if math.Abs(float64(g-want[i][j])) > 1e-6 {
				t.Errorf("after value clip grad[%d][%d] = %g, want %g", i, j, g, want[i][j])
			}
		}
	}
}

func TestClipInStep(t *testing.T) {
	p := param(0, 0)
	opt := optim.NewSGD([]*physnn.Tensor{p}, optim.SGDConfig{LR: 1, ClipNorm: 1})
	setGrads(t, []*physnn.Tensor{p}, func(int, []float32) []float32 { return []float32{3, 4} })
	if err := opt.Step(); err != nil {
		t.Fatal(err)
	}
	if got := p.Values(); math.Abs(float64(got[0]+0.6)) > 1e-5 || math.Abs(float64(got[1]+0.8)) > 1e-5 {
		t.Errorf("after a unit-norm clipped step p = %v, want [-0.6 -0.8]", got)
	}
	setGrads(t, []*physnn.Tensor{p}, func(int, []float32) []float32 { return []float32{float32(math.NaN()), 0} })
	if err := opt.Step(); err == nil {
		t.Error("NaN gradient norm: Step returned nil error")
	}
}

func TestSchedules(t *testing.T) {
	cases := []struct {
		name  string
		s     optim.Schedule
		steps []int
		want  []float64
	}{
		{"step decay", optim.StepDecay{Every: 10, Gamma: 0.5}, []int{0, 9, 10, 25}, []float64{1, 1, 0.5, 0.25}},
		{"cosine", optim.Cosine{Steps: 100, MinFactor: 0.01}, []int{0, 50, 100, 200}, []float64{1, 0.505, 0.01, 0.01}},
		{"warmup then cosine", optim.Warmup{Steps: 4, Then: optim.Cosine{Steps: 10}}, []int{0, 3, 4, 9, 14}, []float64{0.25, 1, 1, 0.5, 0}},
		{"product", optim.Product{optim.StepDecay{Every: 1, Gamma: 0.5}, optim.ScheduleFunc(func(s int) float64 { return float64(s + 1) })},
			[]int{0, 1, 2}, []float64{1, 1, 0.75}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for i, step := range tc.steps {
				if got := tc.s.Factor(step); math.Abs(got-tc.want[i]) > 1e-12 {
					t.Errorf("Factor(%d) = %g, want %g", step, got, tc.want[i])
				}
			}
		})
	}
}

func TestScheduleDrivesRate(t *testing.T) {
	p := param(0)
	opt := optim.NewSGD([]*physnn.Tensor{p}, optim.SGDConfig{LR: 1, Schedule: optim.StepDecay{Every: 1, Gamma: 0.5}})
	for step, want := range []float32{1, 0.5, 0.25} {
		if got := opt.LR("default"); got != want {
			t.Errorf("before step %d LR = %g, want %g", step, got, want)
		}
		setGrads(t, []*physnn.Tensor{p}, func(int, []float32) []float32 { return []float32{1} })
		if err := opt.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if got := p.Values()[0]; got != -1.75 {
		t.Errorf("p = %g, want -1.75", got)
	}
}

func TestStateRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		opt  func(ps []*physnn.Tensor) optim.Optimizer
	}{
		{"adam", func(ps []*physnn.Tensor) optim.Optimizer { return optim.NewAdam(ps, optim.AdamConfig{LR: 0.05}) }},
		{"sgd momentum", func(ps []*physnn.Tensor) optim.Optimizer {
			return optim.NewSGD(ps, optim.SGDConfig{LR: 0.05, Momentum: 0.9})
		}},
		{"rmsprop centred", func(ps []*physnn.Tensor) optim.Optimizer {
			return optim.NewRMSProp(ps, optim.RMSPropConfig{Centered: true, Momentum: 0.3})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := param(1, -2, 3)
			optA := tc.opt([]*physnn.Tensor{a})
			for range 3 {
				setGrads(t, []*physnn.Tensor{a}, quadGrad)
				if err := optA.Step(); err != nil {
					t.Fatal(err)
				}
			}
			b := param(append([]float32(nil), a.Values()...)...) // a copy: New wraps its slice
			optB := tc.opt([]*physnn.Tensor{b})
			saved := map[string]*physnn.Tensor{}
			for name, s := range optA.State() {
				saved[name] = s.Clone()
			}
			if err := optB.LoadState(saved); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				for _, pair := range []struct {
					p *physnn.Tensor
					o optim.Optimizer
				}{{a, optA}, {b, optB}} {
					setGrads(t, []*physnn.Tensor{pair.p}, quadGrad)
					if err := pair.o.Step(); err != nil {
						t.Fatal(err)
					}
				}
			}
			for i := range a.Values() {
				if a.Values()[i] != b.Values()[i] {
					t.Errorf("resumed param[%d] = %g, uninterrupted %g", i, b.Values()[i], a.Values()[i])
				}
			}
			delete(saved, "step")
			if err := optB.LoadState(saved); err == nil {
				t.Error("LoadState without \"step\": nil error")
			}
		})
	}
}

func TestStepAllocatesNothing(t *testing.T) {
	rng := physnn.NewRNG(1)
	cases := []struct {
		name string
		opt  func(ps []*physnn.Tensor) optim.Optimizer
	}{
		{"sgd nesterov", func(ps []*physnn.Tensor) optim.Optimizer {
			return optim.NewSGD(ps, optim.SGDConfig{Momentum: 0.9, Nesterov: true, ClipNorm: 1, ClipValue: 0.5})
		}},
		{"adam cosine", func(ps []*physnn.Tensor) optim.Optimizer {
			return optim.NewAdam(ps, optim.AdamConfig{Schedule: optim.Warmup{Steps: 3, Then: optim.Cosine{Steps: 10}}})
		}},
		{"adamw", func(ps []*physnn.Tensor) optim.Optimizer {
			return optim.NewAdamW(ps, optim.AdamConfig{WeightDecay: 0.01})
		}},
		{"rmsprop", func(ps []*physnn.Tensor) optim.Optimizer {
			return optim.NewRMSProp(ps, optim.RMSPropConfig{Centered: true, Momentum: 0.9})
		}},
		{"sgld", func(ps []*physnn.Tensor) optim.Optimizer {
			return optim.NewSGLD(ps, optim.SGLDConfig{Temperature: 0.1, RNG: rng})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ps := []*physnn.Tensor{param(1, 2, 3), param(4, 5)}
			opt := tc.opt(ps)
			setGrads(t, ps, quadGrad)
			allocs := testing.AllocsPerRun(100, func() {
				if err := opt.Step(); err != nil {
					t.Fatal(err)
				}
				opt.ZeroGrad()
			})
			if allocs != 0 {
				t.Errorf("Step+ZeroGrad allocated %v times per run, want 0", allocs)
			}
		})
	}
}

// TestSGLDStationaryVariance checks physics-models-1.md §4 "Langevin": for
// L = ½kθ² with k = 1, T = 0.1, η = 0.01 the chain's variance is
// T/(k(1 − ηk/2)) ≈ 0.1005, within 5% of T/k = 0.1.
func TestSGLDStationaryVariance(t *testing.T) {
	const (
		k, temp, eta = 1.0, 0.1, 0.01
		chains       = 500  // independent coordinates sampled in parallel
		burnIn       = 1000 // 10 relaxation times 1/(ηk)
		steps        = 20000
	)
	theta := physnn.Zeros(chains).SetRequiresGrad(true)
	opt := optim.NewSGLD([]*physnn.Tensor{theta}, optim.SGLDConfig{LR: eta, Temperature: temp, RNG: physnn.NewRNG(4)})
	kc := physnn.Full(k/2, chains)
	var sum, sumSq float64
	var n int
	for step := range steps {
		opt.ZeroGrad()
		if err := theta.Mul(theta).Mul(kc).Sum().Backward(); err != nil {
			t.Fatal(err)
		}
		if err := opt.Step(); err != nil {
			t.Fatal(err)
		}
		if step >= burnIn {
			for _, v := range theta.Values() {
				sum += float64(v)
				sumSq += float64(v) * float64(v)
				n++
			}
		}
	}
	mean := sum / float64(n)
	variance := sumSq/float64(n) - mean*mean
	want := temp / (k * (1 - eta*k/2))
	t.Logf("Var θ = %.5f (discrete-time theory %.5f, continuum %.3f)", variance, want, temp/k)
	if math.Abs(variance-temp/k) > 0.05*temp/k {
		t.Errorf("Var θ = %.5f, want 0.1 ± 5%%", variance)
	}
	// 500 chains × 19,000 steps with a correlation time of ~100 steps give
	// ~95,000 independent draws: the variance's standard error is
	// √(2/95000) ≈ 0.5%, so 2% is four standard errors.
	if math.Abs(variance-want) > 0.02*want {
		t.Errorf("Var θ = %.5f, want %.5f ± 2%% (discrete-time theory)", variance, want)
	}
}
