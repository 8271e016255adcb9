package widgets

import (
	"encoding/base64"
	"fmt"
	"html"
	"strconv"
	"strings"
)

// staticHTML renders the widget's current state as plain HTML: the
// text/html fallback of its display, which JupyterLab's widget manager
// outranks but which exported reports and viewers without the widget
// manager show. An Interact thus leaves its controls' values and its plot in
// an HTML report. It returns "" for models with nothing to show (layouts,
// styles). Strings from the state are escaped, except where the state holds
// HTML: an HTML widget's value and text/html or SVG outputs, which are
// shown as the cell would show them.
func (m *model) staticHTML() string {
	return staticOf(m, 0)
}

// maxStaticDepth bounds box nesting, so a box that (through Go code
// building references by hand) contains itself cannot recurse forever.
const maxStaticDepth = 16

func staticOf(m *model, depth int) string {
	if depth > maxStaticDepth {
		return ""
	}
	st := m.fullState()
	desc, _ := st["description"].(string)
	labelled := func(value string) string {
		if desc == "" {
			return `<div class="gophys-widget">` + html.EscapeString(value) + `</div>`
		}
		return `<div class="gophys-widget">` + html.EscapeString(desc) + ": " + html.EscapeString(value) + `</div>`
	}
	switch m.spec.modelName {
	case "FloatSliderModel":
		return labelled(readout(st["value"], st["readout_format"]))
	case "IntSliderModel", "CheckboxModel", "TextModel":
		return labelled(fmt.Sprint(st["value"]))
	case "DropdownModel":
		labels, _ := st["_options_labels"].([]any)
		i, _ := st["index"].(int)
		if i < 0 || i >= len(labels) {
			return labelled("")
		}
		return labelled(fmt.Sprint(labels[i]))
	case "LabelModel":
		return labelled(fmt.Sprint(st["value"]))
	case "HTMLModel":
		v, _ := st["value"].(string)
		return `<div class="gophys-widget">` + v + `</div>`
	case "ButtonModel":
		return `<button class="gophys-widget" disabled>` + html.EscapeString(desc) + `</button>`
	case "OutputModel":
		outs, _ := st["outputs"].([]any)
		var b strings.Builder
		for _, o := range outs {
			if out, ok := o.(map[string]any); ok {
				b.WriteString(outputHTML(out))
			}
		}
		return `<div class="gophys-widget-output">` + b.String() + `</div>`
	case "HBoxModel", "VBoxModel":
		direction := "column"
		if m.spec.modelName == "HBoxModel" {
			direction = "row"
		}
		children, _ := st["children"].([]any)
		var b strings.Builder
		for _, c := range children {
			ref, _ := c.(string)
			registry.mu.Lock()
			child := registry.models[strings.TrimPrefix(ref, modelRefPrefix)]
			registry.mu.Unlock()
			if child != nil {
				b.WriteString(staticOf(child, depth+1))
			}
		}
		return `<div class="gophys-widget-box" style="display: flex; flex-direction: ` + direction + `; gap: 4px">` +
			b.String() + `</div>`
	}
	return ""
}

// outputHTML renders one nbformat output as the richest HTML it holds.
func outputHTML(out map[string]any) string {
	switch out["output_type"] {
	case "stream":
		return "<pre>" + html.EscapeString(fmt.Sprint(out["text"])) + "</pre>"
	case "error":
		return `<pre style="color: #b00">` + html.EscapeString(fmt.Sprintf("%v: %v", out["ename"], out["evalue"])) + "</pre>"
	}
	data, _ := out["data"].(map[string]any)
	meta, _ := out["metadata"].(map[string]any)
	if png, ok := data["image/png"]; ok {
		var src string
		switch p := png.(type) {
		case []byte:
			src = base64.StdEncoding.EncodeToString(p)
		case string:
			src = strings.ReplaceAll(p, "\n", "")
		}
		if src != "" {
			size := ""
			if im, ok := meta["image/png"].(map[string]any); ok {
				for _, k := range []string{"width", "height"} {
					if v, ok := im[k]; ok {
						size += fmt.Sprintf(` %s="%v"`, k, v)
					}
				}
			}
			return `<img src="data:image/png;base64,` + html.EscapeString(src) + `"` + size + ` alt="plot">`
		}
	}
	for _, mime := range []string{"text/html", "image/svg+xml"} {
		if s, ok := data[mime].(string); ok {
			return "<div>" + s + "</div>"
		}
	}
	for _, mime := range []string{"text/markdown", "text/latex", "text/plain"} {
		if s, ok := data[mime].(string); ok {
			return "<pre>" + html.EscapeString(s) + "</pre>"
		}
	}
	return ""
}

// readout formats a FloatSlider's value as its readout does for the
// formats the package sets (".Nf"); other formats get %g.
func readout(v, format any) string {
	f, _ := v.(float64)
	spec, _ := format.(string)
	if n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(spec, "."), "f")); err == nil &&
		strings.HasPrefix(spec, ".") && strings.HasSuffix(spec, "f") && n >= 0 && n <= 17 {
		return strconv.FormatFloat(f, 'f', n, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
