package assist

import (
	"reflect"
	"strings"
)

// Env is what completion and inspection know about the session. The eval
// adapter implements it from its interpreter; tests use a map-backed fake.
// Methods are called on every request, so they should be cheap (return
// maps the adapter already keeps). Env is read while a cell may be
// running: implementations must be safe for that.
type Env interface {
	// PackageNames maps each name a cell can use as a package (explicit
	// imports and implicitly importable preloaded packages) to its import
	// path: "mat" → "gonum.org/v1/gonum/mat".
	PackageNames() map[string]string

	// Symbols returns the compiled symbols of the package at importPath, as
	// in a yaegi symbol table (functions, variables, constants; types as
	// typed nil pointers; interface wrappers under names starting with
	// "_"), or nil when none are known. Packages interpreted from source
	// (yaegi's slices, maps, cmp) have empty tables; their members come
	// from the doc index.
	Symbols(importPath string) map[string]reflect.Value

	// Globals returns what earlier cells declared, by name.
	Globals() map[string]Global
}

// Kind says what a Global is.
type Kind int

// The kinds of declarations a cell makes.
const (
	Var Kind = iota
	Const
	Func
	Type
)

func (k Kind) String() string {
	switch k {
	case Var:
		return "var"
	case Const:
		return "const"
	case Func:
		return "func"
	case Type:
		return "type"
	}
	return "unknown"
}

// Global is one name declared by an earlier cell.
type Global struct {
	Kind Kind
	// Type is a variable's or constant's type, a function's type, or the
	// declared type itself; nil when unknown. Fields and methods of
	// compiled types are completed from it. (Methods declared in cells on
	// interpreted types are not visible through reflect; Decl supplies
	// them.)
	Type reflect.Type
	// Value is the current value of a variable or constant; the zero Value
	// when unknown or not a value. Inspect shows a short rendering of it.
	Value reflect.Value
	// Decl is the declaration's source as the cell wrote it, doc comment
	// included ("// Energy is ...\nfunc Energy(x float64) float64 {...}"),
	// or "" when unknown. For a type it may also hold the type's method
	// declarations. Inspect shows it without function bodies.
	Decl string
}

// NewEnv returns an Env over yaegi-style symbol tables, keyed
// "importpath/pkgname" as interp.Exports is (kernel/symbols.Exports()), the
// package names a cell can use (kernel/symbols.PackageNames() plus the
// cell's explicit imports), and a function returning earlier cells'
// globals (nil for none). names and globals are consulted on every call,
// so the caller may keep updating what they return.
func NewEnv(exports map[string]map[string]reflect.Value, names func() map[string]string, globals func() map[string]Global) Env {
	byPath := make(map[string]map[string]reflect.Value, len(exports))
	for key, syms := range exports {
		if i := strings.LastIndexByte(key, '/'); i > 0 {
			byPath[key[:i]] = syms
		}
	}
	return &tableEnv{byPath: byPath, names: names, globals: globals}
}

type tableEnv struct {
	byPath  map[string]map[string]reflect.Value
	names   func() map[string]string
	globals func() map[string]Global
}

func (e *tableEnv) PackageNames() map[string]string {
	if e.names == nil {
		return nil
	}
	return e.names()
}

func (e *tableEnv) Symbols(importPath string) map[string]reflect.Value { return e.byPath[importPath] }

func (e *tableEnv) Globals() map[string]Global {
	if e.globals == nil {
		return nil
	}
	return e.globals()
}

// ImportPaths lists every package the tables hold.
func (e *tableEnv) ImportPaths() []string {
	paths := make([]string, 0, len(e.byPath))
	for p := range e.byPath {
		paths = append(paths, p)
	}
	return paths
}
