package symbols

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// newInterpreter returns an interpreter with everything loaded, writing the
// cells' standard output to out.
func newInterpreter(t testing.TB, out io.Writer) *interp.Interpreter {
	t.Helper()
	i := interp.New(interp.Options{Stdout: out, Stderr: out})
	if err := Load(i); err != nil {
		t.Fatalf("Load: %v", err)
	}
	return i
}

// eval runs src and turns yaegi's host panics into errors, as the kernel does.
func eval(i *interp.Interpreter, src string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	_, err = i.Eval(src)
	return err
}

// listedPackage is what the test reads from `go list -json`.
type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	GoFiles    []string
}

// goList describes the packages at importPaths (for this GOOS/GOARCH).
func goList(t *testing.T, importPaths []string) []listedPackage {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-json=ImportPath,Name,Dir,GoFiles"}, importPaths...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// exportedSymbol is one package-level exported name and how to reference it.
type exportedSymbol struct {
	name    string
	isType  bool
	isConst bool
	generic bool // generic functions and types: not extractable (see below)
	typeSet bool // interfaces with type elements: constraints, not types
}

// exportedSymbols parses a package's files (go/parser, no type checking)
// and lists its exported package-level names.
func exportedSymbols(t *testing.T, p listedPackage) []exportedSymbol {
	t.Helper()
	fset := token.NewFileSet()
	var syms []exportedSymbol
	for _, name := range p.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() {
					syms = append(syms, exportedSymbol{name: d.Name.Name, generic: d.Type.TypeParams != nil})
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							syms = append(syms, exportedSymbol{name: s.Name.Name, isType: true,
								generic: s.TypeParams != nil, typeSet: isTypeSet(s.Type)})
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								syms = append(syms, exportedSymbol{name: n.Name, isConst: d.Tok == token.CONST})
							}
						}
					}
				}
			}
		}
	}
	return syms
}

// isTypeSet reports whether expr is an interface usable only as a type
// constraint: it has a union (A | B), an approximation (~T), a basic type or
// comparable among its elements.
func isTypeSet(expr ast.Expr) bool {
	it, ok := expr.(*ast.InterfaceType)
	if !ok {
		return false
	}
	for _, m := range it.Methods.List {
		if len(m.Names) > 0 {
			continue // a method
		}
		switch e := m.Type.(type) {
		case *ast.BinaryExpr, *ast.UnaryExpr:
			return true
		case *ast.Ident:
			if token.IsExported(e.Name) || e.Name == "error" {
				continue // an embedded interface
			}
			return true // comparable, int, float64...
		}
	}
	return false
}

// knownUnresolved lists non-generic exported symbols that do not resolve in
// yaegi, each with the reason. Keep it empty unless a reason is real.
var knownUnresolved = map[string]string{}

// TestExportedSymbolsResolve checks that every exported, non-generic
// package-level symbol of every preloaded package resolves in an
// interpreter: values are evaluated as pkg.Name, types referenced as
// *pkg.Name. Generic functions and types are skipped and listed (-v):
// yaegi extract cannot produce a compiled value for them (only an
// instantiation is a value; see generic.go for how the stdlib's are
// provided), and type-set interfaces exist only as constraints.
func TestExportedSymbolsResolve(t *testing.T) {
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range Exports() {
			if importable(path.Dir(k)) && !yield(k) {
				return
			}
		}
	})
	var importPaths []string
	for _, k := range keys {
		importPaths = append(importPaths, path.Dir(k))
	}
	for _, p := range goList(t, importPaths) {
		t.Run(p.ImportPath, func(t *testing.T) {
			i := newInterpreter(t, io.Discard)
			if err := eval(i, fmt.Sprintf("import pkg %q", p.ImportPath)); err != nil {
				t.Fatalf("import: %v", err)
			}
			var skipped []string
			for _, s := range exportedSymbols(t, p) {
				ref := p.ImportPath + "." + s.name
				if s.generic || s.typeSet {
					skipped = append(skipped, s.name)
					continue
				}
				var src string
				switch {
				case s.isType:
					src = "var _ *pkg." + s.name
				case s.isConst:
					// A constant context: _ = math.MaxUint64 overflows int in Go too.
					src = "const _ = pkg." + s.name
				default:
					src = "_ = pkg." + s.name
				}
				if err := eval(i, src); err != nil {
					if reason, ok := knownUnresolved[ref]; ok {
						t.Logf("%s unresolved as expected: %s", ref, reason)
						continue
					}
					t.Errorf("%s does not resolve: %v", ref, err)
				}
			}
			if len(skipped) > 0 {
				t.Logf("skipped generic or constraint-only: %s", strings.Join(skipped, " "))
			}
		})
	}
}

// TestExportsMergesStdlibDelta checks that the newer standard-library
// symbols join yaegi's tables instead of replacing them, and that yaegi's
// own tables are left untouched (other interpreters in the process use
// them).
func TestExportsMergesStdlibDelta(t *testing.T) {
	tests := []struct {
		key, old, added string // a symbol yaegi has and one the delta adds
	}{
		{"strings/strings", "Contains", "Lines"},
		{"os/os", "Open", "OpenRoot"},
		{"reflect/reflect", "TypeOf", "SliceAt"},
		{"sync/atomic/atomic", "AddInt32", "AndInt32"},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			syms := Exports()[tc.key]
			for _, name := range []string{tc.old, tc.added} {
				if v, ok := syms[name]; !ok || !v.IsValid() {
					t.Errorf("Exports()[%q] lacks %s", tc.key, name)
				}
			}
			if _, ok := stdlib.Symbols[tc.key][tc.added]; ok {
				t.Errorf("yaegi's own table for %s gained %s: the merge wrote into it", tc.key, tc.added)
			}
		})
	}
	if _, ok := Exports()["crypto/sha3/sha3"]["New256"]; !ok {
		t.Error("the new package crypto/sha3 is missing")
	}
	for _, restricted := range []string{"unsafe/unsafe", "syscall/syscall", "os/exec/exec"} {
		if _, ok := Exports()[restricted]; ok {
			t.Errorf("%s is exported; yaegi keeps it behind explicit opt-in", restricted)
		}
	}
}
