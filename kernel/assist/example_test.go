package assist_test

import (
	"fmt"
	"maps"
	"strings"

	"github.com/gophys/gophys/kernel/assist"
	"github.com/gophys/gophys/kernel/symbols"
	"github.com/traefik/yaegi/interp"
)

// Example shows the wiring the eval adapter does: an Env over the preloaded
// tables and the interpreter's globals, then Tab and Shift-Tab requests.
func Example() {
	i := interp.New(interp.Options{})
	if err := symbols.Load(i); err != nil {
		panic(err)
	}
	for _, cell := range []string{`import "gonum.org/v1/gonum/mat"`, `m := mat.NewDense(2, 2, nil)`} {
		if _, err := i.Eval(cell); err != nil {
			panic(err)
		}
	}
	// Decls is what the adapter remembers of each cell's declarations.
	decls := map[string]string{"m": "m := mat.NewDense(2, 2, nil)"}
	globals := func() map[string]assist.Global {
		out := map[string]assist.Global{}
		for name, v := range i.Globals() { // variables and constants, with values
			out[name] = assist.Global{Kind: assist.Var, Type: v.Type(), Value: v, Decl: decls[name]}
		}
		return out
	}
	names := func() map[string]string {
		n := maps.Clone(symbols.PackageNames())
		n["mat"] = "gonum.org/v1/gonum/mat" // the cell's explicit import
		return n
	}
	env := assist.NewEnv(symbols.Exports(), names, globals)

	c := assist.Complete("m.Mu", 4, env)
	fmt.Println(c.Matches, c.CursorStart, c.CursorEnd)

	in := assist.Inspect("mat.NewDense(", 13, 0, env)
	fmt.Println(in.Found)
	text := in.Data["text/plain"].(string)
	fmt.Println(text[:strings.Index(text, "\n")])
	// Output:
	// [Mul MulElem] 2 4
	// true
	// func NewDense(r, c int, data []float64) *Dense
}
