package widgets

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"sync"
	"testing"

	"github.com/gophys/gophys/display"
)

// event is one message the kernel side sent to the frontend.
type event struct {
	kind     string // "open", "msg" or "close"
	target   string
	id       string
	data     map[string]any
	metadata map[string]any
}

// fakeComms records what widgets send and plays the frontend's side.
type fakeComms struct {
	mu       sync.Mutex
	next     int
	events   []event
	handlers map[string]Handler
	comms    map[string]*fakeComm
	targets  map[string]Target
}

type fakeComm struct {
	f      *fakeComms
	id     string
	closed bool
}

func (c *fakeComm) ID() string { return c.id }

func (c *fakeComm) Send(data map[string]any, buffers [][]byte) error {
	// Yield first, as a real transport may, so tests see interleavings of
	// concurrent senders.
	runtime.Gosched()
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if c.closed {
		return fmt.Errorf("fake: comm %s closed", c.id)
	}
	c.f.events = append(c.f.events, event{kind: "msg", id: c.id, data: data})
	return nil
}

func (c *fakeComm) Close(data map[string]any) error {
	c.f.mu.Lock()
	defer c.f.mu.Unlock()
	if c.closed {
		return fmt.Errorf("fake: comm %s closed", c.id)
	}
	c.closed = true
	c.f.events = append(c.f.events, event{kind: "close", id: c.id, data: data})
	return nil
}

func (f *fakeComms) Open(target string, data, metadata map[string]any, buffers [][]byte, h Handler) (Comm, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	c := &fakeComm{f: f, id: fmt.Sprintf("c%d", f.next)}
	f.comms[c.id] = c
	f.handlers[c.id] = h
	f.events = append(f.events, event{kind: "open", target: target, id: c.id, data: data, metadata: metadata})
	return c, nil
}

func (f *fakeComms) RegisterTarget(name string, t Target) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.targets[name] = t
}

// take returns and forgets the events recorded so far.
func (f *fakeComms) take() []event {
	f.mu.Lock()
	defer f.mu.Unlock()
	ev := f.events
	f.events = nil
	return ev
}

// frontendMsg delivers a comm_msg from the frontend to comm id.
func (f *fakeComms) frontendMsg(t *testing.T, id string, data map[string]any) {
	t.Helper()
	f.mu.Lock()
	h, c := f.handlers[id], f.comms[id]
	f.mu.Unlock()
	if h == nil {
		t.Fatalf("no handler for comm %s", id)
	}
	h.HandleMsg(c, data, nil)
}

// frontendClose delivers a comm_close from the frontend.
func (f *fakeComms) frontendClose(t *testing.T, id string) {
	t.Helper()
	f.mu.Lock()
	h, c := f.handlers[id], f.comms[id]
	c.closed = true
	f.mu.Unlock()
	h.HandleClose(c, map[string]any{})
}

// frontendOpen opens a comm from the frontend on a registered target.
func (f *fakeComms) frontendOpen(t *testing.T, target, id string) {
	t.Helper()
	f.mu.Lock()
	tg := f.targets[target]
	c := &fakeComm{f: f, id: id}
	f.comms[id] = c
	f.mu.Unlock()
	if tg == nil {
		t.Fatalf("target %s not registered", target)
	}
	h, err := tg(c, map[string]any{}, nil)
	if err != nil {
		t.Fatalf("target %s refused: %v", target, err)
	}
	f.mu.Lock()
	f.handlers[id] = h
	f.mu.Unlock()
}

// fakePublisher records display's bundles.
type fakePublisher struct {
	mu      sync.Mutex
	bundles []display.Bundle
}

func (p *fakePublisher) Publish(b display.Bundle) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bundles = append(p.bundles, b)
	return nil
}
func (p *fakePublisher) Update(b display.Bundle) error { return p.Publish(b) }
func (p *fakePublisher) Clear(bool) error              { return nil }

// setup installs fresh fakes and returns them with the error report buffer.
func setup(t *testing.T) (*fakeComms, *fakePublisher, *bytes.Buffer) {
	t.Helper()
	f := &fakeComms{handlers: map[string]Handler{}, comms: map[string]*fakeComm{}, targets: map[string]Target{}}
	pub := &fakePublisher{}
	var report bytes.Buffer
	var reportMu sync.Mutex
	oldOutput := errorOutput
	errorOutput = func() io.Writer { return lockedWriter{&reportMu, &report} }
	SetComms(f)
	display.SetPublisher(pub)
	registry.mu.Lock()
	registry.models = map[string]*model{}
	registry.mu.Unlock()
	t.Cleanup(func() {
		SetComms(nil)
		display.SetPublisher(nil)
		errorOutput = oldOutput
	})
	return f, pub, &report
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
