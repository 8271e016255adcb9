package eval

import (
	"context"
	"fmt"
	"go/ast"
	"go/token"
	"reflect"

	"github.com/gophys/gophys/kernel"
)

// This file decides whether a cell has a value to show and renders it.

// finalKind says what becomes of a cell's last statement.
type finalKind int

const (
	finalNone        finalKind = iota // no value: not an expression, or not exactly one result
	finalShow                         // an expression with exactly one value: shown
	finalAfterPrefix                  // unknown until the statements before it have run
	finalProbe                        // unknown until the cell's declarations have run
)

// finalValue decides whether the cell's last statement yields a value to
// show.
func (st *state) finalValue(sc *splitCell, rw *rewriter) finalKind {
	if !sc.lastIsStmt || sc.stmts == nil || len(sc.stmts.List) == 0 {
		return finalNone
	}
	last, ok := sc.stmts.List[len(sc.stmts.List)-1].(*ast.ExprStmt)
	if !ok {
		return finalNone
	}
	call, ok := ast.Unparen(last.X).(*ast.CallExpr)
	if !ok {
		return finalShow
	}
	switch st.callResults(call, sc, rw) {
	case 1:
		return finalShow
	case needsProbe:
		usesLocal := false
		ast.Inspect(call.Fun, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if _, local := rw.local[id.Name]; local {
					usesLocal = true
				}
			}
			return !usesLocal
		})
		if usesLocal && len(sc.stmts.List) > 1 {
			return finalAfterPrefix
		}
		// Names of the cell that no statement before it defines come from
		// its declarations, which run before the probe.
		return finalProbe
	}
	return finalNone
}

// needsProbe is callResults' answer when only evaluating the callee can
// tell (a method value, a function variable).
const needsProbe = -2

// wrapFinalValue replaces a final expression statement yielding exactly one
// value with a call that shows it.
func (st *state) wrapFinalValue(sc *splitCell, rw *rewriter) {
	list := sc.stmts.List
	last, ok := list[len(list)-1].(*ast.ExprStmt)
	if !ok {
		return
	}
	// finalVar = expr; builtins.Keep(finalVar)
	// A composite literal or a value an interpreted function or method
	// returns goes through a temporary that gives the value its static type
	// first: assigned to the interface directly, it loses its interpreted
	// methods (pointer receivers included). Only those do, because every
	// temporary is a new slot in yaegi's global frame, which never shrinks.
	pos := last.X.Pos()
	if !(isCompositeLit(last.X) || st.mayHaveCellMethods(last.X, rw)) || st.isGenericCall(last.X, rw) {
		list[len(list)-1] = &ast.AssignStmt{
			Lhs: []ast.Expr{&ast.Ident{NamePos: pos, Name: finalVar}}, TokPos: pos, Tok: token.ASSIGN, Rhs: []ast.Expr{last.X},
		}
	} else {
		list[len(list)-1] = &ast.AssignStmt{
			Lhs: []ast.Expr{&ast.Ident{NamePos: pos, Name: finalTemp}}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{last.X},
		}
		list = append(list, &ast.AssignStmt{
			Lhs: []ast.Expr{&ast.Ident{NamePos: pos, Name: finalVar}}, TokPos: pos, Tok: token.ASSIGN, Rhs: []ast.Expr{&ast.Ident{NamePos: pos, Name: finalTemp}},
		})
	}
	sc.stmts.List = append(list, &ast.ExprStmt{X: &ast.CallExpr{
		Fun:    &ast.SelectorExpr{X: &ast.Ident{NamePos: pos, Name: builtinsAlias}, Sel: &ast.Ident{NamePos: pos, Name: "Keep"}},
		Lparen: pos, Args: []ast.Expr{&ast.Ident{NamePos: pos, Name: finalVar}}, Rparen: pos,
	}})
}

// mayHaveCellMethods reports whether e, a call or an index, may yield a
// value of a type a cell declared: a call of anything but a compiled
// package function, a builtin or a conversion to a basic type, or an index
// of an earlier cell's variable whose elements may be interpreted structs.
func (st *state) mayHaveCellMethods(e ast.Expr, rw *rewriter) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		switch fun := ast.Unparen(e.Fun).(type) {
		case *ast.Ident:
			if !rw.isUserName(fun.Name) && (builtinResults[fun.Name] > 0 || isBasicTypeName(fun.Name)) {
				return false
			}
		case *ast.SelectorExpr:
			if id, ok := fun.X.(*ast.Ident); ok && !rw.isUserName(id.Name) {
				if _, isPkg := st.pkgPath(id.Name); isPkg {
					return false
				}
			}
		case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.InterfaceType:
			return false
		}
		return true
	case *ast.IndexExpr:
		id, ok := ast.Unparen(e.X).(*ast.Ident)
		if !ok {
			return false
		}
		if _, local := rw.local[id.Name]; local {
			return false
		}
		v, ok := st.global(id.Name)
		if !ok {
			return false
		}
		switch t := v.Type(); t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			return mayBeInterpreted(t.Elem())
		}
	}
	return false
}

// isCompositeLit reports whether e is T{...} or &T{...}.
func isCompositeLit(e ast.Expr) bool {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	_, ok := e.(*ast.CompositeLit)
	return ok
}

// isGenericCall reports whether e calls a generic function: one a cell
// declared, or the interpreted min/max fallbacks.
func (st *state) isGenericCall(e ast.Expr, rw *rewriter) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	fun := ast.Unparen(call.Fun)
	if ix, ok := fun.(*ast.IndexExpr); ok {
		fun = ix.X
	}
	if ix, ok := fun.(*ast.IndexListExpr); ok {
		fun = ix.X
	}
	if sel, ok := fun.(*ast.SelectorExpr); ok {
		// Functions of the source packages (slices, maps) are generic.
		if pkg, ok := sel.X.(*ast.Ident); ok && !rw.isUserName(pkg.Name) {
			p, ok := st.pkgPath(pkg.Name)
			return ok && sourcePackages[p]
		}
		return false
	}
	id, ok := fun.(*ast.Ident)
	if !ok {
		return false
	}
	if id.Name == genericMin || id.Name == genericMax || rw.generic[id.Name] {
		return true
	}
	d := st.declared[id.Name]
	return d != nil && d.generic
}

// sourcePackages are the packages yaegi interprets from source (the generic
// standard library), whose functions have no compiled symbol to count
// results from. All their functions return one value except these.
var (
	sourcePackages  = map[string]bool{"slices": true, "maps": true, "cmp": true}
	sourceNonSingle = map[string]int{
		"slices.Sort": 0, "slices.SortFunc": 0, "slices.SortStableFunc": 0, "slices.Reverse": 0,
		"slices.BinarySearch": 2, "slices.BinarySearchFunc": 2,
		"maps.Copy": 0, "maps.DeleteFunc": 0,
	}
)

// sourceResults is the result count of a function of a source package.
func sourceResults(importPath, name string) (int, bool) {
	if !sourcePackages[importPath] {
		return 0, false
	}
	if n, ok := sourceNonSingle[importPath+"."+name]; ok {
		return n, true
	}
	return 1, true
}

// builtinResults is the number of results of Go's builtin functions.
var builtinResults = map[string]int{
	"len": 1, "cap": 1, "append": 1, "make": 1, "new": 1, "complex": 1, "real": 1, "imag": 1,
	"min": 1, "max": 1, "copy": 1, "recover": 1,
	"print": 0, "println": 0, "panic": 0, "close": 0, "delete": 0, "clear": 0,
}

// callResults is the number of results of call, -1 when unknown, or
// needsProbe.
func (st *state) callResults(call *ast.CallExpr, sc *splitCell, rw *rewriter) int {
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.FuncLit:
		return fieldCount(fun.Type.Results)
	case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.InterfaceType, *ast.StructType, *ast.StarExpr:
		return 1 // a conversion
	case *ast.Ident:
		if n, ok := rw.arity[fun.Name]; ok {
			return n
		}
		if _, ok := rw.local[fun.Name]; ok {
			return needsProbe // a variable of this cell: probed once it exists
		}
		for _, d := range sc.decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
				for _, s := range g.Specs {
					if s.(*ast.TypeSpec).Name.Name == fun.Name {
						return 1
					}
				}
			}
		}
		if d := st.declared[fun.Name]; d != nil {
			if d.results >= 0 {
				return d.results
			}
			return needsProbe
		}
		if n, ok := builtinResults[fun.Name]; ok {
			return n
		}
		if isBasicTypeName(fun.Name) || fun.Name == "any" || fun.Name == "error" {
			return 1
		}
	case *ast.SelectorExpr:
		if id, ok := fun.X.(*ast.Ident); ok && !rw.isUserName(id.Name) {
			if p, ok := st.pkgPath(id.Name); ok {
				if v, ok := packages().symbol(p, fun.Sel.Name); ok {
					return resultCount(v)
				}
				if n, ok := sourceResults(p, fun.Sel.Name); ok {
					return n
				}
				return -1
			}
		}
		return needsProbe
	case *ast.IndexExpr, *ast.IndexListExpr:
		return needsProbe
	}
	return -1
}

// probeResults evaluates a side-effect-free callee expression (names,
// selectors, indexes) and counts its results from the function's type.
func (st *state) probeResults(ctx context.Context, fun ast.Expr) int {
	pure := true
	ast.Inspect(fun, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.CallExpr, *ast.FuncLit:
			pure = false
		}
		return pure
	})
	if !pure {
		return -1
	}
	v, err := st.h.compileRun(ctx, &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: fun}}})
	if err != nil || !v.IsValid() || v.Kind() != reflect.Func {
		return -1
	}
	return v.Type().NumOut()
}

// keep receives a cell's final value (builtins Keep).
func (st *state) keep(v any) { st.kept, st.keptValue = true, v }

// put receives one rendering a rich check found (builtins Put); mime "" is a
// whole MIME bundle.
func (st *state) put(mime string, v any) {
	if st.puts == nil {
		st.puts = map[string]any{}
	}
	if m, ok := v.(map[string]any); ok && mime == "" {
		for k, x := range m {
			st.puts[k] = x
		}
		return
	}
	st.puts[mime] = v
}

// finishValue renders the kept final value. A value of an interpreted type
// is checked for HTML, MIMEBundle, String... methods by the interpreted
// rich checks, since compiled code cannot see its methods; any other value
// goes to package display.
func (st *state) finishValue(ctx context.Context, r *router) {
	v := unwrapInterpreted(st.keptValue)
	interpreted := isInterpreterWrapper(st.keptValue) || mayBeInterpreted(reflect.TypeOf(v))
	data := map[string]any{}
	if interpreted {
		for _, prog := range st.checks {
			if _, err := st.h.runProgram(ctx, prog); err != nil {
				r.takeTrace() // a failed check is not the user's error
			}
		}
		for k, x := range st.puts {
			data[k] = x
		}
	}
	metadata := map[string]any{}
	if len(data) == 0 || (len(data) == 1 && data["text/plain"] != nil) {
		if b, md, ok := renderValue(v); ok {
			for k, x := range b {
				if _, set := data[k]; !set {
					data[k] = x
				}
			}
			for k, x := range md {
				metadata[k] = x
			}
		}
	}
	if _, ok := data["text/plain"]; !ok {
		data["text/plain"] = formatValue(v)
	}
	st.result = &kernel.DisplayData{Data: data, Metadata: metadata}
}

// mayBeInterpreted reports whether t could be the type of an interpreted
// value: yaegi builds interpreted structs with reflect.StructOf, so they
// reach compiled code as unnamed structs (or pointers to them).
func mayBeInterpreted(t reflect.Type) bool {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t != nil && t.Kind() == reflect.Struct && t.Name() == ""
}

// formatValue is the text/plain form of a value without richer display; a
// function shows its signature rather than its address.
func formatValue(v any) string {
	if t := reflect.TypeOf(v); t != nil && t.Kind() == reflect.Func {
		return t.String()
	}
	return fmt.Sprintf("%v", v)
}
