package display

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/gophys/gophys/display/internal/goid"
)

// redirects maps goroutine ids to the publisher WithPublisher installed for
// them; active counts them so that displays skip the lookup (and the
// goroutine id) when there are none, the common case.
var redirects = struct {
	mu     sync.Mutex
	byG    map[int64]Publisher
	active atomic.Int32
}{byG: map[int64]Publisher{}}

// WithPublisher runs f with the displays the calling goroutine makes during
// f (Show, Publish, Handle updates, Clear, progress) going to p instead of
// the current publisher. Other goroutines, including those f starts, are not
// redirected, so a widget callback can redirect its own displays while a
// cell runs beside it. Calls nest; the outer publisher is restored when f
// returns or panics. A nil p selects console mode for f.
func WithPublisher(p Publisher, f func()) {
	id := goid.Current()
	redirects.mu.Lock()
	prev, had := redirects.byG[id]
	redirects.byG[id] = p
	if !had {
		redirects.active.Add(1)
	}
	redirects.mu.Unlock()
	defer func() {
		redirects.mu.Lock()
		if had {
			redirects.byG[id] = prev
		} else {
			delete(redirects.byG, id)
			redirects.active.Add(-1)
		}
		redirects.mu.Unlock()
	}()
	f()
}

// redirected returns the calling goroutine's redirection, if it has one.
func redirected() (Publisher, bool) {
	if redirects.active.Load() == 0 {
		return nil, false
	}
	id := goid.Current()
	redirects.mu.Lock()
	defer redirects.mu.Unlock()
	p, ok := redirects.byG[id]
	return p, ok
}

// Flusher is implemented by publishers that batch stream text (standard
// output) and can send what is pending on demand.
type Flusher interface {
	// Flush sends the pending stream text before anything published later.
	Flush() error
}

// flushID names no display; an update for it makes the kernel publish the
// stream text it holds (it does so before any display message), and
// frontends ignore updates for display IDs they have not seen.
var flushID = newDisplayID()

// Flush makes sure that the text the running cell printed so far reaches
// the frontend before anything displayed after it: [Output] widgets that
// capture by message id need that order. It uses the publisher's Flush when
// it implements [Flusher]; otherwise it waits until the pipes that capture
// standard output and error have been read (Linux), and sends an empty
// update for a display ID nothing has, which the kernel precedes with the
// pending stream text and frontends ignore. In console mode Flush does
// nothing.
func Flush() (err error) {
	p := publisher()
	if p == nil {
		return nil
	}
	defer recoverPublisher("flush", &err)
	if f, ok := p.(Flusher); ok {
		err = f.Flush()
	} else {
		drainStdio()
		err = p.Update(Bundle{Data: map[string]any{MIMEText: ""}, Metadata: map[string]any{}, DisplayID: flushID})
	}
	if err != nil {
		return fmt.Errorf("display: flush: %w", err)
	}
	return nil
}
