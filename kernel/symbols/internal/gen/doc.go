// Command gen writes the yaegi symbol tables of package symbols. It wraps
// yaegi's extract package (the code behind `yaegi extract`, pinned by go.mod)
// and adds what `go generate` needs to be robust and deterministic:
//
//   - one `<import path>_gen.go` file per package, named from the import path;
//   - package patterns (`./physnn/...`) expanded with `go list`, skipping
//     internal and main packages;
//   - a failed package is an error (exit status 1) unless -optional is set,
//     in which case it is reported and its previous table is kept;
//   - -prune removes tables of packages the patterns no longer match;
//   - -stdlib-delta writes only the standard-library symbols of the running
//     Go toolchain that yaegi's own tables (Go 1.22) lack, into the
//     stdlibDelta map instead of Symbols.
//
// Usage (from the symbols package directory, as go:generate runs it):
//
//	go run ./internal/gen [-optional] [-prune] [-stdlib-delta] patterns...
package main
