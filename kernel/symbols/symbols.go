package symbols

import (
	"maps"
	"path"
	"reflect"
	"sync"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// Symbols holds the generated tables of the compiled packages preloaded into
// cells (gonum, gonum/plot, display, physnn), keyed as yaegi expects:
// "import/path/pkgname" → symbol name → value. The *_gen.go files fill it in
// their init functions. It does not include the standard library; use
// Exports or Load for everything.
var Symbols = map[string]map[string]reflect.Value{}

// stdlibDelta holds the standard-library symbols of the Go toolchain that
// built the kernel which yaegi's own tables (Go 1.22) lack; the
// stdlib-*_gen.go files fill it. Exports merges it into yaegi's tables
// symbol by symbol.
var stdlibDelta = map[string]map[string]reflect.Value{}

// The tables are regenerated with `make generate` (go generate ./...). Each
// line runs internal/gen, which wraps yaegi's extract package pinned by go.mod.
//
// gonum: linear algebra, statistics, optimisation, integration, differentiation, FFT,
// interpolation, special functions, 3-vectors.
//go:generate go run ./internal/gen gonum.org/v1/gonum/mat gonum.org/v1/gonum/floats gonum.org/v1/gonum/floats/scalar
//go:generate go run ./internal/gen gonum.org/v1/gonum/stat gonum.org/v1/gonum/stat/distuv gonum.org/v1/gonum/stat/distmv gonum.org/v1/gonum/stat/combin gonum.org/v1/gonum/stat/sampleuv
//go:generate go run ./internal/gen gonum.org/v1/gonum/optimize gonum.org/v1/gonum/integrate gonum.org/v1/gonum/integrate/quad gonum.org/v1/gonum/diff/fd
//go:generate go run ./internal/gen gonum.org/v1/gonum/dsp/fourier gonum.org/v1/gonum/interp gonum.org/v1/gonum/mathext gonum.org/v1/gonum/spatial/r3
//
// gonum/plot: plots, plotters, canvases and their back ends, colour palettes, fonts.
//go:generate go run ./internal/gen gonum.org/v1/plot gonum.org/v1/plot/plotter gonum.org/v1/plot/plotutil gonum.org/v1/plot/text gonum.org/v1/plot/font
//go:generate go run ./internal/gen gonum.org/v1/plot/vg gonum.org/v1/plot/vg/draw gonum.org/v1/plot/vg/vgimg gonum.org/v1/plot/vg/vgsvg gonum.org/v1/plot/vg/vgpdf
//go:generate go run ./internal/gen gonum.org/v1/plot/palette gonum.org/v1/plot/palette/moreland gonum.org/v1/plot/palette/brewer
//
// The project's own packages change often: a package that does not compile
// keeps its previous table (with a warning) instead of failing the run, and
// tables of removed packages are pruned.
//go:generate go run ./internal/gen -optional -prune github.com/gophys/gophys/display/... github.com/gophys/gophys/physnn/...
//
// Standard-library symbols added after Go 1.22 (the last release yaegi's
// tables cover), for the packages yaegi already provides.
//go:generate go run ./internal/gen -stdlib-delta -prune std

var (
	exportsOnce sync.Once
	exports     interp.Exports
)

// Exports returns every table a cell interpreter needs, merged: yaegi's
// standard library, the newer standard-library symbols, the compiled
// instantiations behind the generic stdlib functions, and Symbols. Pass it to
// interp.Interpreter.Use, or call Load, which also compiles the generic
// source. The result is built once and shared; callers must not modify it.
func Exports() interp.Exports {
	exportsOnce.Do(func() {
		exports = make(interp.Exports, len(stdlib.Symbols)+len(Symbols)+1)
		maps.Copy(exports, stdlib.Symbols)
		for key, delta := range stdlibDelta {
			merged := maps.Clone(exports[key])
			if merged == nil {
				merged = map[string]reflect.Value{}
			}
			maps.Copy(merged, delta)
			exports[key] = merged
		}
		exports[genericKey] = genericSymbols
		maps.Copy(exports, Symbols)
	})
	return exports
}

// Load makes everything preloaded available to the interpreter i: it uses
// Exports (which also binds fmt, log and os to i's standard streams, as
// yaegi's stdlib does) and compiles the generic functions yaegi lacks (see
// the package documentation). Call it once, right after interp.New.
func Load(i *interp.Interpreter) error {
	if err := i.Use(Exports()); err != nil {
		return err
	}
	return compileGenericSource(i)
}

var (
	namesOnce sync.Once
	names     map[string]string
)

// PackageNames maps the name a cell uses for each preloaded package (its
// package clause name, "mat", "plotter", "fmt") to its import path, for
// adding implicit imports. Where several packages share a name, the one
// users of this kernel mean most often wins (preferredPath lists them); the
// others need an explicit import. The map is built once and shared; callers
// must not modify it.
func PackageNames() map[string]string {
	namesOnce.Do(func() {
		names = map[string]string{}
		for key := range Exports() {
			importPath, name := path.Dir(key), path.Base(key)
			if !importable(importPath) {
				continue
			}
			if prev, ok := names[name]; ok && preferredPath[name] != importPath &&
				(preferredPath[name] == prev || importPath > prev) {
				continue // deterministic: the preferred path, else the smallest
			}
			names[name] = importPath
		}
	})
	return names
}

// preferredPath settles package names shared by several preloaded packages.
var preferredPath = map[string]string{
	"rand":     "math/rand", // rand.Intn, rand.Float64 as most examples write them
	"template": "text/template",
	"scanner":  "text/scanner",
	"pprof":    "runtime/pprof",
	"draw":     "gonum.org/v1/plot/vg/draw", // plot layouts (draw.Tiles) are what notebooks use
	"palette":  "gonum.org/v1/plot/palette",
	"constant": "go/constant",
	"parse":    "text/template/parse",
	"syntax":   "regexp/syntax",
	"quick":    "testing/quick",
	"r3":       "gonum.org/v1/gonum/spatial/r3",
	"big":      "math/big",
	"color":    "image/color",
	"trace":    "runtime/trace",
}

// importable reports whether a key of Exports is a package cells import
// (not yaegi's own entries or the kernel's internal helpers).
func importable(importPath string) bool {
	switch importPath {
	case ".", genericPath, "github.com/traefik/yaegi/stdlib":
		return false
	}
	return true
}
