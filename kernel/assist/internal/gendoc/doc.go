// Command gendoc writes the documentation index that package assist embeds:
// for every exported function, type, method, constant and variable of the
// packages a cell can use, its declaration (the signature, without body) and
// its doc comment, read with go/doc from the package sources.
//
// Usage (as go:generate runs it, from kernel/assist):
//
//	go run ./internal/gendoc -o docs.gz [-override dir] patterns...
//
// Files in -override (Go source with a .go.txt suffix and a package clause)
// replace the entries of the functions they declare: kernel/symbols/gosrc
// holds the interpreted slices and maps functions whose behaviour differs
// from Go's (maps.Keys returns a slice).
//
// # Format
//
// The output is gzip-compressed text: one record per entry, records
// separated by \x1e, fields by \x1f: key, declaration, doc. Keys are
// "importpath" (the package doc), "importpath.Name" and
// "importpath.Type.Method". Records are sorted by key, so the output is
// deterministic.
package main
