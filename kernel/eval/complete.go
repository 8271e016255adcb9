package eval

import (
	"go/scanner"
	"go/token"
	"strings"

	"github.com/gophys/gophys/kernel"
)

// IsComplete says whether code is ready to run as typed at a console:
// "incomplete" (with an indent) while brackets are open or a line ends in an
// operator, "invalid" for other syntax errors, else "complete". Magics are
// complete.
func (in *Interpreter) IsComplete(code string) kernel.IsComplete {
	trimmed := strings.TrimSpace(code)
	if trimmed == "" || strings.HasPrefix(trimmed, "%") || strings.HasPrefix(trimmed, "!") || strings.HasSuffix(trimmed, "?") {
		return kernel.IsComplete{Status: "complete"}
	}
	depth, last := bracketDepth(code)
	if depth > 0 {
		return kernel.IsComplete{Status: "incomplete", Indent: strings.Repeat("\t", depth)}
	}
	if continues(last) {
		return kernel.IsComplete{Status: "incomplete", Indent: "\t"}
	}
	if _, err := parseCell(token.NewFileSet(), code); err != nil {
		if unterminated(code) {
			return kernel.IsComplete{Status: "incomplete", Indent: ""}
		}
		return kernel.IsComplete{Status: "invalid"}
	}
	return kernel.IsComplete{Status: "complete"}
}

// bracketDepth scans code and returns how many brackets remain open (0 when
// more are closed than opened) and the last token.
func bracketDepth(code string) (int, token.Token) {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(code))
	var s scanner.Scanner
	s.Init(file, []byte(code), func(token.Position, string) {}, 0)
	depth := 0
	last := token.ILLEGAL
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		last = tok
	}
	if depth < 0 {
		depth = 0
	}
	return depth, last
}

// continues reports whether a line ending in tok continues on the next line.
func continues(tok token.Token) bool {
	switch tok {
	case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR, token.XOR,
		token.SHL, token.SHR, token.AND_NOT, token.LAND, token.LOR, token.EQL, token.NEQ,
		token.LSS, token.LEQ, token.GTR, token.GEQ, token.ASSIGN, token.DEFINE, token.COMMA,
		token.PERIOD, token.ARROW, token.ADD_ASSIGN, token.SUB_ASSIGN, token.MUL_ASSIGN, token.QUO_ASSIGN,
		token.REM_ASSIGN, token.AND_ASSIGN, token.OR_ASSIGN, token.XOR_ASSIGN, token.SHL_ASSIGN,
		token.SHR_ASSIGN, token.AND_NOT_ASSIGN, token.COLON:
		return true
	}
	return false
}

// unterminated reports whether code ends inside a raw string or comment.
func unterminated(code string) bool {
	return strings.Count(code, "`")%2 == 1 || strings.LastIndex(code, "/*") > strings.LastIndex(code, "*/")
}
