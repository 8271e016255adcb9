package symbols

import (
	"cmp"
	"embed"
	"fmt"
	"reflect"
	"slices"

	"github.com/traefik/yaegi/interp"
)

// BuiltinPackage is the name of the interpreted package holding Go 1.21's
// builtins that yaegi v0.16.1 lacks: Min and Max (for min and max, any
// number of ordered arguments of one type) and Clear (for clear, a map or a
// slice). The eval adapter rewrites min(a, b) to BuiltinPackage + ".Min(a, b)".
// The package is visible in every cell without an import.
const BuiltinPackage = "gophysbuiltin"

// genericPath is the binary package (not a real Go package: it holds only
// functions) through which the interpreted generic source reaches compiled
// instantiations.
const (
	genericPath = "github.com/gophys/gophys/kernel/symbols/generic"
	genericKey  = genericPath + "/generic"
)

// genericSymbols holds compiled instantiations of the stdlib generic
// functions for the element types cells use most. The interpreted generic
// functions in gosrc/ switch on the argument's type and call these for
// []int, []float64, []float32 and []string, so sorting a million floats runs
// at compiled speed; other element types take the interpreted path.
var genericSymbols = map[string]reflect.Value{
	"ClearValue": reflect.ValueOf(clearValue),
}

func init() {
	registerOrdered[int]("Int")
	registerOrdered[float64]("Float64")
	registerOrdered[float32]("Float32")
	registerOrdered[string]("String")
}

// registerOrdered adds the compiled instantiations for element type E under
// names ending in suffix ("SortFloat64").
func registerOrdered[E cmp.Ordered](suffix string) {
	genericSymbols["Sort"+suffix] = reflect.ValueOf(slices.Sort[[]E])
	genericSymbols["IsSorted"+suffix] = reflect.ValueOf(slices.IsSorted[[]E])
	genericSymbols["Min"+suffix] = reflect.ValueOf(slices.Min[[]E])
	genericSymbols["Max"+suffix] = reflect.ValueOf(slices.Max[[]E])
	genericSymbols["BinarySearch"+suffix] = reflect.ValueOf(slices.BinarySearch[[]E])
	genericSymbols["Index"+suffix] = reflect.ValueOf(slices.Index[[]E])
	genericSymbols["Reverse"+suffix] = reflect.ValueOf(slices.Reverse[[]E])
	genericSymbols["Equal"+suffix] = reflect.ValueOf(slices.Equal[[]E])
}

// clearValue implements the clear builtin for whatever a cell passes: it
// deletes every entry of a map and zeroes every element of a slice. Cells'
// maps and slices are real Go values, so reflection reaches them. Anything
// else is a programming error the Go compiler would reject; here it panics
// with the compiler's wording, which the kernel reports as the cell's error.
func clearValue(x any) {
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		v.Clear()
	case reflect.Invalid:
		// clear(nil map or slice) is a no-op.
	default:
		panic(fmt.Sprintf("invalid argument: clear(%s): argument must be a map or a slice", v.Type()))
	}
}

// genericSource holds interpreted generic Go that extends yaegi's embedded
// slices and maps packages and defines BuiltinPackage; see compileGenericSource.
//
//go:embed gosrc/*.go.txt
var genericSource embed.FS

// genericSourceFiles is the order in which the sources are compiled.
var genericSourceFiles = []string{"gosrc/cmp.go.txt", "gosrc/slices.go.txt", "gosrc/maps.go.txt", "gosrc/builtin.go.txt"}

// compileGenericSource adds the generic functions yaegi v0.16.1 lacks.
//
// yaegi provides slices, maps and cmp as interpreted source compiled by Use;
// its slices sort functions are left out (commented FIXME in yaegi's
// stdlib/generic), and its interpreter cannot infer E from an argument of
// type S with the constraint S ~[]E, so even the functions it ships
// (slices.Reverse, slices.Equal) fail with "undefined type for E". Compiling
// a second `package slices` file adds to (and, for a redeclared name,
// replaces in) the same package scope; our functions take []E, which yaegi
// infers. Measured on v0.16.1: a compiled map registered for "slices"
// is never consulted (the source package shadows it), and constraints from
// another package (cmp.Ordered) fail with "undefined type", hence the local
// constraint in gosrc/slices.go.txt.
func compileGenericSource(i *interp.Interpreter) error {
	for _, name := range genericSourceFiles {
		src, err := genericSource.ReadFile(name)
		if err != nil {
			return fmt.Errorf("symbols: read %s: %w", name, err)
		}
		if _, err := i.Compile(string(src)); err != nil {
			return fmt.Errorf("symbols: compile %s: %w", name, err)
		}
	}
	return nil
}
