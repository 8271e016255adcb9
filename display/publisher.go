package display

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync/atomic"
)

// publisherSlot boxes the current Publisher: atomic.Pointer needs a concrete
// type, and a nil slot pointer means console mode.
type publisherSlot struct{ p Publisher }

var current atomic.Pointer[publisherSlot]

// SetPublisher makes p the destination of everything display shows from now
// on. The kernel calls it around each cell; nil selects console mode, where
// displays are written as text to standard output. SetPublisher is safe to
// call concurrently with Show and the other display functions: each display
// goes wholly to the publisher that is current when it is sent.
func SetPublisher(p Publisher) {
	if p == nil {
		current.Store(nil)
		return
	}
	current.Store(&publisherSlot{p: p})
}

// publisher returns the calling goroutine's Publisher: its redirection
// (WithPublisher) if it has one, else the current one; nil in console mode.
func publisher() Publisher {
	if p, ok := redirected(); ok {
		return p
	}
	if slot := current.Load(); slot != nil {
		return slot.p
	}
	return nil
}

// consoleWriter is where console mode writes. It reads os.Stdout at each call
// (not once at init) so redirections made later, by the kernel or by Example
// tests, are honoured.
func consoleWriter() io.Writer { return os.Stdout }

// Publish sends a ready-made bundle as display_data. It adds a text/plain
// entry when b lacks one, so every display has a text fallback. In console
// mode it writes the text/plain entry to standard output.
func Publish(b Bundle) error {
	return send(withText(b), false)
}

// Clear clears the current cell's output. With wait set, the frontend clears
// it only when the next output arrives, which avoids flicker in animations.
// In console mode Clear does nothing.
func Clear(wait bool) (err error) {
	p := publisher()
	if p == nil {
		return nil
	}
	defer recoverPublisher("clear", &err)
	if err := p.Clear(wait); err != nil {
		return fmt.Errorf("display: clear output: %w", err)
	}
	return nil
}

// send delivers b to the current publisher (update selects
// update_display_data) or, in console mode, prints its text.
func send(b Bundle, update bool) (err error) {
	p := publisher()
	if p == nil {
		_, err := fmt.Fprintln(consoleWriter(), textOf(b))
		return err
	}
	op := "publish"
	if update {
		op = "update"
	}
	// A publisher belongs to the kernel; a panic in it must not take the
	// user's cell (or a widget callback's goroutine) down with it.
	defer recoverPublisher(op, &err)
	if update {
		err = p.Update(b)
	} else {
		err = p.Publish(b)
	}
	if err != nil {
		return fmt.Errorf("display: %s: %w", op, err)
	}
	return nil
}

func recoverPublisher(op string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("display: %s: publisher panicked: %v", op, r)
	}
}

// textOf returns b's text/plain entry as a string.
func textOf(b Bundle) string {
	switch t := b.Data[MIMEText].(type) {
	case string:
		return t
	case []byte:
		return string(t)
	case nil:
		return ""
	default:
		return fmt.Sprint(t)
	}
}

// withText returns b with non-nil maps and a text/plain entry. When b has
// none, the text names the MIME types it carries, so a console or a report
// without our renderers still says what was there. b's maps are copied, never
// modified.
func withText(b Bundle) Bundle {
	data := make(map[string]any, len(b.Data)+1)
	for k, v := range b.Data {
		data[k] = v
	}
	meta := make(map[string]any, len(b.Metadata))
	for k, v := range b.Metadata {
		meta[k] = v
	}
	if _, ok := data[MIMEText]; !ok {
		types := make([]string, 0, len(data))
		for k := range data {
			types = append(types, k)
		}
		sort.Strings(types)
		data[MIMEText] = "<display " + strings.Join(types, ", ") + ">"
	}
	return Bundle{Data: data, Metadata: meta, DisplayID: b.DisplayID}
}
