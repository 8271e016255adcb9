package eval

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/gophys/gophys/kernel"
)

// Options configures an [Interpreter].
type Options struct {
	// CaptureStdio redirects the process's file descriptors 1 and 2 into the
	// running cell, so output from compiled packages and direct os.Stdout
	// writes is captured too. Only the kernel process should set it: it
	// changes process-wide state.
	CaptureStdio bool
}

// Interpreter runs Go cells with yaegi. It implements [kernel.Interpreter].
// Execute must not be called concurrently with itself; the other methods are
// safe to call while a cell runs.
type Interpreter struct {
	opts Options

	ready   chan struct{} // closed when state is built
	mu      sync.Mutex    // guards st
	st      *state
	initErr error
}

// state is everything a %reset throws away.
type state struct {
	yi *interp.Interpreter
}

var _ kernel.Interpreter = (*Interpreter)(nil)

// New returns an Interpreter. The yaegi interpreter is built in the
// background so the kernel can answer kernel_info at once; the first Execute
// waits for it.
func New(opts Options) (*Interpreter, error) {
	in := &Interpreter{opts: opts, ready: make(chan struct{})}
	go func() {
		defer close(in.ready)
		st, err := newState()
		in.mu.Lock()
		in.st, in.initErr = st, err
		in.mu.Unlock()
	}()
	return in, nil
}

func newState() (*state, error) {
	yi := interp.New(interp.Options{})
	if err := yi.Use(stdlib.Symbols); err != nil {
		return nil, fmt.Errorf("eval: load stdlib symbols: %w", err)
	}
	return &state{yi: yi}, nil
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
		Banner:         "gophys: Go " + v + " cells interpreted by yaegi, with physnn, gonum and gonum/plot preloaded",
		HelpLinks: []kernel.HelpLink{
			{Text: "Go documentation", URL: "https://go.dev/doc/"},
			{Text: "Go packages", URL: "https://pkg.go.dev/"},
		},
	}
}

// Execute runs one cell.
func (in *Interpreter) Execute(ctx context.Context, code string, out kernel.Output) kernel.ExecuteResult {
	<-in.ready
	in.mu.Lock()
	st, err := in.st, in.initErr
	in.mu.Unlock()
	if err != nil {
		return kernel.ExecuteResult{Err: &kernel.ExecError{Name: "InitError", Value: err.Error()}}
	}
	v, err := st.yi.EvalWithContext(ctx, code)
	if err != nil {
		return kernel.ExecuteResult{Err: &kernel.ExecError{Name: "error", Value: err.Error(), Traceback: []string{err.Error()}}}
	}
	if v.IsValid() && v.Kind() != reflect.Func {
		s := fmt.Sprintf("%v", v.Interface())
		return kernel.ExecuteResult{Value: &kernel.DisplayData{Data: map[string]any{"text/plain": s}}}
	}
	return kernel.ExecuteResult{}
}

// Complete proposes completions; it finds none yet.
func (in *Interpreter) Complete(code string, cursorPos int) kernel.Completion {
	return kernel.Completion{CursorStart: cursorPos, CursorEnd: cursorPos}
}

// Inspect documents the object at the cursor; it finds nothing yet.
func (in *Interpreter) Inspect(code string, cursorPos, detailLevel int) kernel.Inspection {
	return kernel.Inspection{}
}

// IsComplete says whether code is ready to run.
func (in *Interpreter) IsComplete(code string) kernel.IsComplete {
	return kernel.IsComplete{Status: "complete"}
}

// Shutdown releases the interpreter.
func (in *Interpreter) Shutdown(restart bool) {}
