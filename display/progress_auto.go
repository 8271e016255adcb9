package display

import (
	"sync/atomic"

	"github.com/gophys/gophys/physnn/train"
)

// autoProgressOff is set by AutoProgress(false); the zero value means on.
var autoProgressOff atomic.Bool

// AutoProgress turns on or off the progress display that every train.Fit
// shows by default in a notebook (on unless turned off). The default display
// is added only while a publisher is set, that is, in a kernel: scripts and
// tests print nothing they did not ask for. A run whose Config.Callbacks
// already holds a *Progress gets no second one.
func AutoProgress(on bool) { autoProgressOff.Store(!on) }

func init() { train.SetDefaultCallbacks(defaultProgress) }

// defaultProgress is the factory display registers with train: a Progress
// titled "training" that learns the run's length from its first step.
func defaultProgress(cfg train.Config) []train.Callback {
	if autoProgressOff.Load() || publisher() == nil {
		return nil
	}
	for _, cb := range cfg.Callbacks {
		if _, ok := cb.(*Progress); ok {
			return nil
		}
	}
	epochs := cfg.Epochs
	if epochs <= 0 {
		epochs = 1
	}
	p, _ := NewProgress(ProgressConfig{Title: "training", Epochs: epochs})
	return []train.Callback{p}
}
