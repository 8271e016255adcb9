package assist

import (
	"unicode"
	"unicode/utf8"
)

// byteOffset converts a cursor position in Unicode code points (protocol
// 5.2) to a byte offset in code, clamped to the code's bounds.
func byteOffset(code string, cursor int) int {
	if cursor <= 0 {
		return 0
	}
	n := 0
	for i := range code {
		if n == cursor {
			return i
		}
		n++
	}
	return len(code)
}

// runeCount is the code-point length of s.
func runeCount(s string) int { return utf8.RuneCountInString(s) }

func isIdentRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// identBefore returns the start byte offset of the identifier that ends at
// end (possibly empty: start == end).
func identBefore(code string, end int) int {
	start := end
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(code[:start])
		if !isIdentRune(r) {
			break
		}
		start -= size
	}
	return start
}

// identAfter returns the end byte offset of the identifier that starts at
// start.
func identAfter(code string, start int) int {
	end := start
	for end < len(code) {
		r, size := utf8.DecodeRuneInString(code[end:])
		if !isIdentRune(r) {
			break
		}
		end += size
	}
	return end
}

// operandBefore returns the start of the operand expression that ends at
// end (just before a '.'): identifiers joined by dots, with balanced
// call parentheses and index brackets, and a leading & or *, as in
// m.T().At or xs[0].Name. It stops at anything else (operators, commas,
// an unbalanced parenthesis), so "f(a, m" yields "m".
func operandBefore(code string, end int) int {
	i := end
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(code[:i])
		switch {
		case isIdentRune(r) || r == '.':
			i -= size
		case r == ')' || r == ']' || r == '}':
			open := matchingOpen(code, i-size)
			if open < 0 {
				return i
			}
			i = open
		default:
			// A leading & (address) is part of the operand for typing.
			if r == '&' && i-size >= 0 {
				return i - size
			}
			return i
		}
	}
	return i
}

// matchingOpen finds the bracket opening the one at close, skipping string
// and rune literals naively (enough for a line being typed); -1 if none.
func matchingOpen(code string, close int) int {
	want := map[byte]byte{')': '(', ']': '[', '}': '{'}[code[close]]
	shut := code[close]
	depth := 0
	for i := close; i >= 0; i-- {
		switch code[i] {
		case shut:
			depth++
		case want:
			depth--
			if depth == 0 {
				return i
			}
		case '\n':
			if shut != '}' {
				return -1 // calls and indexes being completed sit on one line
			}
		}
	}
	return -1
}

// openCallBefore finds the innermost unclosed '(' before end on the same
// statement and returns its offset, or -1: inspecting inside f(a, |) shows f.
func openCallBefore(code string, end int) int {
	depth := 0
	for i := end - 1; i >= 0; i-- {
		switch code[i] {
		case ')', ']':
			depth++
		case '(', '[':
			if depth == 0 {
				if code[i] == '(' {
					return i
				}
				return -1
			}
			depth--
		case '\n', ';', '{', '}':
			if depth == 0 {
				return -1
			}
		}
	}
	return -1
}
