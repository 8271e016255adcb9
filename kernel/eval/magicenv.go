package eval

import (
	"context"
	"errors"
	"go/token"
	"sort"
	"strings"

	"github.com/gophys/gophys/kernel"
	"github.com/gophys/gophys/kernel/magic"
)

// magicEnv gives package magic what it needs from one Execute.
type magicEnv struct {
	in  *Interpreter
	out kernel.Output
	res *kernel.ExecuteResult // the result of Go code run by the magic
}

// runMagic handles magic cells; ok is false for plain Go code.
func (in *Interpreter) runMagic(ctx context.Context, code string, out kernel.Output) (kernel.ExecuteResult, bool) {
	env := &magicEnv{in: in, out: out}
	w := magic.IO{Stdout: streamWriter{in.router, "stdout"}, Stderr: streamWriter{in.router, "stderr"}}
	mres, ok := magic.Handle(ctx, code, env, w)
	if !ok {
		return kernel.ExecuteResult{}, false
	}
	var res kernel.ExecuteResult
	if env.res != nil {
		res = *env.res
	}
	if mres.Page != "" {
		res.Payload = append(res.Payload, map[string]any{
			"source": "page",
			"data":   map[string]any{"text/plain": mres.Page},
			"start":  0,
		})
	}
	if mres.Err != nil {
		res.Err = &kernel.ExecError{Name: mres.Err.Name, Value: mres.Err.Value, Traceback: []string{mres.Err.Name + ": " + mres.Err.Value}}
	}
	return res, true
}

func (e *magicEnv) Run(ctx context.Context, code string) error {
	res := e.in.run(ctx, code)
	e.res = &res
	if res.Err != nil {
		return res.Err
	}
	return nil
}

func (e *magicEnv) Reset() error { return e.in.reset() }

func (e *magicEnv) Variables() []magic.Variable {
	st, err := e.in.state()
	if err != nil {
		return nil
	}
	globals := safeGlobals(st.yi)
	var vars []magic.Variable
	for name, d := range st.declared {
		if d.kind != token.VAR {
			continue
		}
		typ := d.typ
		if v, ok := globals[name]; ok && v.IsValid() {
			typ = v.Type().String()
		}
		vars = append(vars, magic.Variable{Name: name, Type: typ})
	}
	sort.Slice(vars, func(i, j int) bool { return vars[i].Name < vars[j].Name })
	return vars
}

func (e *magicEnv) Describe(expr string) (string, bool) {
	insp := e.in.Inspect(expr, len([]rune(expr)), 1)
	if insp.Found {
		if s, ok := insp.Data["text/plain"].(string); ok {
			return s, true
		}
	}
	return e.in.describeFallback(expr)
}

func (e *magicEnv) SetOutputLimit(bytes int64) error {
	if e.in.opts.SetOutputLimit != nil {
		return e.in.opts.SetOutputLimit(bytes)
	}
	// The protocol layer's Output may offer the setter itself
	// (kernel.StreamLimiter).
	if l, ok := e.out.(interface{ SetStreamLimit(int64) }); ok {
		l.SetStreamLimit(bytes)
		return nil
	}
	return errors.New("this kernel does not support changing the output limit")
}

// describeFallback documents what the interpreter itself knows about expr
// until the inspection package is wired in: a package member's Go type or a
// variable's type.
func (in *Interpreter) describeFallback(expr string) (string, bool) {
	st, err := in.state()
	if err != nil {
		return "", false
	}
	if pkg, name, ok := strings.Cut(expr, "."); ok {
		p, known := st.imports[pkg]
		if !known {
			p, known = packages().byShort[pkg]
		}
		if known {
			if v, ok := packages().symbol(p, name); ok {
				kind := "var"
				t := v.Type()
				switch {
				case isTypeSymbol(v):
					kind, t = "type", t.Elem()
				case t.Kind().String() == "func" && !v.CanAddr():
					kind = "func"
				}
				return kind + " " + p + "." + name + ": " + t.String(), true
			}
			return "", false
		}
	}
	if d := st.declared[expr]; d != nil {
		if v, ok := safeGlobals(st.yi)[expr]; ok && v.IsValid() {
			return expr + ": " + v.Type().String(), true
		}
		return expr + " (declared in an earlier cell)", true
	}
	if p, ok := packages().byShort[expr]; ok {
		return "package " + packages().names[p] + " // import \"" + p + "\"", true
	}
	return "", false
}
