package display_test

import (
	"errors"
	"fmt"

	"github.com/gophys/gophys/display"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// Outside a notebook (no publisher set) every display prints its text form,
// so code that displays runs unchanged in tests and scripts.
func ExampleShow() {
	m := mat.NewDense(2, 2, []float64{1, 0.5, 0.25, 2})
	display.Show(m)
	display.Show([]struct {
		Particle string
		MassGeV  float64
	}{{"electron", 0.000511}, {"muon", 0.10566}})
	display.Show(errors.New("checkpoint not found"))
	// Output:
	// mat.Dense 2×2
	// ⎡   1  0.5⎤
	// ⎣0.25    2⎦
	// 2 rows
	//      Particle   MassGeV
	//   0  electron  0.000511
	//   1      muon   0.10566
	// error: checkpoint not found
}

// A plot is shown as a PNG at twice the screen resolution; its metadata
// gives the logical size at which the notebook shows it.
func ExampleRender_plot() {
	p := plot.New()
	p.Title.Text = "Damped oscillation"
	line, _ := plotter.NewLine(plotter.XYs{{X: 0, Y: 1}, {X: 1, Y: 0.3}, {X: 2, Y: 0.1}})
	p.Add(line)
	b, ok := display.Render(p)
	fmt.Println(ok, b.Data["text/plain"])
	fmt.Println(b.Metadata["image/png"])
	// Output:
	// true plot "Damped oscillation" (576×384 px)
	// map[height:384 width:576]
}

func ExampleHTML() {
	display.HTML("<h3>Run 12</h3><p>loss &lt; 0.01</p>")
	// Output:
	// Run 12
	// loss < 0.01
}

// A Handle replaces its display in place; in a console each update is
// printed.
func ExampleNew() {
	h, _ := display.New("epoch 1/3")
	for epoch := 2; epoch <= 3; epoch++ {
		h.Update(fmt.Sprintf("epoch %d/3", epoch))
	}
	// Output:
	// epoch 1/3
	// epoch 2/3
	// epoch 3/3
}

// Values render themselves by implementing a renderer interface.
type particle struct{ Name string }

func (p particle) HTML() string { return "<b>" + p.Name + "</b>" }

func ExampleHTMLRenderer() {
	b, _ := display.Render(particle{"Higgs"})
	fmt.Println(b.Data["text/html"])
	fmt.Println(b.Data["text/plain"])
	// Output:
	// <b>Higgs</b>
	// {Higgs}
}
