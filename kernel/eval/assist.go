package eval

import (
	"go/ast"
	"go/token"
	"maps"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gophys/gophys/kernel"
	"github.com/gophys/gophys/kernel/assist"
	"github.com/gophys/gophys/kernel/symbols"
)

// sessionView is what completion and inspection read: a snapshot taken
// after each cell, so requests answered while a cell runs never touch the
// interpreter's live state.
type sessionView struct {
	names   map[string]string // package names a cell can use → import path
	globals map[string]assist.Global

	// What names was built from, to reuse it while nothing changed.
	state             *state
	imports, declared int
}

// assistEnv is the assist.Env of an Interpreter, reading the latest view.
type assistEnv struct {
	view atomic.Pointer[sessionView]
	once sync.Once
	env  assist.Env
}

func (a *assistEnv) get() assist.Env {
	a.once.Do(func() {
		a.env = assist.NewEnv(symbols.Exports(),
			func() map[string]string {
				if v := a.view.Load(); v != nil {
					return v.names
				}
				return symbols.PackageNames()
			},
			func() map[string]assist.Global {
				if v := a.view.Load(); v != nil {
					return v.globals
				}
				return nil
			})
	})
	return a.env
}

// Complete proposes completions for code at cursorPos: package members,
// earlier cells' names, fields and methods (kernel/assist).
func (in *Interpreter) Complete(code string, cursorPos int) kernel.Completion {
	return assist.Complete(code, cursorPos, in.assist.get())
}

// Inspect documents the object at the cursor (kernel/assist).
func (in *Interpreter) Inspect(code string, cursorPos, detailLevel int) kernel.Inspection {
	return assist.Inspect(code, cursorPos, detailLevel, in.assist.get())
}

// publishView snapshots what earlier cells declared for completion and
// inspection. It runs on the Execute goroutine after each cell.
func (in *Interpreter) publishView(st *state) {
	// The names depend only on the sets of imports and declared names,
	// which only grow within a state: rebuild them when those grew.
	var names map[string]string
	if prev := in.assist.view.Load(); prev != nil && prev.state == st &&
		prev.imports == len(st.imports) && prev.declared == len(st.declared) {
		names = prev.names
	} else {
		names = maps.Clone(symbols.PackageNames())
		maps.Copy(names, st.imports)
		for name := range st.declared {
			delete(names, name) // a user's name hides a package of that name
		}
	}
	live := safeGlobals(st.yi)
	globals := make(map[string]assist.Global, len(st.declared))
	for name, d := range st.declared {
		g := assist.Global{Decl: st.declSrc[name]}
		switch d.kind {
		case token.FUNC:
			g.Kind = assist.Func
		case token.TYPE:
			g.Kind = assist.Type
			for _, m := range st.methodSrc[name] {
				g.Decl += "\n\n" + m
			}
		case token.CONST:
			g.Kind = assist.Const
		default:
			g.Kind = assist.Var
		}
		if v, ok := live[name]; ok && v.IsValid() {
			g.Type = v.Type()
			if v.CanInterface() {
				// A copy, so later cells writing the variable do not race
				// with requests reading it.
				g.Value = reflect.ValueOf(v.Interface())
			}
		}
		globals[name] = g
	}
	in.assist.view.Store(&sessionView{names: names, globals: globals,
		state: st, imports: len(st.imports), declared: len(st.declared)})
}

// recordSource remembers the source of the declarations a cell made, doc
// comments included, for inspection.
func (st *state) recordSource(code string, decls []ast.Decl, stmts *ast.BlockStmt) {
	src := func(from, to token.Pos) string {
		// Offsets in a view equal offsets in the cell past the prefix.
		start := st.fset.PositionFor(from, false)
		end := st.fset.PositionFor(to, false)
		prefix := len(filePrefix)
		if stmts != nil && st.fset.File(from) == st.fset.File(stmts.Pos()) {
			prefix = len(stmtPrefix)
		}
		a, b := start.Offset-prefix, end.Offset-prefix
		if a < 0 || b > len(code) || a > b {
			return ""
		}
		return code[a:b]
	}
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			text := src(docStart(st.fset, d.Doc, d.Pos()), d.End())
			if d.Recv == nil {
				st.declSrc[d.Name.Name] = text
				continue
			}
			if recv := receiverName(d); recv != "" {
				if st.methodSrc[recv] == nil {
					st.methodSrc[recv] = map[string]string{}
				}
				st.methodSrc[recv][d.Name.Name] = text
			}
		case *ast.GenDecl:
			st.recordGenSource(d, src)
		}
	}
	if stmts == nil {
		return
	}
	for _, s := range stmts.List {
		switch s := s.(type) {
		case *ast.AssignStmt:
			if s.Tok != token.DEFINE {
				continue
			}
			for _, lhs := range s.Lhs {
				if id, ok := lhs.(*ast.Ident); ok && id.Name != "_" && !isHidden(id.Name) {
					st.declSrc[id.Name] = src(s.Pos(), s.End())
				}
			}
		case *ast.DeclStmt:
			if g, ok := s.Decl.(*ast.GenDecl); ok {
				st.recordGenSource(g, src)
			}
		}
	}
}

// docStart is where a declaration's source starts: its doc comment, without
// the view's own //line directive (which joins the comment group of a doc
// comment on the cell's first line), else pos.
func docStart(fset *token.FileSet, doc *ast.CommentGroup, pos token.Pos) token.Pos {
	if doc == nil {
		return pos
	}
	for _, c := range doc.List {
		if !strings.HasPrefix(c.Text, "//line "+cellFile+":") {
			return c.Pos()
		}
	}
	return pos
}

func (st *state) recordGenSource(g *ast.GenDecl, src func(from, to token.Pos) string) {
	for _, spec := range g.Specs {
		var names []*ast.Ident
		switch spec := spec.(type) {
		case *ast.TypeSpec:
			names = []*ast.Ident{spec.Name}
		case *ast.ValueSpec:
			names = spec.Names
		}
		from := spec.Pos()
		if len(g.Specs) == 1 {
			from = docStart(st.fset, g.Doc, g.Pos())
		}
		text := src(from, spec.End())
		for _, n := range names {
			st.declSrc[n.Name] = text
		}
	}
}

// receiverName is the base type name of a method's receiver.
func receiverName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return ""
	}
	t := d.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// isHidden reports whether name is one of the kernel's own (__gophys...).
func isHidden(name string) bool { return len(name) > 8 && name[:8] == "__gophys" }
