package eval

import (
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"

	"github.com/gophys/gophys/kernel"
)

// exprString is an expression's canonical one-line text.
func exprString(e ast.Expr) string { return types.ExprString(e) }

// cellPos matches a "cell:line:col: " prefix in yaegi's messages.
var cellPos = regexp.MustCompile(`(?:cell:)?(\d+):(\d+): `)

// reflectLeaks translates reflect-level runtime errors yaegi lets through into
// what compiled Go would have said.
var reflectLeaks = []struct{ from, to string }{
	{"reflect: slice index out of range", "index out of range"},
	{"reflect: array index out of range", "index out of range"},
	{"reflect: string index out of range", "index out of range"},
	{"reflect: call of reflect.Value.Field on zero Value", "invalid memory address or nil pointer dereference"},
	{"reflect: call of reflect.Value.Elem on zero Value", "invalid memory address or nil pointer dereference"},
	{"reflect: call of reflect.Value.Call on zero Value", "invalid memory address or nil pointer dereference (call of a nil function)"},
}

// execError turns a failure into the error the frontend shows.
func (st *state) execError(err error, code string, r *router) *kernel.ExecError {
	var (
		syn *syntaxError
		rwe *rewriteError
		hp  *hostPanic
		pe  interp.Panic
	)
	switch {
	case errors.Is(err, errInterrupted):
		return &kernel.ExecError{Name: "Interrupted", Value: "the cell was interrupted; variables and functions defined so far are kept",
			Traceback: []string{"Interrupted: the cell was interrupted"}}
	case errors.As(err, &syn):
		return positioned("SyntaxError", syn.pos.Line, syn.pos.Column, syn.msg, code)
	case errors.As(err, &rwe):
		pos := st.fset.Position(rwe.pos)
		return positioned("CompileError", pos.Line, pos.Column, rwe.msg, code)
	case errors.As(err, &pe):
		trace := r.takeTrace()
		return panicError(pe.Value, trace)
	case errors.As(err, &hp):
		r.takeTrace()
		msg := fmt.Sprintf("the interpreter failed on this cell (%v); this is a bug or limitation of yaegi, not of your code. The kernel state is kept.", hp.value)
		if fmt.Sprint(hp.value) == "nil reflect type" {
			msg += " If the cell uses a generic function's result in an unusual top-level form, declare the variable first (var x T) and assign to it (x = f(...)), or move the code into a function."
		}
		return &kernel.ExecError{Name: "InterpreterError", Value: msg, Traceback: []string{"InterpreterError: " + msg}}
	}
	msg := err.Error()
	if m := cellPos.FindStringSubmatchIndex(msg); m != nil && m[0] == 0 {
		line, _ := strconv.Atoi(msg[m[2]:m[3]])
		col, _ := strconv.Atoi(msg[m[4]:m[5]])
		return positioned("CompileError", line, col, msg[m[1]:], code)
	}
	return &kernel.ExecError{Name: "Error", Value: msg, Traceback: []string{"Error: " + msg}}
}

// positioned builds an error at a cell line:column, with the source line and
// a caret in the traceback.
func positioned(name string, line, col int, msg, code string) *kernel.ExecError {
	value := fmt.Sprintf("%d:%d: %s", line, col, msg)
	tb := []string{fmt.Sprintf("%s: cell line %d, column %d: %s", name, line, col, msg)}
	lines := strings.Split(code, "\n")
	if line >= 1 && line <= len(lines) {
		src := strings.TrimRight(lines[line-1], "\r")
		tb = append(tb, "    "+src)
		// The caret goes under the column, counting tabs as tabs.
		pad := ""
		for i, c := range src {
			if i >= col-1 {
				break
			}
			if c == '\t' {
				pad += "\t"
			} else {
				pad += " "
			}
		}
		tb = append(tb, "    "+pad+"^")
	}
	return &kernel.ExecError{Name: name, Value: value, Traceback: tb}
}

// panicError describes a runtime panic: ename is "panic" for a panic value
// the user raised, "runtime error" for Go's own run-time errors.
func panicError(v any, trace []string) *kernel.ExecError {
	name := "panic"
	msg := describePanic(v)
	if _, ok := v.(runtime.Error); ok {
		name = "runtime error"
		msg = strings.TrimPrefix(msg, "runtime error: ")
	}
	for _, leak := range reflectLeaks {
		if strings.HasPrefix(msg, leak.from) {
			name, msg = "runtime error", leak.to+strings.TrimPrefix(msg, leak.from)
		}
	}
	// Any other use of a zero reflect.Value inside the interpreter is a nil
	// pointer, map or interface in the user's code.
	if strings.HasPrefix(msg, "reflect: call of reflect.Value.") && strings.HasSuffix(msg, "on zero Value") {
		name, msg = "runtime error", "invalid memory address or nil pointer dereference"
	}
	if e, ok := v.(error); ok && name == "panic" {
		name = "panic(" + fmt.Sprintf("%T", e) + ")"
	}
	tb := []string{name + ": " + msg}
	if len(trace) > 0 {
		tb = append(tb, "", "cell frames, innermost first:")
		tb = append(tb, trace...)
	}
	return &kernel.ExecError{Name: name, Value: msg, Traceback: tb}
}

// explainHostPanic turns yaegi's "nil type" panic, which it raises while
// compiling range over an integer or a function whose type it cannot see,
// into an error at the first such loop.
func (st *state) explainHostPanic(err error, root ast.Node) error {
	var hp *hostPanic
	if !errors.As(err, &hp) || fmt.Sprint(hp.value) != "nil type" {
		return err
	}
	var found *ast.RangeStmt
	ast.Inspect(root, func(n ast.Node) bool {
		if r, ok := n.(*ast.RangeStmt); ok && found == nil {
			found = r
		}
		return found == nil
	})
	if found == nil {
		return err
	}
	x := exprString(found.X)
	return &rewriteError{pos: found.For, msg: fmt.Sprintf(
		"cannot range over %s: the interpreter does not know its type here; if it is an integer, write `for i := 0; i < %s; i++`; a function iterator is not supported, call it with a callback",
		x, x)}
}

// posString renders a position in cell coordinates.
func posString(fset *token.FileSet, p token.Pos) string {
	pos := fset.Position(p)
	return strconv.Itoa(pos.Line) + ":" + strconv.Itoa(pos.Column)
}

// universe holds Go's predeclared names other than the basic types.
var universe = map[string]bool{
	"true": true, "false": true, "nil": true, "iota": true, "any": true, "error": true, "comparable": true,
	"append": true, "cap": true, "clear": true, "close": true, "complex": true, "copy": true, "delete": true,
	"imag": true, "len": true, "make": true, "max": true, "min": true, "new": true, "panic": true,
	"print": true, "println": true, "real": true, "recover": true,
}

// explainUndefined replaces yaegi's misleading "constant definition loop",
// which it reports for an undefined name on the right of :=, with
// "undefined: name" at the first name nothing declares.
func (st *state) explainUndefined(err error, sc *splitCell) error {
	if err == nil || !strings.Contains(err.Error(), "constant definition loop") {
		return err
	}
	cellNames := map[string]bool{}
	for _, d := range sc.decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			cellNames[d.Name.Name] = true
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					cellNames[s.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range s.Names {
						cellNames[n.Name] = true
					}
				}
			}
		}
	}
	for _, id := range sc.unresolved {
		name := id.Name
		if universe[name] || isBasicTypeName(name) || cellNames[name] || st.declared[name] != nil ||
			strings.HasPrefix(name, "__gophys") {
			continue
		}
		if _, ok := st.imports[name]; ok {
			continue
		}
		if _, ok := packages().byShort[name]; ok {
			continue
		}
		if _, ok := st.global(name); ok {
			continue
		}
		return &rewriteError{pos: id.Pos(), msg: "undefined: " + name}
	}
	return err
}
