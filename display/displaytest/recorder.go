package displaytest

import (
	"sync"

	"github.com/gophys/gophys/display"
)

// Recorder is a display.Publisher that keeps every bundle published or
// updated and every clear request, in order. It is safe for concurrent use.
// The zero value is ready to use.
type Recorder struct {
	mu     sync.Mutex
	events []Event
	// Err, when set before use, is returned by every call (the call is still
	// recorded), to test how code handles a failing frontend.
	Err error
}

// Event is one call to the Recorder.
type Event struct {
	// Kind is "publish", "update" or "clear".
	Kind   string
	Bundle display.Bundle // zero for "clear"
	Wait   bool           // the wait flag of a "clear"
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return &Recorder{} }

// Publish records b as display_data.
func (r *Recorder) Publish(b display.Bundle) error {
	return r.record(Event{Kind: "publish", Bundle: b})
}

// Update records b as update_display_data.
func (r *Recorder) Update(b display.Bundle) error {
	return r.record(Event{Kind: "update", Bundle: b})
}

// Clear records a clear_output request.
func (r *Recorder) Clear(wait bool) error {
	return r.record(Event{Kind: "clear", Wait: wait})
}

func (r *Recorder) record(e Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return r.Err
}

// Events returns a copy of everything recorded so far, in order.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// Published returns the bundles sent as display_data, in order.
func (r *Recorder) Published() []display.Bundle { return r.bundles("publish") }

// Updated returns the bundles sent as update_display_data, in order.
func (r *Recorder) Updated() []display.Bundle { return r.bundles("update") }

func (r *Recorder) bundles(kind string) []display.Bundle {
	var out []display.Bundle
	for _, e := range r.Events() {
		if e.Kind == kind {
			out = append(out, e.Bundle)
		}
	}
	return out
}

// Reset forgets everything recorded.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = nil
}

var _ display.Publisher = (*Recorder)(nil)
