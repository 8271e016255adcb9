package symbols

import (
	"bytes"
	"testing"
)

// TestInterfaceWrappers checks that types declared in cells satisfy the
// compiled interfaces of the preloaded packages. yaegi finds the wrapper of
// an interface under the interface's package path; a table registered under
// another path crashes the host (SIGSEGV in genInterfaceWrapper).
func TestInterfaceWrappers(t *testing.T) {
	tests := []struct {
		name  string
		cells []string
		want  string
	}{
		{
			name: "plotter.XYer",
			cells: []string{
				`type Parabola struct{ N int }`,
				`func (p Parabola) Len() int { return p.N }`,
				`func (p Parabola) XY(i int) (float64, float64) { x := float64(i); return x, x * x }`,
				`func show() { s, err := plotter.NewScatter(Parabola{N: 4}); if err != nil { panic(err) }; fmt.Println(len(s.XYs), s.XYs[3].Y) }`,
				`show()`,
			},
			want: "4 9\n",
		},
		{
			// Passing Marker{} straight to the variadic p.Add fails in yaegi
			// v0.16.1 ("cannot use struct {...} as type plot.Plotter"): an
			// interpreted value is wrapped only when assigned to the
			// interface type first.
			name: "plot.Plotter rendered by compiled code",
			cells: []string{
				`type Marker struct{ called *int }`,
				`func (m Marker) Plot(c draw.Canvas, p *plot.Plot) { *m.called++ }`,
				`func render() { n := 0; p := plot.New(); var pl plot.Plotter = Marker{called: &n}; p.Add(pl); var buf bytes.Buffer; wt, err := p.WriterTo(2*vg.Inch, 2*vg.Inch, "svg"); if err != nil { panic(err) }; if _, err := wt.WriteTo(&buf); err != nil { panic(err) }; fmt.Println(n, strings.HasPrefix(buf.String(), "<?xml")) }`,
				`render()`,
			},
			want: "1 true\n",
		},
		{
			name: "mat.Matrix",
			cells: []string{
				`type Eye struct{ N int }`,
				`func (e Eye) Dims() (int, int) { return e.N, e.N }`,
				`func (e Eye) At(i, j int) float64 { if i == j { return 1 }; return 0 }`,
				`func (e Eye) T() mat.Matrix { return e }`,
				`func trace() { fmt.Println(mat.Trace(Eye{N: 3})) }`,
				`trace()`,
			},
			want: "3\n",
		},
	}
	imports := []string{"fmt", "bytes", "strings", "gonum.org/v1/plot", "gonum.org/v1/plot/plotter",
		"gonum.org/v1/plot/vg", "gonum.org/v1/plot/vg/draw", "gonum.org/v1/gonum/mat"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			i := newInterpreter(t, &out)
			for _, imp := range imports {
				if err := eval(i, `import "`+imp+`"`); err != nil {
					t.Fatalf("import %s: %v", imp, err)
				}
			}
			for _, c := range tc.cells {
				if err := eval(i, c); err != nil {
					t.Fatalf("cell %q: %v", c, err)
				}
			}
			if got := out.String(); got != tc.want {
				t.Errorf("printed %q, want %q", got, tc.want)
			}
		})
	}
}
