package widgets

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/gophys/gophys/display"
)

// Model-module protocol versions of ipywidgets 8 (not npm versions).
const (
	baseModule       = "@jupyter-widgets/base"
	controlsModule   = "@jupyter-widgets/controls"
	outputModule     = "@jupyter-widgets/output"
	baseVersion      = "2.0.0"
	controlsVersion  = "2.0.0"
	outputVersion    = "1.0.0"
	widgetViewMIME   = "application/vnd.jupyter.widget-view+json"
	modelRefPrefix   = "IPY_MODEL_"
	viewVersionMajor = 2
	viewVersionMinor = 0
)

// modelSpec names a widget's JavaScript model and view: the immutable
// _model_* and _view_* keys every state carries.
type modelSpec struct {
	modelName, modelModule, modelVersion string
	viewName, viewModule, viewVersion    string
}

func controlsSpec(name string) modelSpec {
	return modelSpec{name + "Model", controlsModule, controlsVersion, name + "View", controlsModule, controlsVersion}
}

// styleSpec is a style model: its model lives in controls, its view in base.
func styleSpec(modelName string) modelSpec {
	return modelSpec{modelName, controlsModule, controlsVersion, "StyleView", baseModule, baseVersion}
}

var layoutSpec = modelSpec{"LayoutModel", baseModule, baseVersion, "LayoutView", baseModule, baseVersion}

func (s modelSpec) keys() map[string]any {
	return map[string]any{
		"_model_name": s.modelName, "_model_module": s.modelModule, "_model_module_version": s.modelVersion,
		"_view_name": s.viewName, "_view_module": s.viewModule, "_view_module_version": s.viewVersion,
	}
}

// converter checks and converts a value the frontend sent for one key into
// the Go value the model stores.
type converter func(v any) (any, error)

// observer runs after a key changed, with its new value.
type observer struct {
	key string
	fn  func(v any)
}

// model is the kernel side of one widget: its state, its comm, and what
// runs when the frontend changes it.
type model struct {
	id    string
	spec  modelSpec
	label string // the Python-style class name for text/plain
	comm  Comm

	// sendMu keeps each change and its message together, so two goroutines
	// changing the widget at once cannot leave the frontend on the older
	// value. Callbacks run outside it, so they may change the widget again.
	sendMu sync.Mutex

	mu        sync.Mutex
	state     map[string]any
	convert   map[string]converter
	observers []observer
	custom    func(content map[string]any)
	closed    bool
	owned     []*model // layout and style models, closed with this one
}

// openModel opens a widget's comm with its full state. convert lists the
// keys whose values the frontend may send that need checking; other keys
// already in the state are stored as sent.
func openModel(c Comms, spec modelSpec, label string, state map[string]any, convert map[string]converter) (*model, error) {
	m := &model{spec: spec, label: label, state: spec.keys(), convert: convert}
	for k, v := range state {
		m.state[k] = v
	}
	data := map[string]any{"state": m.fullState(), "buffer_paths": []any{}}
	meta := map[string]any{"version": ProtocolVersion}
	// Hold the lock so a message arriving before Open returns waits for m.id.
	m.mu.Lock()
	comm, err := c.Open(WidgetTarget, data, meta, nil, m)
	if err != nil {
		m.mu.Unlock()
		return nil, fmt.Errorf("widgets: open %s: %w", label, err)
	}
	m.comm, m.id = comm, comm.ID()
	m.mu.Unlock()
	register(m)
	return m, nil
}

// openDOMWidget opens a Layout model, a style model when style is non-nil,
// and then the widget referring to both, as ipywidgets does.
func openDOMWidget(spec modelSpec, label string, state map[string]any, style *modelSpec, styleState map[string]any, convert map[string]converter) (*model, error) {
	c, err := comms()
	if err != nil {
		return nil, err
	}
	layout, err := openModel(c, layoutSpec, "Layout", nil, nil)
	if err != nil {
		return nil, err
	}
	owned := []*model{layout}
	state["layout"] = modelRefPrefix + layout.id
	state["_dom_classes"] = []any{}
	state["tabbable"] = nil
	state["tooltip"] = nil
	if style != nil {
		st, err := openModel(c, *style, "Style", styleState, nil)
		if err != nil {
			layout.close()
			return nil, err
		}
		owned = append(owned, st)
		state["style"] = modelRefPrefix + st.id
	}
	m, err := openModel(c, spec, label, state, convert)
	if err != nil {
		for _, o := range owned {
			o.close()
		}
		return nil, err
	}
	m.owned = owned
	return m, nil
}

// layout returns the widget's Layout model, or nil.
func (m *model) layout() *model {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range m.owned {
		if o.spec == layoutSpec {
			return o
		}
	}
	return nil
}

// fullState copies the state for request_state and request_states.
func (m *model) fullState() map[string]any {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := make(map[string]any, len(m.state))
	for k, v := range m.state {
		st[k] = v
	}
	return st
}

func (m *model) get(key string) any {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state[key]
}

// set changes keys from the kernel side: it sends an update with the keys
// whose values differ and runs their observers.
func (m *model) set(changes map[string]any) error {
	m.sendMu.Lock()
	changed, err := m.apply(changes)
	if err == nil && len(changed) > 0 {
		err = m.comm.Send(map[string]any{"method": "update", "state": changed, "buffer_paths": []any{}}, nil)
		if err != nil {
			err = fmt.Errorf("widgets: update %s: %w", m.label, err)
		}
	}
	m.sendMu.Unlock()
	if err != nil {
		return err
	}
	if len(changed) > 0 {
		m.notify(changed)
	}
	return nil
}

// apply stores changes and returns those that differ from the old state.
func (m *model) apply(changes map[string]any) (map[string]any, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	changed := map[string]any{}
	for k, v := range changes {
		if old, ok := m.state[k]; ok && reflect.DeepEqual(old, v) {
			continue
		}
		m.state[k] = v
		changed[k] = v
	}
	return changed, nil
}

func (m *model) observe(key string, fn func(v any)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.observers = append(m.observers, observer{key, fn})
}

// notify runs the observers of the changed keys, in registration order,
// each under recover: a failing callback is reported, never fatal.
func (m *model) notify(changed map[string]any) {
	m.mu.Lock()
	obs := append([]observer(nil), m.observers...)
	m.mu.Unlock()
	for _, o := range obs {
		if v, ok := changed[o.key]; ok {
			m.call("callback", func() { o.fn(v) })
		}
	}
}

// call runs fn, reporting a panic with the widget and the kind of callback.
func (m *model) call(what string, fn func()) {
	defer func() {
		if p := recover(); p != nil {
			reportf("%s %s %s panicked: %v", m.label, m.id, what, p)
		}
	}()
	fn()
}

// HandleMsg implements Handler: update (apply, echo_update, observers),
// request_state (full state) and custom messages from the frontend.
func (m *model) HandleMsg(c Comm, data map[string]any, buffers [][]byte) {
	m.mu.Lock() // waits for openModel to finish
	m.mu.Unlock()
	defer handling()()
	switch method, _ := data["method"].(string); method {
	case "update":
		m.handleUpdate(c, data)
	case "request_state":
		_ = c.Send(map[string]any{"method": "update", "state": m.fullState(), "buffer_paths": []any{}}, nil)
	case "custom":
		content, _ := data["content"].(map[string]any)
		m.mu.Lock()
		custom := m.custom
		m.mu.Unlock()
		if custom != nil {
			m.call("custom message handler", func() { custom(content) })
		}
	default:
		reportf("%s %s: unknown comm method %q ignored", m.label, m.id, method)
	}
}

func (m *model) handleUpdate(c Comm, data map[string]any) {
	sent, _ := data["state"].(map[string]any)
	accepted, values := map[string]any{}, map[string]any{}
	m.mu.Lock()
	for k, v := range sent {
		if _, known := m.state[k]; !known || strings.HasPrefix(k, "_model_") || strings.HasPrefix(k, "_view_") {
			// Ignored silently, as ipywidgets ignores keys that are not
			// traits: a frontend extension may set keys of its own.
			continue
		}
		if conv := m.convert[k]; conv != nil {
			cv, err := conv(v)
			if err != nil {
				reportf("%s %s: bad %s from the frontend: %v", m.label, m.id, k, err)
				continue
			}
			values[k] = cv
		} else {
			values[k] = v
		}
		accepted[k] = v
	}
	m.mu.Unlock()
	if len(accepted) == 0 {
		return
	}
	// Protocol 2.1.0: echo what was accepted so other frontends follow.
	m.sendMu.Lock()
	_ = c.Send(map[string]any{"method": "echo_update", "state": accepted, "buffer_paths": []any{}}, nil)
	changed, err := m.apply(values)
	m.sendMu.Unlock()
	if err != nil {
		return
	}
	m.notify(changed)
}

// HandleClose implements Handler: the frontend closed the widget.
func (m *model) HandleClose(c Comm, data map[string]any) {
	m.mu.Lock()
	m.closed = true
	owned := m.owned
	m.mu.Unlock()
	unregister(m.id)
	for _, o := range owned {
		o.close()
	}
}

// close closes the comm from the kernel side, with the models it owns.
func (m *model) close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	m.closed = true
	owned := m.owned
	m.mu.Unlock()
	unregister(m.id)
	err := m.comm.Close(map[string]any{})
	for _, o := range owned {
		_ = o.close()
	}
	if err != nil {
		return fmt.Errorf("widgets: close %s: %w", m.label, err)
	}
	return nil
}

// mimeBundle is the display of the widget's view, with a text fallback in
// the style of ipywidgets' repr and, where the widget shows something, a
// static HTML snapshot of its state (see staticHTML).
func (m *model) mimeBundle() map[string]any {
	b := map[string]any{
		"text/plain": m.repr(),
		widgetViewMIME: map[string]any{
			"version_major": viewVersionMajor, "version_minor": viewVersionMinor, "model_id": m.id,
		},
	}
	if h := m.staticHTML(); h != "" {
		b["text/html"] = h
	}
	return b
}

func (m *model) repr() string {
	st := m.fullState()
	var parts []string
	for _, k := range []string{"value", "description", "min", "max", "step", "options"} {
		if v, ok := st[k]; ok {
			parts = append(parts, fmt.Sprintf("%s=%#v", k, v))
		}
	}
	return m.label + "(" + strings.Join(parts, ", ") + ")"
}

func (m *model) display() error {
	m.mu.Lock()
	closed := m.closed
	m.mu.Unlock()
	if closed {
		return ErrClosed
	}
	return display.Publish(display.Bundle{Data: m.mimeBundle()})
}
