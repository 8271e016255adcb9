// Package symbols holds the compiled packages a gophys cell can use without
// building anything: yaegi symbol tables for gonum, gonum/plot, display and
// physnn, the standard library of the Go that built the kernel, and the
// generic standard-library functions yaegi v0.16.1 lacks.
//
// The eval adapter needs two calls:
//
//	i := interp.New(interp.Options{Stdout: out, Stderr: errOut})
//	if err := symbols.Load(i); err != nil { ... }
//	path, ok := symbols.PackageNames()["mat"] // "gonum.org/v1/gonum/mat", for implicit imports
//
// # Tables
//
// Symbols is filled by the generated *_gen.go files, one per package, written
// by `go generate` (`make generate`) through internal/gen, a thin wrapper of
// yaegi's extract package pinned by go.mod. Tables are keyed by the real
// import path, so interface wrappers (the "_Name" entries that let
// interpreted types satisfy compiled interfaces such as plot.Plotter) are
// found by yaegi under the type's own package path; a wrong path makes yaegi
// crash in genInterfaceWrapper. Tables for display and physnn are
// regenerated as those packages change; a package that does not compile
// keeps its previous table and the run reports it.
//
// yaegi's standard-library tables stop at Go 1.22. The stdlib-*_gen.go files
// add, symbol by symbol, what later releases exported in the packages yaegi
// provides (os.Root, reflect.SliceAt, strings.Lines, sync/atomic.AndInt32,
// ...) and a few new packages (crypto/sha3, crypto/mlkem, go/version).
// Functions returning iterators (strings.Lines, strings.SplitSeq) resolve
// but cannot be ranged over: yaegi cannot range over functions.
//
// # Generic functions
//
// yaegi interprets the standard library's generic packages from embedded
// source, but v0.16.1 leaves out the sort functions (slices.Sort, Max, Min,
// BinarySearch...) and cannot infer E from an argument of type S with the
// constraint S ~[]E, so slices.Reverse or slices.Equal fail too. Load
// compiles extra generic source (gosrc/) into the same slices and maps
// packages:
//
//   - slices: Sort, SortFunc, SortStableFunc, IsSorted, IsSortedFunc, Min,
//     Max, MinFunc, MaxFunc, BinarySearch, BinarySearchFunc, Index, Contains,
//     IndexFunc, ContainsFunc, Equal, Reverse, Clone, Insert, Delete,
//     Compact, CompactFunc, DeleteFunc, Replace, Concat, Grow, Clip,
//     Compare, CompareFunc, EqualFunc, Repeat, and slice-taking Sorted,
//     SortedFunc, SortedStableFunc, Collect;
//   - maps: Keys and Values returning slices (Go 1.23 returns iterators,
//     which yaegi cannot range over), Equal, EqualFunc (one value type),
//     Clone, Copy, DeleteFunc;
//   - cmp: Or.
//
// Known yaegi v0.16.1 limits that remain: defining a cell-level variable
// from a generic call (k := maps.Keys(m) at the top level of a cell) panics
// inside yaegi ("nil reflect type"); the same statement inside a function
// works, as does assigning to a declared variable (var k []string; then
// k = maps.Keys(m)). Passing a cell's value directly as a variadic
// interface argument (p.Add(myPlotter{})) fails; assign it to the
// interface type first.
//
// For []int, []float64, []float32 and []string, Sort, IsSorted... call
// compiled instantiations, so sorting runs at compiled speed; other element
// types run interpreted. These functions take and return []E where Go takes
// S ~[]E: a named slice type is accepted, but results are plain slices.
//
// The builtins min, max and clear (Go 1.21) are undefined in yaegi v0.16.1.
// The interpreted package named by BuiltinPackage provides Min, Max and
// Clear, visible in every cell; the eval adapter rewrites min(a, b) to
// gophysbuiltin.Min(a, b). Calls whose arguments are all untyped constants
// fail in yaegi (an untyped constant does not satisfy a type set); fold or
// type them first.
//
// # Adding a package
//
// Add its import path to a go:generate line in symbols.go (a pattern such
// as github.com/gophys/gophys/physnn/... picks up new subpackages by
// itself), run `make generate` (or `go generate ./kernel/symbols`), and run
// `go test ./kernel/symbols`: TestExportedSymbolsResolve then checks every
// exported name of the new package in an interpreter. Add its docs to the
// go:generate line of kernel/assist/docindex.go so Shift-Tab knows it.
//
// # Package names
//
// PackageNames maps package names to import paths for implicit imports.
// Where two preloaded packages share a name, one is preferred (math/rand
// over crypto/rand, gonum's vg/draw over image/draw); see preferredPath.
package symbols
