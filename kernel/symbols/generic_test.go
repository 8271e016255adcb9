package symbols

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

// TestGenericFunctions runs the generic standard-library calls cells make
// and compares what they print with what compiled Go prints for the same
// code (the want strings are Go 1.26's output).
func TestGenericFunctions(t *testing.T) {
	// Cells avoid the top-level form x := genericFunc(...): yaegi v0.16.1
	// panics ("nil reflect type") defining a global from any generic call,
	// including functions declared in cells; inside a function it works.
	tests := []struct {
		name  string
		cells []string // evaluated in order in one interpreter
		want  string   // everything printed
	}{
		{"Sort float64", []string{`xs := []float64{3, 1, 2}`, `slices.Sort(xs); fmt.Println(xs)`}, "[1 2 3]\n"},
		{"Sort int", []string{`xs := []int{3, -1, 2}`, `slices.Sort(xs); fmt.Println(xs)`}, "[-1 2 3]\n"},
		{"Sort float32", []string{`xs := []float32{3, 1, 2}`, `slices.Sort(xs); fmt.Println(xs)`}, "[1 2 3]\n"},
		{"Sort string", []string{`xs := []string{"b", "c", "a"}`, `slices.Sort(xs); fmt.Println(xs)`}, "[a b c]\n"},
		{"Sort int64 interpreted", []string{`xs := []int64{5, 3, 9, 1, 1, 0}`, `slices.Sort(xs); fmt.Println(xs)`}, "[0 1 1 3 5 9]\n"},
		{"Sort NaN first", []string{`xs := []float64{2, math.NaN(), 1}`, `slices.Sort(xs); fmt.Println(xs)`}, "[NaN 1 2]\n"},
		{"Sort named slice", []string{`type Vec []float64`, `v := Vec{2, 1}`, `slices.Sort(v); fmt.Println(v)`}, "[1 2]\n"},
		{"SortFunc struct", []string{`type P struct{ X float64 }`, `ps := []P{{3}, {1}, {2}}`,
			`slices.SortFunc(ps, func(a, b P) int { return cmp.Compare(a.X, b.X) }); fmt.Println(ps)`}, "[{1} {2} {3}]\n"},
		{"SortStableFunc keeps order", []string{`type KV struct{ K, V int }`, `s := []KV{{2, 0}, {1, 1}, {2, 2}, {1, 3}, {0, 4}}`,
			`slices.SortStableFunc(s, func(a, b KV) int { return a.K - b.K }); fmt.Println(s)`}, "[{0 4} {1 1} {1 3} {2 0} {2 2}]\n"},
		{"Max Min", []string{`xs := []float64{3, 7, 2}`, `fmt.Println(slices.Max(xs), slices.Min(xs))`}, "7 2\n"},
		{"Max int8 interpreted", []string{`xs := []int8{3, 7, 2}`, `fmt.Println(slices.Max(xs), slices.Min(xs))`}, "7 2\n"},
		{"MaxFunc", []string{`xs := []string{"aa", "b", "ccc"}`, `fmt.Println(slices.MaxFunc(xs, func(a, b string) int { return len(a) - len(b) }))`}, "ccc\n"},
		{"Contains Index", []string{`xs := []float64{1, 2, 3}`, `fmt.Println(slices.Contains(xs, 2.0), slices.Index(xs, 3.0), slices.Index(xs, 9.0))`}, "true 2 -1\n"},
		{"Reverse", []string{`xs := []string{"a", "b", "c"}`, `slices.Reverse(xs); fmt.Println(xs)`}, "[c b a]\n"},
		{"BinarySearch", []string{`xs := []int{1, 3, 5}`, `fmt.Println(slices.BinarySearch(xs, 3))`, `fmt.Println(slices.BinarySearch(xs, 4))`}, "1 true\n2 false\n"},
		{"Equal", []string{`fmt.Println(slices.Equal([]int{1, 2}, []int{1, 2}), slices.Equal([]int{1}, []int{2}))`}, "true false\n"},
		{"Insert Delete", []string{`xs := []int{1, 4}`, `xs = slices.Insert(xs, 1, 2, 3); fmt.Println(xs)`, `xs = slices.Delete(xs, 0, 2); fmt.Println(xs)`}, "[1 2 3 4]\n[3 4]\n"},
		{"IsSorted", []string{`fmt.Println(slices.IsSorted([]float64{1, 2}), slices.IsSorted([]int8{2, 1}))`}, "true false\n"},
		{"maps.Keys sorted", []string{`m := map[string]int{"b": 2, "a": 1, "c": 3}`, `fmt.Println(slices.Sorted(maps.Keys(m)))`}, "[a b c]\n"},
		{"maps.Values sorted", []string{`m := map[string]int{"b": 2, "a": 1, "c": 3}`, `func() { v := maps.Values(m); slices.Sort(v); fmt.Println(v) }()`}, "[1 2 3]\n"},
		{"maps.Equal", []string{`fmt.Println(maps.Equal(map[string]int{"a": 1}, map[string]int{"a": 1}))`}, "true\n"},
		{"Concat", []string{`fmt.Println(slices.Concat([]int{1}, []int{2, 3}))`}, "[1 2 3]\n"},
		{"Grow Clip", []string{`func() { s := slices.Grow([]int{1}, 5); fmt.Println(cap(s) >= 6, len(s), cap(slices.Clip(s))) }()`}, "true 1 1\n"},
		{"Replace", []string{`fmt.Println(slices.Replace([]int{1, 2, 3}, 0, 1, 9, 8))`}, "[9 8 2 3]\n"},
		{"CompactFunc", []string{`fmt.Println(slices.CompactFunc([]int{1, 1, 2}, func(a, b int) bool { return a == b }))`}, "[1 2]\n"},
		{"Compact", []string{`fmt.Println(slices.Compact([]string{"a", "a", "b", "a"}))`}, "[a b a]\n"},
		{"DeleteFunc", []string{`fmt.Println(slices.DeleteFunc([]int{1, 2, 3, 2}, func(a int) bool { return a == 2 }))`}, "[1 3]\n"},
		{"Compare", []string{`fmt.Println(slices.Compare([]int{1}, []int{2}), slices.Compare([]int{1, 2}, []int{1}), slices.Compare([]float64{1}, []float64{1}))`}, "-1 1 0\n"},
		{"CompareFunc", []string{`fmt.Println(slices.CompareFunc([]int{1}, []string{"a"}, func(a int, b string) int { return a - len(b) }))`}, "0\n"},
		{"EqualFunc", []string{`fmt.Println(slices.EqualFunc([]int{1}, []string{"a"}, func(a int, b string) bool { return a == len(b) }))`}, "true\n"},
		{"IndexFunc ContainsFunc", []string{`f := func(x float64) bool { return x > 1 }`, `fmt.Println(slices.IndexFunc([]float64{0, 2}, f), slices.ContainsFunc([]float64{0}, f))`}, "1 false\n"},
		{"Clone Repeat Collect", []string{`fmt.Println(slices.Clone([]int{1}), slices.Repeat([]int{1, 2}, 2), slices.Collect([]int{3}))`}, "[1] [1 2 1 2] [3]\n"},
		{"SortedFunc", []string{`fmt.Println(slices.SortedFunc([]int{1, 3, 2}, func(a, b int) int { return b - a }))`}, "[3 2 1]\n"},
		{"BinarySearchFunc", []string{`fmt.Println(slices.BinarySearchFunc([]int{10, 20}, 2, func(e, t int) int { return e/10 - t }))`}, "1 true\n"},
		{"Contains untyped constant", []string{`xs := []float64{1, 2}`, `fmt.Println(slices.Contains(xs, 2), slices.Index(xs, 2))`}, "true 1\n"},
		{"maps Clone Copy DeleteFunc", []string{`m := map[string]int{"a": 1, "b": 2}`, `c := map[string]int{}`, `maps.Copy(c, m)`,
			`maps.DeleteFunc(c, func(k string, v int) bool { return v > 1 })`, `fmt.Println(c, maps.Clone(m))`}, "map[a:1] map[a:1 b:2]\n"},
		// maps.EqualFunc here requires one value type (see gosrc/maps.go.txt).
		{"maps.EqualFunc", []string{`fmt.Println(maps.EqualFunc(map[string]int{"a": 1}, map[string]int{"a": -1}, func(a, b int) bool { return a == -b }))`}, "true\n"},
		{"cmp", []string{`fmt.Println(cmp.Compare(1, 2), cmp.Less("b", "a"), cmp.Or(0, 3))`}, "-1 false 3\n"},
		{"builtin Min Max", []string{`a, b := 2.5, 1.0`, `fmt.Println(gophysbuiltin.Min(a, b), gophysbuiltin.Max(a, b, 7.0))`}, "1 7\n"},
		{"builtin Max NaN", []string{`fmt.Println(gophysbuiltin.Max(1.0, math.NaN()), gophysbuiltin.Min(math.NaN(), 1.0))`}, "NaN NaN\n"},
		{"builtin Clear map", []string{`m := map[string]int{"a": 1}`, `gophysbuiltin.Clear(m); fmt.Println(len(m))`}, "0\n"},
		{"builtin Clear slice", []string{`s := []int{1, 2}`, `gophysbuiltin.Clear(s); fmt.Println(s)`}, "[0 0]\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			i := newInterpreter(t, &out)
			for _, imp := range []string{"fmt", "math", "cmp", "slices", "maps"} {
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

// TestSortUsesCompiledCode checks that slices.Sort, Max and Min on the
// common element types reach the compiled instantiations: counting wrappers
// replace them for the test's interpreter, so the check is exact rather than
// a timing comparison (interpreted code is ~100x slower, but timings flake).
func TestSortUsesCompiledCode(t *testing.T) {
	calls := map[string]int{}
	for _, name := range []string{"SortFloat64", "SortInt", "SortString", "SortFloat32", "MaxFloat64", "MinInt"} {
		orig := genericSymbols[name]
		t.Cleanup(func() { genericSymbols[name] = orig })
		genericSymbols[name] = reflect.MakeFunc(orig.Type(), func(args []reflect.Value) []reflect.Value {
			calls[name]++
			return orig.Call(args)
		})
	}
	i := newInterpreter(t, &bytes.Buffer{})
	for _, c := range []string{
		`import "slices"`,
		`xs := []float64{3, 1, 2}; slices.Sort(xs)`,
		`ns := []int{3, 1, 2}; slices.Sort(ns)`,
		`ss := []string{"b", "a"}; slices.Sort(ss)`,
		`fs := []float32{2, 1}; slices.Sort(fs)`,
		`hi := 0.0; hi = slices.Max(xs)`,
		`lo := 0; lo = slices.Min(ns)`,
	} {
		if err := eval(i, c); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
	}
	for name, n := range calls {
		if n != 1 {
			t.Errorf("compiled %s called %d times, want 1", name, n)
		}
	}
	if len(calls) != 6 {
		t.Errorf("compiled instantiations called: %v; want all six once", calls)
	}
}

// TestPackageNames checks the implicit-import table for names users type.
func TestPackageNames(t *testing.T) {
	names := PackageNames()
	for name, want := range map[string]string{
		"fmt": "fmt", "mat": "gonum.org/v1/gonum/mat", "plotter": "gonum.org/v1/plot/plotter",
		"plot": "gonum.org/v1/plot", "rand": "math/rand", "draw": "gonum.org/v1/plot/vg/draw",
		"distuv": "gonum.org/v1/gonum/stat/distuv", "display": "github.com/gophys/gophys/display",
		"slices": "slices", "sha3": "crypto/sha3",
	} {
		if got := names[name]; got != want {
			t.Errorf("PackageNames()[%q] = %q, want %q", name, got, want)
		}
	}
	for name, p := range names {
		if strings.Contains(p, "kernel/symbols") || name == "" {
			t.Errorf("internal entry %q → %q in PackageNames", name, p)
		}
	}
}

// TestClearRejectsNonContainers checks clear's compile-time rule becomes a
// cell error, not a silent no-op.
func TestClearRejectsNonContainers(t *testing.T) {
	i := newInterpreter(t, &bytes.Buffer{})
	err := eval(i, `gophysbuiltin.Clear(3)`)
	if err == nil || !strings.Contains(err.Error(), "must be a map or a slice") {
		t.Errorf("Clear(3) error = %v, want one saying it must be a map or a slice", err)
	}
}

// BenchmarkLoad measures what a fresh interpreter costs the kernel at start
// and on %reset: interp.New plus Load.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		newInterpreter(b, &bytes.Buffer{})
	}
}
