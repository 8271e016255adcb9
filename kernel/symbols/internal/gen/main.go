package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/traefik/yaegi/extract"
	"github.com/traefik/yaegi/stdlib"
)

// dest is the package name the tables are written into.
const dest = "symbols"

func main() {
	optional := flag.Bool("optional", false, "report packages that fail to load and keep their previous tables instead of failing")
	prune := flag.Bool("prune", false, "remove tables of packages under the patterns' roots that no longer exist")
	delta := flag.Bool("stdlib-delta", false, "write only the standard-library symbols yaegi's tables lack")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: gen [-optional] [-prune] [-stdlib-delta] patterns...")
		os.Exit(2)
	}
	if err := run(flag.Args(), *optional, *prune, *delta); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// listedPackage is the part of `go list -json` output gen reads.
type listedPackage struct {
	ImportPath string
	Name       string
	Standard   bool
	Error      *struct{ Err string }
}

func run(patterns []string, optional, prune, delta bool) error {
	pkgs, err := list(patterns)
	if err != nil {
		return err
	}
	written := map[string]bool{}
	var failed []string
	for _, p := range pkgs {
		file := fileName(p.ImportPath, delta)
		if p.Error != nil {
			if !optional {
				return fmt.Errorf("%s: %s", p.ImportPath, p.Error.Err)
			}
			fmt.Fprintf(os.Stderr, "gen: WARNING: skipping %s (keeping its previous table): %s\n", p.ImportPath, p.Error.Err)
			written[file] = true // keep, do not prune
			failed = append(failed, p.ImportPath)
			continue
		}
		src, err := generate(p, delta)
		if err != nil {
			if !optional {
				return fmt.Errorf("%s: %w", p.ImportPath, err)
			}
			fmt.Fprintf(os.Stderr, "gen: WARNING: skipping %s (keeping its previous table): %v\n", p.ImportPath, err)
			written[file] = true
			failed = append(failed, p.ImportPath)
			continue
		}
		if src == nil { // nothing to add (stdlib delta already complete)
			continue
		}
		if err := writeIfChanged(file, src); err != nil {
			return err
		}
		written[file] = true
	}
	if prune {
		if err := pruneStale(patterns, delta, written); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		fmt.Fprintf(os.Stderr, "gen: %d package(s) skipped: %s\n", len(failed), strings.Join(failed, " "))
	}
	return nil
}

// list expands patterns with `go list -e -json`, dropping internal, main and
// test-only packages, which cannot or need not be imported by cells.
func list(patterns []string) ([]listedPackage, error) {
	cmd := exec.Command("go", append([]string{"list", "-e", "-json=ImportPath,Name,Standard,Error"}, patterns...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list %s: %w", strings.Join(patterns, " "), err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("decode go list output: %w", err)
		}
		if p.Name == "main" || isInternal(p.ImportPath) || strings.HasSuffix(p.ImportPath, ".test") {
			continue
		}
		if !p.Standard && (strings.HasSuffix(p.Name, "test") || p.Name == "bench") {
			// Test helpers (displaytest, physnntest) serve Go tests, not
			// cells, and would link package testing into the kernel;
			// benchmark packages (physnn/bench) export nothing.
			continue
		}
		pkgs = append(pkgs, p)
	}
	slices.SortFunc(pkgs, func(a, b listedPackage) int { return strings.Compare(a.ImportPath, b.ImportPath) })
	return pkgs, nil
}

func isInternal(importPath string) bool {
	return slices.Contains(strings.Split(importPath, "/"), "internal")
}

// fileName names a package's table after its import path, as yaegi extract
// does, with the _gen.go suffix our generated files carry.
func fileName(importPath string, delta bool) string {
	r := strings.NewReplacer("/", "-", ".", "_", "~", "_")
	name := r.Replace(importPath) + "_gen.go"
	if delta {
		name = "stdlib-" + name
	}
	return name
}

func generate(p listedPackage, delta bool) ([]byte, error) {
	ext := extract.Extractor{Dest: dest}
	if delta {
		missing, err := missingStdlibSymbols(p)
		if err != nil {
			return nil, err
		}
		if len(missing) == 0 {
			return nil, nil
		}
		ext.Include = []string{"^(" + strings.Join(missing, "|") + ")$"}
	}
	var buf bytes.Buffer
	if _, err := ext.Extract(p.ImportPath, "", &buf); err != nil {
		return nil, err
	}
	src := buf.Bytes()
	if delta {
		// The extract template assigns Symbols[key] = ..., which would replace
		// yaegi's table for the package; the delta lives in its own map and is
		// merged symbol by symbol (see Exports).
		src = bytes.Replace(src, []byte("\tSymbols["), []byte("\tstdlibDelta["), 1)
		if bytes.Contains(src, []byte("= map[string]reflect.Value{}\n")) {
			return nil, nil // only names extract skips (constraints such as cmp.Ordered)
		}
	}
	return src, nil
}

// newStdlibPackages are standard-library packages added after Go 1.22 whose
// tables are generated in full by -stdlib-delta. Packages that are wholly
// generic (iter, unique, weak, crypto/hkdf, crypto/pbkdf2) have nothing to
// extract; test helpers and runtime internals are left out.
var newStdlibPackages = map[string]bool{
	"crypto/sha3":  true,
	"crypto/mlkem": true,
	"go/version":   true,
}

// missingStdlibSymbols lists the exported, non-generic package-level names of
// a standard-library package (for the running GOOS/GOARCH) that yaegi's Go
// 1.22 tables lack. Interface types used only as constraints are left to
// extract, which skips them.
func missingStdlibSymbols(p listedPackage) ([]string, error) {
	if !p.Standard {
		return nil, fmt.Errorf("-stdlib-delta given a non-standard package")
	}
	have, ok := stdlib.Symbols[p.ImportPath+"/"+p.Name]
	if !ok && !newStdlibPackages[p.ImportPath] {
		// yaegi leaves some packages out on purpose (unsafe, syscall,
		// os/exec need explicit opt-in); newer ones are added only when
		// listed in newStdlibPackages.
		return nil, nil
	}
	bp, err := build.Default.Import(p.ImportPath, "", 0)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var missing []string
	add := func(id *ast.Ident) {
		if _, ok := have[id.Name]; !ok && id.IsExported() {
			missing = append(missing, regexp.QuoteMeta(id.Name))
		}
	}
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(bp.Dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Type.TypeParams == nil {
					add(d.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.TypeParams == nil {
							add(s.Name)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							add(n)
						}
					}
				}
			}
		}
	}
	slices.Sort(missing)
	return slices.Compact(missing), nil
}

// writeIfChanged keeps the file's modification time when nothing changed,
// so repeated `go generate` runs do not trigger rebuilds.
func writeIfChanged(file string, src []byte) error {
	if old, err := os.ReadFile(file); err == nil && bytes.Equal(old, src) {
		return nil
	}
	return os.WriteFile(file, src, 0o644)
}

// pruneStale removes generated tables whose names start like the patterns'
// roots but were not produced by this run (a package that was removed).
func pruneStale(patterns []string, delta bool, written map[string]bool) error {
	existing, err := filepath.Glob("*_gen.go")
	if err != nil {
		return err
	}
	if delta {
		// Every delta table comes from one run over the whole standard library.
		patterns = []string{"std-delta"}
	}
	for _, pat := range patterns {
		root := strings.TrimSuffix(strings.TrimSuffix(pat, "..."), "/")
		prefix := strings.TrimSuffix(fileName(root, false), "_gen.go")
		if delta {
			prefix = "stdlib"
		}
		for _, f := range existing {
			if written[f] || !strings.HasPrefix(f, prefix) {
				continue
			}
			// Only files below this root: the next byte is the path separator
			// or the end of the name.
			if rest := strings.TrimPrefix(f, prefix); rest != "_gen.go" && !strings.HasPrefix(rest, "-") {
				continue
			}
			fmt.Fprintf(os.Stderr, "gen: removing stale %s\n", f)
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	return nil
}
