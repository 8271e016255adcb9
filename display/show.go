package display

import (
	"encoding/json"
	"fmt"
	"html"
	"image"
	"strings"

	"gonum.org/v1/plot"
)

// Show displays v: the bundle [Render] makes of it, or v formatted with %v
// when Render has nothing richer. A value that fails to render is shown as
// an error message in its place, and Show returns that error too; Show also
// returns an error when the publisher fails.
func Show(v any) error {
	b, ok, err := render(v)
	if !ok {
		b = Bundle{Data: map[string]any{MIMEText: fmt.Sprint(v)}}
	}
	if perr := send(withText(b), false); perr != nil {
		return perr
	}
	return err
}

// showBundle publishes b, or the error bundle for err when building b failed;
// it returns the first failure.
func showBundle(b Bundle, err error) error {
	if err != nil {
		if perr := send(errorBundle(err), false); perr != nil {
			return perr
		}
		return err
	}
	return send(withText(b), false)
}

// HTML displays s as HTML. Its text/plain fallback (what a console prints)
// is s with the tags removed.
func HTML(s string) error {
	return showBundle(Bundle{Data: map[string]any{MIMEHTML: s, MIMEText: stripTags(s)}}, nil)
}

// Markdown displays s as Markdown; the text fallback is s itself.
func Markdown(s string) error {
	return showBundle(Bundle{Data: map[string]any{MIMEMarkdown: s, MIMEText: s}}, nil)
}

// LaTeX displays s as typeset math. s without delimiters is wrapped in
// $$…$$ (display math); s that starts with $, \[ , \( or \begin is sent as
// written. The text fallback is s itself.
func LaTeX(s string) error {
	return showBundle(Bundle{Data: map[string]any{MIMELaTeX: delimitMath(s), MIMEText: s}}, nil)
}

// JSON displays v as application/json, which JupyterLab shows as a
// collapsible tree; the text fallback is v as indented JSON. It returns an
// error when v cannot be encoded as JSON.
func JSON(v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return showBundle(Bundle{}, fmt.Errorf("display: encode %T as JSON: %w", v, err))
	}
	indented, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return showBundle(Bundle{}, fmt.Errorf("display: encode %T as JSON: %w", v, err))
	}
	return showBundle(Bundle{Data: map[string]any{
		MIMEJSON: json.RawMessage(raw),
		MIMEText: string(indented),
	}}, nil)
}

// Text displays s as plain text (display_data, unlike printing, which goes
// to the cell's stdout stream and cannot be updated in place).
func Text(s string) error {
	return showBundle(Bundle{Data: map[string]any{MIMEText: s}}, nil)
}

// PNG displays encoded PNG bytes at their natural size. It returns an error
// when data is not a PNG.
func PNG(data []byte) error { return showBundle(pngBundle(data)) }

// SVG displays an SVG document. It returns an error when s has no <svg>
// element.
func SVG(s string) error {
	if !strings.Contains(s, "<svg") {
		return showBundle(Bundle{}, fmt.Errorf("display: SVG document has no <svg> element"))
	}
	return showBundle(Bundle{Data: map[string]any{MIMESVG: s, MIMEText: "SVG image"}}, nil)
}

// Image displays img as a PNG at its natural size.
func Image(img image.Image) error {
	if img == nil {
		return showBundle(Bundle{}, fmt.Errorf("display: nil image"))
	}
	return Show(img)
}

// Plot displays p as a PNG of DefaultPlotWidth×DefaultPlotHeight at twice
// the screen resolution. Use [Figure] for another size.
func Plot(p *plot.Plot) error { return Show(Figure{Plot: p}) }

// PlotSVG displays p as SVG of DefaultPlotWidth×DefaultPlotHeight.
func PlotSVG(p *plot.Plot) error { return Show(Figure{Plot: p, SVG: true}) }

// delimitMath wraps LaTeX without math delimiters in $$…$$, which Jupyter's
// MathJax needs to typeset it.
func delimitMath(s string) string {
	t := strings.TrimSpace(s)
	for _, open := range []string{"$", `\[`, `\(`, `\begin`} {
		if strings.HasPrefix(t, open) {
			return s
		}
	}
	return "$$" + t + "$$"
}

// stripTags turns HTML into readable text for the console: tags are removed
// (block-level ones become line breaks) and entities decoded. It is a
// fallback for people, not a sanitizer.
func stripTags(s string) string {
	var out strings.Builder
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			out.WriteString(s)
			break
		}
		out.WriteString(s[:lt])
		gt := strings.IndexByte(s[lt:], '>')
		if gt < 0 {
			out.WriteString(s[lt:])
			break
		}
		tag := strings.ToLower(strings.TrimLeft(s[lt+1:lt+gt], "/"))
		if name, _, _ := strings.Cut(tag, " "); blockTags[strings.TrimRight(name, "/")] {
			if str := out.String(); str != "" && !strings.HasSuffix(str, "\n") {
				out.WriteByte('\n')
			}
		}
		s = s[lt+gt+1:]
	}
	return strings.TrimSpace(html.UnescapeString(out.String()))
}

// blockTags end a line in stripTags' text.
var blockTags = map[string]bool{
	"br": true, "p": true, "div": true, "tr": true, "li": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "table": true, "ul": true, "ol": true, "pre": true,
}
