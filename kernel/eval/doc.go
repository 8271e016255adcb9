// Package eval runs Go notebook cells with the yaegi interpreter and
// implements [kernel.Interpreter].
//
// # Overview
//
// A cell may mix imports, declarations and statements in any order. Eval
// splits it with go/parser and hands yaegi three pieces: the imports, then the
// declarations (with Go-file semantics, so a function may call one declared
// lower in the cell), then the statements, which run top to bottom. Before
// that it rewrites what yaegi v0.16.1 cannot run: `for i := range n` over an
// integer, the min, max and clear builtins, and go statements (wrapped so a
// panic in the goroutine is reported to the cell instead of killing the
// kernel). Packages may be used without an import line; a user's own variable
// of the same name wins.
//
// The value of a final expression statement that yields exactly one value
// becomes the cell's execute_result, rendered through package display when it
// is richer than text.
//
// # Output
//
// Everything a cell prints reaches the cell that is running, or the most
// recent cell when nothing runs: yaegi's own Stdout and Stderr are routers,
// and with [Options.CaptureStdio] the process's file descriptors 1 and 2 are
// redirected through pipes so compiled code and os.Stdout writes are
// captured too. Reads from standard input become input_request messages.
//
// # Errors
//
// Compile errors carry the cell's line:column. Runtime panics become an
// [kernel.ExecError] with the panic value and a traceback trimmed to the
// user's frames. Nothing a cell does may crash the kernel: every evaluation
// runs under recover, since yaegi itself panics on some inputs.
package eval
