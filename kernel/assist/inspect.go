package assist

import (
	"fmt"
	"go/ast"
	"go/printer"
	"maps"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gophys/gophys/kernel"
)

// maxValueLen bounds the rendering of a variable's value in an inspection.
const maxValueLen = 300

// Inspect returns what Shift-Tab and `x?` show for the name at cursor (a
// position in Unicode code points): the identifier under or just before the
// cursor, with the selector chain leading to it (mat.NewDense, m.Mul,
// p.Pos.X); or, when the cursor sits inside a call's parentheses, the
// function being called. It shows the declaration (signature without body)
// and doc comment from the embedded doc index for preloaded packages, or
// from the cell's source for cells' functions and types; for variables their
// type, value and the type's doc. detail 1 adds the type's declaration and
// method list. Found is false when nothing is known. env may be nil.
func Inspect(code string, cursor, detail int, env Env) kernel.Inspection {
	text, ok := inspectText(code, cursor, detail, env)
	if !ok {
		return kernel.Inspection{Found: false, Data: map[string]any{}, Metadata: map[string]any{}}
	}
	return kernel.Inspection{
		Found:    true,
		Data:     map[string]any{"text/plain": text},
		Metadata: map[string]any{},
	}
}

func inspectText(code string, cursor, detail int, env Env) (string, bool) {
	pos := byteOffset(code, cursor)
	// The identifier around the cursor...
	start, end := identBefore(code, pos), identAfter(code, pos)
	if start == end {
		// ...or, inside f(a, |), the function called.
		open := openCallBefore(code, pos)
		if open < 0 {
			return "", false
		}
		end, start = open, identBefore(code, open) // the name must touch the '('
		if start == end {
			return "", false
		}
	}
	name := code[start:end]
	operandStart := start
	if start > 0 && code[start-1] == '.' {
		operandStart = operandBefore(code, start-1)
	}
	expr := code[operandStart:end]
	if operandStart == start && keywordSet[name] {
		return "keyword " + name, true
	}
	r := newResolver(env, code[:operandStart])
	x, ok := r.resolveText(expr)
	if !ok {
		return builtinDoc(name, operandStart == start)
	}
	return r.describe(x, expr, detail)
}

// builtinDoc documents the universe block's names from the doc index's
// "builtin" package.
func builtinDoc(name string, bare bool) (string, bool) {
	if !bare {
		return "", false
	}
	if e, ok := loadDocs().lookup("builtin." + name); ok {
		return joinDoc(e.Decl, e.Doc), true
	}
	return "", false
}

func joinDoc(decl, doc string) string {
	if doc == "" {
		return decl
	}
	return decl + "\n\n" + doc
}

// describe renders what x denotes.
func (r *resolver) describe(x entity, expr string, detail int) (string, bool) {
	docs := loadDocs()
	switch {
	case x.pkgPath != "":
		e, ok := docs.lookup(x.pkgPath)
		if !ok {
			return fmt.Sprintf("package %s // import %q", x.name, x.pkgPath), true
		}
		doc := e.Doc
		if detail == 0 {
			doc = firstParagraph(doc)
		}
		return joinDoc(e.Decl, doc), true

	case strings.HasPrefix(x.docKey, "cell:"):
		return r.describeCellFunc(strings.TrimPrefix(x.docKey, "cell:"))

	case x.docKey != "":
		if e, ok := docs.lookup(x.docKey); ok {
			text := joinDoc(e.Decl, e.Doc)
			if x.isType && detail > 0 && x.rtype != nil {
				text += methodList(x.rtype)
			}
			if g, ok := r.globals[expr]; ok && g.Value.IsValid() {
				text = valueLine(expr, g, "") + "\n\n" + text
			}
			return text, true
		}
	}

	if x.cellType != "" && x.isType {
		return r.describeCellType(x.cellType, detail), true
	}

	// A variable (or field) with a known type.
	var b strings.Builder
	g, isGlobal := r.globals[expr]
	switch {
	case isGlobal && g.Kind != Type:
		b.WriteString(valueLine(expr, g, x.cellType))
	case x.rtype != nil:
		fmt.Fprintf(&b, "%s %s", expr, typeString(x.rtype, x.cellType))
	case x.cellType != "":
		fmt.Fprintf(&b, "%s %s", expr, x.cellType)
	default:
		return "", false
	}
	if isGlobal && g.Decl != "" && g.Kind != Func && g.Kind != Type {
		b.WriteString("\n\n" + strings.TrimSpace(g.Decl))
	}
	if x.cellType != "" {
		b.WriteString("\n\n" + r.describeCellType(x.cellType, detail))
	} else if key := typeDocKey(x.rtype); key != "" {
		if e, ok := docs.lookup(key); ok {
			doc := e.Doc
			if detail == 0 {
				doc = firstParagraph(doc)
			}
			b.WriteString("\n\n" + joinDoc(e.Decl, doc))
			if detail > 0 {
				b.WriteString(methodList(x.rtype))
			}
		}
	}
	return b.String(), true
}

// valueLine renders "var x T = value" for an earlier cell's variable.
func valueLine(name string, g Global, cellType string) string {
	line := g.Kind.String() + " " + name
	if g.Type != nil {
		line += " " + typeString(g.Type, cellType)
	} else if cellType != "" {
		line += " " + cellType
	}
	if g.Value.IsValid() && g.Value.CanInterface() {
		v := fmt.Sprintf("%v", g.Value.Interface())
		if utf8.RuneCountInString(v) > maxValueLen {
			v = string([]rune(v)[:maxValueLen]) + "…"
		}
		line += " = " + v
	}
	return line
}

// typeString prints t as Go source would name it (mat.Dense, not
// gonum.org/v1/gonum/mat.Dense); an interpreted struct type prints as its
// cell name when known.
func typeString(t reflect.Type, cellType string) string {
	if cellType != "" && t.Name() == "" && t.Kind() == reflect.Struct {
		return cellType
	}
	return t.String()
}

// methodList renders the exported methods of t and *t, one per line.
func methodList(t reflect.Type) string {
	seen := map[string]bool{}
	var lines []string
	add := func(t reflect.Type, recv string) {
		for m := range t.Methods() {
			if seen[m.Name] || !m.IsExported() {
				continue
			}
			seen[m.Name] = true
			sig := strings.TrimPrefix(m.Type.String(), "func")
			// Drop the receiver from the method's function type.
			if t.Kind() != reflect.Interface {
				sig = dropFirstParam(sig)
			}
			lines = append(lines, fmt.Sprintf("    func (%s) %s%s", recv, m.Name, sig))
		}
	}
	base := t
	if base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	add(base, base.Name())
	if base.Kind() != reflect.Interface {
		add(reflect.PointerTo(base), "*"+base.Name())
	}
	if len(lines) == 0 {
		return ""
	}
	return "\n\nMethods:\n" + strings.Join(lines, "\n")
}

// dropFirstParam turns "(*mat.Dense, int, int) float64" into
// "(int, int) float64".
func dropFirstParam(sig string) string {
	if !strings.HasPrefix(sig, "(") {
		return sig
	}
	depth := 0
	for i, c := range sig {
		switch c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return "()" + sig[i+1:]
			}
		case ',':
			if depth == 1 {
				return "(" + strings.TrimLeft(sig[i+1:], " ")
			}
		}
	}
	return sig
}

func firstParagraph(doc string) string {
	if i := strings.Index(doc, "\n\n"); i >= 0 {
		return doc[:i]
	}
	return doc
}

// describeCellFunc shows a function or method declared in a cell.
func (r *resolver) describeCellFunc(key string) (string, bool) {
	var fd *ast.FuncDecl
	if typ, name, ok := strings.Cut(key, "."); ok {
		fd = r.decls.methods[typ][name]
	} else {
		fd = r.decls.funcs[key]
	}
	if fd == nil {
		if g, ok := r.globals[key]; ok && g.Type != nil {
			return "func " + key + strings.TrimPrefix(g.Type.String(), "func"), true
		}
		return "", false
	}
	decl, doc := r.decls.signature(fd)
	return joinDoc(decl, strings.TrimSpace(doc)), true
}

// describeCellType shows a type declared in a cell, with its methods.
func (r *resolver) describeCellType(name string, detail int) string {
	ts := r.decls.types[name]
	if ts == nil {
		return "type " + name
	}
	var b strings.Builder
	b.WriteString("type ")
	doc := ts.Doc.Text()
	ts2 := *ts
	ts2.Doc, ts2.Comment = nil, nil
	_ = printer.Fprint(&b, r.decls.fset, &ts2)
	text := b.String()
	if doc != "" {
		text += "\n\n" + strings.TrimSpace(doc)
	}
	if ms := r.decls.methods[name]; len(ms) > 0 {
		var lines []string
		for _, m := range sortedKeys(ms) {
			decl, _ := r.decls.signature(ms[m])
			lines = append(lines, "    "+decl)
		}
		text += "\n\nMethods:\n" + strings.Join(lines, "\n")
	}
	if detail == 0 {
		return text
	}
	if g, ok := r.globals[name]; ok && g.Type != nil {
		text += methodList(g.Type) // compiled methods (embedded compiled types)
	}
	return text
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
