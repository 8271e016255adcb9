package widgets

import (
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

// A widget's display carries a static HTML snapshot for reports: an
// Interact box shows its controls' values and its plot as an <img>, and
// strings from the state are escaped.
func TestStaticHTML(t *testing.T) {
	_, pub, _ := setup(t)
	in, err := Interact(func(b float64, name string) *plot.Plot {
		p := plot.New()
		p.Title.Text = name
		return p
	}, FloatRange("<b>β</b>", 0, 1, 0.25), TextInput("<script>x</script>"))
	if err != nil {
		t.Fatal(err)
	}
	var box map[string]any
	for _, b := range pub.bundles {
		if strings.HasPrefix(b.Data["text/plain"].(string), "VBox") {
			box = b.Data
		}
	}
	if box == nil {
		t.Fatalf("Interact displayed no VBox: %+v", pub.bundles)
	}
	h, _ := box["text/html"].(string)
	for _, want := range []string{
		`flex-direction: column`,
		`&lt;b&gt;β&lt;/b&gt;: 0.50<`, // as the readout shows it (".2f")
		`&lt;script&gt;x&lt;/script&gt;: `,
		`<img src="data:image/png;base64,iVBOR`,
	} {
		if !strings.Contains(h, want) {
			t.Errorf("static HTML lacks %q:\n%.400s", want, h)
		}
	}
	if strings.Contains(h, "<script>") || strings.Contains(h, "<b>β") {
		t.Errorf("static HTML does not escape descriptions:\n%.400s", h)
	}
	if _, ok := box[widgetViewMIME]; !ok {
		t.Error("the widget view is missing beside the HTML fallback")
	}

	// Each output kind renders as the richest HTML it holds.
	o, err := NewOutput()
	if err != nil {
		t.Fatal(err)
	}
	_ = o.Print("a < b\n")
	_ = o.Append(errBoom{})
	if got := o.m.staticHTML(); !strings.Contains(got, "<pre>a &lt; b\n</pre>") || !strings.Contains(got, "boom &lt;1&gt;") {
		t.Errorf("Output static HTML %q", got)
	}
	// Layout and style models have nothing to show.
	if got := in.Box.m.layout().staticHTML(); got != "" {
		t.Errorf("layout static HTML %q, want none", got)
	}
}

type errBoom struct{}

func (errBoom) Error() string { return "boom <1>" }
