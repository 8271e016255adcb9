package assist

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path"
	"reflect"
	"regexp"
	"strings"
)

// resolver answers "what is this expression?" for completion and
// inspection, from the Env (compiled packages, earlier cells' globals) and
// from the cell being edited. It is best-effort: anything it cannot work
// out yields nothing, never an error.
type resolver struct {
	env     Env
	code    string // the cell text before the cursor
	pkgs    map[string]string
	globals map[string]Global
	decls   *cellDecls
	depth   int // guards recursion through definitions (x := y; y := x)
}

func newResolver(env Env, code string) *resolver {
	r := &resolver{env: env, code: code}
	if env != nil {
		r.pkgs = env.PackageNames()
		r.globals = env.Globals()
	}
	r.decls = parseCellDecls(r.globals, code)
	if imports := cellImports(code, env); len(imports) > 0 {
		pkgs := make(map[string]string, len(r.pkgs)+len(imports))
		maps.Copy(pkgs, r.pkgs) // the Env's map is shared: never write to it
		maps.Copy(pkgs, imports)
		r.pkgs = pkgs
	}
	return r
}

// importSpecRE matches one import spec: an optional name, then the path.
var importSpecRE = regexp.MustCompile(`^[ \t]*(?:import[ \t]+)?(?:([\pL_][\pL\pN_]*|\.)[ \t]+)?"([^"]+)"`)

// cellImports returns the packages the cell itself imports, by the name
// they bind (an alias, or the package's own name).
func cellImports(code string, env Env) map[string]string {
	if !strings.Contains(code, "import") {
		return nil
	}
	out := map[string]string{}
	inBlock := false
	for _, line := range strings.Split(code, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "import ("), strings.HasPrefix(trimmed, "import("):
			inBlock = true
			continue
		case inBlock && strings.HasPrefix(trimmed, ")"):
			inBlock = false
			continue
		case !inBlock && !strings.HasPrefix(trimmed, "import"):
			continue
		}
		m := importSpecRE.FindStringSubmatch(line)
		if m == nil || m[1] == "_" || m[1] == "." {
			continue
		}
		name := m[1]
		if name == "" {
			name = packageNameOf(m[2], env)
		}
		out[name] = m[2]
	}
	return out
}

// packageNameOf is the name a package declares: from the Env's names when
// it knows the path, else the path's last element (without a /vN suffix).
func packageNameOf(importPath string, env Env) string {
	if env != nil {
		for name, p := range env.PackageNames() {
			if p == importPath {
				return name
			}
		}
	}
	base := path.Base(importPath)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = path.Base(path.Dir(importPath))
	}
	return base
}

// entity is what an expression denotes.
type entity struct {
	pkgPath string // a package (the expression is a package name)

	// A value or type: its reflect type when compiled or known.
	rtype reflect.Type
	// cellType names a type declared in a cell, whose fields and methods
	// come from source (cellDecls); set alongside or instead of rtype.
	cellType string
	isType   bool // the expression names a type, not a value

	// docKey is the doc-index key of what the expression names, when it
	// names a package member or a method ("fmt.Println", "…mat.Dense.At").
	docKey string
	// name is the last identifier, for messages.
	name string
}

// isPackage reports whether name refers to a package here (an earlier
// cell's variable of the same name shadows it, as in Go).
func (r *resolver) isPackage(name string) (string, bool) {
	if _, shadowed := r.globals[name]; shadowed {
		return "", false
	}
	if r.decls.locals[name] != "" {
		return "", false
	}
	p, ok := r.pkgs[name]
	return p, ok
}

// resolveText parses src as an expression and resolves it.
func (r *resolver) resolveText(src string) (entity, bool) {
	src = strings.TrimSpace(src)
	if src == "" {
		return entity{}, false
	}
	e, err := parser.ParseExpr(src)
	if err != nil {
		return entity{}, false
	}
	return r.resolve(e)
}

func (r *resolver) resolve(e ast.Expr) (entity, bool) {
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > 16 {
		return entity{}, false
	}
	switch e := e.(type) {
	case *ast.ParenExpr:
		return r.resolve(e.X)
	case *ast.Ident:
		return r.resolveIdent(e.Name)
	case *ast.SelectorExpr:
		x, ok := r.resolve(e.X)
		if !ok {
			return entity{}, false
		}
		return r.member(x, e.Sel.Name)
	case *ast.CallExpr:
		fn, ok := r.resolve(e.Fun)
		if !ok {
			return entity{}, false
		}
		if fn.isType { // a conversion T(x)
			return entity{rtype: fn.rtype, cellType: fn.cellType, name: fn.name}, true
		}
		return r.result(fn, 0)
	case *ast.IndexExpr:
		x, ok := r.resolve(e.X)
		if !ok || x.rtype == nil {
			return entity{}, false
		}
		t := x.rtype
		if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Array {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			return entity{rtype: t.Elem()}, true
		case reflect.String:
			return entity{rtype: reflect.TypeFor[byte]()}, true
		}
		return entity{}, false
	case *ast.StarExpr:
		x, ok := r.resolve(e.X)
		if !ok {
			return entity{}, false
		}
		if x.isType { // *T as a type
			if x.rtype != nil {
				x.rtype = reflect.PointerTo(x.rtype)
			}
			return x, true
		}
		if x.rtype != nil && x.rtype.Kind() == reflect.Pointer {
			x.rtype = x.rtype.Elem()
		}
		x.docKey = ""
		return x, true
	case *ast.UnaryExpr:
		x, ok := r.resolve(e.X)
		if !ok || e.Op != token.AND {
			return x, ok
		}
		if x.rtype != nil {
			x.rtype = reflect.PointerTo(x.rtype)
		}
		x.docKey = ""
		return x, true
	case *ast.CompositeLit:
		if e.Type == nil {
			return entity{}, false
		}
		t, ok := r.resolve(e.Type)
		if !ok {
			return entity{}, false
		}
		t.isType = false
		t.docKey = ""
		return t, true
	case *ast.BasicLit:
		switch e.Kind {
		case token.INT:
			return entity{rtype: reflect.TypeFor[int]()}, true
		case token.FLOAT:
			return entity{rtype: reflect.TypeFor[float64]()}, true
		case token.STRING:
			return entity{rtype: reflect.TypeFor[string]()}, true
		}
	case *ast.MapType:
		k, ok1 := r.resolve(e.Key)
		v, ok2 := r.resolve(e.Value)
		if !ok1 || !ok2 || k.rtype == nil || v.rtype == nil || !k.rtype.Comparable() {
			return entity{}, false
		}
		return entity{rtype: reflect.MapOf(k.rtype, v.rtype), isType: true}, true
	case *ast.ArrayType: // arrays as slices: only the element type matters here
		elem, ok := r.resolve(e.Elt)
		if !ok || elem.rtype == nil {
			return entity{}, false
		}
		return entity{rtype: reflect.SliceOf(elem.rtype), isType: true}, true
	}
	return entity{}, false
}

// globalType is the type completion should use for g: its declared type,
// else its value's; for an empty interface holding a value, the dynamic
// type (what x. can usefully offer).
func globalType(g Global) reflect.Type {
	t := g.Type
	if t == nil && g.Value.IsValid() {
		t = g.Value.Type()
	}
	if t != nil && t.Kind() == reflect.Interface && t.NumMethod() == 0 &&
		g.Value.IsValid() && g.Value.Kind() == reflect.Interface && !g.Value.IsNil() {
		t = g.Value.Elem().Type()
	}
	return t
}

// predeclaredTypes are the basic types cells name, for var x float64.
var predeclaredTypes = map[string]reflect.Type{
	"bool": reflect.TypeFor[bool](), "string": reflect.TypeFor[string](),
	"int": reflect.TypeFor[int](), "int8": reflect.TypeFor[int8](), "int16": reflect.TypeFor[int16](),
	"int32": reflect.TypeFor[int32](), "int64": reflect.TypeFor[int64](), "uint": reflect.TypeFor[uint](),
	"uint8": reflect.TypeFor[uint8](), "uint16": reflect.TypeFor[uint16](), "uint32": reflect.TypeFor[uint32](),
	"uint64": reflect.TypeFor[uint64](), "uintptr": reflect.TypeFor[uintptr](), "byte": reflect.TypeFor[byte](),
	"rune": reflect.TypeFor[rune](), "float32": reflect.TypeFor[float32](), "float64": reflect.TypeFor[float64](),
	"complex64": reflect.TypeFor[complex64](), "complex128": reflect.TypeFor[complex128](),
	"error": reflect.TypeFor[error](), "any": reflect.TypeFor[any](),
}

func (r *resolver) resolveIdent(name string) (entity, bool) {
	// Innermost first: the cell being edited, then earlier cells, then packages.
	if rhs := r.decls.locals[name]; rhs != "" {
		return r.fromDefinition(name, rhs)
	}
	if _, ok := r.decls.types[name]; ok {
		g := r.globals[name]
		return entity{cellType: name, rtype: g.Type, isType: true, name: name}, true
	}
	if g, ok := r.globals[name]; ok {
		ent := entity{rtype: globalType(g), isType: g.Kind == Type, name: name}
		if g.Kind == Func {
			ent.docKey = "cell:" + name
		}
		if g.Kind == Var || g.Kind == Const {
			// The Decl tells the cell-declared type reflect cannot name.
			if rhs := definitionIn(g.Decl, name); rhs != "" {
				if d, ok := r.fromDefinition(name, rhs); ok {
					if ent.rtype == nil || ent.rtype.Name() == "" {
						ent.cellType = d.cellType
					}
					if ent.rtype == nil {
						ent.rtype = d.rtype
					}
				}
			}
		}
		return ent, true
	}
	if p, ok := r.isPackage(name); ok {
		return entity{pkgPath: p, docKey: p, name: name}, true
	}
	if t, ok := predeclaredTypes[name]; ok {
		return entity{rtype: t, isType: true, name: name}, true
	}
	return entity{}, false
}

// fromDefinition resolves a variable from its defining text: "expr" for
// x := expr (index k for a, b := f()), or "type:T" for var x T.
func (r *resolver) fromDefinition(name, def string) (entity, bool) {
	if expr, ok := strings.CutPrefix(def, "elem:"); ok { // for _, v := range expr
		x, ok := r.resolveText(expr)
		if !ok || x.rtype == nil {
			return entity{}, false
		}
		switch t := x.rtype; t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			return entity{rtype: t.Elem(), name: name}, true
		case reflect.String:
			return entity{rtype: reflect.TypeFor[rune](), name: name}, true
		}
		return entity{}, false
	}
	if expr, ok := strings.CutPrefix(def, "key:"); ok { // for k := range expr
		x, ok := r.resolveText(expr)
		if ok && x.rtype != nil && x.rtype.Kind() == reflect.Map {
			return entity{rtype: x.rtype.Key(), name: name}, true
		}
		return entity{rtype: reflect.TypeFor[int](), name: name}, true
	}
	if t, ok := strings.CutPrefix(def, "type:"); ok {
		ent, ok := r.resolveText(t)
		ent.isType, ent.docKey, ent.name = false, "", name
		return ent, ok
	}
	idx := 0
	if i := strings.IndexByte(def, '\x00'); i >= 0 { // "k\x00expr"
		idx = int(def[0] - '0')
		def = def[i+1:]
	}
	e, err := parser.ParseExpr(def)
	if err != nil {
		return entity{}, false
	}
	if call, ok := e.(*ast.CallExpr); ok && idx > 0 {
		fn, ok := r.resolve(call.Fun)
		if !ok {
			return entity{}, false
		}
		ent, ok := r.result(fn, idx)
		ent.name = name
		return ent, ok
	}
	ent, ok := r.resolve(e)
	ent.docKey, ent.name = "", name
	return ent, ok
}

// member resolves x.name.
func (r *resolver) member(x entity, name string) (entity, bool) {
	if x.pkgPath != "" {
		syms := r.env.Symbols(x.pkgPath)
		key := x.pkgPath + "." + name
		v, ok := syms[name]
		if !ok || !v.IsValid() {
			// An interpreted package (slices) or a name only the docs know.
			if _, ok := loadDocs().lookup(key); ok {
				return entity{docKey: key, name: name}, true
			}
			return entity{}, false
		}
		if isTypeValue(v) {
			return entity{rtype: v.Type().Elem(), isType: true, docKey: key, name: name}, true
		}
		return entity{rtype: v.Type(), docKey: key, name: name}, true
	}
	// A field or method of a value (or a method expression on a type).
	if x.cellType != "" {
		if _, ok := r.decls.methods[x.cellType][name]; ok {
			return entity{name: name, docKey: "cell:" + x.cellType + "." + name}, true
		}
		if f, ok := r.decls.fields(x.cellType)[name]; ok {
			ent, _ := r.resolve(f)
			ent.isType, ent.docKey, ent.name = false, "", name
			return ent, true
		}
	}
	t := x.rtype
	if t == nil {
		return entity{}, false
	}
	if m, ok := methodByName(t, name); ok {
		return entity{rtype: m.Type, docKey: methodDocKey(t, name), name: name}, true
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		if f, ok := st.FieldByName(name); ok && f.IsExported() {
			return entity{rtype: f.Type, name: name, docKey: ""}, true
		}
	}
	return entity{}, false
}

// result is the type of the k-th result of calling fn.
func (r *resolver) result(fn entity, k int) (entity, bool) {
	if strings.HasPrefix(fn.docKey, "cell:") || fn.rtype == nil {
		// A function declared in a cell: its result type from source.
		if ft := r.decls.funcResult(fn); ft != nil {
			return r.resultFromAST(ft, k)
		}
		return entity{}, false
	}
	t := fn.rtype
	if t.Kind() != reflect.Func || t.NumOut() <= k {
		return entity{}, false
	}
	return entity{rtype: t.Out(k)}, true
}

func (r *resolver) resultFromAST(ft *ast.FuncType, k int) (entity, bool) {
	if ft.Results == nil {
		return entity{}, false
	}
	i := 0
	for _, f := range ft.Results.List {
		n := max(len(f.Names), 1)
		if k < i+n {
			ent, ok := r.resolve(f.Type)
			ent.isType, ent.docKey = false, ""
			return ent, ok
		}
		i += n
	}
	return entity{}, false
}

// isTypeValue reports whether a symbol-table entry stands for a type: yaegi
// tables hold types as typed nil pointers, (*T)(nil).
func isTypeValue(v reflect.Value) bool {
	return v.Kind() == reflect.Pointer && v.IsNil() && v.Type().Elem().Kind() != reflect.Func
}

// methodByName finds a method of t or, for addressable values, of *t.
func methodByName(t reflect.Type, name string) (reflect.Method, bool) {
	if m, ok := t.MethodByName(name); ok {
		return m, true
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		return reflect.PointerTo(t).MethodByName(name)
	}
	return reflect.Method{}, false
}

// methodDocKey is the doc-index key of method name on t (or *t):
// "gonum.org/v1/gonum/mat.Dense.At".
func methodDocKey(t reflect.Type, name string) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Name() == "" || t.PkgPath() == "" {
		return ""
	}
	return t.PkgPath() + "." + t.Name() + "." + name
}

// typeDocKey is the doc-index key of a named type.
func typeDocKey(t reflect.Type) string {
	for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice) && t.Name() == "" {
		t = t.Elem()
	}
	if t == nil || t.Name() == "" || t.PkgPath() == "" {
		return ""
	}
	return t.PkgPath() + "." + t.Name()
}

// definitionRE finds "name := expr", "name = expr", "var name T",
// "var name = expr" and "a, name := f()" on one line.
var definitionRE = regexp.MustCompile(`(?m)^[ \t]*(?:var[ \t]+)?([\pL_][\pL\pN_]*(?:[ \t]*,[ \t]*[\pL_][\pL\pN_]*)*)[ \t]*(?:(:?=)[ \t]*(.+)|([^=\n]+?)(?:[ \t]*=[ \t]*(.+))?)[ \t]*$`)

// definitionIn returns name's defining text in src (the last definition
// wins): "expr", "k\x00expr" for the k-th of several names assigned from
// one call, or "type:T" for var name T.
func definitionIn(src, name string) string {
	def := ""
	for _, m := range definitionRE.FindAllStringSubmatch(src, -1) {
		names := strings.Split(m[1], ",")
		k := -1
		for i, n := range names {
			if strings.TrimSpace(n) == name {
				k = i
			}
		}
		if k < 0 {
			continue
		}
		switch {
		case m[2] != "" && m[3] != "" && !strings.HasPrefix(m[3], "="): // := or =, not ==
			rhs := stripComment(m[3])
			if len(names) > 1 {
				parts := splitTopLevel(rhs)
				if len(parts) == len(names) {
					def = parts[k]
				} else if k < 10 {
					def = string(rune('0'+k)) + "\x00" + rhs
				}
			} else {
				def = rhs
			}
		case m[4] != "" && strings.HasPrefix(strings.TrimSpace(m[0]), "var"):
			if m[5] != "" {
				def = stripComment(m[5])
			} else {
				def = "type:" + stripComment(m[4])
			}
		}
	}
	return def
}

func stripComment(s string) string {
	if i := strings.Index(s, "//"); i >= 0 && !strings.Contains(s[:i], `"`) {
		s = s[:i]
	}
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "{"))
}

// splitTopLevel splits "a, f(b, c), d" at top-level commas.
func splitTopLevel(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(parts, strings.TrimSpace(s[start:]))
}
