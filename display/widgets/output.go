package widgets

import (
	"fmt"
	"sync"

	"github.com/gophys/gophys/display"
	"github.com/gophys/gophys/display/internal/goid"
)

// Output is an output area (ipywidgets Output). It is filled in two ways:
//
//   - directly: Show, Append, Print and Clear write its outputs state, in
//     nbformat's output layout, from any goroutine;
//   - by capture: [Output.Capture] runs a function while the area's msg_id
//     is the id of the request the kernel serves, so the frontend puts the
//     outputs of that request (printed text, displays) into the area instead
//     of the cell, as ipywidgets' `with out:` does.
//
// The frontend reports what it captured by updating the outputs state, so
// Append after a capture keeps the captured outputs.
type Output struct {
	widget
	mu sync.Mutex // serialises read-modify-write of outputs and captures

	capMu     sync.Mutex
	capturing bool           // a msg_id capture is active
	displayAt map[string]int // display ID → index in outputs, for updates made by direct captures
	clearNext bool           // Clear(wait=true) in a direct capture: clear before the next output
}

// NewOutput opens an empty output area.
func NewOutput() (*Output, error) {
	spec := modelSpec{"OutputModel", outputModule, outputVersion, "OutputView", outputModule, outputVersion}
	st := map[string]any{"msg_id": "", "outputs": []any{}}
	m, err := openDOMWidget(spec, "Output", st, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return &Output{widget: widget{m}}, nil
}

// renderOutput renders v as an nbformat display_data output; values display
// has nothing richer for become their text.
func renderOutput(v any) map[string]any {
	b, ok := display.Render(v)
	if !ok || len(b.Data) == 0 {
		b = display.Bundle{Data: map[string]any{"text/plain": fmt.Sprint(v)}}
	}
	return bundleOutput(b)
}

// bundleOutput is b as an nbformat display_data output.
func bundleOutput(b display.Bundle) map[string]any {
	meta := b.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	return map[string]any{"output_type": "display_data", "data": b.Data, "metadata": meta}
}

// outputs returns a copy of the outputs state, which holds what the kernel
// wrote and what the frontend captured.
func (o *Output) outputs() []any {
	outs, _ := o.m.get("outputs").([]any)
	return append([]any(nil), outs...)
}

func (o *Output) setOutputs(outputs []any) error {
	if outputs == nil {
		outputs = []any{}
	}
	return o.m.set(map[string]any{"outputs": outputs})
}

// Show replaces the area's content with v, rendered as display.Render does
// (a plot becomes a PNG, an error red text).
func (o *Output) Show(v any) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.setOutputs([]any{renderOutput(v)})
}

// Append adds v, rendered, below the current content.
func (o *Output) Append(v any) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.setOutputs(append(o.outputs(), renderOutput(v)))
}

// Print appends text as standard output, as fmt.Print would show it.
func (o *Output) Print(text string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := map[string]any{"output_type": "stream", "name": "stdout", "text": text}
	return o.setOutputs(append(o.outputs(), out))
}

// Clear empties the area.
func (o *Output) Clear() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.setOutputs([]any{})
}

// Capture runs f with the area capturing its outputs, like ipywidgets'
// `with out:`. It sets the area's msg_id to the request the kernel serves
// for the caller, which the frontend uses to route every output whose
// parent is that request into the area, and clears it when f returns or
// panics (a panic goes on after the area is restored):
//
//   - in a cell, the request is the cell's execute_request: everything the
//     cell prints or displays during f goes to the area;
//   - in a widget callback (OnChange, OnClick), it is the comm message that
//     triggered the callback: what the callback displays with package
//     display during f carries that message as its parent and goes to the
//     area. Printed text (fmt) of a callback still goes to the cell, since
//     standard output is shared with the cell running beside it; use
//     [Output.Print] or display.Markdown there.
//
// Where there is no such request (a goroutine whose cell has finished,
// Interact's function, a nested or concurrent Capture of the same area, or
// a kernel that cannot say which request it serves), Capture falls back to
// appending what f displays directly, as Append does; printed text is then
// not captured. Capture returns the error of setting or clearing msg_id;
// f's outputs are not checked.
func (o *Output) Capture(f func()) error {
	parent, pub := o.captureParent()
	o.capMu.Lock()
	busy := o.capturing
	if parent != "" && !busy {
		o.capturing = true
	}
	o.capMu.Unlock()
	if parent == "" || busy {
		display.WithPublisher(directPublisher{o}, f)
		return nil
	}
	defer func() {
		o.capMu.Lock()
		o.capturing = false
		o.capMu.Unlock()
	}()
	// In a cell, text printed before the capture must not be captured, nor
	// text printed during it escape: flush around the msg_id changes. A
	// callback's displays go out at once through pub.
	flush := func() {
		if pub == nil {
			_ = display.Flush()
		}
	}
	flush()
	if err := o.m.set(map[string]any{"msg_id": parent}); err != nil {
		return err
	}
	restored := false
	defer func() {
		if !restored { // f panicked
			flush()
			_ = o.m.set(map[string]any{"msg_id": ""})
		}
	}()
	if pub != nil {
		display.WithPublisher(pub, f)
	} else {
		f()
	}
	restored = true
	flush()
	return o.m.set(map[string]any{"msg_id": ""})
}

// captureParent returns the msg_id the caller's outputs carry, with the
// publisher that gives displays that parent when the current one does not
// (a widget callback's); "" when the kernel cannot say.
func (o *Output) captureParent() (string, display.Publisher) {
	c, err := comms()
	if err != nil {
		return "", nil
	}
	p, ok := c.(Parents)
	if !ok {
		return "", nil
	}
	if inCallback() {
		id := p.CommParentID()
		if id == "" {
			return "", nil
		}
		pub := p.CommPublisher()
		if pub == nil {
			return "", nil
		}
		return id, pub
	}
	return p.CellParentID(), nil
}

// directPublisher puts displays straight into an Output's state, for
// captures that cannot route by message id.
type directPublisher struct{ o *Output }

func (d directPublisher) add(b display.Bundle, update bool) error {
	o := d.o
	o.mu.Lock()
	defer o.mu.Unlock()
	outs := o.outputs()
	if o.clearNext {
		outs, o.displayAt, o.clearNext = nil, nil, false
	}
	out := bundleOutput(b)
	if i, ok := o.displayAt[b.DisplayID]; update && ok && i < len(outs) {
		outs[i] = out
	} else if update {
		return nil // as frontends do, an update for an unknown display is dropped
	} else {
		if b.DisplayID != "" {
			if o.displayAt == nil {
				o.displayAt = map[string]int{}
			}
			o.displayAt[b.DisplayID] = len(outs)
		}
		outs = append(outs, out)
	}
	return o.setOutputs(outs)
}

func (d directPublisher) Publish(b display.Bundle) error { return d.add(b, false) }

func (d directPublisher) Update(b display.Bundle) error { return d.add(b, true) }

func (d directPublisher) Clear(wait bool) error {
	o := d.o
	o.mu.Lock()
	defer o.mu.Unlock()
	if wait {
		o.clearNext = true
		return nil
	}
	o.displayAt = nil
	return o.setOutputs([]any{})
}

// callbacks records the goroutines running a widget's message handler, so
// Capture can tell a callback from a cell running beside it.
var callbacks = struct {
	mu  sync.Mutex
	byG map[int64]int
}{byG: map[int64]int{}}

// handling marks the calling goroutine as handling a frontend message
// until the returned function is called.
func handling() (done func()) {
	id := goid.Current()
	callbacks.mu.Lock()
	callbacks.byG[id]++
	callbacks.mu.Unlock()
	return func() {
		callbacks.mu.Lock()
		if callbacks.byG[id]--; callbacks.byG[id] <= 0 {
			delete(callbacks.byG, id)
		}
		callbacks.mu.Unlock()
	}
}

// inCallback reports whether the calling goroutine handles a frontend
// message now.
func inCallback() bool {
	callbacks.mu.Lock()
	n := len(callbacks.byG)
	callbacks.mu.Unlock()
	if n == 0 {
		return false
	}
	id := goid.Current()
	callbacks.mu.Lock()
	defer callbacks.mu.Unlock()
	return callbacks.byG[id] > 0
}
