// Package assist answers Jupyter's complete_request (Tab) and
// inspect_request (Shift-Tab, `x?`) for Go cells, from what the session
// knows rather than from yaegi's internals:
//
//	env := assist.NewEnv(symbols.Exports(), packageNames, globals)
//	c := assist.Complete("fmt.Pri", 7, env)      // Print, Printf, Println
//	in := assist.Inspect("mat.NewDense(", 13, 0, env) // signature and doc
//
// # What it knows
//
// An Env supplies the compiled packages' symbol tables, the package names a
// cell can use, and the globals earlier cells declared (with their reflect
// types, values and declaration source). From these, Complete offers package
// members, fields and methods of a value's type (following selector chains
// such as m.T().At), variables the current cell defines, keywords,
// predeclared names and package names. Types are worked out from reflect
// for compiled types and from the cells' source for interpreted ones (yaegi
// hides the methods of types declared in cells from reflect).
//
// Inspect shows a declaration without its body plus the doc comment. Docs
// of the preloaded packages (the standard library subset notebooks use,
// gonum, gonum/plot, display, physnn) come from an index generated at build
// time by internal/gendoc (go/doc over the sources; `go generate`) and
// embedded compressed (docs.gz, ~350 KB). It is decompressed on first use
// (~30 ms), never at start-up; Preload warms it from a goroutine.
//
// # Positions
//
// Cursor positions and the returned cursor_start/cursor_end are Unicode
// code points, as protocol 5.2 specifies.
//
// # Errors
//
// Neither function fails: what cannot be resolved yields no matches, or
// Found false. Both are safe to call while a cell runs, provided the Env is.
package assist
