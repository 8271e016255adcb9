package eval

import (
	"fmt"
	"go/ast"
	"go/token"
	"strconv"
)

// typeOracle guesses the type of names the rewriter meets. It answers with a
// Go type name for basic types ("int", "float64", "string", ...), one of
// "func", "slice", "map", "chan", "struct", or "" when it cannot tell. The
// rewriter only acts on answers it can trust; "" always means "leave it".
type typeOracle interface {
	// nameType is the type of a name from an earlier cell (a global
	// variable, constant or function), or "" when unknown.
	nameType(name string) string
	// selectorType is the type of pkg.Name for a package known by its local
	// name, or "" when pkg is not a package or Name is unknown. With asCall
	// it is the type of the single result of calling pkg.Name.
	selectorType(pkg, name string, asCall bool) string
	// shadowed reports whether a user declaration hides the builtin or
	// package of that name.
	shadowed(name string) bool
}

// rewriteError is an error the rewriter reports at a cell position.
type rewriteError struct {
	pos token.Pos
	msg string
}

func (e *rewriteError) Error() string { return e.msg }

// rewriter turns syntax yaegi v0.16.1 cannot run into syntax it can. It is
// used once per cell.
type rewriter struct {
	oracle typeOracle
	local  map[string]string // name → guessed type for names the cell declares; "" on conflict
	arity  map[string]int    // name → result count of a function the cell declares or assigns a literal to
	// generic holds the generic functions the cell declares.
	generic map[string]bool
	seq     int           // numbers hidden names, so nested rewrites do not collide
	err     *rewriteError // the first error; the cell is not run
	osName  string        // local name of package os when the cell may use it, else ""
	// positionOf renders a position as "line:col" for messages built at run
	// time (a goroutine's panic report).
	positionOf func(token.Pos) string
	wrapped    map[*ast.GoStmt]bool // go statements already rewritten
}

func newRewriter(oracle typeOracle) *rewriter {
	return &rewriter{oracle: oracle, local: map[string]string{}, arity: map[string]int{}, generic: map[string]bool{}, wrapped: map[*ast.GoStmt]bool{}}
}

// learn records the types of names the cell declares, so a range bound or a
// min operand declared in the same cell is known. A name declared twice with
// different guesses becomes unknown.
func (rw *rewriter) learn(root ast.Node) {
	set := func(name, typ string) {
		if name == "_" {
			return
		}
		if old, ok := rw.local[name]; ok && old != typ {
			rw.local[name] = ""
			return
		}
		rw.local[name] = typ
	}
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				return true
			}
			for i, lhs := range n.Lhs {
				id, ok := lhs.(*ast.Ident)
				if !ok {
					continue
				}
				typ := ""
				if len(n.Rhs) == len(n.Lhs) {
					typ = rw.guess(n.Rhs[i])
					if lit, ok := n.Rhs[i].(*ast.FuncLit); ok {
						rw.arity[id.Name] = fieldCount(lit.Type.Results)
					}
				}
				set(id.Name, typ)
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				typ := ""
				if n.Type != nil {
					typ = typeExprName(n.Type)
				} else if len(n.Values) == len(n.Names) {
					typ = rw.guess(n.Values[i])
				}
				set(id.Name, typ)
			}
		case *ast.FuncType:
			for _, fl := range []*ast.FieldList{n.Params, n.Results} {
				if fl == nil {
					continue
				}
				for _, f := range fl.List {
					for _, id := range f.Names {
						set(id.Name, typeExprName(f.Type))
					}
				}
			}
		case *ast.FuncDecl:
			if n.Recv == nil {
				set(n.Name.Name, "func")
				rw.arity[n.Name.Name] = fieldCount(n.Type.Results)
				if n.Type.TypeParams != nil {
					rw.generic[n.Name.Name] = true
				}
			}
		case *ast.RangeStmt:
			// The key of a range over a slice, array, string or map of int
			// keys is often an int; only record what is certain.
			if id, ok := n.Key.(*ast.Ident); ok && n.Tok == token.DEFINE {
				switch rw.guess(n.X) {
				case "slice", "string":
					set(id.Name, "int")
				default:
					set(id.Name, "")
				}
			}
			if id, ok := n.Value.(*ast.Ident); ok && n.Tok == token.DEFINE {
				set(id.Name, "")
			}
		}
		return true
	})
}

// typeExprName names a type expression the way guess does.
func typeExprName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		if isBasicTypeName(t.Name) {
			return canonicalBasic(t.Name)
		}
	case *ast.ArrayType:
		return "slice"
	case *ast.MapType:
		return "map"
	case *ast.ChanType:
		return "chan"
	case *ast.FuncType:
		return "func"
	}
	return ""
}

var basicTypes = map[string]bool{
	"bool": true, "string": true, "int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"float32": true, "float64": true, "complex64": true, "complex128": true, "byte": true, "rune": true,
}

func isBasicTypeName(name string) bool { return basicTypes[name] }

func canonicalBasic(name string) string {
	switch name {
	case "byte":
		return "uint8"
	case "rune":
		return "int32"
	}
	return name
}

func isIntegerType(t string) bool {
	switch t {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr":
		return true
	}
	return false
}

// guess returns the type of e as far as the rewriter can tell.
func (rw *rewriter) guess(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.INT:
			return "int"
		case token.FLOAT:
			return "float64"
		case token.STRING:
			return "string"
		case token.CHAR:
			return "int32"
		}
	case *ast.Ident:
		if t, ok := rw.local[e.Name]; ok {
			return t
		}
		if e.Name == "true" || e.Name == "false" {
			return "bool"
		}
		return rw.oracle.nameType(e.Name)
	case *ast.ParenExpr:
		return rw.guess(e.X)
	case *ast.UnaryExpr:
		switch e.Op {
		case token.NOT:
			return "bool"
		case token.ARROW, token.AND:
			return ""
		}
		return rw.guess(e.X)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ, token.LAND, token.LOR:
			return "bool"
		case token.SHL, token.SHR:
			return rw.guess(e.X)
		}
		x, y := rw.guess(e.X), rw.guess(e.Y)
		// An untyped int constant takes the other operand's type.
		if x == "int" && isUntypedConst(e.X) {
			return y
		}
		if y == "int" && isUntypedConst(e.Y) {
			return x
		}
		if x == y {
			return x
		}
		return ""
	case *ast.CallExpr:
		switch fun := e.Fun.(type) {
		case *ast.Ident:
			if rw.isUserName(fun.Name) {
				return ""
			}
			switch fun.Name {
			case "len", "cap", "copy":
				return "int"
			}
			if isBasicTypeName(fun.Name) {
				return canonicalBasic(fun.Name)
			}
		case *ast.SelectorExpr:
			if pkg, ok := fun.X.(*ast.Ident); ok && !rw.isUserName(pkg.Name) {
				return rw.oracle.selectorType(pkg.Name, fun.Sel.Name, true)
			}
		case *ast.ArrayType:
			return "slice"
		}
	case *ast.SelectorExpr:
		if pkg, ok := e.X.(*ast.Ident); ok && !rw.isUserName(pkg.Name) {
			return rw.oracle.selectorType(pkg.Name, e.Sel.Name, false)
		}
	case *ast.FuncLit:
		return "func"
	case *ast.CompositeLit:
		switch e.Type.(type) {
		case *ast.ArrayType:
			return "slice"
		case *ast.MapType:
			return "map"
		}
	}
	return ""
}

// isUntypedConst reports whether e is a literal constant expression.
func isUntypedConst(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return isUntypedConst(e.X)
	case *ast.UnaryExpr:
		return isUntypedConst(e.X)
	case *ast.BinaryExpr:
		return isUntypedConst(e.X) && isUntypedConst(e.Y)
	}
	return false
}

// isUserName reports whether name is declared by the user, in this cell or
// an earlier one, so it hides a builtin or package of the same name.
func (rw *rewriter) isUserName(name string) bool {
	if _, ok := rw.local[name]; ok {
		return true
	}
	return rw.oracle.shadowed(name)
}

// fail records the first rewrite error.
func (rw *rewriter) fail(pos token.Pos, format string, args ...any) {
	if rw.err == nil {
		rw.err = &rewriteError{pos: pos, msg: fmt.Sprintf(format, args...)}
	}
}

func (rw *rewriter) hidden(prefix string) string {
	rw.seq++
	return prefix + strconv.Itoa(rw.seq)
}

// rewriteBlock rewrites every statement list under root in place.
func (rw *rewriter) rewrite(root ast.Node) {
	// Loops first, while range-over-int loops are still range statements.
	rw.rewriteLoopVars(root)
	// Expressions next: they are mutated in place.
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			rw.rewriteBuiltinCall(n)
			rw.guardWaitGroupGo(n)
		case *ast.SelectorExpr:
			// os.Stdin becomes a reader that asks the frontend for input.
			if id, ok := n.X.(*ast.Ident); ok && rw.osName != "" && id.Name == rw.osName && n.Sel.Name == "Stdin" {
				n.X = &ast.Ident{NamePos: id.NamePos, Name: builtinsAlias}
				n.Sel = &ast.Ident{NamePos: n.Sel.NamePos, Name: stdinName}
			}
		}
		return true
	})
	// Then statements, which may be replaced.
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			n.List = rw.rewriteList(n.List)
		case *ast.CaseClause:
			n.Body = rw.rewriteList(n.Body)
		case *ast.CommClause:
			n.Body = rw.rewriteList(n.Body)
		}
		return true
	})
}

// rewriteBuiltinCall replaces min, max and clear, which yaegi v0.16.1 lacks.
func (rw *rewriter) rewriteBuiltinCall(call *ast.CallExpr) {
	id, ok := call.Fun.(*ast.Ident)
	if !ok || rw.isUserName(id.Name) {
		return
	}
	switch id.Name {
	case "min", "max":
		if len(call.Args) == 0 {
			return
		}
		helper := map[string]string{"min": genericMin, "max": genericMax}[id.Name]
		if suffix, ok := minMaxSuffix[rw.operandType(call.Args)]; ok {
			name := map[string]string{"min": "Min", "max": "Max"}[id.Name] + suffix
			call.Fun = &ast.SelectorExpr{X: &ast.Ident{NamePos: id.NamePos, Name: builtinsAlias}, Sel: &ast.Ident{NamePos: id.NamePos, Name: name}}
			return
		}
		call.Fun = &ast.Ident{NamePos: id.NamePos, Name: helper}
	case "clear":
		call.Fun = &ast.SelectorExpr{X: &ast.Ident{NamePos: id.NamePos, Name: builtinsAlias}, Sel: &ast.Ident{NamePos: id.NamePos, Name: "Clear"}}
	}
}

// operandType is the common type of min/max operands: the first typed
// operand's type, else float64 when any constant is a float, else int.
func (rw *rewriter) operandType(args []ast.Expr) string {
	allConst, anyFloat := true, false
	for _, a := range args {
		if isUntypedConst(a) {
			if rw.guess(a) == "float64" {
				anyFloat = true
			}
			continue
		}
		allConst = false
		if t := rw.guess(a); t != "" {
			return t
		}
		return ""
	}
	if allConst && anyFloat {
		return "float64"
	}
	if allConst {
		return rw.guess(args[0])
	}
	return ""
}

// rejectTopLevelDefer reports a defer statement directly in the cell's
// statements: yaegi runs the cell in the interpreter's global frame, whose
// deferred calls would run again after every later cell.
func (rw *rewriter) rejectTopLevelDefer(block *ast.BlockStmt) {
	for _, s := range block.List {
		if d, ok := s.(*ast.DeferStmt); ok {
			rw.fail(d.Defer, "defer outside a function is not supported in a cell (the cell is not a function); put the code in a func, or call it at the end of the cell")
			return
		}
	}
}

// rewriteList rewrites range-over-int loops and go statements in a list.
func (rw *rewriter) rewriteList(list []ast.Stmt) []ast.Stmt {
	for i, s := range list {
		switch s := s.(type) {
		case *ast.RangeStmt:
			list[i] = rw.rewriteRange(s, nil)
		case *ast.LabeledStmt:
			if r, ok := s.Stmt.(*ast.RangeStmt); ok {
				list[i] = rw.rewriteRange(r, s)
			}
		case *ast.GoStmt:
			if !rw.wrapped[s] {
				list[i] = rw.rewriteGo(s)
			}
		case *ast.AssignStmt:
			if b := rw.rewriteNilTuple(s); b != nil {
				list[i] = b
			} else if b := rw.rewriteCallTuple(s); b != nil {
				list[i] = b
			}
		}
	}
	return list
}

// rewriteRange turns `for i := range n` over a provable integer into a
// classic loop, rejects range over a function, and leaves everything else.
// label is the statement's label, if any.
func (rw *rewriter) rewriteRange(r *ast.RangeStmt, label *ast.LabeledStmt) ast.Stmt {
	keep := ast.Stmt(r)
	if label != nil {
		keep = label
	}
	typ := rw.guess(r.X)
	if typ == "func" {
		rw.fail(r.For, "range over a function (iterator) is not supported by the interpreter; call the function with a callback instead")
		return keep
	}
	if !isIntegerType(typ) {
		return keep
	}
	if r.Value != nil {
		rw.fail(r.For, "range over an integer yields one value, not two")
		return keep
	}
	pos := r.For
	var init []ast.Stmt
	limit := r.X
	if !isUntypedConst(r.X) {
		// Evaluate the bound once, as range does.
		name := rw.hidden(rangeLimit)
		init = append(init, &ast.AssignStmt{
			Lhs: []ast.Expr{&ast.Ident{NamePos: pos, Name: name}}, TokPos: pos, Tok: token.DEFINE,
			Rhs: []ast.Expr{r.X},
		})
		limit = &ast.Ident{NamePos: pos, Name: name}
	}
	key := r.Key
	tok := r.Tok
	if key == nil || isBlank(key) {
		key = &ast.Ident{NamePos: pos, Name: rw.hidden(rangeLimit + "I")}
		tok = token.DEFINE
	}
	// The counter starts at a zero of the bound's type: limit-limit for a
	// typed bound, 0 for an int or a constant.
	var zero ast.Expr = &ast.BasicLit{ValuePos: pos, Kind: token.INT, Value: "0"}
	if typ != "int" && !isUntypedConst(r.X) {
		zero = &ast.BinaryExpr{X: limit, OpPos: pos, Op: token.SUB, Y: limit}
	}
	loop := &ast.ForStmt{
		For:  pos,
		Init: &ast.AssignStmt{Lhs: []ast.Expr{key}, TokPos: pos, Tok: tok, Rhs: []ast.Expr{zero}},
		Cond: &ast.BinaryExpr{X: key, OpPos: pos, Op: token.LSS, Y: limit},
		Post: &ast.IncDecStmt{X: key, TokPos: pos, Tok: token.INC},
		Body: r.Body,
	}
	var stmt ast.Stmt = loop
	if label != nil {
		label.Stmt = loop
		stmt = label
	}
	if len(init) == 0 {
		return stmt
	}
	return &ast.BlockStmt{Lbrace: pos, List: append(init, stmt), Rbrace: r.Body.Rbrace}
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// rewriteGo wraps a go statement so a panic in the goroutine is recovered and
// reported to the cell: yaegi v0.16.1 lets it kill the whole process.
// Arguments are evaluated before the goroutine starts, as Go does.
//
//	go f(a, b)
//
// becomes
//
//	{ g1, g2 := a, b; go func() { defer func() { if r := recover(); r != nil { report(r, "3:1") } }(); f(g1, g2) }() }
func (rw *rewriter) rewriteGo(g *ast.GoStmt) ast.Stmt {
	pos := g.Go
	call := g.Call
	var init []ast.Stmt
	args := make([]ast.Expr, len(call.Args))
	copy(args, call.Args)
	// A single multi-valued call argument cannot be assigned to one name;
	// leave such arguments (and the callee) to be evaluated in the goroutine.
	if !(len(call.Args) == 1 && isCall(call.Args[0])) {
		var lhs, rhs []ast.Expr
		for i, a := range call.Args {
			if isUntypedConst(a) {
				continue
			}
			name := rw.hidden(goArg)
			lhs = append(lhs, &ast.Ident{NamePos: pos, Name: name})
			rhs = append(rhs, a)
			args[i] = &ast.Ident{NamePos: a.Pos(), Name: name}
		}
		if len(lhs) > 0 {
			init = append(init, &ast.AssignStmt{Lhs: lhs, TokPos: pos, Tok: token.DEFINE, Rhs: rhs})
		}
	}
	inner := &ast.CallExpr{Fun: call.Fun, Lparen: call.Lparen, Args: args, Ellipsis: call.Ellipsis, Rparen: call.Rparen}
	deferred := rw.recoverReport(pos)
	body := &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{deferred, &ast.ExprStmt{X: inner}}, Rbrace: pos}
	wrapped := &ast.GoStmt{Go: pos, Call: &ast.CallExpr{
		Fun:    &ast.FuncLit{Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{Opening: pos, Closing: pos}}, Body: body},
		Lparen: pos, Rparen: pos,
	}}
	rw.wrapped[wrapped] = true
	if len(init) == 0 {
		return wrapped
	}
	return &ast.BlockStmt{Lbrace: pos, List: append(init, wrapped), Rbrace: pos}
}

// recoverReport is the statement that recovers a goroutine's panic and
// reports it with the position of the statement that started it:
//
//	defer func() { if r := recover(); r != nil { report(r, "3:1") } }()
func (rw *rewriter) recoverReport(pos token.Pos) ast.Stmt {
	where := ""
	if rw.positionOf != nil {
		where = rw.positionOf(pos)
	}
	rec := &ast.Ident{NamePos: pos, Name: goRecover}
	report := &ast.IfStmt{
		If: pos,
		Init: &ast.AssignStmt{Lhs: []ast.Expr{rec}, TokPos: pos, Tok: token.DEFINE,
			Rhs: []ast.Expr{&ast.CallExpr{Fun: &ast.Ident{NamePos: pos, Name: "recover"}, Lparen: pos, Rparen: pos}}},
		Cond: &ast.BinaryExpr{X: rec, OpPos: pos, Op: token.NEQ, Y: &ast.Ident{NamePos: pos, Name: "nil"}},
		Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{&ast.ExprStmt{X: &ast.CallExpr{
			Fun:    &ast.SelectorExpr{X: &ast.Ident{NamePos: pos, Name: builtinsAlias}, Sel: &ast.Ident{NamePos: pos, Name: goPanicFn}},
			Lparen: pos,
			Args:   []ast.Expr{rec, &ast.BasicLit{ValuePos: pos, Kind: token.STRING, Value: strconv.Quote(where)}},
			Rparen: pos,
		}}}, Rbrace: pos},
	}
	return &ast.DeferStmt{Defer: pos, Call: &ast.CallExpr{
		Fun:    &ast.FuncLit{Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{Opening: pos, Closing: pos}}, Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{report}, Rbrace: pos}},
		Lparen: pos, Rparen: pos,
	}}
}

// guardWaitGroupGo makes `x.Go(func() { ... })` (sync.WaitGroup.Go, Go 1.25,
// which runs the literal on a goroutine of its own) recover and report a
// panic in the literal, as a go statement does. A Go method of a cell type
// that calls the literal on the cell's goroutine sees the panic go on.
func (rw *rewriter) guardWaitGroupGo(call *ast.CallExpr) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Go" || len(call.Args) != 1 {
		return
	}
	if id, ok := sel.X.(*ast.Ident); ok && !rw.isUserName(id.Name) && rw.oracle.selectorType(id.Name, "Go", false) != "" {
		return // a package's function Go
	}
	lit, ok := call.Args[0].(*ast.FuncLit)
	if !ok || fieldCount(lit.Type.Params) != 0 || fieldCount(lit.Type.Results) != 0 {
		return
	}
	lit.Body.List = append([]ast.Stmt{rw.recoverReport(call.Pos())}, lit.Body.List...)
}

func isCall(e ast.Expr) bool {
	_, ok := e.(*ast.CallExpr)
	return ok
}

// fieldCount counts the names a field list declares (a result list's
// length).
func fieldCount(fl *ast.FieldList) int {
	if fl == nil {
		return 0
	}
	n := 0
	for _, f := range fl.List {
		if len(f.Names) == 0 {
			n++
		} else {
			n += len(f.Names)
		}
	}
	return n
}
