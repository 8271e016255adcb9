package widgets

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"sync"
)

// Control is a widget whose value feeds one parameter of an [Interact]
// function: *IntSlider, *FloatSlider, *Dropdown, *Checkbox and *Text, or a
// spec from [IntRange], [FloatRange], [Choice], [Toggle] or [TextInput] that
// Interact builds.
type Control interface {
	control() (valueWidget, error)
}

// valueWidget is a widget with one value Interact passes on.
type valueWidget interface {
	Widget
	value() any
	onValue(f func())
}

func (s *IntSlider) control() (valueWidget, error)   { return s, nil }
func (s *FloatSlider) control() (valueWidget, error) { return s, nil }
func (d *Dropdown) control() (valueWidget, error)    { return d, nil }
func (c *Checkbox) control() (valueWidget, error)    { return c, nil }
func (t *Text) control() (valueWidget, error)        { return t, nil }

func (s *IntSlider) value() any   { return s.Value() }
func (s *FloatSlider) value() any { return s.Value() }
func (d *Dropdown) value() any    { return d.Value() }
func (c *Checkbox) value() any    { return c.Value() }
func (t *Text) value() any        { return t.Value() }

func (s *IntSlider) onValue(f func())   { s.m.observe("value", func(any) { f() }) }
func (s *FloatSlider) onValue(f func()) { s.m.observe("value", func(any) { f() }) }
func (d *Dropdown) onValue(f func())    { d.m.observe("index", func(any) { f() }) }
func (c *Checkbox) onValue(f func())    { c.m.observe("value", func(any) { f() }) }
func (t *Text) onValue(f func())        { t.m.observe("value", func(any) { f() }) }

// controlSpec builds a control when Interact needs it.
type controlSpec func() (valueWidget, error)

func (c controlSpec) control() (valueWidget, error) { return c() }

// IntRange is an IntSlider control from min to max in steps of step,
// starting in the middle (on a step), as ipywidgets' interact does.
func IntRange(name string, min, max, step int) Control {
	return controlSpec(func() (valueWidget, error) {
		mid := min
		if step > 0 {
			mid = min + (max-min)/2/step*step
		}
		return NewIntSlider(name, min, max, step, mid)
	})
}

// FloatRange is a FloatSlider control from min to max in steps of step,
// starting in the middle (on a step).
func FloatRange(name string, min, max, step float64) Control {
	return controlSpec(func() (valueWidget, error) {
		mid := min
		if step > 0 {
			mid = min + math.Round((max-min)/2/step)*step
		}
		return NewFloatSlider(name, min, max, step, mid)
	})
}

// Choice is a Dropdown control over options, starting at the first.
func Choice(name string, options ...string) Control {
	return controlSpec(func() (valueWidget, error) { return NewDropdown(name, options, "") })
}

// Toggle is a Checkbox control, starting unchecked.
func Toggle(name string) Control {
	return controlSpec(func() (valueWidget, error) { return NewCheckbox(name, false) })
}

// TextInput is a Text control, starting empty.
func TextInput(name string) Control {
	return controlSpec(func() (valueWidget, error) { return NewText(name, "") })
}

// Interactive is what [Interact] shows: the controls above an output area.
type Interactive struct {
	// Box holds the controls and then Output, in a column.
	Box *Box
	// Controls are the widgets, one per parameter of the function.
	Controls []Widget
	// Output shows the function's latest result.
	Output *Output

	f      reflect.Value
	inputs []valueWidget

	renderMu  sync.Mutex // one call of f at a time
	mu        sync.Mutex // guards rendering and pending
	rendering bool       // a render goroutine is running
	pending   bool       // a control changed since that goroutine's last render began
	renders   sync.WaitGroup
}

var errorType = reflect.TypeFor[error]()

// Interact shows controls, one per parameter of f in order, above an output
// area holding f's result, and calls f again whenever a control changes:
//
//	widgets.Interact(func(b float64) *plot.Plot { ... }, widgets.FloatRange("b", 0.4, 1.2, 0.01))
//
// f returns one value, shown as display.Render shows it (a plot as a PNG),
// optionally followed by an error, shown as red text when non-nil; or
// nothing, when it only has effects. Parameter types must take the control's
// value: an integer type for IntRange, a float type for FloatRange, string
// for Choice and TextInput, bool for Toggle. f runs first before Interact
// returns, then on a goroutine of Interact's beside any running cell, with
// the latest values: changes that arrive while f runs are merged into one
// more call. A panic in f is shown in the output area. Controls are given explicitly because reflection cannot see a
// function's parameter names.
func Interact(f any, controls ...Control) (*Interactive, error) {
	fv := reflect.ValueOf(f)
	if fv.Kind() != reflect.Func || fv.IsNil() {
		return nil, fmt.Errorf("widgets: Interact needs a function, got %T", f)
	}
	ft := fv.Type()
	if ft.IsVariadic() {
		return nil, errors.New("widgets: Interact cannot call a variadic function")
	}
	if ft.NumIn() != len(controls) {
		return nil, fmt.Errorf("widgets: Interact: the function takes %d parameters but %d controls were given", ft.NumIn(), len(controls))
	}
	switch {
	case ft.NumOut() <= 1:
	case ft.NumOut() == 2 && ft.Out(1) == errorType:
	default:
		return nil, fmt.Errorf("widgets: Interact: the function must return nothing, a value, or a value and an error; it returns %d values", ft.NumOut())
	}
	in := &Interactive{f: fv}
	cleanup := func() {
		for _, w := range in.Controls {
			_ = w.Close()
		}
	}
	for i, c := range controls {
		if c == nil {
			cleanup()
			return nil, fmt.Errorf("widgets: Interact: control %d is nil", i)
		}
		w, err := c.control()
		if err != nil {
			cleanup()
			return nil, err
		}
		in.Controls = append(in.Controls, w)
		in.inputs = append(in.inputs, w)
		if err := checkParam(ft.In(i), w.value()); err != nil {
			cleanup()
			return nil, fmt.Errorf("widgets: Interact: parameter %d: %w", i, err)
		}
	}
	out, err := NewOutput()
	if err != nil {
		cleanup()
		return nil, err
	}
	in.Output = out
	box, err := NewVBox(append(append([]Widget(nil), in.Controls...), out)...)
	if err != nil {
		cleanup()
		_ = out.Close()
		return nil, err
	}
	in.Box = box
	for _, w := range in.inputs {
		w.onValue(in.schedule)
	}
	in.render()
	if err := box.Display(); err != nil {
		return in, err
	}
	return in, nil
}

func checkParam(t reflect.Type, v any) error {
	vt := reflect.TypeOf(v)
	ok := vt.ConvertibleTo(t)
	switch vt.Kind() {
	case reflect.Int:
		ok = ok && t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64
	case reflect.Float64:
		ok = ok && (t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64)
	default:
		ok = ok && t.Kind() == vt.Kind()
	}
	if !ok {
		return fmt.Errorf("the control gives %s, the function takes %s", vt, t)
	}
	return nil
}

// schedule re-renders after a control changed. Rendering runs on a
// goroutine of its own, which re-renders while changes keep arriving and
// reads the controls' latest values each time, so a dragged slider never
// queues a backlog of stale renders and the comm goroutine stays free for
// the next message.
func (in *Interactive) schedule() {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.rendering {
		in.pending = true
		return
	}
	in.rendering = true
	in.renders.Add(1)
	go func() {
		defer in.renders.Done()
		for {
			in.render()
			in.mu.Lock()
			if !in.pending {
				in.rendering = false
				in.mu.Unlock()
				return
			}
			in.pending = false
			in.mu.Unlock()
		}
	}()
}

// render calls f with the controls' values and shows the result.
func (in *Interactive) render() {
	in.renderMu.Lock()
	defer in.renderMu.Unlock()
	args := make([]reflect.Value, len(in.inputs))
	for i, w := range in.inputs {
		args[i] = reflect.ValueOf(w.value()).Convert(in.f.Type().In(i))
	}
	result, err := in.call(args)
	switch {
	case err != nil:
		err = in.Output.Show(err)
	case result != nil:
		err = in.Output.Show(result)
	default:
		err = in.Output.Clear()
	}
	if err != nil && !errors.Is(err, ErrClosed) {
		reportf("Interact: %v", err)
	}
}

func (in *Interactive) call(args []reflect.Value) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("widgets: Interact: the function panicked: %v", p)
		}
	}()
	outs := in.f.Call(args)
	if len(outs) == 2 && !outs[1].IsNil() {
		return nil, outs[1].Interface().(error)
	}
	if len(outs) >= 1 {
		return outs[0].Interface(), nil
	}
	return nil, nil
}

// Close closes the controls, the output area and the box.
func (in *Interactive) Close() error {
	var errs []error
	for _, w := range append(append([]Widget(nil), in.Controls...), in.Output, in.Box) {
		if err := w.Close(); err != nil && !errors.Is(err, ErrClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
