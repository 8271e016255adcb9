package eval

import (
	"cmp"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"unsafe"
)

// builtinsPath is the import path of the small compiled package the rewrites
// call into. Cells never import it by this name: the prelude imports it as
// builtinsAlias, a name no user writes.
//
// The path is this package's own: yaegi finds the wrapper that lets an
// interpreted value satisfy a compiled interface under the interface's real
// package path, and the renderer interfaces below are declared here.
const (
	builtinsPath  = "github.com/gophys/gophys/kernel/eval"
	builtinsAlias = "__gophys"
)

// Names the rewrites and the prelude introduce into the interpreter.
const (
	finalVar   = "__gophysV"      // interpreted global holding the cell's final value
	finalTemp  = "__gophysT"      // the final value with its static type, before finalVar
	genericMin = "__gophysMin"    // interpreted generic fallback for min
	genericMax = "__gophysMax"    // interpreted generic fallback for max
	rangeLimit = "__gophysLimit"  // prefix of the hidden bound of a rewritten range-over-int loop
	goArg      = "__gophysGoArg"  // prefix of the hidden arguments of a rewritten go statement
	goRecover  = "__gophysRecov"  // the recovered value inside a rewritten go statement
	stdinName  = "Stdin"          // builtins symbol standing in for os.Stdin
	goPanicFn  = "GoroutinePanic" // builtins symbol that reports a goroutine's panic
	nilTemp    = "__gophysNil"    // prefix of the typed nil of a rewritten multiple assignment
	loopCopy   = "__gophysLoop"   // prefix of a loop variable's per-iteration copy
	tupleTemp  = "__gophysTup"    // prefix of a hoisted call of a rewritten multiple assignment
	innerName  = "__gophysIn"     // prefix of a renamed block-local variable that shadows a top-level one
	rangeKey   = "__gophysKey"    // prefix of the named key of a range loop written with a blank key
)

// prelude is evaluated once in every fresh interpreter. The generic fallbacks
// cover min and max over types the rewriter cannot see; finalVar holds a
// cell's final value so richChecks can look for methods of interpreted
// types, which compiled code cannot see through an interface (yaegi passes
// interpreted values to compiled code as bare structs).
const prelude = `import "` + builtinsPath + `"

type __gophysOrdered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string
}

func ` + genericMin + `[T __gophysOrdered](x T, ys ...T) T {
	for _, y := range ys {
		if y < x {
			x = y
		}
	}
	return x
}

func ` + genericMax + `[T __gophysOrdered](x T, ys ...T) T {
	for _, y := range ys {
		if y > x {
			x = y
		}
	}
	return x
}

var ` + finalVar + ` any
`

// richChecks are the interpreted checks run on a final value of an
// interpreted type, one function each, compiled once per interpreter and
// each run under its own recover: yaegi v0.16.1 mishandles asserting an
// interpreted value held in an interface (a wrong frame slot unless the
// assertion is the function's first statement, and panics for some method
// sets), so one failing check must not hide the others or fail the cell.
// Each asserts to a compiled interface (see the wrappers below) and hands
// the rendering to builtins Put.
var richChecks = []struct{ iface, method, mime string }{
	{"MIMEBundler", "MIMEBundle", ""},
	{"HTMLer", "HTML", "text/html"},
	{"Markdowner", "Markdown", "text/markdown"},
	{"LaTeXer", "LaTeX", "text/latex"},
	{"SVGer", "SVG", "image/svg+xml"},
	{"Stringer", "String", "text/plain"},
	{"Errorer", "Error", "text/plain"},
}

// richCheckSource is the interpreted function for one check and the
// statement that calls it on finalVar.
func richCheckSource(i int) (decl, call string) {
	c := richChecks[i]
	name := fmt.Sprintf("__gophysCheck%d", i)
	decl = "func " + name + "(v any) { if r, ok := v.(" + builtinsAlias + "." + c.iface + "); ok { " +
		builtinsAlias + ".Put(" + strconv.Quote(c.mime) + ", r." + c.method + "()) } }\n"
	return decl, name + "(" + finalVar + ")"
}

// ordered is the constraint of the compiled min and max helpers.
type ordered interface{ cmp.Ordered }

func minOf[T ordered](x T, ys ...T) T {
	for _, y := range ys {
		x = min(x, y)
	}
	return x
}

func maxOf[T ordered](x T, ys ...T) T {
	for _, y := range ys {
		x = max(x, y)
	}
	return x
}

// clearValue is the clear builtin for any map or slice, through reflect:
// maps and slices share their storage, so clearing the copy clears the
// caller's value.
func clearValue(v any) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map, reflect.Slice:
		rv.Clear()
	}
}

// minMaxSuffix maps a guessed operand type to the suffix of the compiled
// helper (MinInt, MaxFloat64, ...); types without a compiled helper use the
// interpreted generic fallback.
var minMaxSuffix = map[string]string{
	"int":     "Int",
	"float64": "Float64",
	"float32": "Float32",
	"string":  "String",
}

// builtinsExports returns the compiled package behind builtinsPath, bound to
// one interpreter state: keep receives final values, put the renderings
// richChecks find, goroutinePanic reports
// a recovered goroutine panic and stdin is what os.Stdin reads become.
func builtinsExports(keep func(v any), put func(mime string, v any), goroutinePanic func(r any, where string), stdin *io.Reader) map[string]map[string]reflect.Value {
	return map[string]map[string]reflect.Value{
		builtinsPath + "/" + builtinsAlias: {
			"MinInt":     reflect.ValueOf(minOf[int]),
			"MinFloat64": reflect.ValueOf(minOf[float64]),
			"MinFloat32": reflect.ValueOf(minOf[float32]),
			"MinString":  reflect.ValueOf(minOf[string]),
			"MaxInt":     reflect.ValueOf(maxOf[int]),
			"MaxFloat64": reflect.ValueOf(maxOf[float64]),
			"MaxFloat32": reflect.ValueOf(maxOf[float32]),
			"MaxString":  reflect.ValueOf(maxOf[string]),
			"Clear":      reflect.ValueOf(clearValue),
			"Keep":       reflect.ValueOf(keep),
			"Put":        reflect.ValueOf(put),
			goPanicFn:    reflect.ValueOf(goroutinePanic),
			stdinName:    reflect.ValueOf(stdin).Elem(),

			"MIMEBundler":  reflect.ValueOf((*mimeBundler)(nil)),
			"_mimeBundler": reflect.ValueOf((*_eval_mimeBundler)(nil)),
			"HTMLer":       reflect.ValueOf((*htmler)(nil)),
			"_htmler":      reflect.ValueOf((*_eval_htmler)(nil)),
			"Markdowner":   reflect.ValueOf((*markdowner)(nil)),
			"_markdowner":  reflect.ValueOf((*_eval_markdowner)(nil)),
			"LaTeXer":      reflect.ValueOf((*latexer)(nil)),
			"_latexer":     reflect.ValueOf((*_eval_latexer)(nil)),
			"SVGer":        reflect.ValueOf((*svger)(nil)),
			"_svger":       reflect.ValueOf((*_eval_svger)(nil)),
			"Stringer":     reflect.ValueOf((*stringer)(nil)),
			"_stringer":    reflect.ValueOf((*_eval_stringer)(nil)),
			"Errorer":      reflect.ValueOf((*errorer)(nil)),
			"_errorer":     reflect.ValueOf((*_eval_errorer)(nil)),
		},
	}
}

// unwrapInterpreted returns the value inside yaegi's wrapper for an
// interpreted value held in an interface (interp.valueInterface), which
// yaegi v0.16.1 sometimes passes to compiled code as is; other values are
// returned unchanged.
func unwrapInterpreted(v any) any {
	for range 4 { // wrappers do not nest deeper in practice
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Struct || rv.Type().Name() != "valueInterface" || rv.Type().PkgPath() != "github.com/traefik/yaegi/interp" {
			return v
		}
		c := reflect.New(rv.Type()).Elem()
		c.Set(rv)
		f := c.FieldByName("value")
		if !f.IsValid() || f.Type() != reflect.TypeFor[reflect.Value]() {
			return v
		}
		inner := *(*reflect.Value)(unsafe.Pointer(f.UnsafeAddr()))
		if !inner.IsValid() {
			return nil
		}
		if !inner.CanInterface() {
			return v
		}
		v = inner.Interface()
	}
	return v
}

// isInterpreterWrapper reports whether v is yaegi's wrapper for an
// interpreted value (interp.valueInterface).
func isInterpreterWrapper(v any) bool {
	t := reflect.TypeOf(v)
	return t != nil && t.Kind() == reflect.Struct && t.Name() == "valueInterface" && t.PkgPath() == "github.com/traefik/yaegi/interp"
}

// describePanic formats a recovered panic value for the user.
func describePanic(r any) string {
	if e, ok := r.(error); ok {
		return e.Error()
	}
	return fmt.Sprint(r)
}

// The renderer interfaces showFunc asserts to, each with the wrapper yaegi
// fills in (field IValue, one W<Method> func per method; see yaegi's
// extract template) when an interpreted value is converted to it. yaegi
// looks the wrapper up by "_" + the interface's type name.
type (
	mimeBundler interface{ MIMEBundle() map[string]any }
	htmler      interface{ HTML() string }
	markdowner  interface{ Markdown() string }
	latexer     interface{ LaTeX() string }
	svger       interface{ SVG() string }
	stringer    interface{ String() string }
	errorer     interface{ Error() string }

	_eval_mimeBundler struct {
		IValue      any
		WMIMEBundle func() map[string]any
	}
	_eval_htmler struct {
		IValue any
		WHTML  func() string
	}
	_eval_markdowner struct {
		IValue    any
		WMarkdown func() string
	}
	_eval_latexer struct {
		IValue any
		WLaTeX func() string
	}
	_eval_svger struct {
		IValue any
		WSVG   func() string
	}
	_eval_stringer struct {
		IValue  any
		WString func() string
	}
	_eval_errorer struct {
		IValue any
		WError func() string
	}
)

func (w _eval_mimeBundler) MIMEBundle() map[string]any { return w.WMIMEBundle() }
func (w _eval_htmler) HTML() string                    { return w.WHTML() }
func (w _eval_markdowner) Markdown() string            { return w.WMarkdown() }
func (w _eval_latexer) LaTeX() string                  { return w.WLaTeX() }
func (w _eval_svger) SVG() string                      { return w.WSVG() }
func (w _eval_stringer) String() string                { return w.WString() }
func (w _eval_errorer) Error() string                  { return w.WError() }
