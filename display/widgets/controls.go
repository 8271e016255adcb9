package widgets

import (
	"errors"
	"fmt"
	"math"
)

// Widget is any widget of this package: it can be shown, placed in a box
// and closed.
type Widget interface {
	// ID returns the widget's model id (its comm_id).
	ID() string
	// MIMEBundle returns the widget's display: the widget view MIME type and
	// a text/plain fallback. A cell whose final value is a widget shows it.
	MIMEBundle() map[string]any
	// Display shows the widget in the running cell's output.
	Display() error
	// Close closes the widget's comm; the frontend removes its views.
	Close() error
	// SetLayout sets CSS properties of the widget's Layout model, named as
	// ipywidgets names them: "width": "600px", "height", "margin",
	// "border", "display", "flex_flow" and the others of LayoutModel.
	SetLayout(properties map[string]string) error
	base() *model
}

// widget holds the model and implements the methods every Widget shares.
type widget struct{ m *model }

// ID returns the widget's model id (its comm_id).
func (w widget) ID() string { return w.m.id }

// MIMEBundle returns the widget's display: the widget view MIME type and a
// text/plain fallback.
func (w widget) MIMEBundle() map[string]any { return w.m.mimeBundle() }

// Display shows the widget in the running cell's output.
func (w widget) Display() error { return w.m.display() }

// Close closes the widget's comm, with its layout and style models.
func (w widget) Close() error { return w.m.close() }

// SetLayout sets CSS properties of the widget's Layout model, such as
// "width": "600px"; an empty value restores the default.
func (w widget) SetLayout(properties map[string]string) error {
	layout := w.m.layout()
	if layout == nil {
		return fmt.Errorf("widgets: %s has no layout", w.m.label)
	}
	changes := make(map[string]any, len(properties))
	for k, v := range properties {
		if k == "" || k[0] == '_' {
			return fmt.Errorf("widgets: %q is not a layout property", k)
		}
		if v == "" {
			changes[k] = nil // null is LayoutModel's default for every property
		} else {
			changes[k] = v
		}
	}
	return layout.set(changes)
}

func (w widget) base() *model { return w.m }

// descriptionState is what every DescriptionWidget of ipywidgets 8 carries.
func descriptionState(description string) map[string]any {
	return map[string]any{"description": description, "description_allow_html": false}
}

func descriptionStyle() map[string]any { return map[string]any{"description_width": ""} }

// Converters of values from the frontend's JSON.

func toInt(v any) (any, error) {
	f, ok := v.(float64)
	if !ok {
		if i, isInt := v.(int); isInt {
			return i, nil
		}
		return nil, fmt.Errorf("want an integer, got %T", v)
	}
	if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return nil, fmt.Errorf("want an integer, got %v", f)
	}
	return int(f), nil
}

func toFloat(v any) (any, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case int:
		return float64(x), nil
	}
	return nil, fmt.Errorf("want a number, got %T", v)
}

func toBool(v any) (any, error) {
	if b, ok := v.(bool); ok {
		return b, nil
	}
	return nil, fmt.Errorf("want a boolean, got %T", v)
}

func toString(v any) (any, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	return nil, fmt.Errorf("want a string, got %T", v)
}

func sliderState(description string, readoutFormat string) map[string]any {
	st := descriptionState(description)
	st["continuous_update"] = true
	st["orientation"] = "horizontal"
	st["readout"] = true
	st["readout_format"] = readoutFormat
	st["behavior"] = "drag-tap"
	st["disabled"] = false
	return st
}

func sliderStyle() map[string]any {
	st := descriptionStyle()
	st["handle_color"] = nil
	return st
}

var sliderStyleSpec = styleSpec("SliderStyleModel")

// IntSlider is a slider over integers (ipywidgets IntSlider).
type IntSlider struct{ widget }

// NewIntSlider opens a slider from min to max in steps of step, starting at
// value (clamped into range). Like every constructor here it shows nothing
// yet: call Display, or make the widget a cell's final value.
func NewIntSlider(description string, min, max, step, value int) (*IntSlider, error) {
	if min > max || step <= 0 {
		return nil, fmt.Errorf("widgets: IntSlider %q needs min <= max and step > 0, got min %d, max %d, step %d", description, min, max, step)
	}
	st := sliderState(description, "d")
	st["value"], st["min"], st["max"], st["step"] = clampInt(value, min, max), min, max, step
	m, err := openDOMWidget(controlsSpec("IntSlider"), "IntSlider", st, &sliderStyleSpec, sliderStyle(), map[string]converter{"value": toInt})
	if err != nil {
		return nil, err
	}
	return &IntSlider{widget{m}}, nil
}

func clampInt(v, lo, hi int) int { return min(max(v, lo), hi) }

// Value returns the slider's current value.
func (s *IntSlider) Value() int { v, _ := s.m.get("value").(int); return v }

// SetValue moves the slider (clamped into its range) and runs its OnChange
// callbacks if the value changed.
func (s *IntSlider) SetValue(v int) error {
	lo, _ := s.m.get("min").(int)
	hi, _ := s.m.get("max").(int)
	return s.m.set(map[string]any{"value": clampInt(v, lo, hi)})
}

// OnChange registers f to run with the new value whenever it changes, from
// the frontend or from SetValue. It runs beside any running cell; keep it
// short.
func (s *IntSlider) OnChange(f func(v int)) { s.m.observe("value", func(v any) { f(v.(int)) }) }

// FloatSlider is a slider over float64 values (ipywidgets FloatSlider).
type FloatSlider struct{ widget }

// NewFloatSlider opens a slider from min to max in steps of step starting at
// value (clamped into range). Its readout shows two decimals.
func NewFloatSlider(description string, min, max, step, value float64) (*FloatSlider, error) {
	if !(min <= max) || !(step > 0) || math.IsInf(max-min, 0) {
		return nil, fmt.Errorf("widgets: FloatSlider %q needs finite min <= max and step > 0, got min %v, max %v, step %v", description, min, max, step)
	}
	st := sliderState(description, ".2f")
	st["value"], st["min"], st["max"], st["step"] = math.Min(math.Max(value, min), max), min, max, step
	m, err := openDOMWidget(controlsSpec("FloatSlider"), "FloatSlider", st, &sliderStyleSpec, sliderStyle(), map[string]converter{"value": toFloat})
	if err != nil {
		return nil, err
	}
	return &FloatSlider{widget{m}}, nil
}

// Value returns the slider's current value.
func (s *FloatSlider) Value() float64 { v, _ := s.m.get("value").(float64); return v }

// SetValue moves the slider (clamped into its range) and runs its OnChange
// callbacks if the value changed.
func (s *FloatSlider) SetValue(v float64) error {
	if math.IsNaN(v) {
		return errors.New("widgets: FloatSlider value is NaN")
	}
	lo, _ := s.m.get("min").(float64)
	hi, _ := s.m.get("max").(float64)
	return s.m.set(map[string]any{"value": math.Min(math.Max(v, lo), hi)})
}

// OnChange registers f to run with the new value whenever it changes. It
// runs beside any running cell; keep it short.
func (s *FloatSlider) OnChange(f func(v float64)) {
	s.m.observe("value", func(v any) { f(v.(float64)) })
}

// Dropdown picks one of a list of strings (ipywidgets Dropdown). The
// frontend sends the chosen index; the kernel keeps the labels.
type Dropdown struct {
	widget
	options []string
}

// NewDropdown opens a dropdown over options with value selected; an empty
// value selects the first option.
func NewDropdown(description string, options []string, value string) (*Dropdown, error) {
	if len(options) == 0 {
		return nil, fmt.Errorf("widgets: Dropdown %q needs at least one option", description)
	}
	index := 0
	if value != "" {
		index = indexOf(options, value)
		if index < 0 {
			return nil, fmt.Errorf("widgets: Dropdown %q: value %q is not among the options", description, value)
		}
	}
	opts := append([]string(nil), options...)
	labels := make([]any, len(opts))
	for i, o := range opts {
		labels[i] = o
	}
	st := descriptionState(description)
	st["_options_labels"], st["index"], st["disabled"] = labels, index, false
	toIndex := func(v any) (any, error) {
		i, err := toInt(v)
		if err != nil {
			return nil, err
		}
		if n := i.(int); n < 0 || n >= len(opts) {
			return nil, fmt.Errorf("index %d out of range [0, %d)", n, len(opts))
		}
		return i, nil
	}
	style := styleSpec("DescriptionStyleModel")
	m, err := openDOMWidget(controlsSpec("Dropdown"), "Dropdown", st, &style, descriptionStyle(), map[string]converter{"index": toIndex})
	if err != nil {
		return nil, err
	}
	return &Dropdown{widget{m}, opts}, nil
}

func indexOf(options []string, v string) int {
	for i, o := range options {
		if o == v {
			return i
		}
	}
	return -1
}

// Index returns the position of the selected option.
func (d *Dropdown) Index() int { i, _ := d.m.get("index").(int); return i }

// Value returns the selected option.
func (d *Dropdown) Value() string { return d.options[d.Index()] }

// SetValue selects an option by its label.
func (d *Dropdown) SetValue(v string) error {
	i := indexOf(d.options, v)
	if i < 0 {
		return fmt.Errorf("widgets: Dropdown: %q is not among the options", v)
	}
	return d.m.set(map[string]any{"index": i})
}

// OnChange registers f to run with the newly selected option. It runs beside
// any running cell; keep it short.
func (d *Dropdown) OnChange(f func(v string)) {
	d.m.observe("index", func(v any) { f(d.options[v.(int)]) })
}

// Button is a push button (ipywidgets Button); clicks arrive as custom
// messages {event: "click"}.
type Button struct{ widget }

// NewButton opens a button labelled description.
func NewButton(description string) (*Button, error) {
	st := map[string]any{"description": description, "button_style": "", "icon": "", "disabled": false}
	style := styleSpec("ButtonStyleModel")
	styleState := map[string]any{}
	for _, k := range []string{"button_color", "font_family", "font_size", "font_style", "font_variant", "font_weight", "text_color", "text_decoration"} {
		styleState[k] = nil
	}
	m, err := openDOMWidget(controlsSpec("Button"), "Button", st, &style, styleState, nil)
	if err != nil {
		return nil, err
	}
	return &Button{widget{m}}, nil
}

// OnClick registers f to run on each click. Later registrations run after
// earlier ones. It runs beside any running cell; keep it short.
func (b *Button) OnClick(f func()) {
	b.m.mu.Lock()
	defer b.m.mu.Unlock()
	prev := b.m.custom
	b.m.custom = func(content map[string]any) {
		if prev != nil {
			prev(content)
		}
		if content["event"] == "click" {
			f()
		}
	}
}

// Checkbox is a boolean toggle (ipywidgets Checkbox).
type Checkbox struct{ widget }

// NewCheckbox opens a checkbox with the given initial value.
func NewCheckbox(description string, value bool) (*Checkbox, error) {
	st := descriptionState(description)
	st["value"], st["disabled"], st["indent"] = value, false, true
	style := styleSpec("CheckboxStyleModel")
	styleState := descriptionStyle()
	styleState["background"] = nil
	m, err := openDOMWidget(controlsSpec("Checkbox"), "Checkbox", st, &style, styleState, map[string]converter{"value": toBool})
	if err != nil {
		return nil, err
	}
	return &Checkbox{widget{m}}, nil
}

// Value reports whether the box is checked.
func (c *Checkbox) Value() bool { v, _ := c.m.get("value").(bool); return v }

// SetValue checks or clears the box.
func (c *Checkbox) SetValue(v bool) error { return c.m.set(map[string]any{"value": v}) }

// OnChange registers f to run with the new value. It runs beside any running
// cell; keep it short.
func (c *Checkbox) OnChange(f func(v bool)) { c.m.observe("value", func(v any) { f(v.(bool)) }) }

// Text is a one-line text field (ipywidgets Text).
type Text struct{ widget }

// NewText opens a text field holding value.
func NewText(description, value string) (*Text, error) {
	st := descriptionState(description)
	st["value"], st["placeholder"], st["disabled"], st["continuous_update"] = value, placeholderDefault, false, true
	style := styleSpec("TextStyleModel")
	styleState := descriptionStyle()
	styleState["background"], styleState["font_size"], styleState["text_color"] = nil, nil, nil
	m, err := openDOMWidget(controlsSpec("Text"), "Text", st, &style, styleState, map[string]converter{"value": toString})
	if err != nil {
		return nil, err
	}
	return &Text{widget{m}}, nil
}

// Value returns the text.
func (t *Text) Value() string { v, _ := t.m.get("value").(string); return v }

// SetValue replaces the text.
func (t *Text) SetValue(v string) error { return t.m.set(map[string]any{"value": v}) }

// OnChange registers f to run with the new text (on every keystroke, as
// continuous_update is on). It runs beside any running cell; keep it short.
func (t *Text) OnChange(f func(v string)) { t.m.observe("value", func(v any) { f(v.(string)) }) }

// Label shows plain text (ipywidgets Label).
type Label struct{ widget }

// NewLabel opens a label showing value.
func NewLabel(value string) (*Label, error) {
	st := descriptionState("")
	st["value"], st["placeholder"] = value, placeholderDefault
	style := styleSpec("LabelStyleModel")
	styleState := descriptionStyle()
	for _, k := range []string{"background", "font_family", "font_size", "font_style", "font_variant", "font_weight", "text_color", "text_decoration"} {
		styleState[k] = nil
	}
	m, err := openDOMWidget(controlsSpec("Label"), "Label", st, &style, styleState, nil)
	if err != nil {
		return nil, err
	}
	return &Label{widget{m}}, nil
}

// SetValue replaces the label's text.
func (l *Label) SetValue(v string) error { return l.m.set(map[string]any{"value": v}) }

// HTML shows an HTML fragment (ipywidgets HTML). The fragment is trusted:
// escape text that did not come from the notebook's author.
type HTML struct{ widget }

// NewHTML opens an HTML widget showing value.
func NewHTML(value string) (*HTML, error) {
	st := descriptionState("")
	st["value"], st["placeholder"] = value, placeholderDefault
	style := styleSpec("HTMLStyleModel")
	styleState := descriptionStyle()
	styleState["background"], styleState["font_size"], styleState["text_color"] = nil, nil, nil
	m, err := openDOMWidget(controlsSpec("HTML"), "HTML", st, &style, styleState, nil)
	if err != nil {
		return nil, err
	}
	return &HTML{widget{m}}, nil
}

// SetValue replaces the HTML fragment.
func (h *HTML) SetValue(v string) error { return h.m.set(map[string]any{"value": v}) }

// Box lays out child widgets in a row (HBox) or a column (VBox).
type Box struct{ widget }

func newBox(name string, children []Widget) (*Box, error) {
	refs := make([]any, len(children))
	for i, c := range children {
		if c == nil || c.base() == nil {
			return nil, fmt.Errorf("widgets: %s child %d is nil", name, i)
		}
		refs[i] = modelRefPrefix + c.ID()
	}
	st := map[string]any{"children": refs, "box_style": ""}
	m, err := openDOMWidget(controlsSpec(name), name, st, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	return &Box{widget{m}}, nil
}

// NewHBox lays children out in a row.
func NewHBox(children ...Widget) (*Box, error) { return newBox("HBox", children) }

// NewVBox lays children out in a column.
func NewVBox(children ...Widget) (*Box, error) { return newBox("VBox", children) }

// placeholderDefault is ipywidgets' default placeholder: a zero-width space,
// which keeps an empty field's height.
const placeholderDefault = "\u200b"
