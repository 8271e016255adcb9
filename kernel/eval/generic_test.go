package eval

import (
	"reflect"
	"strings"
	"testing"
)

// TestGenericDefines runs the top-level forms that define names from a
// generic call. Each case runs its cells in a fresh interpreter; the last
// cell's value must be want. Assigning x to a `var check T` proves x has
// the static type T: yaegi rejects the assignment otherwise.
func TestGenericDefines(t *testing.T) {
	cases := []struct {
		name  string
		cells []string
		want  string
	}{
		{"slices.Max float64", []string{"xs := []float64{1, 3, 2}", "hi := slices.Max(xs)", "var check float64\ncheck = hi\ncheck"}, "3"},
		{"slices.Max int", []string{"xs := []int{4, 9, 2}", "hi := slices.Max(xs)\nvar check int\ncheck = hi\ncheck"}, "9"},
		{"slices.Min string", []string{"ws := []string{\"b\", \"a\", \"c\"}", "lo := slices.Min(ws)\nvar check string\ncheck = lo\ncheck + \"!\""}, "a!"},
		{"slices.Sorted strings", []string{"ws := []string{\"b\", \"a\"}\nsorted := slices.Clone(ws)\nslices.Sort(sorted)\nvar check []string\ncheck = sorted\ncheck"}, "[a b]"},
		{"maps.Keys", []string{"m := map[string]int{\"a\": 1}", "k := maps.Keys(m)\nvar check []string\ncheck = k\ncheck"}, "[a]"},
		{"maps.Clone", []string{"m := map[string]int{\"a\": 1}\nc := maps.Clone(m)\nvar check map[string]int\ncheck = c\nc[\"b\"] = 2\nlen(m) + 10*len(check)"}, "21"},
		{"var without type", []string{"xs := []float64{1, 3, 2}", "var a = slices.Max(xs)\nvar check float64\ncheck = a\ncheck"}, "3"},
		{"var with type", []string{"xs := []float64{1, 3, 2}", "var hi float64 = slices.Max(xs)", "hi"}, "3"},
		{"var with interface type", []string{"func same[T any](x T) T { return x }", "var e error = same(errors.New(\"bad\"))\ne.Error()"}, "bad"},
		{"generic call in an expression", []string{"xs := []float64{1, 3, 2}", "c := slices.Max(xs) + 0.5\nvar check float64\ncheck = c\ncheck"}, "3.5"},
		{"several values", []string{"xs := []float64{1, 3, 2}", "d, n := slices.Max(xs), 7\nvar check float64\ncheck = d\ncheck + float64(n)"}, "10"},
		{"two generic values", []string{"xs := []float64{1, 3, 2}", "d, e := slices.Max(xs), slices.Min(xs)\nd - e"}, "2"},
		{"generic call inside a literal", []string{"xs := []float64{1, 3, 2}", "p := []float64{slices.Max(xs), 0}\nvar check []float64\ncheck = p\ncheck"}, "[3 0]"},
		{"several results", []string{"xs := []int{1, 3, 5}", "i, found := slices.BinarySearch(xs, 5)\nvar check bool\ncheck = found\nfmt.Sprint(i, check)"}, "2 true"},
		{"user generic from an earlier cell", []string{"func twice[T any](x T) []T { return []T{x, x} }", "g := twice(3)\nvar check []int\ncheck = g\ncheck"}, "[3 3]"},
		{"user generic from the same cell", []string{"func twice[T any](x T) []T { return []T{x, x} }\ng := twice(\"a\")\nvar check []string\ncheck = g\ncheck"}, "[a a]"},
		{"min over unknown types", []string{"type C float64\nxs := []C{3, 1}", "m := min(xs[0], xs[1])\nm"}, "1"},
		{"cell struct type", []string{"type P struct{ X int }", "ps := []P{{1}, {2}}\nq := slices.Clone(ps)\nvar check []P\ncheck = q\ncheck[1].X"}, "2"},
		{"pointer to cell struct type", []string{"type P struct{ X int }\nfunc same[T any](x T) T { return x }", "p := same(&P{5})\nvar check *P\ncheck = p\ncheck.X"}, "5"},
		{"type from another package", []string{"func same[T any](x T) T { return x }", "d := same(mat.NewDense(1, 1, []float64{7}))\nvar check *mat.Dense\ncheck = d\ncheck.At(0, 0)"}, "7"},
		{"many defines and uses", []string{"xs := []int{4, 9, 2}\nhi := slices.Max(xs)\nlo := slices.Min(xs)\nspan := hi - lo\nidx := slices.Index(xs, hi)\nfmt.Sprint(span, idx)"}, "7 1"},
		{"generic define after a failed-free prefix keeps earlier names", []string{"n := 2\nxs := []int{n, 5}\nhi := slices.Max(xs)\nn + hi"}, "7"},
		{"identical struct types with the type written", []string{"type A struct{ X int }\ntype B struct{ X int }\nfunc (B) Name() string { return \"B\" }\nfunc same[T any](x T) T { return x }", "var b B = same(B{1})\nb.Name()"}, "B"},
		{"fixed result types, nil error", []string{"func load[T any](s string) (T, error) { var z T; return z, nil }", "v, err := load[int](\"x\")\nvar check error\ncheck = err\nfmt.Sprint(v, check == nil)"}, "0 true"},
		{"fixed result types, unexported error type", []string{"func fail[T any]() (T, error) { var z T; return z, errors.New(\"no\") }", "v, err := fail[string]()\nerr.Error() + v"}, "no"},
		{"fixed result type, single", []string{"func check[T any](x T) error { return nil }", "e := check(1)\ne == nil"}, "true"},
		{"nil interface with the type written", []string{"func same[T any](x T) T { return x }", "var e error = same(error(nil))\ne == nil"}, "true"},
		{"var group", []string{"xs := []int{4, 9}\nvar (\n\tn = 1\n\thi = slices.Max(xs)\n)\nn + hi"}, "10"},
		{"function using a generic var of its cell", []string{"xs := []float64{1, 3, 2}", "func top() float64 { return hi + 1 }\nvar hi = slices.Max(xs)\nvar twice = top() * 2\ntwice"}, "8"},
		{"inside a block", []string{"xs := []float64{1, 3, 2}\nvar got float64\nif true {\n\thi := slices.Max(xs)\n\tgot = hi\n}\ngot"}, "3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := newTestInterpreter(t)
			var res, _ = mustRun(t, in, c.cells[0])
			for _, code := range c.cells[1:] {
				res, _ = mustRun(t, in, code)
			}
			if got := valueText(res); got != c.want {
				t.Errorf("value %q, want %q", got, c.want)
			}
		})
	}
}

// TestGenericDefineErrors checks that errors around a split generic define
// are reported at cell positions, and that the call ran exactly once.
func TestGenericDefineErrors(t *testing.T) {
	cases := []struct {
		name      string
		setup     string
		code      string
		wantName  string
		wantValue string // a substring of the error's value
		wantTrace string // a substring of the traceback, "" for none
	}{
		{"undefined argument", "xs := []float64{1}", "hi := slices.Max(ys)", "CompileError", "1:18: undefined: ys", ""},
		{"panic inside the generic function", "func boom[T any](x T) T { panic(\"boom\") }", "n := 1\ng := boom(n)", "panic", "boom", "main.boom at cell line 1"},
		{"error after the define", "xs := []int{1}", "hi := slices.Max(xs)\nvar s string = hi", "CompileError", "2:", ""},
		{"unnameable interface result", "func same[T any](x T) T { return x }", "e := same(errors.New(\"x\"))", "CompileError", "var x T = f(...)", ""},
		{"identical cell struct types", "type A struct{ X int }\ntype B struct{ X int }\nfunc same[T any](x T) T { return x }", "b := same(B{1})", "CompileError", "several cell types have the layout", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := newTestInterpreter(t)
			mustRun(t, in, c.setup)
			res, _ := run(t, in, c.code)
			if res.Err == nil {
				t.Fatalf("cell %q succeeded, want %s", c.code, c.wantName)
			}
			if res.Err.Name != c.wantName || !strings.Contains(res.Err.Value, c.wantValue) {
				t.Errorf("error %s: %q, want %s containing %q", res.Err.Name, res.Err.Value, c.wantName, c.wantValue)
			}
			if trace := strings.Join(res.Err.Traceback, "\n"); !strings.Contains(trace, c.wantTrace) {
				t.Errorf("traceback %q lacks %q", trace, c.wantTrace)
			}
		})
	}

	t.Run("the call runs once", func(t *testing.T) {
		in := newTestInterpreter(t)
		mustRun(t, in, "calls := 0\nfunc counted[T any](x T) T { calls++; return x }")
		res, _ := mustRun(t, in, "a := counted(1)\nb := counted(2.5)\nfmt.Sprint(calls, a, b)")
		if got := valueText(res); got != "2 1 2.5" {
			t.Errorf("value %q, want %q", got, "2 1 2.5")
		}
	})
}

// TestGenericTempsHidden checks that the hidden result variables are not
// listed, not completed, and hold nothing after the cell.
func TestGenericTempsHidden(t *testing.T) {
	in := newTestInterpreter(t)
	mustRun(t, in, "xs := []float64{1, 3}\nhi := slices.Max(xs)\ni, ok := slices.BinarySearch(xs, 3)")
	_, out := mustRun(t, in, "%who")
	if strings.Contains(out.stdout(), genericTemp) || !strings.Contains(out.stdout(), "hi") {
		t.Errorf("%%who output %q: want hi listed and no %s", out.stdout(), genericTemp)
	}
	if got := in.Complete("__gophysG", len("__gophysG")); len(got.Matches) > 0 {
		t.Errorf("completion offers hidden names: %v", got.Matches)
	}
	st, err := in.state()
	if err != nil {
		t.Fatal(err)
	}
	globals := safeGlobals(st.yi)
	for i := range genericTempCount {
		v, ok := globals[genericTempName(i)]
		if !ok {
			t.Fatalf("%s is not declared", genericTempName(i))
		}
		if v.Kind() == reflect.Interface && !v.IsNil() {
			t.Errorf("%s still holds %v after the cell", genericTempName(i), v.Elem())
		}
	}
}

// TestBlockMultiDefines runs `a, err := f()` and the comma-ok forms inside
// blocks of top-level statements, which yaegi leaves undefined unless the
// statement is wrapped in a function literal.
func TestBlockMultiDefines(t *testing.T) {
	setup := "func pair() (int, error) { return 4, nil }\nm := map[string]int{\"k\": 3}\nvar boxed any = 2.5"
	cases := []struct {
		name string
		code string
		want string // stdout
	}{
		{"for", "for i := 0; i < 2; i++ {\n\ta, err := pair()\n\tfmt.Println(i, a, err)\n}", "0 4 <nil>\n1 4 <nil>\n"},
		{"for with break and continue", "for i := 0; ; i++ {\n\ta, err := pair()\n\tif i == 0 {\n\t\tcontinue\n\t}\n\tfmt.Println(a+i, err)\n\tbreak\n}", "5 <nil>\n"},
		{"labeled loop", "outer:\nfor i := 0; i < 3; i++ {\n\tfor {\n\t\ta, _ := pair()\n\t\tif i == 1 {\n\t\t\tbreak outer\n\t\t}\n\t\tfmt.Println(a)\n\t\tbreak\n\t}\n}", "4\n"},
		{"if body", "if true {\n\ta, err := pair()\n\tfmt.Println(a, err)\n}", "4 <nil>\n"},
		{"if init", "if a, err := pair(); err == nil {\n\tfmt.Println(a)\n}", "4\n"},
		{"switch case", "switch {\ncase true:\n\tv, ok := m[\"k\"]\n\tfmt.Println(v, ok)\n}", "3 true\n"},
		{"bare block", "{\n\tx, ok := boxed.(float64)\n\tfmt.Println(x, ok)\n}", "2.5 true\n"},
		{"var in a block", "if true {\n\tvar a, err = pair()\n\tfmt.Println(a, err)\n}", "4 <nil>\n"},
		{"assigns outer variables", "total := 0\nfor i := 0; i < 3; i++ {\n\ta, _ := pair()\n\ttotal += a\n}\nfmt.Println(total)", "12\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := newTestInterpreter(t)
			mustRun(t, in, setup)
			_, out := mustRun(t, in, c.code)
			if got := out.stdout(); got != c.want {
				t.Errorf("stdout %q, want %q", got, c.want)
			}
		})
	}
}
