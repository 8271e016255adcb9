package display

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// Handle is a display that can be replaced in place, the basis of live
// outputs such as progress bars and animations. Create it with [New]; every
// [Handle.Update] replaces what the frontend shows (update_display_data),
// wherever in the notebook the display is. A Handle is safe for concurrent
// use.
type Handle struct {
	id string
}

// New displays v (as [Show] does) under a fresh display ID and returns the
// handle that updates it. The handle is usable even when the first display
// failed (the error says why), so `h, _ := display.New(v)` never leaves h
// nil.
func New(v any) (*Handle, error) {
	h := &Handle{id: newDisplayID()}
	return h, h.show(v, false)
}

// ID returns the display ID, sent as transient.display_id.
func (h *Handle) ID() string { return h.id }

// Update replaces the display with v. In console mode it prints v's text
// again, since a terminal cannot redraw earlier output.
func (h *Handle) Update(v any) error { return h.show(v, true) }

func (h *Handle) show(v any, update bool) error {
	b, ok, err := render(v)
	if !ok {
		b = Bundle{Data: map[string]any{MIMEText: fmt.Sprint(v)}}
	}
	b = withText(b)
	b.DisplayID = h.id
	if perr := send(b, update); perr != nil {
		return perr
	}
	return err
}

// newDisplayID returns a random ID; 128 bits make collisions between
// displays of one notebook session practically impossible.
func newDisplayID() string {
	var b [16]byte
	// crypto/rand.Read never returns an error (Go ≥ 1.24 documents it
	// crashes the program instead of returning short reads).
	_, _ = rand.Read(b[:])
	return "gophys-" + hex.EncodeToString(b[:])
}
