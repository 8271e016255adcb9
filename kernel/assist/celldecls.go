package assist

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
)

// cellDecls is what the cells' own source declares: types with their fields
// and methods, functions, and the variables the current cell defines. It
// completes what reflect cannot show for interpreted types (their methods)
// and what has not run yet (the cell being edited).
type cellDecls struct {
	types   map[string]*ast.TypeSpec
	funcs   map[string]*ast.FuncDecl
	methods map[string]map[string]*ast.FuncDecl // receiver type → name → decl
	locals  map[string]string                   // name → definition (see definitionIn)
	fset    *token.FileSet
	sources map[*ast.FuncDecl]string // decl → its source text, for inspection
}

// topLevelDeclRE finds the start of a func or type declaration at column 0,
// where a cell's declarations start (statements are indented or start
// otherwise).
var topLevelDeclRE = regexp.MustCompile(`(?m)^(?:func|type)[ \t(]`)

func parseCellDecls(globals map[string]Global, code string) *cellDecls {
	d := &cellDecls{
		types:   map[string]*ast.TypeSpec{},
		funcs:   map[string]*ast.FuncDecl{},
		methods: map[string]map[string]*ast.FuncDecl{},
		locals:  map[string]string{},
		fset:    token.NewFileSet(),
		sources: map[*ast.FuncDecl]string{},
	}
	for _, g := range globals {
		if g.Kind == Func || g.Kind == Type {
			d.addSource(g.Decl)
		}
	}
	// The current cell: each func/type declaration chunk separately, so an
	// unfinished statement elsewhere does not hide them.
	starts := topLevelDeclRE.FindAllStringIndex(code, -1)
	for i, s := range starts {
		end := len(code)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		d.addSource(code[s[0]:end])
	}
	d.addEnclosingParams(code)
	for _, m := range rangeRE.FindAllStringSubmatch(code, -1) {
		if m[1] != "_" {
			d.locals[m[1]] = "key:" + m[3]
		}
		if m[2] != "" && m[2] != "_" {
			d.locals[m[2]] = "elem:" + m[3]
		}
	}
	for _, m := range definitionRE.FindAllStringSubmatch(code, -1) {
		for _, n := range strings.Split(m[1], ",") {
			n = strings.TrimSpace(n)
			if n == "_" || n == "" || keywordSet[n] {
				continue
			}
			if def := definitionIn(code, n); def != "" {
				d.locals[n] = def
			}
		}
	}
	return d
}

// rangeRE finds "for k, v := range expr {" headers.
var rangeRE = regexp.MustCompile(`for[ \t]+([\pL_][\pL\pN_]*)(?:[ \t]*,[ \t]*([\pL_][\pL\pN_]*))?[ \t]*:=[ \t]*range[ \t]+([^{\n]+?)[ \t]*\{`)

// funcHeaderRE finds function and method headers (up to the body's brace).
var funcHeaderRE = regexp.MustCompile(`(?m)^func[ \t]*(\([^)]*\))?[ \t]*[\pL_][\pL\pN_]*[ \t]*(\[[^\]]*\])?\([^{]*\{`)

// addEnclosingParams records the receiver and parameters of the last
// function declared in code as locals, so that inside
// func (p *Particle) Energy(m *mat.Dense) { p. ... m. } both resolve. Code
// is the cell up to the cursor, so the last header is the one being edited
// (or one above it at worst, where the names are still sensible guesses).
func (d *cellDecls) addEnclosingParams(code string) {
	loc := funcHeaderRE.FindAllStringIndex(code, -1)
	if len(loc) == 0 {
		return
	}
	last := loc[len(loc)-1]
	header := code[last[0]:last[1]] + "}"
	f, err := parser.ParseFile(token.NewFileSet(), "", "package cell\n"+header, parser.SkipObjectResolution)
	if err != nil || len(f.Decls) == 0 {
		return
	}
	fd, ok := f.Decls[0].(*ast.FuncDecl)
	if !ok {
		return
	}
	var fields []*ast.Field
	if fd.Recv != nil {
		fields = append(fields, fd.Recv.List...)
	}
	fields = append(fields, fd.Type.Params.List...)
	for _, field := range fields {
		typ := exprString(header, f, field.Type)
		if typ == "" {
			continue
		}
		if ell, ok := field.Type.(*ast.Ellipsis); ok { // ...T is a []T inside
			typ = "[]" + exprString(header, f, ell.Elt)
		}
		for _, n := range field.Names {
			d.locals[n.Name] = "type:" + typ
		}
	}
}

// exprString returns the source text of e, which was parsed from
// "package cell\n" + src.
func exprString(src string, f *ast.File, e ast.Expr) string {
	const header = len("package cell\n")
	start, end := int(e.Pos())-int(f.FileStart)-header, int(e.End())-int(f.FileStart)-header
	if start < 0 || end > len(src) || start > end {
		return ""
	}
	return src[start:end]
}

// addSource parses src as file-level declarations and records them.
func (d *cellDecls) addSource(src string) {
	if strings.TrimSpace(src) == "" {
		return
	}
	f, _ := parser.ParseFile(d.fset, "", "package cell\n"+src, parser.ParseComments|parser.SkipObjectResolution)
	if f == nil {
		return
	}
	for _, decl := range f.Decls {
		switch decl := decl.(type) {
		case *ast.GenDecl:
			for _, s := range decl.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok {
					if ts.Doc == nil {
						ts.Doc = decl.Doc
					}
					d.types[ts.Name.Name] = ts
				}
			}
		case *ast.FuncDecl:
			if decl.Body != nil {
				start, end := d.fset.Position(decl.Pos()).Offset, d.fset.Position(decl.Body.Lbrace).Offset
				const header = len("package cell\n")
				if start >= header && end <= len(src)+header && start <= end {
					d.sources[decl] = strings.TrimSpace(src[start-header : end-header])
				}
			}
			if decl.Recv == nil {
				d.funcs[decl.Name.Name] = decl
				continue
			}
			recv := receiverName(decl.Recv.List[0].Type)
			if recv == "" {
				continue
			}
			if d.methods[recv] == nil {
				d.methods[recv] = map[string]*ast.FuncDecl{}
			}
			d.methods[recv][decl.Name.Name] = decl
		}
	}
}

// receiverName is T for receivers T, *T, T[P].
func receiverName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return receiverName(e.X)
	case *ast.IndexExpr:
		return receiverName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return ""
}

// fields returns the fields of a cell-declared struct type, embedded ones
// under their type's name.
func (d *cellDecls) fields(typeName string) map[string]ast.Expr {
	ts := d.types[typeName]
	if ts == nil {
		return nil
	}
	st, ok := ts.Type.(*ast.StructType)
	if !ok {
		return nil
	}
	out := map[string]ast.Expr{}
	for _, f := range st.Fields.List {
		if len(f.Names) == 0 {
			if n := receiverName(f.Type); n != "" {
				out[n] = f.Type
			} else if sel, ok := f.Type.(*ast.SelectorExpr); ok {
				out[sel.Sel.Name] = f.Type
			}
			continue
		}
		for _, n := range f.Names {
			out[n.Name] = f.Type
		}
	}
	return out
}

// funcResult returns the signature of a function or method declared in a
// cell that fn names, or nil.
func (d *cellDecls) funcResult(fn entity) *ast.FuncType {
	if key, ok := strings.CutPrefix(fn.docKey, "cell:"); ok {
		if typ, name, ok := strings.Cut(key, "."); ok {
			if m := d.methods[typ][name]; m != nil {
				return m.Type
			}
			return nil
		}
		if f := d.funcs[key]; f != nil {
			return f.Type
		}
		return nil
	}
	if f := d.funcs[fn.name]; f != nil {
		return f.Type
	}
	return nil
}

// signature renders a cell-declared function or method header and doc.
func (d *cellDecls) signature(fd *ast.FuncDecl) (decl, doc string) {
	decl = d.sources[fd]
	if decl == "" {
		decl = "func " + fd.Name.Name + "(...)"
	}
	return decl, fd.Doc.Text()
}
