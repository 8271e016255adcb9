package train

import (
	"testing"

	"github.com/gophys/gophys/physnn"
	"github.com/gophys/gophys/physnn/nn"
	"github.com/gophys/gophys/physnn/optim"
)

func TestWithDefaultCallbacks(t *testing.T) {
	user := CallbackFuncs{}
	extra := CallbackFuncs{Step: func(StepInfo) error { return nil }}
	cases := []struct {
		name    string
		factory DefaultCallbackFactory
		user    []Callback
		want    int
	}{
		{"no factory", nil, []Callback{user}, 1},
		{"factory adds one", func(Config) []Callback { return []Callback{extra} }, []Callback{user}, 2},
		{"factory adds none", func(Config) []Callback { return nil }, []Callback{user}, 1},
		{"nil entries dropped", func(Config) []Callback { return []Callback{nil, extra} }, nil, 1},
		{"panicking factory adds nothing", func(Config) []Callback { panic("boom") }, []Callback{user}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			SetDefaultCallbacks(tc.factory)
			defer SetDefaultCallbacks(nil)
			userSlice := make([]Callback, len(tc.user), len(tc.user)+4) // room to catch in-place appends
			copy(userSlice, tc.user)
			got := withDefaultCallbacks(Config{Callbacks: userSlice})
			if len(got) != tc.want {
				t.Fatalf("got %d callbacks, want %d", len(got), tc.want)
			}
			if extended := userSlice[:cap(userSlice)]; len(tc.user) < len(extended) && extended[len(tc.user)] != nil {
				t.Errorf("the user's Callbacks slice was appended to in place")
			}
		})
	}
}

// TestFitRunsDefaultCallbacks checks that Fit adds the registered default
// callbacks to the run (the kernel's live progress depends on it) and leaves
// the caller's Config untouched.
func TestFitRunsDefaultCallbacks(t *testing.T) {
	epochs := 0
	SetDefaultCallbacks(func(cfg Config) []Callback {
		return []Callback{CallbackFuncs{Epoch: func(EpochInfo) error { epochs++; return nil }}}
	})
	t.Cleanup(func() { SetDefaultCallbacks(nil) })

	rng := physnn.NewRNG(1)
	model := nn.NewDense(1, 1, rng)
	opt := optim.NewSGD(model.Parameters(), optim.SGDConfig{LR: 0.1})
	data := NewTensorDataset(rng.Normal(0, 1, 8, 1), rng.Normal(0, 1, 8, 1))
	cfg := Config{Epochs: 3}
	if _, err := Fit(model, opt, data, cfg); err != nil {
		t.Fatal(err)
	}
	if epochs != 3 {
		t.Errorf("default callback saw %d epochs, want 3", epochs)
	}
	if len(cfg.Callbacks) != 0 {
		t.Errorf("Fit changed the caller's Config.Callbacks: %v", cfg.Callbacks)
	}
}
