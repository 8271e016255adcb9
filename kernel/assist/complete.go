package assist

import (
	"go/scanner"
	"go/token"
	"reflect"
	"sort"
	"strings"

	"github.com/gophys/gophys/kernel"
)

// keywords are Go's keywords, completed at the start of a word.
var keywords = []string{
	"break", "case", "chan", "const", "continue", "default", "defer", "else",
	"fallthrough", "for", "func", "go", "goto", "if", "import", "interface",
	"map", "package", "range", "return", "select", "struct", "switch", "type", "var",
}

var keywordSet = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range keywords {
		m[k] = true
	}
	return m
}()

// predeclared are the universe block's functions, types and constants.
var predeclared = map[string]string{
	"append": "function", "cap": "function", "clear": "function", "close": "function",
	"complex": "function", "copy": "function", "delete": "function", "imag": "function",
	"len": "function", "make": "function", "max": "function", "min": "function",
	"new": "function", "panic": "function", "print": "function", "println": "function",
	"real": "function", "recover": "function",
	"any": "class", "bool": "class", "byte": "class", "comparable": "class",
	"complex64": "class", "complex128": "class", "error": "class", "float32": "class",
	"float64": "class", "int": "class", "int8": "class", "int16": "class", "int32": "class",
	"int64": "class", "rune": "class", "string": "class", "uint": "class", "uint8": "class",
	"uint16": "class", "uint32": "class", "uint64": "class", "uintptr": "class",
	"true": "constant", "false": "constant", "iota": "constant", "nil": "constant",
}

// candidate is one completion with the kind JupyterLab shows beside it.
type candidate struct {
	text, kind string
}

// Complete proposes completions for code at cursor (a position in Unicode
// code points, as protocol 5.2 sends it):
//
//   - after "pkg." the package's exported members (fmt.Pri → Print,
//     Printf, Println);
//   - after "x." the exported fields and methods of x's type, for variables
//     of earlier cells, variables the current cell defines (m :=
//     mat.NewDense(...)), and chains such as p.X.Method().;
//   - inside an import spec's string, import paths ("gonum.org/v1/gonum/st"
//     → .../stat, .../stat/distuv, ...);
//   - otherwise keywords, predeclared identifiers, package names, earlier
//     cells' names and the identifiers of the current cell.
//
// Matches share the typed prefix (case-sensitive; case-insensitive when
// nothing matches exactly) and are sorted. Metadata carries
// "_jupyter_types_experimental" as ipykernel does, so JupyterLab shows each
// match's kind. Complete never fails: with nothing to offer it returns no
// matches and the cursor as the replaced range. env may be nil.
func Complete(code string, cursor int, env Env) kernel.Completion {
	end := byteOffset(code, cursor)
	if prefix, start, ok := importPathPrefix(code, end); ok {
		var cands []candidate
		for _, p := range importPaths(env) {
			cands = append(cands, candidate{p, "module"})
		}
		return completion(cands, prefix, runeCount(code[:start]), runeCount(code[:end]))
	}
	start := identBefore(code, end)
	prefix := code[start:end]
	cursorStart := runeCount(code[:start])
	cursorEnd := runeCount(code[:end])
	// Complete the whole identifier under the cursor, as ipykernel does when
	// the cursor sits inside a word: the replaced range ends where it ends.
	if wordEnd := identAfter(code, end); wordEnd > end {
		cursorEnd = runeCount(code[:wordEnd])
	}

	var cands []candidate
	if inStringOrComment(code, start) {
		// Nothing to complete inside a string or comment.
	} else if start > 0 && code[start-1] == '.' {
		operand := code[operandBefore(code, start-1) : start-1]
		r := newResolver(env, code[:start-1])
		if x, ok := r.resolveText(operand); ok {
			cands = r.membersOf(x)
		}
	} else if fields, ok := literalFields(code, start, env); ok {
		// In a composite literal's key position: the struct's fields first,
		// then everything an expression may start with (positional values).
		cands = append(fields, identifierCandidates(code, start, end, env)...)
	} else {
		cands = identifierCandidates(code, start, end, env)
	}

	return completion(cands, prefix, cursorStart, cursorEnd)
}

// completion builds the reply from the candidates matching prefix.
func completion(cands []candidate, prefix string, cursorStart, cursorEnd int) kernel.Completion {
	matches, kinds := filter(cands, prefix)
	types := make([]map[string]any, len(matches))
	for i, m := range matches {
		types[i] = map[string]any{"start": cursorStart, "end": cursorEnd, "text": m, "type": kinds[i], "signature": ""}
	}
	return kernel.Completion{
		Matches:     matches,
		CursorStart: cursorStart,
		CursorEnd:   cursorEnd,
		Metadata:    map[string]any{"_jupyter_types_experimental": types},
	}
}

// filter keeps the candidates starting with prefix, sorted and without
// duplicates; if none match exactly, it retries ignoring case.
func filter(cands []candidate, prefix string) ([]string, []string) {
	pick := func(match func(string) bool) ([]string, []string) {
		seen := map[string]string{}
		for _, c := range cands {
			if match(c.text) {
				if _, dup := seen[c.text]; !dup {
					seen[c.text] = c.kind
				}
			}
		}
		names := make([]string, 0, len(seen))
		for n := range seen {
			names = append(names, n)
		}
		sort.Strings(names)
		kinds := make([]string, len(names))
		for i, n := range names {
			kinds[i] = seen[n]
		}
		return names, kinds
	}
	names, kinds := pick(func(s string) bool { return strings.HasPrefix(s, prefix) })
	if len(names) == 0 && prefix != "" {
		lower := strings.ToLower(prefix)
		names, kinds = pick(func(s string) bool { return strings.HasPrefix(strings.ToLower(s), lower) })
	}
	return names, kinds
}

// membersOf lists what can follow "x." for the entity x.
func (r *resolver) membersOf(x entity) []candidate {
	var out []candidate
	if x.pkgPath != "" {
		syms := r.env.Symbols(x.pkgPath)
		for name, v := range syms {
			if !token.IsExported(name) { // "_Iface" wrappers
				continue
			}
			out = append(out, candidate{name, symbolKind(v)})
		}
		if len(syms) == 0 || x.pkgPath == "slices" || x.pkgPath == "maps" || x.pkgPath == "cmp" {
			// Interpreted from source: the doc index knows the names.
			for _, name := range loadDocs().members(x.pkgPath) {
				if token.IsExported(name) {
					out = append(out, candidate{name, "function"})
				}
			}
		}
		return out
	}
	if x.cellType != "" {
		for name := range r.decls.fields(x.cellType) {
			out = append(out, candidate{name, "field"})
		}
		for name := range r.decls.methods[x.cellType] {
			out = append(out, candidate{name, "method"})
		}
	}
	if t := x.rtype; t != nil {
		out = append(out, typeMembers(t, x.isType)...)
	}
	return out
}

// typeMembers lists the exported methods (of T and *T) and fields,
// including promoted ones, of t.
func typeMembers(t reflect.Type, isType bool) []candidate {
	var out []candidate
	addMethods := func(t reflect.Type) {
		for m := range t.Methods() {
			if m.IsExported() {
				out = append(out, candidate{m.Name, "method"})
			}
		}
	}
	addMethods(t)
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		addMethods(reflect.PointerTo(t))
	}
	if isType {
		return out // method expressions only: T.Method
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		for _, f := range reflect.VisibleFields(st) {
			if f.IsExported() {
				out = append(out, candidate{f.Name, "field"})
			}
		}
	}
	return out
}

// symbolKind names a symbol-table entry's kind for JupyterLab.
func symbolKind(v reflect.Value) string {
	switch {
	case !v.IsValid():
		return "instance"
	case isTypeValue(v):
		return "class"
	case v.Kind() == reflect.Func:
		return "function"
	}
	return "instance"
}

// identifierCandidates lists names that can start an expression or
// statement at start.
func identifierCandidates(code string, start, end int, env Env) []candidate {
	var out []candidate
	for _, k := range keywords {
		out = append(out, candidate{k, "keyword"})
	}
	for name, kind := range predeclared {
		out = append(out, candidate{name, kind})
	}
	if env != nil {
		for name := range env.PackageNames() {
			out = append(out, candidate{name, "module"})
		}
		for name, g := range env.Globals() {
			out = append(out, candidate{name, globalKind(g.Kind)})
		}
	}
	// Identifiers of the current cell (declared or used), except the word
	// being typed.
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(code))
	s.Init(file, []byte(code), nil, 0)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		if tok != token.IDENT {
			continue
		}
		off := file.Offset(pos)
		if off == start && off+len(lit) >= end {
			continue
		}
		out = append(out, candidate{lit, "instance"})
	}
	return out
}

func globalKind(k Kind) string {
	switch k {
	case Func:
		return "function"
	case Type:
		return "class"
	case Const:
		return "constant"
	}
	return "instance"
}

// inStringOrComment reports whether offset lies inside a string, rune
// literal or comment of code, where completing identifiers would be noise.
func inStringOrComment(code string, offset int) bool {
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(code))
	s.Init(file, []byte(code), func(token.Position, string) {}, scanner.ScanComments)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return false
		}
		off := file.Offset(pos)
		if off >= offset {
			return false
		}
		switch tok {
		case token.STRING, token.CHAR, token.COMMENT:
			if offset > off && offset <= off+len(lit) {
				// Inside, or at the end of an unterminated literal.
				closed := len(lit) >= 2 && (lit[len(lit)-1] == lit[0] || strings.HasSuffix(lit, "*/"))
				if !closed || offset < off+len(lit) || tok == token.COMMENT && strings.HasPrefix(lit, "//") {
					return true
				}
			}
		}
	}
}

// literalFields returns the fields of the struct type whose composite
// literal encloses start, when start is at a key position (right after the
// '{' or a ','): distuv.Normal{Mu: 0, Si → Sigma.
func literalFields(code string, start int, env Env) ([]candidate, bool) {
	before := strings.TrimRight(code[:start], " \t\n")
	if before == "" || (before[len(before)-1] != '{' && before[len(before)-1] != ',') {
		return nil, false
	}
	brace := openBraceBefore(code, start)
	if brace < 0 {
		return nil, false
	}
	typeStart := operandBefore(code, brace)
	typeText := code[typeStart:brace]
	if strings.TrimSpace(typeText) == "" {
		return nil, false
	}
	r := newResolver(env, code[:typeStart])
	x, ok := r.resolveText(typeText)
	if !ok || !x.isType {
		return nil, false
	}
	var out []candidate
	if x.cellType != "" {
		for name := range r.decls.fields(x.cellType) {
			out = append(out, candidate{name, "field"})
		}
	} else if t := x.rtype; t != nil && t.Kind() == reflect.Struct {
		for f := range t.Fields() {
			if f.IsExported() {
				out = append(out, candidate{f.Name, "field"})
			}
		}
	}
	return out, len(out) > 0
}

// openBraceBefore finds the innermost unclosed '{' before end, or -1.
func openBraceBefore(code string, end int) int {
	depth := 0
	for i := end - 1; i >= 0; i-- {
		switch code[i] {
		case '}', ')', ']':
			depth++
		case '(', '[':
			if depth == 0 {
				return -1 // inside a call or index, not directly in the literal
			}
			depth--
		case '{':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}
