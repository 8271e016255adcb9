package eval

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"
)

// This file works around yaegi v0.16.1's typing of a cell's top-level
// defines. yaegi types them in a first pass (its "global types analysis")
// that cannot see through some expressions:
//
//   - `x := E[i]` (and x := E[i]*2, E[i].F, &E[i], ...) where E is a value of
//     a compiled type (a slice a compiled function returned, a field of a
//     compiled struct), a string or a pointer to an array: "constant
//     definition loop", or the interpreter panics;
//   - `v, ok := m[k]`, `v, ok := x.(T)` and `v, ok := <-ch`: it panics ("nil
//     type").
//
// Inside functions the same code compiles. The comma-ok forms are rewritten
// into forms the first pass types (rewriteCommaOk). For an index, the cell
// is compiled as written and, when the first pass fails at such a define,
// split there like a generic define: the statements before it and the
// indexed operand run first (the operand into a hidden variable), then the
// define runs as `x := (U)(hidden.(TE))[i]`, with TE the operand's type read
// from the value and U its unnamed form (a string's element is converted
// instead: `x := (byte)(hidden.(string)[i])`). Operands are never of interface
// type, so their run-time type is their static type.

// splitter is a top-level statement that must run in two steps: tempAssign
// stores values in the hidden variables, then finish rebuilds the statement
// (and the statements clearing the hidden variables) from them.
type splitter interface {
	tempAssign() ast.Stmt
	finish(st *state) ([]ast.Stmt, error)
}

func (gd *genericDefine) finish(st *state) ([]ast.Stmt, error) { return st.continuation(gd) }

// hoist is a statement whose operands are evaluated first, into the hidden
// variables, so build can name their types.
type hoist struct {
	pos      token.Pos
	operands []ast.Expr
	// build returns the statement with the operands replaced, given the
	// hidden variables and the operands' run-time types.
	build func(temps []*ast.Ident, types []reflect.Type) (ast.Stmt, error)
}

func (h *hoist) tempAssign() ast.Stmt {
	as := &ast.AssignStmt{TokPos: h.pos, Tok: token.ASSIGN}
	for i, e := range h.operands {
		as.Lhs = append(as.Lhs, &ast.Ident{NamePos: e.Pos(), Name: genericTempName(i)})
		as.Rhs = append(as.Rhs, e)
	}
	return as
}

func (h *hoist) finish(st *state) ([]ast.Stmt, error) {
	st.globals = nil // the hidden variables changed
	var temps []*ast.Ident
	var types []reflect.Type
	for i, e := range h.operands {
		name := genericTempName(i)
		v, ok := st.global(name)
		if v.IsValid() && v.Kind() == reflect.Interface {
			v = v.Elem()
		}
		if !ok || !v.IsValid() {
			return nil, &rewriteError{pos: e.Pos(), msg: "internal error: the operand's value was not stored"}
		}
		x := unwrapInterpreted(v.Interface())
		if x == nil {
			return nil, &rewriteError{pos: e.Pos(), msg: fmt.Sprintf("%s is nil", exprString(e))}
		}
		temps = append(temps, &ast.Ident{NamePos: e.Pos(), Name: name})
		types = append(types, reflect.TypeOf(x))
	}
	stmt, err := h.build(temps, types)
	if err != nil {
		return nil, err
	}
	out := []ast.Stmt{stmt}
	for i := range h.operands {
		out = append(out, &ast.AssignStmt{TokPos: h.pos, Tok: token.ASSIGN,
			Lhs: []ast.Expr{&ast.Ident{NamePos: h.pos, Name: genericTempName(i)}},
			Rhs: []ast.Expr{&ast.Ident{NamePos: h.pos, Name: "nil"}}})
	}
	return out, nil
}

// defineParts returns the names and values of a top-level define (`a, b :=
// x, y` or `var a, b = x, y` with one spec), and whether s is one.
func defineParts(s ast.Stmt) (lhs []ast.Expr, values []ast.Expr, typed bool, ok bool) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		if s.Tok != token.DEFINE {
			return nil, nil, false, false
		}
		return s.Lhs, s.Rhs, false, true
	case *ast.DeclStmt:
		g, ok := s.Decl.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR || len(g.Specs) != 1 {
			return nil, nil, false, false
		}
		spec := g.Specs[0].(*ast.ValueSpec)
		for _, n := range spec.Names {
			lhs = append(lhs, n)
		}
		return lhs, spec.Values, spec.Type != nil, true
	}
	return nil, nil, false, false
}

// withValues returns a copy of the define s with other values.
func withValues(s ast.Stmt, values []ast.Expr) ast.Stmt {
	switch s := s.(type) {
	case *ast.AssignStmt:
		c := *s
		c.Rhs = values
		return &c
	case *ast.DeclStmt:
		g := *s.Decl.(*ast.GenDecl)
		spec := *g.Specs[0].(*ast.ValueSpec)
		spec.Values = values
		g.Specs = []ast.Spec{&spec}
		return &ast.DeclStmt{Decl: &g}
	}
	return s
}

// rewriteCommaOk rewrites the top-level comma-ok defines yaegi cannot type:
//
//	v, ok := x.(T)  →  v, ok := func() (T, bool) { r0, r1 := x.(T); return r0, r1 }()
//	v, ok := m[k]   →  v, ok := m[k], func() bool { _, r1 := m[k]; return r1 }()
//
// the second when m and k call nothing (they are evaluated twice), else m
// and k are hoisted (see hoist), as the channel of `v, ok := <-ch` is.
// Hoists are recorded in hoists.
func (st *state) rewriteCommaOk(list []ast.Stmt, hoists map[ast.Stmt]splitter) []ast.Stmt {
	for i, s := range list {
		lhs, values, typed, ok := defineParts(s)
		if !ok || len(lhs) != 2 || len(values) != 1 || typed {
			continue
		}
		pos := s.Pos()
		ident := func(name string) *ast.Ident { return &ast.Ident{NamePos: pos, Name: name} }
		r0, r1 := ident("__gophysR0"), ident("__gophysR1")
		// iife is func() (t0, bool) { r0, r1 := rhs; return r0, r1 }().
		iife := func(t0 ast.Expr, rhs ast.Expr) ast.Expr {
			results := &ast.FieldList{Opening: pos, Closing: pos, List: []*ast.Field{{Type: t0}, {Type: ident("bool")}}}
			body := &ast.BlockStmt{Lbrace: pos, Rbrace: pos, List: []ast.Stmt{
				&ast.AssignStmt{Lhs: []ast.Expr{r0, r1}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{rhs}},
				&ast.ReturnStmt{Return: pos, Results: []ast.Expr{r0, r1}},
			}}
			lit := &ast.FuncLit{Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{Opening: pos, Closing: pos}, Results: results}, Body: body}
			return &ast.CallExpr{Fun: lit, Lparen: pos, Rparen: pos}
		}
		switch x := ast.Unparen(values[0]).(type) {
		case *ast.TypeAssertExpr:
			if x.Type != nil {
				list[i] = withValues(s, []ast.Expr{iife(x.Type, x)})
			}
		case *ast.IndexExpr:
			if !hasEffects(x.X) && !hasEffects(x.Index) {
				blank := ident("_")
				body := &ast.BlockStmt{Lbrace: pos, Rbrace: pos, List: []ast.Stmt{
					&ast.AssignStmt{Lhs: []ast.Expr{blank, r1}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{x}},
					&ast.ReturnStmt{Return: pos, Results: []ast.Expr{r1}},
				}}
				lit := &ast.FuncLit{Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{Opening: pos, Closing: pos},
					Results: &ast.FieldList{Opening: pos, Closing: pos, List: []*ast.Field{{Type: ident("bool")}}}}, Body: body}
				value := &ast.IndexExpr{X: x.X, Lbrack: x.Lbrack, Index: x.Index, Rbrack: x.Rbrack}
				list[i] = withValues(s, []ast.Expr{value, &ast.CallExpr{Fun: lit, Lparen: pos, Rparen: pos}})
				continue
			}
			hoists[s] = &hoist{pos: pos, operands: []ast.Expr{x.X, x.Index}, build: func(temps []*ast.Ident, types []reflect.Type) (ast.Stmt, error) {
				tm := types[0]
				if tm.Kind() != reflect.Map {
					return nil, &rewriteError{pos: x.Pos(), msg: fmt.Sprintf("%s is not a map", exprString(x.X))}
				}
				mt, err := st.typeExpr(tm, pos)
				if err == nil {
					var kt, et ast.Expr
					if kt, err = st.typeExpr(tm.Key(), pos); err == nil {
						if et, err = st.typeExpr(tm.Elem(), pos); err == nil {
							lookup := &ast.IndexExpr{X: assertTo(temps[0], mt), Lbrack: pos, Index: assertTo(temps[1], kt), Rbrack: pos}
							return withValues(s, []ast.Expr{iife(et, lookup)}), nil
						}
					}
				}
				return nil, cannotType(x, lhs, err)
			}}
		case *ast.UnaryExpr:
			if x.Op != token.ARROW {
				continue
			}
			hoists[s] = &hoist{pos: pos, operands: []ast.Expr{x.X}, build: func(temps []*ast.Ident, types []reflect.Type) (ast.Stmt, error) {
				tc := types[0]
				if tc.Kind() != reflect.Chan {
					return nil, &rewriteError{pos: x.Pos(), msg: fmt.Sprintf("%s is not a channel", exprString(x.X))}
				}
				ct, err := st.typeExpr(tc, pos)
				if err == nil {
					var et ast.Expr
					if et, err = st.typeExpr(tc.Elem(), pos); err == nil {
						recv := &ast.UnaryExpr{OpPos: x.OpPos, Op: token.ARROW, X: assertTo(temps[0], ct)}
						return withValues(s, []ast.Expr{iife(et, recv)}), nil
					}
				}
				return nil, cannotType(x, lhs, err)
			}}
		}
	}
	return list
}

// assertTo is temp.(t).
func assertTo(temp *ast.Ident, t ast.Expr) ast.Expr {
	return &ast.TypeAssertExpr{X: temp, Lparen: temp.Pos(), Type: t, Rparen: temp.Pos()}
}

// cannotType is the error for a define whose operand's type has no name a
// cell can write.
func cannotType(at ast.Expr, lhs []ast.Expr, why error) error {
	names := make([]string, len(lhs))
	for i, e := range lhs {
		names[i] = exprString(e)
	}
	return &rewriteError{pos: at.Pos(), msg: fmt.Sprintf(
		"the interpreter cannot type %s at a cell's top level, and its type cannot be written in a cell (%v); declare %s first (var %s T) and assign with =, or move the code into a function",
		exprString(at), why, strings.Join(names, ", "), names[0])}
}

// indexSite follows the operands yaegi's first pass types an expression
// through and returns the first index expression on that path (where a
// compiled or string operand stops it), as the address of the field
// holding it; nil when there is none.
func indexSite(p *ast.Expr) *ast.Expr {
	switch e := (*p).(type) {
	case *ast.ParenExpr:
		return indexSite(&e.X)
	case *ast.UnaryExpr:
		return indexSite(&e.X)
	case *ast.StarExpr:
		return indexSite(&e.X)
	case *ast.SelectorExpr:
		return indexSite(&e.X)
	case *ast.SliceExpr:
		return indexSite(&e.X)
	case *ast.BinaryExpr:
		if e.Op == token.LAND || e.Op == token.LOR {
			return nil
		}
		if s := indexSite(&e.X); s != nil {
			return s
		}
		if isUntypedConst(e.X) && e.Op != token.SHL && e.Op != token.SHR {
			return indexSite(&e.Y)
		}
	case *ast.IndexExpr:
		if s := indexSite(&e.X); s != nil {
			return s
		}
		if isTypedOperand(e.X) {
			return nil // already rewritten
		}
		return p
	case *ast.CallExpr:
		switch f := e.Fun.(type) {
		case *ast.Ident:
			if f.Name == "append" && len(e.Args) > 0 {
				return indexSite(&e.Args[0])
			}
		case *ast.SelectorExpr, *ast.ParenExpr, *ast.CallExpr:
			return indexSite(&e.Fun)
		}
	}
	return nil
}

// isTypedOperand reports whether e is an operand a hoist wrote: a type
// assertion, or a conversion written as (T)(x).
func isTypedOperand(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.TypeAssertExpr:
		return true
	case *ast.CallExpr:
		_, ok := e.Fun.(*ast.ParenExpr)
		return ok && len(e.Args) == 1
	}
	return false
}

// indexHoist builds the hoist for a top-level define whose values have an
// index on their typing path (see indexSite), or returns nil.
func (st *state) indexHoist(s ast.Stmt) (*hoist, error) {
	lhs, values, _, ok := defineParts(s)
	if !ok {
		return nil, nil
	}
	values = append([]ast.Expr(nil), values...)
	var sites []*ast.Expr
	var operands []ast.Expr
	for i := range values {
		site := indexSite(&values[i])
		if site == nil {
			continue
		}
		for _, before := range values[:i] {
			if hasEffects(before) {
				return nil, &rewriteError{pos: values[i].Pos(), msg: fmt.Sprintf(
					"the interpreter cannot type %s at a cell's top level here; define each name on its own line (%s := ...)", exprString(values[i]), exprString(lhs[i]))}
			}
		}
		sites = append(sites, site)
		operands = append(operands, (*site).(*ast.IndexExpr).X)
	}
	if len(sites) == 0 || len(sites) > genericTempCount {
		return nil, nil
	}
	return &hoist{pos: s.Pos(), operands: operands, build: func(temps []*ast.Ident, types []reflect.Type) (ast.Stmt, error) {
		for k, site := range sites {
			ix := (*site).(*ast.IndexExpr)
			pos := ix.Pos()
			t := types[k]
			te, err := st.typeExpr(t, pos)
			if err != nil {
				return nil, cannotType(ix, lhs, err)
			}
			operand := assertTo(temps[k], te)
			// A string's or an array pointer's index cannot be typed at
			// all: the element is converted to its type. Other operands
			// are converted to their unnamed type, which the first pass
			// indexes; the element stays addressable.
			var unnamed, elem reflect.Type
			switch t.Kind() {
			case reflect.Slice:
				unnamed = reflect.SliceOf(t.Elem())
			case reflect.Array:
				unnamed = reflect.ArrayOf(t.Len(), t.Elem())
			case reflect.Map:
				unnamed = reflect.MapOf(t.Key(), t.Elem())
			case reflect.String:
				elem = reflect.TypeFor[byte]()
			case reflect.Pointer:
				if t.Elem().Kind() == reflect.Array {
					elem = t.Elem().Elem()
				}
			}
			switch {
			case unnamed != nil:
				if unnamed != t {
					ue, err := st.typeExpr(unnamed, pos)
					if err != nil {
						return nil, cannotType(ix, lhs, err)
					}
					operand = &ast.CallExpr{Fun: &ast.ParenExpr{Lparen: pos, X: ue, Rparen: pos}, Lparen: pos, Args: []ast.Expr{operand}, Rparen: pos}
				}
				*site = &ast.IndexExpr{X: operand, Lbrack: ix.Lbrack, Index: ix.Index, Rbrack: ix.Rbrack}
			case elem != nil:
				et, err := st.typeExpr(elem, pos)
				if err != nil {
					return nil, cannotType(ix, lhs, err)
				}
				*site = &ast.CallExpr{
					Fun:    &ast.ParenExpr{Lparen: pos, X: et, Rparen: pos},
					Lparen: pos,
					Args:   []ast.Expr{&ast.IndexExpr{X: operand, Lbrack: ix.Lbrack, Index: ix.Index, Rbrack: ix.Rbrack}},
					Rparen: ix.End(),
				}
			default:
				return nil, &rewriteError{pos: pos, msg: fmt.Sprintf("cannot index %s (type %s)", exprString(ix.X), t)}
			}
		}
		return withValues(s, values), nil
	}}, nil
}

// typingFailure finds the statement of list at which yaegi's first pass
// failed with err, when it is a define indexSite can fix: "constant
// definition loop" names its position; for a panic in the first pass, the
// prefixes of list are compiled (not run) until one fails.
func (st *state) typingFailure(err error, list []ast.Stmt) (int, *hoist, error) {
	candidates := map[int]*hoist{}
	var order []int
	for i, s := range list {
		h, herr := st.indexHoist(s)
		if herr != nil {
			candidates[i] = nil
			order = append(order, i)
			continue
		}
		if h != nil {
			candidates[i] = h
			order = append(order, i)
		}
	}
	if len(order) == 0 {
		return -1, nil, nil
	}
	pick := func(i int) (int, *hoist, error) {
		if h := candidates[i]; h != nil {
			return i, h, nil
		}
		_, herr := st.indexHoist(list[i])
		return i, nil, herr
	}
	// at reports whether err is "constant definition loop" at statement i.
	at := func(err error, i int) bool {
		m := cellPos.FindStringSubmatch(err.Error())
		if m == nil || !strings.Contains(err.Error(), "constant definition loop") {
			return false
		}
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		lhs, _, _, _ := defineParts(list[i])
		p := st.fset.Position(lhs[0].Pos())
		q := st.fset.Position(list[i].Pos())
		return p.Line == line && p.Column == col || q.Line == line && q.Column == col
	}
	for _, i := range order {
		if at(err, i) {
			return pick(i)
		}
	}
	var hp *hostPanic
	if !errors.As(err, &hp) || !strings.Contains(string(hp.stack), "interp.(*Interpreter).gta") {
		return -1, nil, nil
	}
	// A panic in the first pass does not say where: compile growing
	// prefixes (without running them) until one fails.
	for _, i := range order {
		if cerr := st.h.compileOnly(&ast.BlockStmt{List: list[:i+1]}); cerr != nil {
			if errors.As(cerr, &hp) || at(cerr, i) {
				return pick(i)
			}
			return -1, nil, nil
		}
	}
	return -1, nil, nil
}

// compileOnly compiles node without running it, under recover.
func (h *yaegiHandle) compileOnly(node ast.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &hostPanic{value: r, stack: debug.Stack()}
		}
	}()
	_, err = h.yi.CompileAST(node)
	return err
}

// genericArgCall finds the slices/maps call at which yaegi panicked while
// instantiating it (err), with the package's and the function's names.
func (st *state) genericArgCall(err error, root ast.Node, rw *rewriter) (*ast.CallExpr, string) {
	var hp *hostPanic
	if !errors.As(err, &hp) || !strings.Contains(fmt.Sprint(hp.value), "CFG post-order panic") {
		return nil, ""
	}
	m := cellPos.FindStringSubmatch(fmt.Sprint(hp.value))
	if m == nil {
		return nil, ""
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	var call *ast.CallExpr
	ast.Inspect(root, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && call == nil {
			if p := st.fset.Position(c.Pos()); p.Line == line && p.Column == col {
				call = c
			}
		}
		return call == nil
	})
	if call == nil {
		return nil, ""
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return nil, ""
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok || rw.isUserName(pkg.Name) {
		return nil, ""
	}
	if p, ok := st.pkgPath(pkg.Name); !ok || !sourcePackages[p] {
		return nil, ""
	}
	return call, pkg.Name + "." + sel.Sel.Name
}

// argType evaluates a call argument that has no side effects and returns
// its run-time type, or nil.
func (st *state) argType(arg ast.Expr) reflect.Type {
	if isCompositeLit(arg) || isTypedOperand(arg) || hasEffects(arg) {
		return nil
	}
	v, err := st.h.compileRun(context.Background(), &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: arg}}})
	if err != nil || !v.IsValid() {
		return nil
	}
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	return v.Type()
}

// fixGenericArgs converts, in place, the slice and map arguments of a
// slices/maps call yaegi could not instantiate (see explainGenericArg) to
// their unnamed types, which it can: slices.Max(h.Loss) becomes
// slices.Max(([]float64)(h.Loss)). It reports whether it changed the call.
func (st *state) fixGenericArgs(err error, root ast.Node, rw *rewriter) bool {
	call, _ := st.genericArgCall(err, root, rw)
	if call == nil {
		return false
	}
	fixed := false
	for i, arg := range call.Args {
		t := st.argType(arg)
		if t == nil || (t.Kind() != reflect.Slice && t.Kind() != reflect.Map) {
			continue
		}
		u := reflect.SliceOf(t.Elem())
		if t.Kind() == reflect.Map {
			u = reflect.MapOf(t.Key(), t.Elem())
		}
		ue, terr := st.typeExpr(u, arg.Pos())
		if terr != nil {
			continue
		}
		pos := arg.Pos()
		call.Args[i] = &ast.CallExpr{Fun: &ast.ParenExpr{Lparen: pos, X: ue, Rparen: pos}, Lparen: pos, Args: []ast.Expr{arg}, Rparen: arg.End()}
		fixed = true
	}
	return fixed
}

// explainGenericArg turns yaegi's panic when it instantiates a generic
// function of the standard library (slices, maps) with a value of a compiled
// type (a slice a compiled function returned or a compiled struct's field)
// into an error at the call that says how to convert the argument, naming
// its type when the argument can be evaluated without side effects.
func (st *state) explainGenericArg(err error, root ast.Node, rw *rewriter) error {
	call, name := st.genericArgCall(err, root, rw)
	if call == nil {
		return err
	}
	for _, arg := range call.Args {
		if isCompositeLit(arg) || isTypedOperand(arg) {
			continue
		}
		typ := "T"
		if t := st.argType(arg); t != nil {
			if e, terr := st.typeExpr(t, arg.Pos()); terr == nil {
				typ = exprString(e)
			}
		}
		return &rewriteError{pos: call.Pos(), msg: fmt.Sprintf(
			"the interpreter cannot instantiate %s with %s, a value of a compiled type; convert it to its slice or map type: %s(%s(%s))",
			name, exprString(arg), name, typ, exprString(arg))}
	}
	return err
}
