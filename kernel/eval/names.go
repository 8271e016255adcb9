package eval

import (
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// This file tracks what cells import and declare: implicit imports, the
// type redefinition rule, and the answers the rewriter asks about names.

// newImport is an import the cell needs that the interpreter lacks.
type newImport struct {
	spec       *ast.ImportSpec
	name, path string
}

// resolveImports returns the cell's explicit imports that are new, plus
// implicit imports for package names the cell uses without importing.
func (st *state) resolveImports(sc *splitCell, rw *rewriter) ([]newImport, error) {
	idx := packages()
	var out []newImport
	seen := map[string]bool{}
	for _, spec := range sc.imports {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			return nil, &rewriteError{pos: spec.Path.Pos(), msg: "malformed import path " + spec.Path.Value}
		}
		name := idx.names[p]
		if name == "" {
			name = p[strings.LastIndex(p, "/")+1:]
		}
		if spec.Name != nil {
			name = spec.Name.Name
		}
		if name == "_" || name == "." {
			// Side-effect and dot imports are passed through every time.
			out = append(out, newImport{spec: spec, name: name, path: p})
			continue
		}
		if st.imports[name] == p || seen[name] {
			continue // already imported: yaegi would reject it again
		}
		seen[name] = true
		out = append(out, newImport{spec: spec, name: name, path: p})
	}
	// Implicit imports: an unresolved X in X.Sel that names a known package.
	selBase := map[*ast.Ident]bool{}
	inspect := func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				selBase[id] = true
			}
		}
		return true
	}
	for _, d := range sc.decls {
		ast.Inspect(d, inspect)
	}
	if sc.stmts != nil {
		ast.Inspect(sc.stmts, inspect)
	}
	for _, id := range sc.unresolved {
		if !selBase[id] || seen[id.Name] || rw.isUserName(id.Name) {
			continue
		}
		if _, ok := st.imports[id.Name]; ok {
			continue
		}
		p, ok := idx.byShort[id.Name]
		if !ok {
			continue
		}
		seen[id.Name] = true
		spec := &ast.ImportSpec{Path: &ast.BasicLit{ValuePos: id.Pos(), Kind: token.STRING, Value: strconv.Quote(p)}}
		if idx.names[p] != id.Name {
			spec.Name = &ast.Ident{NamePos: id.Pos(), Name: id.Name}
		}
		out = append(out, newImport{spec: spec, name: id.Name, path: p})
	}
	return out, nil
}

// localName returns the local name under which the cell can use the package
// with default name pkg: imported already, importable implicitly, and not
// hidden by a user declaration.
func (st *state) localName(pkg string, imports []newImport) (string, bool) {
	if d := st.declared[pkg]; d != nil {
		return "", false
	}
	for name, p := range st.imports {
		if p == pkg {
			return name, true
		}
	}
	for _, imp := range imports {
		if imp.path == pkg {
			return imp.name, true
		}
	}
	return "", false
}

// checkTypes applies the redefinition rule to the cell's type declarations:
// an identical redefinition is dropped (a no-op), a changed one is an error,
// since yaegi would silently keep the old layout.
func (st *state) checkTypes(decls []ast.Decl) ([]ast.Decl, error) {
	out := decls[:0:0]
	for _, d := range decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			out = append(out, d)
			continue
		}
		var specs []ast.Spec
		for _, s := range g.Specs {
			ts := s.(*ast.TypeSpec)
			old := st.declared[ts.Name.Name]
			if old == nil || old.kind != token.TYPE {
				specs = append(specs, s)
				continue
			}
			if old.typeDef == typeDefinition(ts) {
				continue
			}
			return nil, &rewriteError{pos: ts.Name.Pos(), msg: fmt.Sprintf(
				"type %s is already defined with a different definition; run %%reset to clear earlier definitions (the interpreter cannot change a type's layout)",
				ts.Name.Name)}
		}
		if len(specs) > 0 {
			g.Specs = specs
			out = append(out, g)
		}
	}
	return out, nil
}

// recordDecls remembers what a successful declaration piece declared.
func (st *state) recordDecls(decls []ast.Decl, rw *rewriter) {
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil {
				continue
			}
			st.declared[d.Name.Name] = &declared{kind: token.FUNC, typ: "func", results: fieldCount(d.Type.Results),
				generic: d.Type.TypeParams != nil, fixedResults: fixedResultTypes(d.Type)}
		case *ast.GenDecl:
			st.recordGenDecl(d, rw)
		}
	}
}

func (st *state) recordGenDecl(g *ast.GenDecl, rw *rewriter) {
	for _, s := range g.Specs {
		switch s := s.(type) {
		case *ast.TypeSpec:
			st.declared[s.Name.Name] = &declared{kind: token.TYPE, typeDef: typeDefinition(s), results: 1}
		case *ast.ValueSpec:
			for _, id := range s.Names {
				if id.Name == "_" {
					continue
				}
				st.declared[id.Name] = &declared{kind: g.Tok, typ: rw.local[id.Name], results: rw.arityOf(id.Name)}
			}
		}
	}
}

// recordStmts remembers the names top-level statements declared.
func (st *state) recordStmts(block *ast.BlockStmt, rw *rewriter) {
	for _, s := range block.List {
		switch s := s.(type) {
		case *ast.AssignStmt:
			if s.Tok != token.DEFINE {
				continue
			}
			for _, lhs := range s.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && id.Name != "_" && !isHidden(id.Name) {
					st.declared[id.Name] = &declared{kind: token.VAR, typ: rw.local[id.Name], results: rw.arityOf(id.Name)}
				}
			}
		case *ast.DeclStmt:
			if g, ok := s.Decl.(*ast.GenDecl); ok {
				st.recordGenDecl(g, rw)
			}
		}
	}
}

func (rw *rewriter) arityOf(name string) int {
	if n, ok := rw.arity[name]; ok {
		return n
	}
	return -1
}

// typeDefinition is a type declaration's canonical text, for comparing
// redefinitions.
func typeDefinition(ts *ast.TypeSpec) string {
	var b strings.Builder
	if ts.TypeParams != nil {
		b.WriteString("[")
		for _, f := range ts.TypeParams.List {
			for _, n := range f.Names {
				b.WriteString(n.Name + " ")
			}
			b.WriteString(exprString(f.Type) + ";")
		}
		b.WriteString("]")
	}
	if ts.Assign.IsValid() {
		b.WriteString("= ")
	}
	b.WriteString(exprString(ts.Type))
	return b.String()
}

func (st *state) nameType(name string) string {
	if d := st.declared[name]; d != nil && d.typ != "" {
		return d.typ
	}
	if v, ok := st.global(name); ok {
		return kindName(v.Type())
	}
	return ""
}

func (st *state) selectorType(pkg, name string, asCall bool) string {
	if st.declared[pkg] != nil {
		return ""
	}
	p, ok := st.pkgPath(pkg)
	if !ok {
		return ""
	}
	v, ok := packages().symbol(p, name)
	if !ok {
		return ""
	}
	return symbolType(v, asCall)
}

// safeGlobals is yi.Globals, which panics when a failed compile declared a
// variable that no run has allocated yet; it then returns nil.
func safeGlobals(yi *interp.Interpreter) (g map[string]reflect.Value) {
	defer func() {
		if recover() != nil {
			g = nil
		}
	}()
	return yi.Globals()
}

// pkgPath returns the import path of the package a cell calls name: an
// earlier import, this cell's import, or an implicit one.
func (st *state) pkgPath(name string) (string, bool) {
	if p, ok := st.imports[name]; ok {
		return p, true
	}
	if p, ok := st.pending[name]; ok {
		return p, true
	}
	p, ok := packages().byShort[name]
	return p, ok
}

func (st *state) shadowed(name string) bool {
	_, ok := st.declared[name]
	return ok
}

// global returns the value of an interpreted global variable.
func (st *state) global(name string) (reflect.Value, bool) {
	if st.globals == nil {
		st.globals = safeGlobals(st.yi)
	}
	v, ok := st.globals[name]
	return v, ok && v.IsValid()
}
