package eval

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"strconv"
	"strings"
)

// This file works around two yaegi v0.16.1 bugs of a cell's top level, whose
// statements yaegi compiles in its global scope:
//
//   - `x := g(args)` and `var x = g(args)` with a generic g panic ("nil reflect
//     type") and `var x T = g(args)` fails ("variable definition loop"), while
//     assigning g's result to a declared variable works. Eval runs the
//     statements before such a define, assigns each generic call's result to a
//     hidden `any` variable (the call runs once), reads the value's dynamic
//     type and continues with `x := hidden.(T)` and the rest of the cell.
//   - `a, b := f()` (and `v, ok := m[k]`, `x, ok := <-ch`, `var a, b = f()`)
//     inside a block of a top-level statement leaves the names undefined:
//     yaegi declares multi-value defines of the global scope only for the
//     top-level statements themselves. Eval runs such a top-level statement
//     inside `func() { ... }()`, where yaegi compiles them as in any function.

// genericTemp prefixes the hidden variables (declared by the prelude) that
// hold a generic call's result between the two halves of a split cell.
// Reusing them keeps yaegi's global frame from growing cell after cell.
const (
	genericTemp      = "__gophysGen"
	genericTempCount = 4
)

// genericTempName is the i-th hidden result variable.
func genericTempName(i int) string { return genericTemp + strconv.Itoa(i) }

// genericTempDecl declares the hidden result variables in the prelude.
func genericTempDecl() string {
	s := "var "
	for i := range genericTempCount {
		if i > 0 {
			s += ", "
		}
		s += genericTempName(i)
	}
	return s + " any\n"
}

// hasGenericCall reports whether e calls a generic function outside any
// function literal (a literal's body is compiled as a function, where yaegi
// handles generic calls).
func (st *state) hasGenericCall(e ast.Expr, rw *rewriter) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if st.isGenericCall(n, rw) {
				found = true
			}
		}
		return !found
	})
	return found
}

// genericDefine describes a top-level define whose values call generic
// functions: which values (by index) go through hidden variables.
type genericDefine struct {
	stmt ast.Stmt
	// values are the define's right-hand sides; temps[i] is the hidden
	// variable for values[i], or -1 when values[i] stays as written.
	values []ast.Expr
	temps  []int
	// multi is set for `a, b := g(...)`: one generic call with several
	// results, each held by a hidden variable.
	multi bool
	pos   token.Pos
}

// findGenericDefine returns the first statement of list that defines names
// from a generic call, or nil.
func (st *state) findGenericDefine(list []ast.Stmt, rw *rewriter) (int, *genericDefine) {
	for i, s := range list {
		if gd := st.genericDefineOf(s, rw); gd != nil {
			return i, gd
		}
	}
	return -1, nil
}

func (st *state) genericDefineOf(s ast.Stmt, rw *rewriter) *genericDefine {
	var values []ast.Expr
	var lhs int
	switch s := s.(type) {
	case *ast.AssignStmt:
		if s.Tok != token.DEFINE {
			return nil
		}
		values, lhs = s.Rhs, len(s.Lhs)
	case *ast.DeclStmt:
		g, ok := s.Decl.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR || len(g.Specs) != 1 {
			return nil
		}
		spec := g.Specs[0].(*ast.ValueSpec)
		values, lhs = spec.Values, len(spec.Names)
	default:
		return nil
	}
	gd := &genericDefine{stmt: s, values: values, pos: s.Pos()}
	found := false
	n := 0
	for _, v := range values {
		if st.hasGenericCall(v, rw) {
			gd.temps = append(gd.temps, n)
			n++
			found = true
		} else {
			gd.temps = append(gd.temps, -1)
		}
	}
	if !found {
		return nil
	}
	if len(values) == 1 && lhs > 1 {
		gd.multi = true
		n = lhs
	}
	if n > genericTempCount {
		return nil // left to yaegi, which reports its own error
	}
	return gd
}

// tempAssign is the statement that stores the define's generic values in
// the hidden variables: `__gophysGen0, __gophysGen1 = g(x), h(y)`.
func (gd *genericDefine) tempAssign() ast.Stmt {
	as := &ast.AssignStmt{TokPos: gd.pos, Tok: token.ASSIGN}
	if gd.multi {
		// yaegi panics assigning a generic call's several results at the
		// top level ("reflect: New(nil)"), but not inside a function:
		//	__gophysGen0, __gophysGen1 = func() (any, any) { r0, r1 := g(...); return r0, r1 }()
		pos := gd.pos
		results := &ast.FieldList{Opening: pos, Closing: pos}
		var locals []ast.Expr
		for i := range gd.count() {
			as.Lhs = append(as.Lhs, &ast.Ident{NamePos: pos, Name: genericTempName(i)})
			results.List = append(results.List, &ast.Field{Type: &ast.Ident{NamePos: pos, Name: "any"}})
			locals = append(locals, &ast.Ident{NamePos: pos, Name: "r" + strconv.Itoa(i)})
		}
		body := &ast.BlockStmt{Lbrace: pos, Rbrace: pos, List: []ast.Stmt{
			&ast.AssignStmt{Lhs: locals, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{gd.values[0]}},
			&ast.ReturnStmt{Return: pos, Results: locals},
		}}
		lit := &ast.FuncLit{Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{Opening: pos, Closing: pos}, Results: results}, Body: body}
		as.Rhs = []ast.Expr{&ast.CallExpr{Fun: lit, Lparen: pos, Rparen: pos}}
		return as
	}
	for i, v := range gd.values {
		if gd.temps[i] >= 0 {
			as.Lhs = append(as.Lhs, &ast.Ident{NamePos: v.Pos(), Name: genericTempName(gd.temps[i])})
			as.Rhs = append(as.Rhs, v)
		}
	}
	return as
}

// count is the number of hidden variables the define uses.
func (gd *genericDefine) count() int {
	switch s := gd.stmt.(type) {
	case *ast.AssignStmt:
		if gd.multi {
			return len(s.Lhs)
		}
	case *ast.DeclStmt:
		if gd.multi {
			return len(s.Decl.(*ast.GenDecl).Specs[0].(*ast.ValueSpec).Names)
		}
	}
	n := 0
	for _, t := range gd.temps {
		if t >= 0 {
			n++
		}
	}
	return n
}

// continuation rebuilds the define from the hidden variables, now that they
// hold values: each becomes `__gophysGenN.(T)` with T named from the value's
// dynamic type (or the type the user wrote), and the hidden variables are
// cleared afterwards so they do not keep the values alive.
func (st *state) continuation(gd *genericDefine) ([]ast.Stmt, error) {
	st.globals = nil // the hidden variables changed
	declType := ast.Expr(nil)
	if d, ok := gd.stmt.(*ast.DeclStmt); ok {
		declType = d.Decl.(*ast.GenDecl).Specs[0].(*ast.ValueSpec).Type
	}
	value := func(i int, at token.Pos, fixed ast.Expr) (ast.Expr, error) {
		name := genericTempName(i)
		temp := &ast.Ident{NamePos: at, Name: name}
		v, ok := st.global(name)
		if !ok {
			return nil, &rewriteError{pos: at, msg: "internal error: the generic call's result was not stored"}
		}
		if v.Kind() == reflect.Interface {
			v = v.Elem()
		}
		var x any
		if v.IsValid() {
			x = unwrapInterpreted(v.Interface())
		}
		typ := declType
		if typ == nil {
			typ = fixed
		}
		switch {
		case typ != nil && x == nil:
			// A nil interface: the static type is an interface type, which
			// nil converts to (a type assertion of nil would panic).
			return &ast.CallExpr{Fun: &ast.ParenExpr{Lparen: at, X: typ, Rparen: at}, Lparen: at,
				Args: []ast.Expr{&ast.Ident{NamePos: at, Name: "nil"}}, Rparen: at}, nil
		case typ != nil:
			return &ast.TypeAssertExpr{X: temp, Lparen: at, Type: typ, Rparen: at}, nil
		case x == nil:
			// A nil interface of unknown static type: the name gets type any.
			return temp, nil
		}
		named, err := st.typeExpr(reflect.TypeOf(x), at)
		if err != nil {
			return nil, &rewriteError{pos: at, msg: fmt.Sprintf(
				"cannot give this variable the static type of the generic call's result: its value's type %s cannot be named in a cell (%v); write the type: var x T = f(...) (the statements before this one and the call have run)",
				reflect.TypeOf(x), err)}
		}
		return &ast.TypeAssertExpr{X: temp, Lparen: at, Type: named, Rparen: at}, nil
	}
	var newValues []ast.Expr
	if gd.multi {
		for i := range gd.count() {
			e, err := value(i, gd.values[0].Pos(), st.fixedResult(gd.values[0], i))
			if err != nil {
				return nil, err
			}
			newValues = append(newValues, e)
		}
	} else {
		for i, v := range gd.values {
			if gd.temps[i] < 0 {
				newValues = append(newValues, v)
				continue
			}
			e, err := value(gd.temps[i], v.Pos(), st.fixedResult(v, 0))
			if err != nil {
				return nil, err
			}
			newValues = append(newValues, e)
		}
	}
	var stmt ast.Stmt
	switch s := gd.stmt.(type) {
	case *ast.AssignStmt:
		c := *s
		c.Rhs = newValues
		stmt = &c
	case *ast.DeclStmt:
		g := *s.Decl.(*ast.GenDecl)
		spec := *g.Specs[0].(*ast.ValueSpec)
		spec.Values = newValues
		g.Specs = []ast.Spec{&spec}
		stmt = &ast.DeclStmt{Decl: &g}
	}
	// One assignment each: yaegi panics on `a, b = nil, nil`.
	out := []ast.Stmt{stmt}
	for i := range gd.count() {
		out = append(out, &ast.AssignStmt{TokPos: gd.pos, Tok: token.ASSIGN,
			Lhs: []ast.Expr{&ast.Ident{NamePos: gd.pos, Name: genericTempName(i)}},
			Rhs: []ast.Expr{&ast.Ident{NamePos: gd.pos, Name: "nil"}}})
	}
	return out, nil
}

// typeExpr writes t as a type expression a cell can compile, or says why
// it cannot: types of unexported or generic names, and struct types, which
// is how yaegi represents a cell's own struct types.
func (st *state) typeExpr(t reflect.Type, pos token.Pos) (ast.Expr, error) {
	ident := func(name string) *ast.Ident { return &ast.Ident{NamePos: pos, Name: name} }
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return ident(t.Name()), nil // a predeclared type
		}
		if !token.IsExported(t.Name()) || !isIdent(t.Name()) {
			return nil, fmt.Errorf("%s is not an exported type name", t)
		}
		pkg, err := st.packageName(t.PkgPath(), pos)
		if err != nil {
			return nil, err
		}
		return &ast.SelectorExpr{X: ident(pkg), Sel: ident(t.Name())}, nil
	}
	if name, ambiguous := st.cellTypeName(t); name != "" {
		return ident(name), nil
	} else if ambiguous {
		return nil, fmt.Errorf("several cell types have the layout %s", t)
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem, err := st.typeExpr(t.Elem(), pos)
		if err != nil {
			return nil, err
		}
		return &ast.StarExpr{Star: pos, X: elem}, nil
	case reflect.Slice:
		elem, err := st.typeExpr(t.Elem(), pos)
		if err != nil {
			return nil, err
		}
		return &ast.ArrayType{Lbrack: pos, Elt: elem}, nil
	case reflect.Array:
		elem, err := st.typeExpr(t.Elem(), pos)
		if err != nil {
			return nil, err
		}
		return &ast.ArrayType{Lbrack: pos, Len: &ast.BasicLit{ValuePos: pos, Kind: token.INT, Value: strconv.Itoa(t.Len())}, Elt: elem}, nil
	case reflect.Map:
		key, err := st.typeExpr(t.Key(), pos)
		if err != nil {
			return nil, err
		}
		elem, err := st.typeExpr(t.Elem(), pos)
		if err != nil {
			return nil, err
		}
		return &ast.MapType{Map: pos, Key: key, Value: elem}, nil
	case reflect.Chan:
		elem, err := st.typeExpr(t.Elem(), pos)
		if err != nil {
			return nil, err
		}
		dir := map[reflect.ChanDir]ast.ChanDir{reflect.BothDir: ast.SEND | ast.RECV, reflect.SendDir: ast.SEND, reflect.RecvDir: ast.RECV}[t.ChanDir()]
		return &ast.ChanType{Begin: pos, Arrow: pos, Dir: dir, Value: elem}, nil
	case reflect.Func:
		ft := &ast.FuncType{Func: pos, Params: &ast.FieldList{Opening: pos, Closing: pos}}
		for i := range t.NumIn() {
			in := t.In(i)
			variadic := t.IsVariadic() && i == t.NumIn()-1
			if variadic {
				in = in.Elem()
			}
			e, err := st.typeExpr(in, pos)
			if err != nil {
				return nil, err
			}
			if variadic {
				e = &ast.Ellipsis{Ellipsis: pos, Elt: e}
			}
			ft.Params.List = append(ft.Params.List, &ast.Field{Type: e})
		}
		if t.NumOut() > 0 {
			ft.Results = &ast.FieldList{Opening: pos, Closing: pos}
			for i := range t.NumOut() {
				e, err := st.typeExpr(t.Out(i), pos)
				if err != nil {
					return nil, err
				}
				ft.Results.List = append(ft.Results.List, &ast.Field{Type: e})
			}
		}
		return ft, nil
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return ident("any"), nil
		}
	}
	return nil, fmt.Errorf("%s has no name a cell can write", t)
}

// isIdent reports whether name is a plain identifier (not an instantiated
// generic type such as Seq[int]).
func isIdent(name string) bool {
	for i, c := range name {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c > 0x7f || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return name != ""
}

// packageName returns the name under which the cell can refer to the
// package at importPath, importing it when needed.
func (st *state) packageName(importPath string, pos token.Pos) (string, error) {
	for name, p := range st.imports {
		if p == importPath && st.declared[name] == nil {
			return name, nil
		}
	}
	name, ok := packages().names[importPath]
	if !ok {
		return "", fmt.Errorf("package %s is not available to cells", importPath)
	}
	if st.declared[name] != nil || st.imports[name] != "" {
		return "", fmt.Errorf("the name %s of package %s is taken", name, importPath)
	}
	spec := &ast.ImportSpec{Path: &ast.BasicLit{ValuePos: pos, Kind: token.STRING, Value: strconv.Quote(importPath)}}
	file := &ast.File{Package: pos, Name: ast.NewIdent("main"), Decls: []ast.Decl{&ast.GenDecl{Tok: token.IMPORT, Specs: []ast.Spec{spec}}}}
	if _, err := st.h.compileRun(context.Background(), file); err != nil {
		return "", err
	}
	st.imports[name] = importPath
	return name, nil
}

// runStatements runs a cell's top-level statements, splitting the list at
// each define of a generic call's result (see the file comment).
func (st *state) runStatements(ctx context.Context, block *ast.BlockStmt, sc *splitCell, rw *rewriter, code string) error {
	// A var group is split into one declaration per spec, so a spec with a
	// generic call can be split at.
	var list []ast.Stmt
	for _, s := range block.List {
		g := varGroup(s)
		if g == nil {
			list = append(list, s)
			continue
		}
		for _, spec := range g.Specs {
			list = append(list, &ast.DeclStmt{Decl: &ast.GenDecl{TokPos: spec.Pos(), Tok: token.VAR, Specs: []ast.Spec{spec}}})
		}
	}
	hoists := map[ast.Stmt]splitter{}
	list = st.rewriteCommaOk(list, hoists)
	retried := map[ast.Stmt]bool{}
	fixes := 0
	for {
		var sp splitter
		i, gd := st.findGenericDefine(list, rw)
		if gd != nil {
			sp = gd
		}
		for j, s := range list {
			if h, ok := hoists[s]; ok && (sp == nil || j < i) {
				i, sp = j, h
				break
			}
		}
		prefix := list
		if sp != nil {
			prefix = append(list[:i:i], sp.tempAssign())
		}
		err := st.runChunk(ctx, &ast.BlockStmt{Lbrace: block.Lbrace, List: prefix, Rbrace: block.Rbrace}, sc, rw, code)
		if errors.Is(err, errRetry) && fixes < maxHoists {
			fixes++
			continue // a call was rewritten in place; nothing ran
		}
		if err != nil {
			// A define yaegi's first pass cannot type: split there and
			// compile again (nothing ran).
			stmts := prefix
			if sp != nil {
				stmts = prefix[:i]
			}
			j, h, herr := st.typingFailure(err, stmts)
			if herr != nil {
				return herr
			}
			if h != nil && !retried[stmts[j]] && len(retried) < maxHoists {
				retried[stmts[j]] = true
				hoists[stmts[j]] = h
				continue
			}
			return err
		}
		if sp == nil {
			return nil
		}
		cont, err := sp.finish(st)
		if err != nil {
			return err
		}
		list = append(cont, list[i+1:]...)
	}
}

// errRetry is runChunk's answer when compiling failed and it rewrote a
// call so that compiling again may succeed (see fixGenericArgs).
var errRetry = errors.New("eval: compile again")

// maxHoists bounds the splits of one cell at defines yaegi cannot type
// (see hoist.go), each of which costs a compile.
const maxHoists = 16

// varGroup returns s's declaration when s declares several var specs.
func varGroup(s ast.Stmt) *ast.GenDecl {
	d, ok := s.(*ast.DeclStmt)
	if !ok {
		return nil
	}
	g, ok := d.Decl.(*ast.GenDecl)
	if !ok || g.Tok != token.VAR || len(g.Specs) < 2 {
		return nil
	}
	return g
}

// runChunk compiles and runs one block of top-level statements and records
// what it declared.
func (st *state) runChunk(ctx context.Context, block *ast.BlockStmt, sc *splitCell, rw *rewriter, code string) error {
	if _, err := st.h.compileRun(ctx, block); err != nil {
		if st.fixGenericArgs(err, block, rw) {
			return errRetry
		}
		return st.explainUndefined(st.explainGenericArg(st.explainHostPanic(err, block), block, rw), sc)
	}
	st.recordStmts(block, rw)
	st.recordSource(code, nil, block)
	return nil
}

// moveGenericVars takes out of a cell's declarations the package-level var
// specs whose values call a generic function or read an earlier cell's
// variable (and the var specs using those), to run as statements (early) where runStatements can split at
// them, and the declarations that refer to them, directly or through each
// other (late), to compile once they exist. It returns the remaining
// declarations. A var the splitter left among the declarations uses no
// name the cell's statements define, so early runs before the statements.
func (st *state) moveGenericVars(decls []ast.Decl, rw *rewriter) (rest []ast.Decl, early *ast.BlockStmt, late []ast.Decl) {
	early = &ast.BlockStmt{}
	movedNames := map[string]bool{} // names of early and late declarations
	uses := func(n ast.Node) bool {
		found := false
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && movedNames[id.Name] {
				found = true
			}
			return !found
		})
		return found
	}
	// A spec moves when a value calls a generic function, reads a variable
	// of an earlier cell (yaegi reports "variable definition loop" for a
	// package-level var initialised from another file's variable), or uses
	// a spec that moves; repeated until nothing more moves.
	cellNames := map[string]bool{}
	for _, d := range decls {
		for _, name := range declNames(d) {
			cellNames[name] = true
		}
	}
	moves := map[*ast.ValueSpec]bool{}
	for changed := true; changed; {
		changed = false
		for _, d := range decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, s := range g.Specs {
				spec := s.(*ast.ValueSpec)
				if moves[spec] {
					continue
				}
				for _, v := range spec.Values {
					if st.hasGenericCall(v, rw) || uses(v) || st.usesEarlierVar(v, cellNames) {
						moves[spec] = true
					}
				}
				if moves[spec] {
					changed = true
					for _, id := range spec.Names {
						movedNames[id.Name] = true
					}
				}
			}
		}
	}
	for _, d := range decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			rest = append(rest, d)
			continue
		}
		var keep []ast.Spec
		for _, s := range g.Specs {
			spec := s.(*ast.ValueSpec)
			if !moves[spec] {
				keep = append(keep, s)
				continue
			}
			early.List = append(early.List, &ast.DeclStmt{Decl: &ast.GenDecl{Doc: g.Doc, TokPos: spec.Pos(), Tok: token.VAR, Specs: []ast.Spec{spec}}})
		}
		if len(keep) > 0 {
			g.Specs = keep
			rest = append(rest, g)
		}
	}
	if len(early.List) == 0 {
		return decls, early, nil
	}
	early.List = initOrder(early.List)
	// Declarations that use a moved name wait, until none is left to add.
	for changed := true; changed; {
		changed = false
		remaining := rest[:0:0]
		for _, d := range rest {
			if !uses(d) {
				remaining = append(remaining, d)
				continue
			}
			late = append(late, d)
			changed = true
			for _, name := range declNames(d) {
				movedNames[name] = true
			}
		}
		rest = remaining
	}
	return rest, early, late
}

// initOrder orders single-spec var declarations as Go initialises
// package-level variables: each after the ones its values use, otherwise
// in source order.
func initOrder(list []ast.Stmt) []ast.Stmt {
	defines := map[string]int{} // name → index in list
	for i, s := range list {
		for _, id := range s.(*ast.DeclStmt).Decl.(*ast.GenDecl).Specs[0].(*ast.ValueSpec).Names {
			defines[id.Name] = i
		}
	}
	deps := make([]map[int]bool, len(list))
	for i, s := range list {
		deps[i] = map[int]bool{}
		for _, v := range s.(*ast.DeclStmt).Decl.(*ast.GenDecl).Specs[0].(*ast.ValueSpec).Values {
			forVarIdents(v, func(id *ast.Ident) {
				if j, ok := defines[id.Name]; ok && j != i {
					deps[i][j] = true
				}
			})
		}
	}
	out := make([]ast.Stmt, 0, len(list))
	placed := make([]bool, len(list))
	for len(out) < len(list) {
		progress := false
		for i := range list {
			if placed[i] {
				continue
			}
			ready := true
			for j := range deps[i] {
				ready = ready && placed[j]
			}
			if ready {
				out, placed[i], progress = append(out, list[i]), true, true
				break
			}
		}
		if !progress {
			// A cycle: Go rejects it; the interpreter reports the names.
			for i := range list {
				if !placed[i] {
					out = append(out, list[i])
				}
			}
		}
	}
	return out
}

// usesEarlierVar reports whether e reads a variable an earlier cell
// declared and this cell's declarations (cellNames) do not redeclare.
func (st *state) usesEarlierVar(e ast.Expr, cellNames map[string]bool) bool {
	found := false
	forVarIdents(e, func(id *ast.Ident) {
		if d := st.declared[id.Name]; d != nil && d.kind == token.VAR && !cellNames[id.Name] {
			found = true
		}
	})
	return found
}

// declNames lists the names a declaration declares (a method declares
// none at package level).
func declNames(d ast.Decl) []string {
	var names []string
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv == nil {
			names = append(names, d.Name.Name)
		}
	case *ast.GenDecl:
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				names = append(names, s.Name.Name)
			case *ast.ValueSpec:
				for _, n := range s.Names {
					names = append(names, n.Name)
				}
			}
		}
	}
	return names
}

// wrapBlockDefines runs inside `func() { ... }()` each top-level compound
// statement (for, if, switch, a block...) that defines several names from
// one multi-valued expression in a nested block: yaegi v0.16.1 declares
// `a, err := f()`, `v, ok := m[k]` and `var a, b = f()` of its global scope
// only for top-level statements, so in a nested block the names stay
// undefined. In a function literal yaegi compiles them as in any function;
// break, continue and labels inside the statement keep their targets. A
// statement containing return or goto (outside function literals) is left
// alone, since either would leave the literal instead of the cell.
func wrapBlockDefines(block *ast.BlockStmt) {
	for i, s := range block.List {
		switch s.(type) {
		case *ast.AssignStmt, *ast.DeclStmt, *ast.ExprStmt, *ast.GoStmt, *ast.DeferStmt,
			*ast.SendStmt, *ast.IncDecStmt, *ast.ReturnStmt, *ast.BranchStmt, *ast.EmptyStmt:
			continue // simple statements: a define here is top-level
		}
		needs, escapes := false, false
		ast.Inspect(s, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				escapes = true
			case *ast.BranchStmt:
				if n.Tok == token.GOTO {
					escapes = true
				}
			case *ast.AssignStmt:
				if n.Tok == token.DEFINE && len(n.Lhs) > 1 && len(n.Rhs) == 1 {
					needs = true
				}
			case *ast.ValueSpec:
				if len(n.Names) > 1 && len(n.Values) == 1 {
					needs = true
				}
			case *ast.TypeSwitchStmt:
				// `switch v := x.(type)` panics at the top level.
				if as, ok := n.Assign.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
					needs = true
				}
			}
			return !escapes
		})
		if !needs || escapes {
			continue
		}
		pos := s.Pos()
		lit := &ast.FuncLit{
			Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{Opening: pos, Closing: pos}},
			Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{s}, Rbrace: s.End()},
		}
		block.List[i] = &ast.ExprStmt{X: &ast.CallExpr{Fun: lit, Lparen: pos, Rparen: pos}}
	}
}

// fixedResultTypes lists a generic function's result types, one per
// result, with nil for those that mention a type parameter: a result of a
// fixed type (the error of `func load[T any]() (T, error)`) has that static
// type whatever the call's dynamic value, even nil.
func fixedResultTypes(ft *ast.FuncType) []ast.Expr {
	if ft.TypeParams == nil || ft.Results == nil {
		return nil
	}
	params := map[string]bool{}
	for _, f := range ft.TypeParams.List {
		for _, n := range f.Names {
			params[n.Name] = true
		}
	}
	var out []ast.Expr
	for _, f := range ft.Results.List {
		typ := f.Type
		ast.Inspect(f.Type, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && params[id.Name] {
				typ = nil
			}
			return typ != nil
		})
		for range max(len(f.Names), 1) {
			out = append(out, typ)
		}
	}
	return out
}

// fixedResult is the declared type of the i-th result of call when call
// is a direct call of a cell's generic function and that result's type
// mentions no type parameter; else nil.
func (st *state) fixedResult(call ast.Expr, i int) ast.Expr {
	c, ok := ast.Unparen(call).(*ast.CallExpr)
	if !ok {
		return nil
	}
	fun := ast.Unparen(c.Fun)
	switch f := fun.(type) {
	case *ast.IndexExpr:
		fun = f.X
	case *ast.IndexListExpr:
		fun = f.X
	}
	id, ok := fun.(*ast.Ident)
	if !ok {
		return nil
	}
	d := st.declared[id.Name]
	if d == nil || !d.generic || i >= len(d.fixedResults) {
		return nil
	}
	return d.fixedResults[i]
}

// cellTypeName finds the type a cell declared whose run-time type is t.
// yaegi builds a cell's struct types with reflect.StructOf, so their values
// carry no name; each declared type's run-time type is looked up once, by
// evaluating (*T)(nil), and remembered (a type cannot be redefined). Struct
// types with the same fields share a run-time type: ambiguous reports it.
func (st *state) cellTypeName(t reflect.Type) (name string, ambiguous bool) {
	if t.Kind() != reflect.Struct || t.Name() != "" {
		return "", false
	}
	if st.cellTypes == nil {
		st.cellTypes = map[string]reflect.Type{}
	}
	found := ""
	for name, d := range st.declared {
		if d.kind != token.TYPE || strings.HasPrefix(d.typeDef, "[") {
			continue
		}
		rt, seen := st.cellTypes[name]
		if !seen {
			probe := &ast.ExprStmt{X: &ast.CallExpr{
				Fun:  &ast.ParenExpr{X: &ast.StarExpr{X: ast.NewIdent(name)}},
				Args: []ast.Expr{ast.NewIdent("nil")},
			}}
			v, err := st.h.compileRun(context.Background(), &ast.BlockStmt{List: []ast.Stmt{probe}})
			if err == nil && v.IsValid() && v.Kind() == reflect.Pointer {
				rt = v.Type().Elem()
			}
			st.cellTypes[name] = rt
		}
		if rt == t {
			if found != "" {
				return "", true
			}
			found = name
		}
	}
	return found, false
}
