package kerneltest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gophys/gophys/kernel"
)

// Interpreter is a fake kernel.Interpreter that runs a tiny line language,
// one command per line, so protocol tests can make a cell do anything:
//
//	print TEXT          TEXT and a newline on stdout
//	eprint TEXT         the same on stderr
//	spam N TEXT         TEXT N times on stdout, without newlines
//	value TEXT          the cell's execute_result is TEXT
//	fail MESSAGE        the cell fails with ename "Error"
//	display MIME TEXT   display_data {MIME: TEXT}
//	show ID TEXT        display_data with display_id ID
//	update ID TEXT      update_display_data for ID
//	clear               clear_output (wait false)
//	input PROMPT        reads a line through stdin and prints "got: LINE"
//	loop                blocks until interrupted
//	sleep MS            sleeps MS milliseconds (not interruptible)
//	set NAME VALUE      stores a variable; get NAME prints it
//	limit N             sets the stream cap through kernel.StreamLimiter
//	page TEXT           adds a pager payload
//	panic TEXT          panics (the kernel must survive)
//
// Complete proposes variable names and commands; Inspect finds variables;
// IsComplete says "incomplete" for code ending in '{' or '\' and "invalid"
// for code starting with ')'.
type Interpreter struct {
	mu        sync.Mutex
	vars      map[string]string
	executed  []string
	shutdowns []bool
}

// NewInterpreter returns an empty fake interpreter.
func NewInterpreter() *Interpreter { return &Interpreter{vars: map[string]string{}} }

// Executed returns the code of every cell run so far.
func (in *Interpreter) Executed() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]string(nil), in.executed...)
}

// Shutdowns returns the restart flag of every Shutdown call.
func (in *Interpreter) Shutdowns() []bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]bool(nil), in.shutdowns...)
}

// Info implements kernel.Interpreter.
func (in *Interpreter) Info() kernel.LanguageInfo {
	return kernel.LanguageInfo{
		Name: "fake", Version: "1.0", Mimetype: "text/plain", FileExtension: ".txt",
		PygmentsLexer: "text", CodemirrorMode: "null", Banner: "fake interpreter",
		HelpLinks: []kernel.HelpLink{{Text: "fake", URL: "https://example.org"}},
	}
}

// Execute implements kernel.Interpreter.
func (in *Interpreter) Execute(ctx context.Context, code string, out kernel.Output) kernel.ExecuteResult {
	in.mu.Lock()
	in.executed = append(in.executed, code)
	in.mu.Unlock()
	var res kernel.ExecuteResult
	for _, line := range strings.Split(code, "\n") {
		cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch cmd {
		case "":
		case "print":
			out.Stream("stdout", []byte(arg+"\n"))
		case "eprint":
			out.Stream("stderr", []byte(arg+"\n"))
		case "spam":
			nStr, text, _ := strings.Cut(arg, " ")
			n, _ := strconv.Atoi(nStr)
			for range n {
				out.Stream("stdout", []byte(text))
			}
		case "value":
			res.Value = &kernel.DisplayData{Data: map[string]any{"text/plain": arg}}
		case "fail":
			return kernel.ExecuteResult{Err: &kernel.ExecError{Name: "Error", Value: arg, Traceback: []string{"Error: " + arg}}}
		case "display":
			mime, text, _ := strings.Cut(arg, " ")
			out.Display(kernel.DisplayData{Data: map[string]any{mime: text}})
		case "show", "update":
			id, text, _ := strings.Cut(arg, " ")
			out.Display(kernel.DisplayData{Data: map[string]any{"text/plain": text}, DisplayID: id, Update: cmd == "update"})
		case "clear":
			out.ClearOutput(false)
		case "input":
			s, err := out.Input(ctx, arg, false)
			if err != nil {
				return errorResult(err)
			}
			out.Stream("stdout", []byte("got: "+s+"\n"))
		case "loop":
			<-ctx.Done()
			return kernel.ExecuteResult{Err: &kernel.ExecError{Name: "Interrupted", Value: "interrupted", Traceback: []string{"Interrupted"}}}
		case "sleep":
			ms, _ := strconv.Atoi(arg)
			time.Sleep(time.Duration(ms) * time.Millisecond)
		case "set":
			name, v, _ := strings.Cut(arg, " ")
			in.mu.Lock()
			in.vars[name] = v
			in.mu.Unlock()
		case "get":
			in.mu.Lock()
			v, ok := in.vars[arg]
			in.mu.Unlock()
			if !ok {
				return kernel.ExecuteResult{Err: &kernel.ExecError{Name: "NameError", Value: "undefined: " + arg, Traceback: []string{}}}
			}
			out.Stream("stdout", []byte(v+"\n"))
		case "limit":
			n, _ := strconv.ParseInt(arg, 10, 64)
			l, ok := out.(kernel.StreamLimiter)
			if !ok {
				return errorResult(errors.New("Output does not implement kernel.StreamLimiter"))
			}
			l.SetStreamLimit(n)
		case "page":
			res.Payload = append(res.Payload, map[string]any{"source": "page", "data": map[string]any{"text/plain": arg}, "start": 0})
		case "panic":
			panic(arg)
		default:
			return kernel.ExecuteResult{Err: &kernel.ExecError{Name: "SyntaxError", Value: "unknown command " + strconv.Quote(cmd), Traceback: []string{}}}
		}
	}
	return res
}

func errorResult(err error) kernel.ExecuteResult {
	name := "Error"
	switch {
	case errors.Is(err, kernel.ErrNoStdin):
		name = "StdinNotImplemented"
	case errors.Is(err, context.Canceled):
		name = "Interrupted"
	}
	return kernel.ExecuteResult{Err: &kernel.ExecError{Name: name, Value: err.Error(), Traceback: []string{err.Error()}}}
}

var commands = []string{"clear", "display", "eprint", "fail", "get", "input", "limit", "loop",
	"page", "panic", "print", "set", "show", "sleep", "spam", "update", "value"}

// Complete implements kernel.Interpreter: it completes the word before the
// cursor against commands and variable names.
func (in *Interpreter) Complete(code string, cursorPos int) kernel.Completion {
	runes := []rune(code)
	start := cursorPos
	for start > 0 && runes[start-1] != ' ' && runes[start-1] != '\n' {
		start--
	}
	prefix := string(runes[start:cursorPos])
	in.mu.Lock()
	candidates := append([]string(nil), commands...)
	for name := range in.vars {
		candidates = append(candidates, name)
	}
	in.mu.Unlock()
	var matches []string
	for _, c := range candidates {
		if strings.HasPrefix(c, prefix) {
			matches = append(matches, c)
		}
	}
	sort.Strings(matches)
	return kernel.Completion{Matches: matches, CursorStart: start, CursorEnd: cursorPos}
}

// Inspect implements kernel.Interpreter: it finds variables by name.
func (in *Interpreter) Inspect(code string, cursorPos, detailLevel int) kernel.Inspection {
	name := strings.TrimSpace(code)
	in.mu.Lock()
	v, ok := in.vars[name]
	in.mu.Unlock()
	if !ok {
		return kernel.Inspection{}
	}
	return kernel.Inspection{Found: true, Data: map[string]any{"text/plain": fmt.Sprintf("%s = %s", name, v)}}
}

// IsComplete implements kernel.Interpreter.
func (in *Interpreter) IsComplete(code string) kernel.IsComplete {
	trimmed := strings.TrimSpace(code)
	switch {
	case strings.HasPrefix(trimmed, ")"):
		return kernel.IsComplete{Status: "invalid"}
	case strings.HasSuffix(trimmed, "{"), strings.HasSuffix(trimmed, `\`):
		return kernel.IsComplete{Status: "incomplete", Indent: "    "}
	}
	return kernel.IsComplete{Status: "complete"}
}

// Shutdown implements kernel.Interpreter.
func (in *Interpreter) Shutdown(restart bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.shutdowns = append(in.shutdowns, restart)
}
