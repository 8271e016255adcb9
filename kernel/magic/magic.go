package magic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Env is what magics need from the interpreter.
type Env interface {
	// Run executes Go code as the body of the cell (for %time, %%time and
	// Go code after magic lines). The interpreter keeps the code's value or
	// error as the cell's; Run returns a non-nil error when the code failed.
	Run(ctx context.Context, code string) error
	// Reset discards every variable, function, type and import.
	Reset() error
	// Variables lists the variables earlier cells declared.
	Variables() []Variable
	// Describe returns documentation for an expression (for `expr?`); ok is
	// false when there is none.
	Describe(expr string) (doc string, ok bool)
	// SetOutputLimit sets the per-cell cap on stream output, in bytes.
	SetOutputLimit(bytes int64) error
}

// Variable is one entry of %who.
type Variable struct {
	Name string
	Type string
}

// Result is what a magic cell produced besides its streams.
type Result struct {
	// Page is text for the frontend's pager (a "page" payload), or "".
	Page string
	// Err is set when a magic failed.
	Err *Error
}

// Error is a failed magic: Name is the error kind, Value the message.
type Error struct {
	Name  string
	Value string
}

func (e *Error) Error() string { return e.Name + ": " + e.Value }

// IO bundles the writers a magic prints to.
type IO struct {
	Stdout, Stderr io.Writer
}

// Magic is one entry of the table.
type Magic struct {
	Name  string // as typed: "%time", "%%time", "!"
	Usage string // arguments, e.g. "<statement>"
	Help  string // one line
	run   func(ctx context.Context, args string, env Env, w IO) Result
}

// Table returns the magics, in the order %help lists them.
func Table() []Magic {
	return []Magic{
		{"%help", "", "show this table", runHelp},
		{"%reset", "", "forget all variables, functions, types and imports (a fresh interpreter)", runReset},
		{"%time", "<statement>", "run one Go statement and print its wall time", runTime},
		{"%%time", "", "(first line of a cell) run the rest of the cell and print its wall time", runTime},
		{"%who", "", "list the variables cells declared, with their types", runWho},
		{"%env", "[NAME[=VALUE]]", "list the environment, print one variable, or set it", runEnv},
		{"%version", "", "print the gophys, Go and yaegi versions", runVersion},
		{"%output_limit", "<MiB>", "cap each cell's stream output (default 10 MiB)", runOutputLimit},
		{"!", "<command>", "run a shell command with sh -c; its output is streamed into the cell", nil},
		{"<expr>?", "", "show the documentation of a name or expression in the pager", nil},
	}
}

// Handle runs code when it is a magic cell and reports handled true; for
// plain Go code it returns handled false and does nothing.
func Handle(ctx context.Context, code string, env Env, w IO) (res Result, handled bool) {
	trimmed := strings.TrimSpace(code)
	if trimmed == "" {
		return Result{}, false
	}
	if expr, ok := helpQuery(trimmed); ok {
		doc, found := env.Describe(expr)
		if !found {
			doc = "No documentation found for " + expr + "."
		}
		return Result{Page: doc}, true
	}
	if first, rest, _ := strings.Cut(strings.TrimLeft(code, " \t\r\n"), "\n"); strings.HasPrefix(strings.TrimSpace(first), "%%") {
		name, args, _ := strings.Cut(strings.TrimSpace(first), " ")
		if name != "%%time" {
			return errorResult("UnknownMagic", "unknown cell magic "+name+"; %help lists the magics"), true
		}
		return runTime(ctx, strings.TrimSpace(args+"\n"+rest), env, w), true
	}
	lines := strings.Split(code, "\n")
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	if i == len(lines) || !isMagicLine(lines[i]) {
		return Result{}, false
	}
	res = Result{}
	for ; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" {
			continue
		}
		if !isMagicLine(line) {
			break
		}
		r := runLine(ctx, line, env, w)
		if r.Page != "" {
			res.Page += r.Page
		}
		if r.Err != nil {
			res.Err = r.Err
			return res, true
		}
	}
	if rest := strings.Join(lines[i:], "\n"); strings.TrimSpace(rest) != "" {
		env.Run(ctx, rest)
	}
	return res, true
}

// helpQuery recognises `expr?` and `expr??`: one line, no spaces around
// operators needed, ending in ?.
func helpQuery(s string) (string, bool) {
	if strings.Contains(s, "\n") || !strings.HasSuffix(s, "?") {
		return "", false
	}
	expr := strings.TrimSpace(strings.TrimRight(s, "?"))
	if expr == "" || strings.HasPrefix(expr, "%") || strings.HasPrefix(expr, "!") {
		return "", false
	}
	for _, r := range expr {
		if !(r == '.' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127) {
			return "", false
		}
	}
	return expr, true
}

func isMagicLine(line string) bool {
	line = strings.TrimSpace(line)
	return strings.HasPrefix(line, "%") && !strings.HasPrefix(line, "%%") || strings.HasPrefix(line, "!")
}

// runLine runs one %name or !command line.
func runLine(ctx context.Context, line string, env Env, w IO) Result {
	if strings.HasPrefix(line, "!") {
		return runShell(ctx, strings.TrimSpace(line[1:]), w)
	}
	name, args, _ := strings.Cut(line, " ")
	for _, m := range Table() {
		if m.Name == name && m.run != nil && !strings.HasPrefix(name, "%%") {
			return m.run(ctx, strings.TrimSpace(args), env, w)
		}
	}
	return errorResult("UnknownMagic", "unknown magic "+name+"; %help lists the magics")
}

func errorResult(name, msg string) Result {
	return Result{Err: &Error{Name: name, Value: msg}}
}

func runHelp(ctx context.Context, args string, env Env, w IO) Result {
	var b strings.Builder
	b.WriteString("gophys magics\n\n")
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, m := range Table() {
		fmt.Fprintf(tw, "%s %s\t%s\n", m.Name, m.Usage, m.Help)
	}
	tw.Flush()
	b.WriteString("\nPackages (fmt, math, mat, plot, physnn, display, ...) may be used without an import line.\n")
	return Result{Page: b.String()}
}

func runReset(ctx context.Context, args string, env Env, w IO) Result {
	if err := env.Reset(); err != nil {
		return errorResult("ResetError", err.Error())
	}
	return Result{}
}

func runTime(ctx context.Context, code string, env Env, w IO) Result {
	if strings.TrimSpace(code) == "" {
		return errorResult("UsageError", "%time needs a statement to time")
	}
	start := time.Now()
	env.Run(ctx, code)
	fmt.Fprintf(w.Stdout, "Wall time: %s\n", roundDuration(time.Since(start)))
	return Result{}
}

// roundDuration keeps four significant digits.
func roundDuration(d time.Duration) time.Duration {
	for r := time.Duration(1); r < d/1000; r *= 10 {
		d = d.Round(r * 10)
	}
	return d
}

func runWho(ctx context.Context, args string, env Env, w IO) Result {
	vars := env.Variables()
	if len(vars) == 0 {
		fmt.Fprintln(w.Stdout, "No variables defined.")
		return Result{}
	}
	sort.Slice(vars, func(i, j int) bool { return vars[i].Name < vars[j].Name })
	tw := tabwriter.NewWriter(w.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Variable\tType")
	fmt.Fprintln(tw, "--------\t----")
	for _, v := range vars {
		fmt.Fprintf(tw, "%s\t%s\n", v.Name, v.Type)
	}
	tw.Flush()
	return Result{}
}

func runEnv(ctx context.Context, args string, env Env, w IO) Result {
	switch {
	case args == "":
		all := os.Environ()
		sort.Strings(all)
		for _, kv := range all {
			fmt.Fprintln(w.Stdout, kv)
		}
	case strings.ContainsAny(args, "= "):
		name, value, _ := strings.Cut(args, "=")
		if !strings.Contains(args, "=") {
			name, value, _ = strings.Cut(args, " ")
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if name == "" {
			return errorResult("UsageError", "usage: %env NAME=VALUE")
		}
		if err := os.Setenv(name, value); err != nil {
			return errorResult("EnvError", err.Error())
		}
		fmt.Fprintf(w.Stdout, "env: %s=%s\n", name, value)
	default:
		value, ok := os.LookupEnv(args)
		if !ok {
			return errorResult("KeyError", "environment variable "+args+" is not set")
		}
		fmt.Fprintln(w.Stdout, value)
	}
	return Result{}
}

func runVersion(ctx context.Context, args string, env Env, w IO) Result {
	fmt.Fprintln(w.Stdout, Version())
	return Result{}
}

// Version describes the running gophys, Go and yaegi.
func Version() string {
	gophys, yaegi := "(devel)", "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			gophys = info.Main.Version
		}
		for _, dep := range info.Deps {
			if dep.Path == "github.com/traefik/yaegi" {
				yaegi = dep.Version
			}
		}
	}
	return fmt.Sprintf("gophys %s\nGo %s %s/%s\nyaegi %s", gophys, strings.TrimPrefix(runtime.Version(), "go"), runtime.GOOS, runtime.GOARCH, yaegi)
}

func runOutputLimit(ctx context.Context, args string, env Env, w IO) Result {
	mib, err := strconv.ParseFloat(args, 64)
	if err != nil || mib <= 0 {
		return errorResult("UsageError", "usage: %output_limit <MiB>, a positive number such as 10 or 0.5")
	}
	if err := env.SetOutputLimit(int64(mib * (1 << 20))); err != nil {
		return errorResult("OutputLimitError", err.Error())
	}
	fmt.Fprintf(w.Stdout, "stream output is capped at %g MiB per cell\n", mib)
	return Result{}
}

// runShell runs a command with sh -c, streaming its output; a non-zero exit
// is reported on stderr, as a shell would, not as a cell error.
func runShell(ctx context.Context, command string, w IO) Result {
	if command == "" {
		return errorResult("UsageError", "usage: !<command>")
	}
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Stdout, cmd.Stderr = w.Stdout, w.Stderr
	cmd.WaitDelay = time.Second // an interrupted command's pipes may be held by its children
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return errorResult("Interrupted", "the command was interrupted")
	case errors.As(err, &exit):
		fmt.Fprintf(w.Stderr, "%s: exit status %d\n", command, exit.ExitCode())
	default:
		return errorResult("ShellError", err.Error())
	}
	return Result{}
}
