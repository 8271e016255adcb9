package train

import "sync/atomic"

// DefaultCallbackFactory makes callbacks that Fit adds to a run's own
// Config.Callbacks: the display package registers one in a notebook kernel
// so that every Fit shows live progress without the user asking. It gets the
// run's Config (Epochs, the user's Callbacks) and returns the callbacks to
// add, or none. It must not modify cfg.
type DefaultCallbackFactory func(cfg Config) []Callback

var defaultCallbacks atomic.Pointer[DefaultCallbackFactory]

// SetDefaultCallbacks registers f as the factory of default callbacks; nil
// removes it. physnn itself registers none: train does not import display,
// so display registers its progress display here (see display.AutoProgress).
// It is safe to call concurrently with Fit; a run uses the factory current
// when it starts.
func SetDefaultCallbacks(f DefaultCallbackFactory) {
	if f == nil {
		defaultCallbacks.Store(nil)
		return
	}
	defaultCallbacks.Store(&f)
}

// withDefaultCallbacks returns cfg's callbacks followed by those of the
// registered factory. The result is a new slice when defaults are added, so
// the caller's Config.Callbacks is never appended to in place. A panicking
// factory adds nothing: a display problem must not prevent training.
func withDefaultCallbacks(cfg Config) (cbs []Callback) {
	fp := defaultCallbacks.Load()
	if fp == nil {
		return cfg.Callbacks
	}
	defer func() {
		if recover() != nil {
			cbs = cfg.Callbacks
		}
	}()
	extra := (*fp)(cfg)
	if len(extra) == 0 {
		return cfg.Callbacks
	}
	out := make([]Callback, 0, len(cfg.Callbacks)+len(extra))
	out = append(out, cfg.Callbacks...)
	for _, cb := range extra {
		if cb != nil {
			out = append(out, cb)
		}
	}
	return out
}
