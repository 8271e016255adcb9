package eval

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"

	"github.com/gophys/gophys/kernel"
	"github.com/gophys/gophys/kernel/symbols"
)

// Options configures an [Interpreter].
type Options struct {
	// CaptureStdio redirects the process's file descriptors 1 and 2 into the
	// running cell, so output from compiled packages and direct os.Stdout
	// writes is captured too. Only the kernel process should set it: it
	// changes process-wide state. The kernel's own logs should then go to
	// [Interpreter.LogOutput].
	CaptureStdio bool

	// SetOutputLimit, when set, is what the %output_limit magic calls with a
	// byte count: the protocol layer owns the per-cell stream cap.
	SetOutputLimit func(bytes int64) error
}

// Interpreter runs Go cells with yaegi. It implements [kernel.Interpreter].
// Execute must not be called concurrently with itself; the other methods are
// safe to call while a cell runs.
type Interpreter struct {
	opts Options

	router  *router
	stdin   *stdinReader
	capture *fdCapture

	assist assistEnv // completion and inspection

	ready   chan struct{} // closed once the first state is built
	mu      sync.Mutex    // guards st and initErr
	st      *state
	initErr error
}

var _ kernel.Interpreter = (*Interpreter)(nil)

// New returns an Interpreter. The yaegi interpreter is built in the
// background so the kernel can answer kernel_info at once; the first Execute
// waits for it.
func New(opts Options) (*Interpreter, error) {
	in := &Interpreter{opts: opts, router: &router{}, ready: make(chan struct{})}
	in.stdin = &stdinReader{r: in.router}
	if opts.CaptureStdio {
		c, err := captureStdio(in.router)
		if err != nil {
			return nil, err
		}
		in.capture = c
		log.SetOutput(yaegiLogFilter{w: log.Writer()})
	}
	setDisplayPublisher(in.router)
	go func() {
		defer close(in.ready)
		st, err := in.newState()
		in.mu.Lock()
		in.st, in.initErr = st, err
		in.mu.Unlock()
	}()
	return in, nil
}

// LogOutput is where the kernel should write its own logs: the original
// standard error when [Options.CaptureStdio] redirected it, else os.Stderr.
func (in *Interpreter) LogOutput() io.Writer {
	if in.capture != nil {
		return in.capture.logOut
	}
	return os.Stderr
}

// state is everything %reset throws away: the yaegi interpreter and what the
// kernel learned about the names cells declared.
type state struct {
	yi   *interp.Interpreter
	h    *yaegiHandle
	fset *token.FileSet

	imports map[string]string // local package name → import path
	// declSrc and methodSrc hold declarations' source for inspection:
	// name → source, and type name → method name → source.
	declSrc   map[string]string
	methodSrc map[string]map[string]string
	pending   map[string]string // the running cell's new imports, name → path
	// transient are the running cell's files in fset when nothing from the
	// cell can run after it.
	transient []*token.File
	declared  map[string]*declared // top-level names cells declared
	// result is the final value of the running cell.
	result *kernel.DisplayData
	// kept is set when builtins Keep received the cell's final value,
	// keptValue; puts collects what richChecks found.
	kept      bool
	keptValue any
	puts      map[string]any
	// checks are richChecks' calls, compiled once; noop is an empty
	// program whose run resizes yaegi's global frame after a failed cell.
	checks []*interp.Program
	noop   *interp.Program
	// globals caches yi.Globals() for the duration of one cell.
	globals map[string]reflect.Value
}

// declared is what the kernel knows about a name an earlier cell declared.
type declared struct {
	kind    token.Token // token.FUNC, TYPE, VAR or CONST
	typ     string      // guessed type (see typeOracle); "func" for functions
	results int         // for functions: number of results, -1 when unknown
	typeDef string      // for types: the definition, to compare redefinitions
	generic bool        // for functions: has type parameters
}

func (in *Interpreter) newState() (*state, error) {
	st := &state{imports: map[string]string{}, declared: map[string]*declared{},
		declSrc: map[string]string{}, methodSrc: map[string]map[string]string{}}
	var stdout, stderr io.Writer = streamWriter{in.router, "stdout"}, streamWriter{in.router, "stderr"}
	if in.capture != nil {
		// Everything through the pipes keeps interpreted and compiled output
		// in one order; os.Stdout inside cells stays an *os.File.
		stdout, stderr = os.Stdout, os.Stderr
	}
	yi := interp.New(interp.Options{
		Stdin:        in.stdin,
		Stdout:       stdout,
		Stderr:       stderr,
		Unrestricted: true, // cells see the real environment, so %env and os.Getenv agree
	})
	if err := symbols.Load(yi); err != nil {
		return nil, fmt.Errorf("eval: load symbols: %w", err)
	}
	var stdinVar io.Reader = in.stdin
	if err := yi.Use(builtinsExports(st.keep, st.put, in.goroutinePanic, &stdinVar)); err != nil {
		return nil, fmt.Errorf("eval: load builtins: %w", err)
	}
	st.yi, st.h, st.fset = yi, newHandle(yi), yi.FileSet()
	// The prelude goes through the same file name as cells: yaegi keys
	// imports by the file name of their position.
	src := prelude
	var calls []string
	for i := range richChecks {
		decl, call := richCheckSource(i)
		src += decl
		calls = append(calls, call)
	}
	file, err := parser.ParseFile(st.fset, "", filePrefix+src, 0)
	if err != nil {
		return nil, fmt.Errorf("eval: prelude: %w", err)
	}
	if _, err := st.h.compileRun(context.Background(), file); err != nil {
		return nil, fmt.Errorf("eval: prelude: %w", err)
	}
	for _, call := range append(calls, "_ = 0") {
		f, err := parser.ParseFile(st.fset, "", stmtPrefix+call+"\n}", 0)
		if err != nil {
			return nil, fmt.Errorf("eval: prelude: %w", err)
		}
		prog, err := yi.CompileAST(f.Decls[0].(*ast.FuncDecl).Body)
		if err != nil {
			return nil, fmt.Errorf("eval: prelude: %w", err)
		}
		st.checks = append(st.checks, prog)
	}
	st.checks, st.noop = st.checks[:len(richChecks)], st.checks[len(richChecks)]
	return st, nil
}

// state returns the current state, waiting for the first one.
func (in *Interpreter) state() (*state, error) {
	<-in.ready
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.st, in.initErr
}

// reset replaces the state with a fresh interpreter.
func (in *Interpreter) reset() error {
	st, err := in.newState()
	if err != nil {
		return err
	}
	in.mu.Lock()
	in.st, in.initErr = st, nil
	in.mu.Unlock()
	in.publishView(st)
	return nil
}

// Info describes Go for kernel_info_reply.
func (in *Interpreter) Info() kernel.LanguageInfo {
	v := strings.TrimPrefix(runtime.Version(), "go")
	return kernel.LanguageInfo{
		Name:           "go",
		Version:        v,
		Mimetype:       "text/x-go",
		FileExtension:  ".go",
		PygmentsLexer:  "go",
		CodemirrorMode: "go",
		Banner: "gophys — Go " + v + " cells interpreted by yaegi, with physnn, gonum and gonum/plot preloaded.\n" +
			"Type %help for the magics.",
		HelpLinks: []kernel.HelpLink{
			{Text: "Go documentation", URL: "https://go.dev/doc/"},
			{Text: "Go standard library", URL: "https://pkg.go.dev/std"},
			{Text: "gonum", URL: "https://pkg.go.dev/gonum.org/v1/gonum"},
			{Text: "gonum/plot", URL: "https://pkg.go.dev/gonum.org/v1/plot"},
		},
	}
}

// Execute runs one cell.
func (in *Interpreter) Execute(ctx context.Context, code string, out kernel.Output) kernel.ExecuteResult {
	in.router.begin(ctx, out)
	setPhysnnContext(ctx)
	defer setPhysnnContext(context.Background())
	defer in.capture.flush()
	if res, ok := in.runMagic(ctx, code, out); ok {
		return res
	}
	return in.run(ctx, code)
}

// run executes Go code (no magics) in the current state.
func (in *Interpreter) run(ctx context.Context, code string) kernel.ExecuteResult {
	st, err := in.state()
	if err != nil {
		return kernel.ExecuteResult{Err: &kernel.ExecError{Name: "InitError", Value: err.Error(), Traceback: []string{err.Error()}}}
	}
	st.result, st.globals, st.kept, st.keptValue, st.puts = nil, nil, false, nil, nil
	defer func() {
		in.publishView(st)
		st.result, st.globals, st.kept, st.keptValue, st.puts = nil, nil, false, nil, nil
		st.h.forgetTrees()
		for _, f := range st.transient {
			st.fset.RemoveFile(f)
		}
		st.transient = nil
	}()
	if err := st.runCell(ctx, code); err != nil {
		// A failed compile leaves globals yaegi has not allocated yet;
		// running any program allocates them (Globals would panic).
		st.h.runProgram(context.Background(), st.noop)
		in.capture.flush()
		return kernel.ExecuteResult{Err: st.execError(err, code, in.router)}
	}
	// A nil interface (typically the nil error of display.HTML(...)) is not
	// worth showing, as Python shows nothing for None.
	if st.kept && st.keptValue != nil {
		st.finishValue(ctx, in.router)
	}
	return kernel.ExecuteResult{Value: st.result}
}

// runCell splits, rewrites and runs one cell.
func (st *state) runCell(ctx context.Context, code string) error {
	sc, err := parseCell(st.fset, code)
	if err != nil {
		return err
	}
	if !sc.outlivesCell() {
		// Nothing from this cell runs later: its positions are dropped once
		// errors are reported (the file set would otherwise grow with every
		// cell).
		st.transient = sc.files
	}
	rw := newRewriter(st)
	rw.positionOf = func(p token.Pos) string {
		pos := st.fset.Position(p)
		return strconv.Itoa(pos.Line) + ":" + strconv.Itoa(pos.Column)
	}
	for _, d := range sc.decls {
		rw.learn(d)
	}
	if sc.stmts != nil {
		rw.learn(sc.stmts)
	}

	imports, err := st.resolveImports(sc, rw)
	if err != nil {
		return err
	}
	st.pending = map[string]string{}
	defer func() { st.pending = nil }()
	for _, imp := range imports {
		st.pending[imp.name] = imp.path
	}
	decls, err := st.checkTypes(sc.decls)
	if err != nil {
		return err
	}
	if name, ok := st.localName("os", imports); ok {
		rw.osName = name
	}
	// Decide about a final value before rewriting changes the calls.
	final := st.finalValue(ctx, sc, rw)
	for _, d := range decls {
		rw.rewrite(d)
	}
	if sc.stmts != nil {
		rw.rejectTopLevelDefer(sc.stmts)
		rw.rewrite(sc.stmts)
	}
	if rw.err != nil {
		return rw.err
	}

	// 1. Imports, one at a time: yaegi rejects a repeated import, so only new
	// ones are sent.
	for _, imp := range imports {
		file := &ast.File{Package: sc.filePos, Name: ast.NewIdent("main"), Decls: []ast.Decl{&ast.GenDecl{Tok: token.IMPORT, Specs: []ast.Spec{imp.spec}}}}
		if _, err := st.h.compileRun(ctx, file); err != nil {
			return err
		}
		st.imports[imp.name] = imp.path
	}
	// 2. Declarations, as one file: Go-file semantics, any order.
	if len(decls) > 0 {
		file := &ast.File{Package: sc.filePos, Name: ast.NewIdent("main"), Decls: decls}
		if _, err := st.h.compileRun(ctx, file); err != nil {
			return st.explainUndefined(st.explainHostPanic(err, file), sc)
		}
		st.recordDecls(decls, rw)
		st.recordSource(code, decls, nil)
	}
	// 3. Statements, top to bottom.
	if sc.stmts == nil || len(sc.stmts.List) == 0 {
		return nil
	}
	if final == finalAfterPrefix {
		// The final call's callee uses names this cell's statements define:
		// run the statements before it, then probe the callee.
		list := sc.stmts.List
		prefix := &ast.BlockStmt{Lbrace: sc.stmts.Lbrace, List: list[:len(list)-1], Rbrace: sc.stmts.Rbrace}
		if _, err := st.h.compileRun(ctx, prefix); err != nil {
			return st.explainUndefined(st.explainHostPanic(err, prefix), sc)
		}
		st.recordStmts(prefix, rw)
		st.recordSource(code, nil, prefix)
		final = finalNone
		if call, ok := ast.Unparen(list[len(list)-1].(*ast.ExprStmt).X).(*ast.CallExpr); ok && st.probeResults(ctx, call.Fun) == 1 {
			final = finalShow
		}
		sc.stmts = &ast.BlockStmt{Lbrace: sc.stmts.Lbrace, List: list[len(list)-1:], Rbrace: sc.stmts.Rbrace}
	}
	if final == finalShow {
		st.wrapFinalValue(sc, rw)
	}
	if _, err := st.h.compileRun(ctx, sc.stmts); err != nil {
		return st.explainUndefined(st.explainHostPanic(err, sc.stmts), sc)
	}
	st.recordStmts(sc.stmts, rw)
	st.recordSource(code, nil, sc.stmts)
	return nil
}

// finalKind says what becomes of a cell's last statement.
type finalKind int

const (
	finalNone        finalKind = iota // no value: not an expression, or not exactly one result
	finalShow                         // an expression with exactly one value: shown
	finalAfterPrefix                  // unknown until the statements before it have run
)

// finalValue decides whether the cell's last statement yields a value to
// show.
func (st *state) finalValue(ctx context.Context, sc *splitCell, rw *rewriter) finalKind {
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
	switch st.callResults(ctx, call, sc, rw) {
	case 1:
		return finalShow
	case -1:
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
	}
	return finalNone
}

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
			st.declared[d.Name.Name] = &declared{kind: token.FUNC, typ: "func", results: fieldCount(d.Type.Results), generic: d.Type.TypeParams != nil}
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

// oracle methods: the state answers the rewriter's questions about names
// from earlier cells.

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

// wrapFinalValue replaces a final expression statement yielding exactly one
// value with a call that shows it.
func (st *state) wrapFinalValue(sc *splitCell, rw *rewriter) {
	list := sc.stmts.List
	last, ok := list[len(list)-1].(*ast.ExprStmt)
	if !ok {
		return
	}
	// finalVar = expr; builtins.Keep(finalVar)
	// A composite literal goes through a temporary that gives the value its
	// static type first: assigned to the interface directly, it loses its
	// interpreted methods. Only literals do, because every temporary is a
	// new slot in yaegi's global frame, which never shrinks.
	pos := last.X.Pos()
	if !isCompositeLit(last.X) || st.isGenericCall(last.X, rw) {
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

// callResults is the number of results of call, or -1 when unknown.
func (st *state) callResults(ctx context.Context, call *ast.CallExpr, sc *splitCell, rw *rewriter) int {
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
			break // a cell-local variable: probe is impossible before it runs
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
			return st.probeResults(ctx, fun)
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
		return st.probeResults(ctx, fun)
	case *ast.IndexExpr, *ast.IndexListExpr:
		return st.probeResults(ctx, fun)
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

// goroutinePanic reports a panic recovered in a goroutine a cell started.
func (in *Interpreter) goroutinePanic(r any, where string) {
	msg := "panic in goroutine"
	if where != "" {
		msg += " started at cell line " + strings.Replace(where, ":", ", column ", 1)
	}
	msg += ": " + describePanic(r) + "\n"
	in.router.stream("stderr", []byte(msg))
}

// Shutdown releases the interpreter. Goroutines cells started cannot be
// stopped from outside; the process exit ends them.
func (in *Interpreter) Shutdown(restart bool) {
	in.capture.flush()
}
