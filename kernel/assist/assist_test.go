package assist

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gophys/gophys/kernel/symbols"
	"gonum.org/v1/gonum/mat"
)

// testEnv is the Env a kernel session would have after running:
//
//	m := mat.NewDense(2, 2, nil)
//	xs := []float64{1, 2}
//	// Energy is the kinetic energy of mass m at speed v.
//	func Energy(m, v float64) float64 { return m * v * v / 2 }
//	type Particle struct { Pos mat.VecDense; Mass float64 }
//	func (p *Particle) Kinetic(v float64) float64 { return Energy(p.Mass, v) }
//	p := Particle{Mass: 2}
//	count := 3
func testEnv() Env {
	m := mat.NewDense(2, 2, nil)
	// Interpreted struct types reach reflect as unnamed structs.
	particle := reflect.StructOf([]reflect.StructField{
		{Name: "Pos", Type: reflect.TypeFor[mat.VecDense]()},
		{Name: "Mass", Type: reflect.TypeFor[float64]()},
	})
	globals := map[string]Global{
		"m":  {Kind: Var, Type: reflect.TypeOf(m), Value: reflect.ValueOf(m), Decl: "m := mat.NewDense(2, 2, nil)"},
		"xs": {Kind: Var, Type: reflect.TypeFor[[]float64](), Value: reflect.ValueOf([]float64{1, 2}), Decl: "xs := []float64{1, 2}"},
		"Energy": {Kind: Func, Type: reflect.TypeFor[func(float64, float64) float64](),
			Decl: "// Energy is the kinetic energy of mass m at speed v.\nfunc Energy(m, v float64) float64 { return m * v * v / 2 }"},
		"Particle": {Kind: Type, Type: particle,
			Decl: "// Particle is a point mass.\ntype Particle struct { Pos mat.VecDense; Mass float64 }\n" +
				"// Kinetic is the particle's kinetic energy at speed v.\nfunc (p *Particle) Kinetic(v float64) float64 { return Energy(p.Mass, v) }"},
		"p": {Kind: Var, Type: particle, Value: reflect.New(particle).Elem(), Decl: "p := Particle{Mass: 2}"},
		// Only a value: the type comes from it. An any holding a *mat.Dense
		// completes as a *mat.Dense.
		"untyped": {Kind: Var, Value: reflect.ValueOf(mat.NewVecDense(2, nil))},
		"boxed":   {Kind: Var, Type: reflect.TypeFor[any](), Value: reflect.ValueOf(&[]any{m}).Elem().Index(0)},
		"count":   {Kind: Var, Type: reflect.TypeFor[int](), Value: reflect.ValueOf(3), Decl: "count := 3"},
	}
	return NewEnv(symbols.Exports(), symbols.PackageNames, func() map[string]Global { return globals })
}

// at splits a test cell at the "|" marking the cursor, returning the code
// and the cursor in code points.
func at(cell string) (string, int) {
	i := strings.Index(cell, "|")
	return cell[:i] + cell[i+1:], len([]rune(cell[:i]))
}

func TestComplete(t *testing.T) {
	env := testEnv()
	tests := []struct {
		name      string
		cell      string
		want      []string // all must be among the matches
		wantNot   []string // none may be
		wantExact []string // when set, the matches exactly
		start     int      // expected cursor_start in code points, -1 to skip
	}{
		{name: "package member", cell: "fmt.Pri|", wantExact: []string{"Print", "Printf", "Println"}, start: 4},
		{name: "package member no import", cell: "x := mat.NewD|", wantExact: []string{"NewDense", "NewDiagDense", "NewDiagonalRect"}, start: 9},
		{name: "all package members", cell: "stat.|", want: []string{"Mean", "StdDev", "Variance"}, wantNot: []string{"_Entropy"}, start: 5},
		{name: "interpreted package", cell: "slices.So|", want: []string{"Sort", "SortFunc", "SortStableFunc", "Sorted"}, start: 7},
		{name: "maps package", cell: "maps.K|", wantExact: []string{"Keys"}, start: 5},
		{name: "earlier cell var methods", cell: "m.|", want: []string{"At", "Dims", "Mul", "Set", "T"}, wantNot: []string{"mat"}, start: 2},
		{name: "method prefix", cell: "m.Mu|", wantExact: []string{"Mul", "MulElem"}, start: 2},
		{name: "chain through call", cell: "m.T().|", want: []string{"At", "Dims"}, start: 6},
		{name: "current cell var", cell: "v := mat.NewVecDense(3, nil)\nv.AtV|", wantExact: []string{"AtVec"}, start: 31},
		{name: "current cell var from var decl", cell: "var d mat.Dense\nd.Clon|", wantExact: []string{"CloneFrom"}, start: 18},
		{name: "multiple assignment", cell: "q, r := mat.NewDense(1, 1, nil), mat.NewVecDense(1, nil)\nr.Len|", wantExact: []string{"Len"}, start: 59},
		{name: "interpreted struct fields and methods", cell: "p.|", want: []string{"Kinetic", "Mass", "Pos"}, start: 2},
		{name: "field of interpreted struct", cell: "p.Pos.AtV|", wantExact: []string{"AtVec"}, start: 6},
		{name: "type from value", cell: "untyped.AtV|", wantExact: []string{"AtVec"}, start: 8},
		{name: "dynamic type of any", cell: "boxed.Mu|", wantExact: []string{"Mul", "MulElem"}, start: 6},
		{name: "slice element", cell: "xs[0].|", wantExact: []string{}, start: 6},
		{name: "globals and keywords", cell: "co|", want: []string{"const", "continue", "copy", "count", "complex", "context"}, start: 0},
		{name: "function from earlier cell", cell: "En|", wantExact: []string{"Energy"}, start: 0},
		{name: "package names", cell: "plotu|", wantExact: []string{"plotutil"}, start: 0},
		{name: "identifier in current cell", cell: "velocity := 3.0\nvel|", want: []string{"velocity"}, start: 16},
		{name: "case-insensitive fallback", cell: "fmt.println|", wantExact: []string{"Println"}, start: 4},
		{name: "cursor inside word", cell: "fmt.Pri|ntln", wantExact: []string{"Print", "Printf", "Println"}, start: 4},
		{name: "unicode before cursor", cell: "α := 1.0 // ω\nmath.Sq|", wantExact: []string{"Sqrt", "Sqrt2", "SqrtE", "SqrtPhi", "SqrtPi"}, start: 19},
		{name: "inside string", cell: `s := "fmt.Pri|`, wantExact: []string{}, start: -1},
		{name: "unknown receiver", cell: "nothing.|", wantExact: []string{}, start: 8},
		{name: "user variable shadows package", cell: "stat := mat.NewDense(1, 1, nil)\nstat.Di|", wantExact: []string{"DiagView", "Dims", "DivElem"}, start: -1},
		{name: "plot types", cell: "p2 := plot.New()\np2.Ad|", wantExact: []string{"Add"}, start: 20},
		{name: "import path", cell: `import "gonum.org/v1/gonum/stat/d|`, want: []string{"gonum.org/v1/gonum/stat/distuv", "gonum.org/v1/gonum/stat/distmv"}, wantNot: []string{"fmt"}, start: 8},
		{name: "import path in block", cell: "import (\n\t\"fmt\"\n\tm \"gonum.org/v1/gonum/ma|", wantExact: []string{"gonum.org/v1/gonum/mat", "gonum.org/v1/gonum/mathext"}, start: 20},
		{name: "ordinary string is not an import", cell: "s := \"gonum.org/v1/gonum/ma|", wantExact: []string{}, start: -1},
		{name: "struct literal field", cell: "n := distuv.Normal{Mu: 0, Si|", want: []string{"Sigma"}, start: 26},
		{name: "struct literal first field", cell: "xy := plotter.XY{|", want: []string{"X", "Y"}, start: 17},
		{name: "cell struct literal", cell: "q := Particle{Ma|", wantExact: []string{"Mass"}, start: 14},
		{name: "not a key position", cell: "n := distuv.Normal{Mu: Si|", wantNot: []string{"Sigma"}, start: 23},
		{name: "import alias in cell", cell: "import m2 \"gonum.org/v1/gonum/mat\"\nm2.NewVecD|", wantExact: []string{"NewVecDense"}, start: -1},
		{name: "import block in cell", cell: "import (\n\trv2 \"math/rand/v2\"\n)\nrv2.IntN|", wantExact: []string{"IntN"}, start: -1},
		{name: "method receiver", cell: "func (q *Particle) Speed(e float64) float64 {\n\treturn q.Ma|", wantExact: []string{"Mass"}, start: -1},
		{name: "function parameter", cell: "func trace(a *mat.Dense, vs ...float64) float64 {\n\ta.Dim|", wantExact: []string{"Dims"}, start: -1},
		{name: "range value", cell: "ms := []*mat.Dense{m}\nfor i, d := range ms {\n\td.Dim|", wantExact: []string{"Dims"}, start: -1},
		{name: "range over map", cell: "byName := map[string]*mat.VecDense{}\nfor name, v := range byName {\n\tv.AtV|", wantExact: []string{"AtVec"}, start: -1},
		{name: "plotter constructor", cell: "plotter.NewSc|", wantExact: []string{"NewScatter"}, start: 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, cursor := at(tc.cell)
			got := Complete(code, cursor, env)
			if tc.wantExact != nil && !slices.Equal(got.Matches, tc.wantExact) && !(len(got.Matches) == 0 && len(tc.wantExact) == 0) {
				t.Errorf("matches = %v, want %v", got.Matches, tc.wantExact)
			}
			for _, w := range tc.want {
				if !slices.Contains(got.Matches, w) {
					t.Errorf("matches %v lack %q", got.Matches, w)
				}
			}
			for _, w := range tc.wantNot {
				if slices.Contains(got.Matches, w) {
					t.Errorf("matches %v contain %q", got.Matches, w)
				}
			}
			if tc.start >= 0 && got.CursorStart != tc.start {
				t.Errorf("cursor_start = %d, want %d", got.CursorStart, tc.start)
			}
			if got.CursorEnd < got.CursorStart || got.CursorEnd > len([]rune(code)) {
				t.Errorf("cursor_end = %d out of range [%d, %d]", got.CursorEnd, got.CursorStart, len([]rune(code)))
			}
			types, _ := got.Metadata["_jupyter_types_experimental"].([]map[string]any)
			if len(types) != len(got.Matches) {
				t.Errorf("%d type entries for %d matches", len(types), len(got.Matches))
			}
		})
	}
}

func TestCompleteCursorEndCoversWord(t *testing.T) {
	code, cursor := at("fmt.Pri|ntln(1)")
	got := Complete(code, cursor, testEnv())
	if got.CursorStart != 4 || got.CursorEnd != 11 {
		t.Errorf("range = [%d, %d), want [4, 11)", got.CursorStart, got.CursorEnd)
	}
}

func TestCompleteNilEnv(t *testing.T) {
	got := Complete("fo|", 2, nil)
	if !slices.Contains(got.Matches, "for") {
		t.Errorf("matches %v lack the keyword for", got.Matches)
	}
}

func TestInspect(t *testing.T) {
	env := testEnv()
	tests := []struct {
		name    string
		cell    string
		detail  int
		want    []string // substrings of text/plain
		notWant []string
		found   bool
	}{
		{name: "package function", cell: "fmt.Print|ln", found: true,
			want: []string{"func Println(a ...any) (n int, err error)", "Println formats using the default formats"}},
		{name: "cursor after name", cell: "fmt.Println|", found: true, want: []string{"func Println("}},
		{name: "inside call parens", cell: "fmt.Println(x, |", found: true, want: []string{"func Println("}},
		{name: "gonum constructor", cell: "mat.NewDense(|", found: true,
			want: []string{"func NewDense(r, c int, data []float64) *Dense", "NewDense creates a new Dense matrix"}},
		{name: "method of earlier variable", cell: "m.Mul|", found: true,
			want: []string{"func (m *Dense) Mul(a, b Matrix)", "Mul takes the matrix product"}},
		{name: "earlier variable", cell: "m|", found: true,
			want: []string{"var m *mat.Dense = &{", "type Dense struct", "Dense is a dense matrix representation"}},
		{name: "earlier variable detail 1 lists methods", cell: "m|", detail: 1, found: true,
			want: []string{"Methods:", "func (*Dense) At(int, int) float64"}},
		{name: "interpreted variable", cell: "p|", found: true, want: []string{"var p Particle", "type Particle struct", "Particle is a point mass", "Kinetic(v float64) float64"}},
		{name: "cell function", cell: "Energy(|", found: true,
			want: []string{"func Energy(m, v float64) float64", "Energy is the kinetic energy"}, notWant: []string{"return"}},
		{name: "cell method", cell: "p.Kinetic|", found: true,
			want: []string{"func (p *Particle) Kinetic(v float64) float64", "Kinetic is the particle's kinetic energy"}},
		{name: "package", cell: "stat|", found: true, want: []string{`package stat // import "gonum.org/v1/gonum/stat"`}},
		{name: "type", cell: "plot.Plot|", found: true, want: []string{"type Plot struct", "Plot is the basic type"}},
		{name: "type detail 1 lists methods", cell: "plot.Plot|", detail: 1, found: true, want: []string{"Methods:", "Save("}},
		{name: "builtin", cell: "len(|", found: true, want: []string{"func len(v Type) int"}},
		{name: "keyword", cell: "for|", found: true, want: []string{"keyword for"}},
		{name: "interpreted slices function", cell: "slices.Sort(|", found: true, want: []string{"func Sort[E cmp.Ordered](x []E)", "Sort sorts a slice"}},
		{name: "maps.Keys returns a slice", cell: "maps.Keys|", found: true, want: []string{"[]K", "Go 1.23 returns an iterator"}},
		{name: "constant", cell: "math.Pi|", found: true, want: []string{"Pi", "3.14159"}},
		{name: "current cell variable", cell: "v := mat.NewVecDense(3, nil)\nv|", found: true, want: []string{"v *mat.VecDense", "VecDense represents a column vector"}},
		{name: "int variable", cell: "count|", found: true, want: []string{"var count int = 3"}},
		{name: "method call parens", cell: "v := m.At(1, |", found: true, want: []string{"func (m *Dense) At(i, j int) float64"}},
		{name: "nested call picks inner", cell: "fmt.Println(math.Sqrt(|", found: true, want: []string{"func Sqrt(x float64) float64"}},
		{name: "after closed call", cell: "fmt.Println(math.Sqrt(2), |", found: true, want: []string{"func Println("}},
		{name: "cell type", cell: "Particle|", found: true, want: []string{"type Particle struct", "Particle is a point mass", "Kinetic"}},
		{name: "unknown", cell: "nosuchthing|", found: false},
		{name: "empty", cell: "|", found: false},
		{name: "unicode", cell: "// ωω\nfmt.Print|ln", found: true, want: []string{"func Println("}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, cursor := at(tc.cell)
			got := Inspect(code, cursor, tc.detail, env)
			if got.Found != tc.found {
				t.Fatalf("found = %v, want %v (data %v)", got.Found, tc.found, got.Data)
			}
			text, _ := got.Data["text/plain"].(string)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(text, w) {
					t.Errorf("text contains %q:\n%s", w, text)
				}
			}
		})
	}
}
