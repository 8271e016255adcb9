package eval

import (
	"context"
	"errors"

	"github.com/gophys/gophys/display"
	"github.com/gophys/gophys/kernel"
	"github.com/gophys/gophys/physnn"
)

// The hooks below connect the interpreter to the compiled packages cells use:
// display renders final values and publishes what cells show; physnn checks
// a per-cell context in its long loops so an interrupt stops them.

// renderValue renders a final value through package display; ok is false
// when display has nothing richer than text.
func renderValue(v any) (data, metadata map[string]any, ok bool) {
	b, ok := display.Render(v)
	if !ok {
		return nil, nil, false
	}
	return b.Data, b.Metadata, true
}

// setDisplayPublisher routes display's output to the running cell (or the
// most recent one, for displays from goroutines). c is the stdio capture
// (nil without one): text printed before a display is flushed first, so it
// stays before the display.
func setDisplayPublisher(r *router, c *fdCapture) { display.SetPublisher(cellPublisher{r, c}) }

// setPhysnnContext hands physnn the running cell's context, which its
// training and sampling loops poll between steps.
func setPhysnnContext(ctx context.Context) { physnn.SetCancelContext(ctx) }

// cellPublisher is the display.Publisher the interpreter installs; it
// implements display.Flusher.
type cellPublisher struct {
	r *router
	c *fdCapture
}

var errNoCell = errors.New("eval: no cell has run yet, so there is nowhere to display")

func (p cellPublisher) send(b display.Bundle, update bool) error {
	p.c.flush() // printed text first: the kernel's Display publishes its pending streams before the display
	out, _ := p.r.current()
	if out == nil {
		return errNoCell
	}
	out.Display(kernel.DisplayData{Data: b.Data, Metadata: b.Metadata, DisplayID: b.DisplayID, Update: update})
	return nil
}

func (p cellPublisher) Publish(b display.Bundle) error { return p.send(b, false) }

func (p cellPublisher) Update(b display.Bundle) error { return p.send(b, true) }

// Flush implements display.Flusher: the text printed so far leaves before
// anything published later.
func (p cellPublisher) Flush() error {
	p.c.flush()
	out, _ := p.r.current()
	if out == nil {
		return errNoCell
	}
	if f, ok := out.(interface{ Flush() }); ok {
		f.Flush()
	}
	return nil
}

func (p cellPublisher) Clear(wait bool) error {
	p.c.flush()
	out, _ := p.r.current()
	if out == nil {
		return errNoCell
	}
	out.ClearOutput(wait)
	return nil
}
