package display

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/png"
	"reflect"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
)

// MIMEBundleRenderer is implemented by values that build their own bundle:
// MIMEBundle returns MIME type → content (strings, []byte for binary types,
// or JSON values). It takes precedence over the other renderer interfaces.
type MIMEBundleRenderer interface {
	MIMEBundle() map[string]any
}

// HTMLRenderer is implemented by values that render themselves as HTML.
type HTMLRenderer interface {
	HTML() string
}

// MarkdownRenderer is implemented by values that render themselves as
// Markdown.
type MarkdownRenderer interface {
	Markdown() string
}

// LaTeXRenderer is implemented by values that render themselves as LaTeX
// math; see [LaTeX] for the delimiters.
type LaTeXRenderer interface {
	LaTeX() string
}

// SVGRenderer is implemented by values that render themselves as an SVG
// document.
type SVGRenderer interface {
	SVG() string
}

// PNGRenderer is implemented by values that render themselves as PNG bytes.
type PNGRenderer interface {
	PNG() []byte
}

// Render turns v into a bundle. ok is false when display has nothing richer
// than fmt's %v for v; the caller then shows v as text. The kernel calls
// Render for a cell's final value.
//
// The dispatch, first match wins:
//   - a [Bundle] or *Bundle: itself;
//   - the renderer interfaces ([MIMEBundleRenderer] first, then the entries of
//     [HTMLRenderer], [MarkdownRenderer], [LaTeXRenderer], [SVGRenderer] and
//     [PNGRenderer] that v implements, merged into one bundle);
//   - [Figure] and *plot.Plot: a PNG at twice the logical resolution, or SVG;
//   - image.Image: PNG;
//   - mat.Matrix: an HTML table;
//   - error: red text;
//   - a slice or array of structs (or of pointers to structs): an HTML table
//     with one column per exported field.
//
// Every bundle Render returns carries text/plain. Callers must send both
// b.Data and b.Metadata: a plot's PNG has twice the pixels of its logical
// size, and only the image/png metadata (width, height) makes the frontend
// show it at that size rather than twice as large.
//
// Render never panics: a
// value that fails to render (a plot whose Draw panics, invalid PNG bytes
// from a PNGRenderer) yields an error bundle and ok true, so the failure is
// shown where the value would have been.
func Render(v any) (b Bundle, ok bool) {
	b, ok, _ = render(v)
	return b, ok
}

// render is Render that also returns the rendering failure, so the Show
// family can both display and return it.
func render(v any) (b Bundle, ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("display: render %T: panic: %v", v, r)
			b, ok = errorBundle(err), true
		}
	}()
	b, ok, err = dispatch(v)
	if err != nil {
		return errorBundle(err), true, err
	}
	if !ok {
		return Bundle{}, false, nil
	}
	return withText(b), true, nil
}

func dispatch(v any) (Bundle, bool, error) {
	switch x := v.(type) {
	case nil:
		return Bundle{}, false, nil
	case Bundle:
		return x, true, nil
	case *Bundle:
		if x == nil {
			return Bundle{}, false, nil
		}
		return *x, true, nil
	}
	if b, ok, err := renderSelf(v); ok || err != nil {
		return b, ok, err
	}
	switch x := v.(type) {
	case Figure:
		b, err := x.bundle()
		return b, true, err
	case *Figure:
		if x == nil {
			return Bundle{}, true, fmt.Errorf("display: nil *Figure")
		}
		b, err := x.bundle()
		return b, true, err
	case *plot.Plot:
		b, err := Figure{Plot: x}.bundle()
		return b, true, err
	case image.Image:
		if isNilPointer(x) {
			return Bundle{}, true, fmt.Errorf("display: nil %T image", x)
		}
		b, err := imageBundle(x)
		return b, true, err
	case mat.Matrix:
		if isNilPointer(x) {
			return Bundle{}, true, fmt.Errorf("display: nil %T matrix", x)
		}
		b, err := matrixBundle(x)
		return b, true, err
	case error:
		return errorBundle(x), true, nil
	}
	if b, ok := structTableBundle(v); ok {
		return b, true, nil
	}
	return Bundle{}, false, nil
}

// isNilPointer reports whether v is a nil pointer, whose methods would
// panic on the first field access.
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// renderSelf collects what v says about itself through the renderer
// interfaces. ok is false when v implements none of them (or they all
// returned nothing).
func renderSelf(v any) (Bundle, bool, error) {
	if r, ok := v.(MIMEBundleRenderer); ok {
		if data := r.MIMEBundle(); len(data) > 0 {
			b := Bundle{Data: data}
			if _, has := data[MIMEText]; !has {
				b = withPlainText(b, v)
			}
			return b, true, nil
		}
	}
	data := map[string]any{}
	if r, ok := v.(HTMLRenderer); ok {
		if s := r.HTML(); s != "" {
			data[MIMEHTML] = s
		}
	}
	if r, ok := v.(MarkdownRenderer); ok {
		if s := r.Markdown(); s != "" {
			data[MIMEMarkdown] = s
		}
	}
	if r, ok := v.(LaTeXRenderer); ok {
		if s := r.LaTeX(); s != "" {
			data[MIMELaTeX] = delimitMath(s)
		}
	}
	if r, ok := v.(SVGRenderer); ok {
		if s := r.SVG(); s != "" {
			data[MIMESVG] = s
		}
	}
	if r, ok := v.(PNGRenderer); ok {
		if p := r.PNG(); len(p) > 0 {
			if _, err := png.DecodeConfig(bytes.NewReader(p)); err != nil {
				return Bundle{}, true, fmt.Errorf("display: %T.PNG returned invalid PNG data: %w", v, err)
			}
			data[MIMEPNG] = p
		}
	}
	if len(data) == 0 {
		return Bundle{}, false, nil
	}
	return withPlainText(Bundle{Data: data}, v), true, nil
}

// withPlainText sets b's text/plain to v formatted with %v, which uses v's
// String or Error method when it has one.
func withPlainText(b Bundle, v any) Bundle {
	b.Data[MIMEText] = fmt.Sprint(unwrapInterpreted(v))
	return b
}

// unwrapInterpreted returns the interpreted value inside a yaegi interface
// wrapper, or v itself. When a notebook converts a value of a cell-defined
// type to one of the renderer interfaces, yaegi passes a generated wrapper
// struct (named "_<pkg>_<Interface>", holding the value in IValue and one
// func field per method); %v of the wrapper would print function pointers.
func unwrapInterpreted(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Struct || !strings.HasPrefix(rv.Type().Name(), "_") {
		return v
	}
	if f := rv.FieldByName("IValue"); f.IsValid() && f.Kind() == reflect.Interface && f.CanInterface() && !f.IsNil() {
		return f.Interface()
	}
	return v
}

// errorStyle colours error text with JupyterLab's own error colour, falling
// back to a red that reads on light and dark backgrounds elsewhere.
const errorStyle = `color:var(--jp-error-color1,#d32f2f);white-space:pre-wrap;` +
	`font-family:var(--jp-code-font-family,monospace)`

// errorBundle shows err as red text.
func errorBundle(err error) Bundle {
	msg := safeErrorString(err)
	return Bundle{
		Data: map[string]any{
			MIMEText: "error: " + msg,
			MIMEHTML: `<div class="gophys-error" style="` + errorStyle + `">error: ` + html.EscapeString(msg) + `</div>`,
		},
		Metadata: map[string]any{},
	}
}

// safeErrorString calls err.Error, which user code may have written to panic
// (a method on a nil pointer), and never panics itself.
func safeErrorString(err error) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("%T (Error method panicked: %v)", err, r)
		}
	}()
	return err.Error()
}
