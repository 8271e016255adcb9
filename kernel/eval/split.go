package eval

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// cellFile is the file name yaegi reports positions in. Every view of a cell
// starts with a /*line cellFile:1:1*/ directive right before the cell text,
// so positions in both views are the cell's own line:column.
const cellFile = "cell"

// itemKind classifies one top-level item of a cell.
type itemKind int

const (
	itemStmt   itemKind = iota // a statement: runs in order in the statement block
	itemImport                 // an import declaration
	itemDecl                   // func, method or type declaration, or a package-level var/const
)

// item is one top-level piece of a cell: a byte range and what it is.
type item struct {
	kind       itemKind
	start, end int // byte offsets into the cell
	tok        token.Token
	idents     []string // identifiers in the item, for dependency checks
	defines    []string // names a top-level `a, b := ...` statement defines
}

// splitCell is a parsed cell: its imports, its declarations (a file, with
// Go-file semantics) and its statements (a block run top to bottom). Any of
// them may be empty. Positions in all three are cell coordinates once
// resolved through the file set they were parsed with.
type splitCell struct {
	imports []*ast.ImportSpec
	decls   []ast.Decl     // non-import declarations
	stmts   *ast.BlockStmt // nil when the cell has no statements
	// lastIsStmt is true when the cell's last item is a statement, so a final
	// expression may become the cell's value.
	lastIsStmt bool
	// unresolved holds identifiers the parser could not resolve inside the
	// cell, from both views.
	unresolved []*ast.Ident
	// filePos is a position in cellFile for the package clause of the files
	// the kernel builds from the pieces (yaegi reads the file name there).
	filePos token.Pos
	// files are the views' entries in the file set.
	files []*token.File
}

// SyntaxError is a parse error at a cell position.
type syntaxError struct {
	pos token.Position
	msg string
}

func (e *syntaxError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.pos.Line, e.pos.Column, e.msg)
}

// splitItems scans code and returns its top-level items. It never fails: a
// malformed cell still yields items, and parsing reports the error.
func splitItems(code string) []item {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(code))
	var s scanner.Scanner
	s.Init(file, []byte(code), func(token.Position, string) {}, 0)

	type tok struct {
		off int
		tok token.Token
		lit string
	}
	var toks []tok
	var kinds []token.Token // the token kinds alone, for isFuncDecl
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{file.Offset(pos), t, lit})
		kinds = append(kinds, t)
	}

	var items []item
	depth := 0
	begin := -1 // index into toks of the current item's first token
	flush := func(endTok int) {
		if begin < 0 {
			return
		}
		end := len(code)
		if endTok < len(toks) {
			end = toks[endTok].off
			// An explicit ';' belongs to the item; an automatic one has lit "\n".
			if toks[endTok].tok == token.SEMICOLON && toks[endTok].lit == ";" {
				end++
			}
		}
		first := toks[begin]
		it := item{kind: itemStmt, start: first.off, end: end, tok: first.tok}
		for j := begin; j < endTok && j < len(toks); j++ {
			if toks[j].tok == token.IDENT {
				it.idents = append(it.idents, toks[j].lit)
			}
		}
		// `a, b := ...`: an identifier list followed by DEFINE.
		for j := begin; j < endTok && j < len(toks); j += 2 {
			if toks[j].tok != token.IDENT {
				break
			}
			if j+1 < len(toks) && toks[j+1].tok == token.DEFINE {
				for k := begin; k <= j; k += 2 {
					it.defines = append(it.defines, toks[k].lit)
				}
				break
			}
			if j+1 >= len(toks) || toks[j+1].tok != token.COMMA {
				break
			}
		}
		switch first.tok {
		case token.IMPORT:
			it.kind = itemImport
		case token.TYPE, token.VAR, token.CONST:
			it.kind = itemDecl
		case token.FUNC:
			if isFuncDecl(kinds[begin:], 0) {
				it.kind = itemDecl
			}
		}
		items = append(items, it)
		begin = -1
	}
	// header is set while scanning the header of a for, if or switch
	// statement, whose semicolons (for i := 0; i < n; i++) do not end it.
	header := false
	for i, t := range toks {
		if begin < 0 && t.tok != token.SEMICOLON {
			begin = i
			header = t.tok == token.FOR || t.tok == token.IF || t.tok == token.SWITCH
		}
		switch t.tok {
		case token.LBRACE:
			if depth == 0 {
				header = false
			}
			depth++
		case token.LPAREN, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			if depth > 0 {
				depth--
			}
		}
		if depth == 0 && t.tok == token.SEMICOLON && !header {
			flush(i)
		}
	}
	flush(len(toks))

	// A var or const whose initializer uses a name that a statement of this
	// cell defines must run among the statements, after that name exists.
	stmtDefined := map[string]bool{}
	for _, it := range items {
		for _, name := range it.defines {
			stmtDefined[name] = true
		}
	}
	for i, it := range items {
		if it.tok != token.VAR && it.tok != token.CONST {
			continue
		}
		for _, id := range it.idents {
			if stmtDefined[id] {
				items[i].kind = itemStmt
				break
			}
		}
	}
	return items
}

// isFuncDecl tells a declaration (`func f(`, `func f[`, `func (r T) M(`)
// from a statement that starts with a function literal (`func() {...}()`,
// `func() int {...}()`), looking at the tokens after FUNC at index i.
func isFuncDecl(ts []token.Token, i int) bool {
	if i+1 >= len(ts) {
		return false
	}
	switch ts[i+1] {
	case token.IDENT:
		return true
	case token.LPAREN:
		// A receiver list is followed by the method name and '(' or '['; a
		// literal's parameter list is followed by '{' or a result type.
		depth := 0
		for j := i + 1; j < len(ts); j++ {
			switch ts[j] {
			case token.LPAREN:
				depth++
			case token.RPAREN:
				depth--
				if depth == 0 {
					return j+2 < len(ts) && ts[j+1] == token.IDENT && (ts[j+2] == token.LPAREN || ts[j+2] == token.LBRACK)
				}
			}
		}
	}
	return false
}

// view returns code with every byte outside the chosen items replaced by a
// space (newlines kept), so positions in the view equal positions in code.
func view(code string, items []item, keep func(item) bool) string {
	b := []byte(code)
	kept := make([]bool, len(b))
	for _, it := range items {
		if keep(it) {
			for i := it.start; i < it.end && i < len(b); i++ {
				kept[i] = true
			}
		}
	}
	// Comments stay in every view: doc comments then reach the declarations
	// they document, and a comment is valid anywhere.
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(code))
	var sc scanner.Scanner
	sc.Init(file, b, func(token.Position, string) {}, scanner.ScanComments)
	for {
		pos, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		if t == token.COMMENT {
			for i := file.Offset(pos); i < file.Offset(pos)+len(lit) && i < len(b); i++ {
				kept[i] = true
			}
		}
	}
	for i, c := range b {
		if !kept[i] && c != '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}

// lineDirective makes the text that follows it start at the cell's 1:1.
// yaegi keys imports and type names by the file name of the root node's
// position, so the package clause is placed in cellFile too: filePrefix
// and stmtPrefix start every view.
//
// The cell text starts on a line of its own (a //line directive applies to
// the next line), so a comment on the cell's first line is not taken for a
// trailing comment of the package clause and stays a doc comment.
const (
	lineDirective = "/*line " + cellFile + ":1:1*/"
	nextLine      = "\n//line " + cellFile + ":1:1\n"
	filePrefix    = lineDirective + "package main;" + nextLine
	stmtPrefix    = lineDirective + "package main;func main(){" + nextLine
)

// parseCell splits code into imports, declarations and statements, parsing
// each view with fset so yaegi can compile the trees directly.
func parseCell(fset *token.FileSet, code string) (*splitCell, error) {
	items := splitItems(code)
	sc := &splitCell{}
	if len(items) > 0 {
		sc.lastIsStmt = items[len(items)-1].kind == itemStmt
	}
	var hasDecl, hasStmt bool
	for _, it := range items {
		if it.kind == itemStmt {
			hasStmt = true
		} else {
			hasDecl = true
		}
	}
	// Comments are kept for doc comments in inspection.
	const mode = parser.AllErrors | parser.ParseComments
	if hasDecl {
		src := filePrefix + view(code, items, func(it item) bool { return it.kind != itemStmt })
		f, err := parser.ParseFile(fset, "", src, mode)
		if err != nil {
			return nil, toSyntaxError(err)
		}
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				for _, s := range g.Specs {
					sc.imports = append(sc.imports, s.(*ast.ImportSpec))
				}
				continue
			}
			sc.decls = append(sc.decls, d)
		}
		sc.unresolved = append(sc.unresolved, f.Unresolved...)
		sc.filePos = f.Package
		sc.files = append(sc.files, fset.File(f.Package))
	}
	if hasStmt {
		src := stmtPrefix + view(code, items, func(it item) bool { return it.kind == itemStmt }) + "\n}"
		f, err := parser.ParseFile(fset, "", src, mode)
		if err != nil {
			return nil, endOfCell(toSyntaxError(err), code)
		}
		if len(f.Decls) != 1 {
			return nil, &syntaxError{pos: token.Position{Line: 1, Column: 1}, msg: "unexpected declaration"}
		}
		fd, ok := f.Decls[0].(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			return nil, &syntaxError{pos: token.Position{Line: 1, Column: 1}, msg: "unexpected declaration"}
		}
		sc.stmts = fd.Body
		sc.unresolved = append(sc.unresolved, f.Unresolved...)
		if !sc.filePos.IsValid() {
			sc.filePos = f.Package
		}
		sc.files = append(sc.files, fset.File(f.Package))
	}
	return sc, nil
}

// toSyntaxError turns the parser's first error into a cell-positioned one.
func toSyntaxError(err error) error {
	if list, ok := err.(scanner.ErrorList); ok && len(list) > 0 {
		e := list[0]
		msg := e.Msg
		// The statement view wraps the cell in func main(){...}: the parser
		// then says "expected '}'" at the end where the user left a '{' open.
		msg = strings.TrimSuffix(msg, ", found 'EOF'")
		return &syntaxError{pos: e.Pos, msg: msg}
	}
	return &syntaxError{pos: token.Position{Line: 1, Column: 1}, msg: err.Error()}
}

// endOfCell rewords an error the parser found past the cell's last line, at
// the closing brace of the statement view's func main(){...}: the user left
// something open.
func endOfCell(err error, code string) error {
	se, ok := err.(*syntaxError)
	if !ok {
		return err
	}
	lines := strings.Split(code, "\n")
	if se.pos.Line <= len(lines) {
		return err
	}
	last := len(lines)
	for last > 1 && strings.TrimSpace(lines[last-1]) == "" {
		last--
	}
	return &syntaxError{
		pos: token.Position{Line: last, Column: len(lines[last-1]) + 1},
		msg: "unexpected end of cell: a bracket, parenthesis or statement is left open",
	}
}

// outlivesCell reports whether code from the cell can run after it: a
// declaration, a function literal (a stored closure) or a go statement.
// Positions of such code must stay resolvable for later panics.
func (sc *splitCell) outlivesCell() bool {
	if len(sc.decls) > 0 {
		return true
	}
	found := false
	if sc.stmts != nil {
		ast.Inspect(sc.stmts, func(n ast.Node) bool {
			switch n.(type) {
			case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt:
				found = true
			}
			return !found
		})
	}
	return found
}
