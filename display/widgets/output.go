package widgets

import (
	"fmt"
	"sync"

	"github.com/gophys/gophys/display"
)

// Output is an area whose content the kernel sets (ipywidgets Output). The
// kernel writes the outputs state itself, in nbformat's output layout,
// rather than routing the frontend's messages by msg_id, so a callback on any
// goroutine can fill it.
type Output struct {
	widget
	mu      sync.Mutex // serialises read-modify-write of outputs
	outputs []any
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
	meta := b.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	return map[string]any{"output_type": "display_data", "data": b.Data, "metadata": meta}
}

func (o *Output) setOutputs(outputs []any) error {
	o.outputs = outputs
	return o.m.set(map[string]any{"outputs": append([]any(nil), outputs...)})
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
	return o.setOutputs(append(append([]any(nil), o.outputs...), renderOutput(v)))
}

// Print appends text as standard output, as fmt.Print would show it.
func (o *Output) Print(text string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := map[string]any{"output_type": "stream", "name": "stdout", "text": text}
	return o.setOutputs(append(append([]any(nil), o.outputs...), out))
}

// Clear empties the area.
func (o *Output) Clear() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.setOutputs([]any{})
}
