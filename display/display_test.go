package display

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the current output")

// recorder is a fake Publisher that keeps what it is sent.
type recorder struct {
	mu        sync.Mutex
	published []Bundle
	updated   []Bundle
	clears    []bool
	err       error // returned by every call when set
}

func (r *recorder) Publish(b Bundle) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.published = append(r.published, b)
	return r.err
}

func (r *recorder) Update(b Bundle) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.updated = append(r.updated, b)
	return r.err
}

func (r *recorder) Clear(wait bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clears = append(r.clears, wait)
	return r.err
}

// useRecorder installs a fresh recorder for the duration of the test.
func useRecorder(t *testing.T) *recorder {
	t.Helper()
	r := &recorder{}
	SetPublisher(r)
	t.Cleanup(func() { SetPublisher(nil) })
	return r
}

// samplePlot is a small deterministic line plot.
func samplePlot(t testing.TB, title string) *plot.Plot {
	t.Helper()
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "x"
	p.Y.Label.Text = "x²"
	pts := make(plotter.XYs, 50)
	for i := range pts {
		x := float64(i) / 10
		pts[i] = plotter.XY{X: x, Y: x * x}
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		t.Fatal(err)
	}
	p.Add(line, plotter.NewGrid())
	return p
}

// panicPlotter makes plot.Draw panic, as a buggy custom plotter would.
type panicPlotter struct{}

func (panicPlotter) Plot(draw.Canvas, *plot.Plot) { panic("custom plotter is broken") }

type point struct {
	Name  string
	X, Y  float64
	Count int
	note  string // unexported: not a column
}

type htmlCard struct{ Title string }

func (c htmlCard) HTML() string   { return "<h3>" + c.Title + "</h3>" }
func (c htmlCard) String() string { return "card " + c.Title }

type multiFormat struct{}

func (multiFormat) Markdown() string { return "**bold**" }
func (multiFormat) LaTeX() string    { return `E = mc^2` }
func (multiFormat) SVG() string      { return `<svg width="10" height="10"></svg>` }

type ownBundle struct{}

func (ownBundle) MIMEBundle() map[string]any {
	return map[string]any{"application/vnd.example+json": map[string]any{"answer": 42}}
}

// ownBundle also has HTML, which MIMEBundle must take precedence over.
func (ownBundle) HTML() string { return "<p>ignored</p>" }

// _display_HTMLRenderer has the shape of the wrapper yaegi generates when interpreted
// code converts a cell-defined value to display.HTMLRenderer.
type _display_HTMLRenderer struct {
	IValue any
	WHTML  func() string
}

func (w _display_HTMLRenderer) HTML() string { return w.WHTML() }

type panickyHTML struct{}

func (panickyHTML) HTML() string { panic("renderer bug") }

type badPNG struct{}

func (badPNG) PNG() []byte { return []byte("not a png") }

func gradient(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{R: uint8(255 * x / w), G: uint8(255 * y / h), B: 128, A: 255})
		}
	}
	return img
}

var svgRoot = regexp.MustCompile(`<svg[^>]*>`)
var svgSize = regexp.MustCompile(`(width|height)="[^"]*"`)

// normalize makes a bundle stable for golden files: PNG bytes become their
// decoded dimensions, SVG documents the size attributes of their root
// element (the drawing commands depend on font metrics, not on our code).
func normalize(t *testing.T, b Bundle) map[string]any {
	t.Helper()
	data := map[string]any{}
	for k, v := range b.Data {
		switch k {
		case MIMEPNG:
			raw, ok := v.([]byte)
			if !ok {
				t.Fatalf("image/png is %T, want []byte", v)
			}
			cfg, err := png.DecodeConfig(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("image/png does not decode: %v", err)
			}
			data[k] = map[string]any{"decoded_width": cfg.Width, "decoded_height": cfg.Height}
		case MIMESVG:
			s, ok := v.(string)
			if !ok {
				t.Fatalf("image/svg+xml is %T, want string", v)
			}
			root := svgRoot.FindString(s)
			if root == "" {
				t.Fatalf("image/svg+xml has no <svg> element: %.80q", s)
			}
			data[k] = map[string]any{"svg_root_size": strings.Join(svgSize.FindAllString(root, -1), " ")}
		default:
			data[k] = v
		}
	}
	return map[string]any{"data": data, "metadata": b.Metadata, "has_display_id": b.DisplayID != ""}
}

// checkGolden compares got with testdata/name.golden.json, or rewrites the
// file under -update.
func checkGolden(t *testing.T, name string, got map[string]any) {
	t.Helper()
	// HTML left unescaped so that golden diffs read like the HTML they are.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(got); err != nil {
		t.Fatalf("marshal bundle: %v", err)
	}
	js := buf.Bytes()
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, js, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(js, want) {
		t.Errorf("bundle differs from %s (go test -update rewrites it after review)\ngot:\n%s\nwant:\n%s", path, js, want)
	}
}

func TestRenderGolden(t *testing.T) {
	bigPlot := samplePlot(t, "sized")
	cases := []struct {
		name string
		v    any
	}{
		{"plot_png", samplePlot(t, "Parabola")},
		{"figure_svg", Figure{Plot: bigPlot, Width: 3 * vg.Inch, Height: 2 * vg.Inch, SVG: true}},
		{"figure_png_sized", &Figure{Plot: bigPlot, Width: 3 * vg.Inch, Height: 2 * vg.Inch}},
		{"image", gradient(7, 5)},
		{"matrix_dense", mat.NewDense(2, 3, []float64{1, 2.5, -3, 1e-9, 12345678, 0})},
		{"matrix_vector", mat.NewVecDense(3, []float64{0.1, 0.2, 0.3})},
		{"matrix_large", arange(30, 20)},
		{"struct_slice", []point{{"a", 1, 2, 3, "x"}, {"<script>alert(1)</script>", 0.5, -1e-7, 0, ""}}},
		{"struct_pointer_slice", []*point{{Name: "p", X: 1}, nil}},
		{"error", fmt.Errorf("load checkpoint %s: %w", "<w.safetensors>", os.ErrNotExist)},
		{"html_renderer", htmlCard{Title: "Hi & bye"}},
		{"multi_renderer", multiFormat{}},
		{"interpreted_html_renderer", _display_HTMLRenderer{
			IValue: struct{ N int }{7},
			WHTML:  func() string { return "<em>from a cell</em>" },
		}},
		{"mime_bundle_renderer", ownBundle{}},
		{"bundle_without_text", Bundle{Data: map[string]any{MIMEHTML: "<i>x</i>"}}},
		{"nil_plot", (*plot.Plot)(nil)},
		{"panicking_plotter", func() *plot.Plot { p := plot.New(); p.Add(panicPlotter{}); return p }()},
		{"panicking_renderer", panickyHTML{}},
		{"invalid_png_renderer", badPNG{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, ok := Render(tc.v)
			if !ok {
				t.Fatalf("Render(%T) = not rendered, want a bundle", tc.v)
			}
			if _, has := b.Data[MIMEText]; !has {
				t.Errorf("bundle has no text/plain: %v", b.Data)
			}
			checkGolden(t, tc.name, normalize(t, b))
		})
	}
}

func TestRenderFallsBackToText(t *testing.T) {
	cases := []struct {
		name string
		v    any
	}{
		{"nil", nil},
		{"int", 42},
		{"string", "hello"},
		{"float slice", []float64{1, 2}},
		{"map", map[string]int{"a": 1}},
		{"struct", point{Name: "a"}},
		{"struct without exported fields", []struct{ a int }{{1}}},
		{"nil bundle pointer", (*Bundle)(nil)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if b, ok := Render(tc.v); ok {
				t.Errorf("Render(%#v) = %v, want not rendered", tc.v, b.Data)
			}
		})
	}
}

func TestPlotPNGIsHiDPIWithLogicalSize(t *testing.T) {
	cases := []struct {
		name         string
		v            any
		logW, logH   int
		wantTextSize string
	}{
		// 6×4 in at 96 CSS px per inch.
		{"default size", samplePlot(t, "p"), 576, 384, "576×384"},
		// 5×2.5 in at 96 CSS px per inch.
		{"figure size", Figure{Plot: samplePlot(t, ""), Width: 5 * vg.Inch, Height: 2.5 * vg.Inch}, 480, 240, "480×240"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, ok := Render(tc.v)
			if !ok {
				t.Fatal("plot not rendered")
			}
			img, err := png.Decode(bytes.NewReader(b.Data[MIMEPNG].([]byte)))
			if err != nil {
				t.Fatalf("decode PNG: %v", err)
			}
			if got := img.Bounds().Size(); got.X != 2*tc.logW || got.Y != 2*tc.logH {
				t.Errorf("PNG is %v px, want %d×%d (twice the logical size)", got, 2*tc.logW, 2*tc.logH)
			}
			meta, _ := b.Metadata[MIMEPNG].(map[string]any)
			if meta["width"] != tc.logW || meta["height"] != tc.logH {
				t.Errorf("metadata %v, want width %d height %d", b.Metadata, tc.logW, tc.logH)
			}
			if text := textOf(b); !strings.Contains(text, tc.wantTextSize) {
				t.Errorf("text/plain %q does not give the size %s", text, tc.wantTextSize)
			}
			// The plot must actually be drawn: a white background with dark
			// axes and line, not an empty canvas.
			if dark := countDark(img); dark < 1000 {
				t.Errorf("only %d dark pixels: plot not drawn", dark)
			}
		})
	}
}

func countDark(img image.Image) int {
	n := 0
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if cr, cg, cb, _ := img.At(x, y).RGBA(); cr+cg+cb < 3*0x8000 {
				n++
			}
		}
	}
	return n
}

func TestMatrixTable(t *testing.T) {
	m := mat.NewDense(2, 2, []float64{1, 2, 3, 4.25})
	b, ok := Render(m)
	if !ok {
		t.Fatal("matrix not rendered")
	}
	html := b.Data[MIMEHTML].(string)
	for _, want := range []string{"<table", "Dense 2×2", "<td>4.25</td>", "<th>1</th>"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q:\n%s", want, html)
		}
	}
	if got := strings.Count(html, "<td>"); got != 4 {
		t.Errorf("HTML has %d cells, want 4", got)
	}
	large, _ := Render(mat.NewDense(100, 50, nil))
	// 20 shown rows × (16 shown columns + 1 ellipsis column), plus the
	// ellipsis row's 17 cells.
	if got, want := strings.Count(large.Data[MIMEHTML].(string), "<td>"), 20*17+17; got != want {
		t.Errorf("100×50 matrix HTML has %d cells, want %d (truncated)", got, want)
	}
}

func TestShowPublishes(t *testing.T) {
	cases := []struct {
		name     string
		show     func() error
		wantMIME []string
		wantText string
	}{
		{"Show plot", func() error { return Show(samplePlot(t, "t")) }, []string{MIMEPNG, MIMEText}, `plot "t" (576×384 px)`},
		{"Show int", func() error { return Show(42) }, []string{MIMEText}, "42"},
		{"HTML", func() error { return HTML("<b>x</b> &amp; y") }, []string{MIMEHTML, MIMEText}, "x & y"},
		{"Markdown", func() error { return Markdown("# T") }, []string{MIMEMarkdown, MIMEText}, "# T"},
		{"LaTeX", func() error { return LaTeX(`\alpha`) }, []string{MIMELaTeX, MIMEText}, `\alpha`},
		{"JSON", func() error { return JSON(map[string]int{"a": 1}) }, []string{MIMEJSON, MIMEText}, "{\n  \"a\": 1\n}"},
		{"Text", func() error { return Text("plain") }, []string{MIMEText}, "plain"},
		{"PNG", func() error {
			var buf bytes.Buffer
			if err := png.Encode(&buf, gradient(3, 2)); err != nil {
				return err
			}
			return PNG(buf.Bytes())
		}, []string{MIMEPNG, MIMEText}, "image 3×2"},
		{"SVG", func() error { return SVG(`<svg width="1" height="1"/>`) }, []string{MIMESVG, MIMEText}, "SVG image"},
		{"Image", func() error { return Image(gradient(4, 4)) }, []string{MIMEPNG, MIMEText}, "image 4×4"},
		{"Plot", func() error { return Plot(samplePlot(t, "")) }, []string{MIMEPNG, MIMEText}, "plot (576×384 px)"},
		{"PlotSVG", func() error { return PlotSVG(samplePlot(t, "")) }, []string{MIMESVG, MIMEText}, "plot (576×384 px)"},
		{"Publish", func() error { return Publish(Bundle{Data: map[string]any{"text/csv": "a,b"}}) }, []string{"text/csv", MIMEText}, "<display text/csv>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := useRecorder(t)
			if err := tc.show(); err != nil {
				t.Fatalf("error: %v", err)
			}
			if len(rec.published) != 1 {
				t.Fatalf("published %d bundles, want 1", len(rec.published))
			}
			b := rec.published[0]
			if len(b.Data) != len(tc.wantMIME) {
				t.Errorf("MIME types %v, want %v", keys(b.Data), tc.wantMIME)
			}
			for _, m := range tc.wantMIME {
				if _, ok := b.Data[m]; !ok {
					t.Errorf("bundle lacks %s (has %v)", m, keys(b.Data))
				}
			}
			if got := textOf(b); got != tc.wantText {
				t.Errorf("text/plain = %q, want %q", got, tc.wantText)
			}
			if b.Metadata == nil {
				t.Error("metadata is nil; the wire needs an object")
			}
			if b.DisplayID != "" {
				t.Errorf("one-off display has display ID %q", b.DisplayID)
			}
		})
	}
}

func TestShowFailuresAreShownAndReturned(t *testing.T) {
	cases := []struct {
		name    string
		show    func() error
		wantErr string
	}{
		{"PNG garbage", func() error { return PNG([]byte("GIF89a")) }, "invalid PNG data"},
		{"SVG without svg", func() error { return SVG("<p>no</p>") }, "no <svg> element"},
		{"JSON channel", func() error { return JSON(make(chan int)) }, "encode chan int as JSON"},
		{"nil image", func() error { return Image(nil) }, "nil image"},
		{"nil plot", func() error { return Plot(nil) }, "nil *plot.Plot"},
		{"negative figure", func() error { return Show(Figure{Plot: plot.New(), Width: -1}) }, "must be positive"},
		{"nil matrix", func() error { return Show((*mat.Dense)(nil)) }, "nil *mat.Dense matrix"},
		{"nil image pointer", func() error { return Image((*image.RGBA)(nil)) }, "nil *image.RGBA image"},
		{"panicking plotter", func() error { p := plot.New(); p.Add(panicPlotter{}); return Show(p) }, "custom plotter is broken"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := useRecorder(t)
			err := tc.show()
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "display: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if len(rec.published) != 1 {
				t.Fatalf("published %d bundles, want the error bundle", len(rec.published))
			}
			html, _ := rec.published[0].Data[MIMEHTML].(string)
			if !strings.Contains(html, "gophys-error") {
				t.Errorf("published bundle is not an error bundle: %v", rec.published[0].Data)
			}
		})
	}
}

func TestErrorBundleEscapes(t *testing.T) {
	b, _ := Render(errors.New(`bad <script>alert("x")</script>`))
	html := b.Data[MIMEHTML].(string)
	if strings.Contains(html, "<script>") {
		t.Errorf("error HTML not escaped: %s", html)
	}
	if !strings.Contains(html, "&lt;script&gt;") {
		t.Errorf("error HTML lost the message: %s", html)
	}
	if got, want := textOf(b), `error: bad <script>alert("x")</script>`; got != want {
		t.Errorf("text/plain = %q, want %q", got, want)
	}
}

func TestPublisherFailures(t *testing.T) {
	boom := errors.New("iopub queue full")
	cases := []struct {
		name string
		pub  Publisher
		want string
	}{
		{"error", &recorder{err: boom}, "display: publish: iopub queue full"},
		{"panic", panickingPublisher{}, "display: publish: publisher panicked: socket closed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			SetPublisher(tc.pub)
			defer SetPublisher(nil)
			err := HTML("<p>x</p>")
			if err == nil || err.Error() != tc.want {
				t.Errorf("HTML error = %v, want %q", err, tc.want)
			}
			if tc.name == "error" && !errors.Is(err, boom) {
				t.Errorf("error %v does not wrap the publisher's error", err)
			}
			if err := Clear(false); err == nil {
				t.Error("Clear error = nil, want the publisher's failure")
			}
		})
	}
}

type panickingPublisher struct{}

func (panickingPublisher) Publish(Bundle) error { panic("socket closed") }
func (panickingPublisher) Update(Bundle) error  { panic("socket closed") }
func (panickingPublisher) Clear(bool) error     { panic("socket closed") }

func TestClear(t *testing.T) {
	for _, wait := range []bool{false, true} {
		t.Run(fmt.Sprintf("wait=%v", wait), func(t *testing.T) {
			rec := useRecorder(t)
			if err := Clear(wait); err != nil {
				t.Fatal(err)
			}
			if len(rec.clears) != 1 || rec.clears[0] != wait {
				t.Errorf("clears = %v, want [%v]", rec.clears, wait)
			}
		})
	}
}

func TestHandleUpdatesInPlace(t *testing.T) {
	rec := useRecorder(t)
	h, err := New("step 0")
	if err != nil {
		t.Fatal(err)
	}
	other, _ := New("other")
	for i := 1; i <= 3; i++ {
		if err := h.Update(fmt.Sprintf("step %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if h.ID() == "" || h.ID() == other.ID() {
		t.Fatalf("display IDs %q and %q must be distinct and non-empty", h.ID(), other.ID())
	}
	if len(rec.published) != 2 || rec.published[0].DisplayID != h.ID() {
		t.Fatalf("published %+v, want the first display under ID %s", rec.published, h.ID())
	}
	if len(rec.updated) != 3 {
		t.Fatalf("%d updates, want 3", len(rec.updated))
	}
	for i, b := range rec.updated {
		if b.DisplayID != h.ID() {
			t.Errorf("update %d has ID %q, want %q", i, b.DisplayID, h.ID())
		}
		if got, want := textOf(b), fmt.Sprintf("step %d", i+1); got != want {
			t.Errorf("update %d text %q, want %q", i, got, want)
		}
	}
}

func TestSetPublisherConcurrentWithShow(t *testing.T) {
	// Run with -race: goroutines display while the "kernel" swaps
	// publishers, as a cell's goroutines do across cells. Each display must
	// land whole in one recorder.
	const showers, shows, swaps = 4, 200, 200
	recs := []*recorder{{}, {}, {}}
	SetPublisher(recs[0])
	defer SetPublisher(nil)
	var wg sync.WaitGroup
	for g := 0; g < showers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < shows; i++ {
				if err := Show(i); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := 0; i < swaps; i++ {
		SetPublisher(recs[i%len(recs)])
	}
	wg.Wait()
	total := 0
	for _, r := range recs {
		r.mu.Lock()
		total += len(r.published)
		r.mu.Unlock()
	}
	if total != showers*shows {
		t.Errorf("recorders got %d displays, want %d", total, showers*shows)
	}
}

func TestConsoleMode(t *testing.T) {
	SetPublisher(nil)
	cases := []struct {
		name string
		show func() error
		want string
	}{
		{"HTML", func() error { return HTML("<p>one</p><p>two &lt;3</p>") }, "one\ntwo <3\n"},
		{"Show error", func() error { return Show(errors.New("boom")) }, "error: boom\n"},
		{"Clear", func() error { return Clear(true) }, ""},
		{"Update", func() error {
			h, err := New(1)
			if err != nil {
				return err
			}
			return h.Update(2)
		}, "1\n2\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := captureStdout(t, tc.show)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("stdout = %q, want %q", got, tc.want)
			}
		})
	}
}

// captureStdout runs f with os.Stdout redirected into a pipe.
func captureStdout(t *testing.T, f func() error) (string, error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	ferr := f()
	os.Stdout = saved
	w.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return buf.String(), ferr
}

func TestLaTeXDelimiters(t *testing.T) {
	cases := []struct{ in, want string }{
		{`\frac{1}{2}`, `$$\frac{1}{2}$$`},
		{` x^2 `, `$$x^2$$`},
		{`$x$`, `$x$`},
		{`\[ x \]`, `\[ x \]`},
		{`\begin{align} a &= b \end{align}`, `\begin{align} a &= b \end{align}`},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			if got := delimitMath(tc.in); got != tc.want {
				t.Errorf("delimitMath(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// arange returns an r×c matrix whose elements count up row by row, so a
// truncated table shows which rows and columns it kept.
func arange(r, c int) *mat.Dense {
	data := make([]float64, r*c)
	for i := range data {
		data[i] = float64(i)
	}
	return mat.NewDense(r, c, data)
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// BenchmarkRenderPlot times Render of a line plot (plot construction not
// included) as a 2× DPI PNG and as SVG, for a small plot and the 10,000-point
// line of issue 5's benchmark list.
func BenchmarkRenderPlot(b *testing.B) {
	for _, points := range []int{50, 10000} {
		p := plot.New()
		pts := make(plotter.XYs, points)
		for i := range pts {
			x := float64(i) / float64(points)
			pts[i] = plotter.XY{X: x, Y: math.Sin(20 * x)}
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			b.Fatal(err)
		}
		p.Add(line, plotter.NewGrid())
		for _, svg := range []bool{false, true} {
			format := "png"
			if svg {
				format = "svg"
			}
			b.Run(fmt.Sprintf("format=%s/n=%d", format, points), func(b *testing.B) {
				b.ReportAllocs()
				var size int
				for b.Loop() {
					bundle, ok := Render(Figure{Plot: p, SVG: svg})
					if !ok {
						b.Fatal("not rendered")
					}
					if svg {
						size = len(bundle.Data[MIMESVG].(string))
					} else {
						size = len(bundle.Data[MIMEPNG].([]byte))
					}
				}
				b.ReportMetric(float64(size), "bytes")
			})
		}
	}
}
