package eval

import (
	"go/ast"
	"go/token"
)

// This file rewrites Go that yaegi v0.16.1 compiles without complaint but
// runs differently from Go, or rejects although it is valid:
//
//   - `a, b = x, nil` panics ("reflect: New(nil)", yaegi issue #1583): the
//     untyped nil gets its type from a copy of the destination;
//   - a closure created in a loop sees the loop variable's last value (yaegi
//     issues #1594, #1713: every iteration shares one slot), unlike Go 1.22;
//     closures read a per-iteration copy instead;
//   - `a, b = x, f()` assigns the zero value to a: in a multiple assignment
//     (not a define) yaegi loses the values that are not calls when another
//     value is a call; the calls are evaluated into temporaries first;
//   - a variable declared in a block of a cell's statements (a loop body)
//     with the name of one the cell declares at its top level gets the
//     top-level variable's slot: `for ... { p := xs[i] }; p := 3` panics
//     ("reflect.Set: value of type []float64 is not assignable to type
//     int"); the inner variable is renamed;
//   - `for _, v := range xs` among a cell's statements, followed by a define,
//     stores the index in v's slot ("reflect: call of reflect.Value.SetInt
//     on float64 Value"); the key gets a hidden name;
//   - `v, ok := m[k]` and `v, ok := x.(T)` of a cell's top level panic ("nil
//     type"): they are written as forms yaegi types at the top level.

// rewriteNilTuple rewrites a multiple assignment with an untyped nil value,
// which yaegi v0.16.1 cannot type:
//
//	cfg.F, cfg.G = 0, nil
//
// becomes
//
//	{ __gophysNil1 := cfg.G; __gophysNil1 = nil; cfg.F, cfg.G = 0, __gophysNil1 }
//
// The destination is read first only to give nil its type, so a destination
// with a call or a receive (read twice) is an error saying how to write it.
// It returns nil when s needs no rewrite.
func (rw *rewriter) rewriteNilTuple(s *ast.AssignStmt) ast.Stmt {
	if s.Tok != token.ASSIGN || len(s.Lhs) < 2 || len(s.Lhs) != len(s.Rhs) || rw.isUserName("nil") {
		return nil
	}
	var init []ast.Stmt
	rhs := append([]ast.Expr(nil), s.Rhs...)
	for i, r := range s.Rhs {
		if id, ok := ast.Unparen(r).(*ast.Ident); !ok || id.Name != "nil" {
			continue
		}
		if isBlank(s.Lhs[i]) {
			return nil // invalid Go: yaegi reports it
		}
		if hasEffects(s.Lhs[i]) {
			rw.fail(r.Pos(), "the interpreter cannot assign an untyped nil in a multiple assignment whose destination %s calls a function; assign it on its own line: %s = nil",
				exprString(s.Lhs[i]), exprString(s.Lhs[i]))
			return nil
		}
		pos := r.Pos()
		name := &ast.Ident{NamePos: pos, Name: rw.hidden(nilTemp)}
		init = append(init,
			&ast.AssignStmt{Lhs: []ast.Expr{name}, TokPos: pos, Tok: token.DEFINE, Rhs: []ast.Expr{s.Lhs[i]}},
			&ast.AssignStmt{Lhs: []ast.Expr{name}, TokPos: pos, Tok: token.ASSIGN, Rhs: []ast.Expr{&ast.Ident{NamePos: pos, Name: "nil"}}})
		rhs[i] = name
	}
	if init == nil {
		return nil
	}
	assign := &ast.AssignStmt{Lhs: s.Lhs, TokPos: s.TokPos, Tok: token.ASSIGN, Rhs: rhs}
	return &ast.BlockStmt{Lbrace: s.Pos(), List: append(init, assign), Rbrace: s.End()}
}

// rewriteCallTuple rewrites a multiple assignment that mixes calls (or
// receives) with other values, whose other values yaegi v0.16.1 replaces by
// zeros (`vs[i], names[i] = best[l], fmt.Sprint(l)` stores 0 in vs[i]):
//
//	a, b = x, f()
//
// becomes
//
//	{ __gophysTup1 := f(); a, b = x, __gophysTup1 }
//
// The calls still run in their order; Go leaves the order of plain reads
// and calls unspecified.
// A destination with a call is an error saying how to write it. It returns
// nil when s needs no rewrite.
func (rw *rewriter) rewriteCallTuple(s *ast.AssignStmt) ast.Stmt {
	if s.Tok != token.ASSIGN || len(s.Lhs) < 2 || len(s.Lhs) != len(s.Rhs) {
		return nil
	}
	var calls, plain int
	for _, r := range s.Rhs {
		if hoistable(r) {
			calls++
		} else {
			plain++
		}
	}
	if calls == 0 || plain == 0 {
		return nil // all calls, or none: yaegi assigns these correctly
	}
	for _, l := range s.Lhs {
		if hasEffects(l) {
			rw.fail(l.Pos(), "the interpreter mis-assigns a multiple assignment that mixes calls and other values when a destination (%s) calls a function; assign each value on its own line",
				exprString(l))
			return nil
		}
	}
	var init []ast.Stmt
	rhs := append([]ast.Expr(nil), s.Rhs...)
	for i, r := range s.Rhs {
		if !hoistable(r) {
			continue
		}
		name := &ast.Ident{NamePos: r.Pos(), Name: rw.hidden(tupleTemp)}
		init = append(init, &ast.AssignStmt{Lhs: []ast.Expr{name}, TokPos: r.Pos(), Tok: token.DEFINE, Rhs: []ast.Expr{r}})
		rhs[i] = name
	}
	assign := &ast.AssignStmt{Lhs: s.Lhs, TokPos: s.TokPos, Tok: token.ASSIGN, Rhs: rhs}
	return &ast.BlockStmt{Lbrace: s.Pos(), List: append(init, assign), Rbrace: s.End()}
}

// hoistable reports whether e calls a function (builtins included: yaegi
// mis-assigns beside those too) or receives. A builtin call on constants
// stays in place, since a temporary would fix its untyped result's type.
func hoistable(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			found = !constantBuiltin(n)
		case *ast.UnaryExpr:
			found = n.Op == token.ARROW
		case *ast.FuncLit:
			return false
		}
		return !found
	})
	return found
}

// constantBuiltin reports whether c is a builtin call on literals only
// (`complex(1, 2)`, `max(3, 4)`), whose result may be an untyped constant.
func constantBuiltin(c *ast.CallExpr) bool {
	id, ok := c.Fun.(*ast.Ident)
	if !ok {
		return false
	}
	switch id.Name {
	case "len", "cap", "complex", "real", "imag", "min", "max":
	default:
		return false
	}
	for _, a := range c.Args {
		if _, ok := ast.Unparen(a).(*ast.BasicLit); !ok {
			return false
		}
	}
	return true
}

// hasEffects reports whether evaluating e may call a function or receive
// from a channel (a conversion counts as a call: the check is syntactic;
// len and cap do not).
func hasEffects(e ast.Node) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			// len and cap are the pure calls destinations index with.
			if id, ok := n.Fun.(*ast.Ident); !ok || id.Name != "len" && id.Name != "cap" {
				found = true
			}
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				found = true
			}
		case *ast.FuncLit:
			return false
		}
		return !found
	})
	return found
}

// rewriteLoopVars gives closures in loops Go 1.22's per-iteration loop
// variables. yaegi v0.16.1 keeps one slot per loop variable for the whole
// loop, so a closure (a stored func, a goroutine, a deferred call) sees
// the variable's last value; variables declared in the body are fresh each
// iteration. The body therefore starts with a copy of each captured loop
// variable, `__gophysLoop1 := v`, and
//
//   - in a range loop, every use of v in the body reads the copy (range
//     variables are not carried from one iteration to the next);
//   - in a three-clause loop, uses inside function literals read the copy,
//     provided the body never assigns v or takes its address (whose effect
//     on the next iteration the copy could not carry); otherwise the loop is
//     left as yaegi runs it.
func (rw *rewriter) rewriteLoopVars(root ast.Node) {
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.RangeStmt:
			if n.Tok != token.DEFINE {
				return true
			}
			var names []string
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
					names = append(names, id.Name)
				}
			}
			rw.copyLoopVars(n.Body, names, false)
		case *ast.ForStmt:
			init, ok := n.Init.(*ast.AssignStmt)
			if !ok || init.Tok != token.DEFINE {
				return true
			}
			var names []string
			for _, e := range init.Lhs {
				if id, ok := e.(*ast.Ident); ok && id.Name != "_" && !assigns(n.Body, id.Name) {
					names = append(names, id.Name)
				}
			}
			rw.copyLoopVars(n.Body, names, true)
		}
		return true
	})
}

// copyLoopVars inserts the copies of names at the start of body and renames
// their uses: inside function literals only when closuresOnly, else all.
// Nothing changes unless a function literal in body uses one of names (or,
// in a range loop, the body takes one's address).
func (rw *rewriter) copyLoopVars(body *ast.BlockStmt, names []string, closuresOnly bool) {
	if body == nil || len(names) == 0 {
		return
	}
	captured := map[string]bool{}
	for _, name := range names {
		if declares(body, name) {
			continue // shadowed somewhere in the body: left as yaegi runs it
		}
		ast.Inspect(body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				if usesFree(n, name) {
					captured[name] = true
				}
				return false
			case *ast.UnaryExpr:
				// &v of a range variable is a new pointer each iteration.
				if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND && id.Name == name && !closuresOnly {
					captured[name] = true
				}
			}
			return true
		})
	}
	if len(captured) == 0 {
		return
	}
	var copies []ast.Stmt
	rename := map[string]string{}
	for _, name := range names {
		if !captured[name] {
			continue
		}
		pos := body.Lbrace
		hidden := rw.hidden(loopCopy)
		rename[name] = hidden
		copies = append(copies, &ast.AssignStmt{
			Lhs: []ast.Expr{&ast.Ident{NamePos: pos, Name: hidden}}, TokPos: pos, Tok: token.DEFINE,
			Rhs: []ast.Expr{&ast.Ident{NamePos: pos, Name: name}},
		})
	}
	for _, s := range body.List {
		renameFree(s, rename, !closuresOnly)
	}
	body.List = append(copies, body.List...)
}

// assigns reports whether body assigns name (=, op=, ++, --, a define in
// the same scope cannot happen) or takes its address.
func assigns(body ast.Node, name string) bool {
	is := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && id.Name == name
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, l := range n.Lhs {
					found = found || is(l)
				}
			}
		case *ast.IncDecStmt:
			found = found || is(n.X)
		case *ast.UnaryExpr:
			found = found || n.Op == token.AND && is(n.X)
		case *ast.RangeStmt:
			found = found || n.Tok == token.ASSIGN && (is(n.Key) || n.Value != nil && is(n.Value))
		}
		return !found
	})
	return found
}

// declares reports whether n declares name anywhere inside (a parameter, a
// define, a var, a range variable), which would shadow a loop variable.
func declares(n ast.Node, name string) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			for _, id := range n.Names {
				found = found || id.Name == name
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == name {
						found = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				found = found || id.Name == name
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok && id.Name == name {
						found = true
					}
				}
			}
		}
		return !found
	})
	return found
}

// usesFree reports whether lit refers to the variable name of an enclosing
// scope.
func usesFree(lit *ast.FuncLit, name string) bool {
	if declares(lit, name) {
		return false
	}
	used := false
	forVarIdents(lit.Body, func(id *ast.Ident) { used = used || id.Name == name })
	return used
}

// renameFree renames the identifiers under n that refer to the variables
// in rename: everywhere when all is set, else only inside function
// literals. The caller makes sure nothing under n declares those names.
func renameFree(n ast.Node, rename map[string]string, all bool) {
	excluded := nonVarIdents(n)
	depth := 0 // function literals entered
	var stack []ast.Node
	ast.Inspect(n, func(m ast.Node) bool {
		if m == nil {
			if _, ok := stack[len(stack)-1].(*ast.FuncLit); ok {
				depth--
			}
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, m)
		switch m := m.(type) {
		case *ast.FuncLit:
			depth++
		case *ast.Ident:
			if to, ok := rename[m.Name]; ok && (all || depth > 0) && !excluded[m] {
				m.Name = to
			}
		}
		return true
	})
}

// forVarIdents calls f for each identifier under n that may name a
// variable (see nonVarIdents).
func forVarIdents(n ast.Node, f func(*ast.Ident)) {
	excluded := nonVarIdents(n)
	ast.Inspect(n, func(m ast.Node) bool {
		if id, ok := m.(*ast.Ident); ok && !excluded[id] {
			f(id)
		}
		return true
	})
}

// nonVarIdents returns the identifiers under n that cannot name a variable:
// selected fields and methods, keys of composite literals (a struct's
// field names; a map key that is a variable is missed, conservatively),
// labels, and field and parameter names of types.
func nonVarIdents(n ast.Node) map[*ast.Ident]bool {
	out := map[*ast.Ident]bool{}
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.SelectorExpr:
			out[m.Sel] = true
		case *ast.KeyValueExpr:
			if id, ok := m.Key.(*ast.Ident); ok {
				out[id] = true
			}
		case *ast.LabeledStmt:
			out[m.Label] = true
		case *ast.BranchStmt:
			if m.Label != nil {
				out[m.Label] = true
			}
		case *ast.Field:
			for _, id := range m.Names {
				out[id] = true
			}
		}
		return true
	})
	return out
}

// renameShadowingLocals renames the variables that blocks inside the cell's
// top-level statements declare with the name of a variable, constant, type
// or function the cell declares at its top level (decls, or the statements'
// own defines), so that yaegi, which mixes the two up within one
// evaluation, sees distinct names. It relies on the parser's identifier
// resolution (ast.Ident.Obj), which scopes exactly as Go.
func (rw *rewriter) renameShadowingLocals(stmts *ast.BlockStmt, decls []ast.Decl) {
	if stmts == nil {
		return
	}
	topDecl := map[any]bool{}
	topName := map[string]bool{}
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				topName[d.Name.Name] = true
			}
		case *ast.GenDecl:
			specNames(d, func(_ ast.Spec, name string) { topName[name] = true })
		}
	}
	for _, s := range stmts.List {
		switch s := s.(type) {
		case *ast.AssignStmt:
			if s.Tok == token.DEFINE {
				topDecl[s] = true
				for _, l := range s.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						topName[id.Name] = true
					}
				}
			}
		case *ast.DeclStmt:
			if g, ok := s.Decl.(*ast.GenDecl); ok {
				specNames(g, func(spec ast.Spec, name string) { topDecl[spec], topName[name] = true, true })
			}
		}
	}
	if len(topName) == 0 {
		return
	}
	renamed := map[*ast.Object]string{}
	ast.Inspect(stmts, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok || id.Obj == nil || id.Obj.Kind != ast.Var || !topName[id.Name] || topDecl[id.Obj.Decl] {
			return true
		}
		if _, done := renamed[id.Obj]; !done {
			renamed[id.Obj] = rw.hidden(innerName)
		}
		return true
	})
	if len(renamed) == 0 {
		return
	}
	ast.Inspect(stmts, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Obj != nil {
			if name, ok := renamed[id.Obj]; ok {
				id.Name = name
			}
		}
		return true
	})
}

// specNames calls f with each name g declares and the spec declaring it.
func specNames(g *ast.GenDecl, f func(spec ast.Spec, name string)) {
	for _, spec := range g.Specs {
		switch spec := spec.(type) {
		case *ast.ValueSpec:
			for _, id := range spec.Names {
				f(spec, id.Name)
			}
		case *ast.TypeSpec:
			f(spec, spec.Name.Name)
		}
	}
}

// nameBlankRangeKeys gives the blank key of `for _, v := range xs` loops in
// the cell's statements a hidden name: with a blank key, yaegi v0.16.1 puts
// the key in the value's slot when the cell defines variables after the loop.
func (rw *rewriter) nameBlankRangeKeys(stmts *ast.BlockStmt) {
	if stmts == nil {
		return
	}
	ast.Inspect(stmts, func(n ast.Node) bool {
		if r, ok := n.(*ast.RangeStmt); ok && r.Tok == token.DEFINE && r.Value != nil && isBlank(r.Key) {
			r.Key = &ast.Ident{NamePos: r.Key.Pos(), Name: rw.hidden(rangeKey)}
		}
		return true
	})
}
