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
	setDisplayPublisher(in.router, in.capture)
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
	// cellTypes maps names of types cells declared to their run-time
	// types, filled as generic defines need them (see cellTypeName).
	cellTypes map[string]reflect.Type
}

// declared is what the kernel knows about a name an earlier cell declared.
type declared struct {
	kind    token.Token // token.FUNC, TYPE, VAR or CONST
	typ     string      // guessed type (see typeOracle); "func" for functions
	results int         // for functions: number of results, -1 when unknown
	typeDef string      // for types: the definition, to compare redefinitions
	generic bool        // for functions: has type parameters
	// fixedResults are a generic function's result types, nil where a
	// result's type mentions a type parameter (see fixedResultTypes).
	fixedResults []ast.Expr
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
	h := newHandle(yi)
	// time.Sleep on the cell's goroutine returns when the cell is
	// interrupted (see yaegiHandle.sleep).
	// time.AfterFunc and context.AfterFunc recover their callbacks' panics
	// (see guardCallback).
	if err := yi.Use(interp.Exports{
		"time/time":       {"Sleep": reflect.ValueOf(h.sleep), "AfterFunc": reflect.ValueOf(in.afterFunc)},
		"context/context": {"AfterFunc": reflect.ValueOf(in.contextAfterFunc)},
	}); err != nil {
		return nil, fmt.Errorf("eval: interruptible sleep, guarded callbacks: %w", err)
	}
	var stdinVar io.Reader = in.stdin
	if err := yi.Use(builtinsExports(st.keep, st.put, in.goroutinePanic, &stdinVar)); err != nil {
		return nil, fmt.Errorf("eval: load builtins: %w", err)
	}
	st.yi, st.h, st.fset = yi, h, yi.FileSet()
	// The prelude goes through the same file name as cells: yaegi keys
	// imports by the file name of their position.
	src := prelude + genericTempDecl()
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
	// Package-level vars initialised from generic calls run as statements,
	// before the cell's statements; declarations using them compile after.
	decls, early, late := st.moveGenericVars(decls, rw)
	// yaegi resolves imports by the file of the root's position.
	early.Lbrace, early.Rbrace = sc.filePos, sc.filePos
	if name, ok := st.localName("os", imports); ok {
		rw.osName = name
	}
	// Decide about a final value before rewriting changes the calls.
	final := st.finalValue(sc, rw)
	for _, d := range decls {
		rw.rewrite(d)
	}
	for _, d := range late {
		rw.rewrite(d)
	}
	rw.rewrite(early)
	if sc.stmts != nil {
		rw.rejectTopLevelDefer(sc.stmts)
		rw.renameShadowingLocals(sc.stmts, sc.decls)
		rw.nameBlankRangeKeys(sc.stmts)
		rw.rewrite(sc.stmts)
		wrapBlockDefines(sc.stmts)
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
		if err := st.compileDecls(ctx, file, rw); err != nil {
			return st.explainUndefined(st.explainHostPanic(err, file), sc)
		}
		st.recordDecls(decls, rw)
		st.recordSource(code, decls, nil)
	}
	if len(early.List) > 0 {
		if err := st.runStatements(ctx, early, sc, rw, code); err != nil {
			return err
		}
	}
	if len(late) > 0 {
		file := &ast.File{Package: sc.filePos, Name: ast.NewIdent("main"), Decls: late}
		if err := st.compileDecls(ctx, file, rw); err != nil {
			return st.explainUndefined(st.explainHostPanic(err, file), sc)
		}
		st.recordDecls(late, rw)
		st.recordSource(code, late, nil)
	}
	// 3. Statements, top to bottom.
	if sc.stmts == nil || len(sc.stmts.List) == 0 {
		return nil
	}
	if final == finalProbe {
		// Now that the cell's declarations exist, evaluate the callee.
		final = finalNone
		if call, ok := ast.Unparen(sc.stmts.List[len(sc.stmts.List)-1].(*ast.ExprStmt).X).(*ast.CallExpr); ok && st.probeResults(ctx, call.Fun) == 1 {
			final = finalShow
		}
	}
	if final == finalAfterPrefix {
		// The final call's callee uses names this cell's statements define:
		// run the statements before it, then probe the callee.
		list := sc.stmts.List
		prefix := &ast.BlockStmt{Lbrace: sc.stmts.Lbrace, List: list[:len(list)-1], Rbrace: sc.stmts.Rbrace}
		if err := st.runStatements(ctx, prefix, sc, rw, code); err != nil {
			return err
		}
		final = finalNone
		if call, ok := ast.Unparen(list[len(list)-1].(*ast.ExprStmt).X).(*ast.CallExpr); ok && st.probeResults(ctx, call.Fun) == 1 {
			final = finalShow
		}
		sc.stmts = &ast.BlockStmt{Lbrace: sc.stmts.Lbrace, List: list[len(list)-1:], Rbrace: sc.stmts.Rbrace}
	}
	if final == finalShow {
		st.wrapFinalValue(sc, rw)
	}
	return st.runStatements(ctx, sc.stmts, sc, rw, code)
}

// compileDecls compiles and runs a cell's declarations, compiling again
// when fixGenericArgs rewrote a call yaegi could not instantiate (nothing
// ran then).
func (st *state) compileDecls(ctx context.Context, file *ast.File, rw *rewriter) error {
	var err error
	for i := 0; ; i++ {
		_, err = st.h.compileRun(ctx, file)
		if err == nil || i == maxHoists || !st.fixGenericArgs(err, file, rw) {
			break
		}
	}
	return st.explainGenericArg(err, file, rw)
}

// oracle methods: the state answers the rewriter's questions about names
// from earlier cells.

// goroutinePanic reports a panic recovered in a goroutine a cell started.
// Recovered on the cell's own goroutine (a Go method that calls its
// function synchronously), the panic goes on, as it would in Go.
func (in *Interpreter) goroutinePanic(r any, where string) {
	if in.onCellGoroutine() {
		panic(r)
	}
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
