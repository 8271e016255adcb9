package kernel

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// TestEveryRequestConstantHasAHandler reads the Msg*Request constants from
// messages.go, so a constant added without a table entry fails here.
func TestEveryRequestConstantHasAHandler(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "messages.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	table := handlerTable()
	found := 0
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, "Msg") || !strings.HasSuffix(name.Name, "Request") {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					t.Fatalf("%s is not a string literal", name.Name)
				}
				wireName, _ := strconv.Unquote(lit.Value)
				found++
				t.Run(name.Name, func(t *testing.T) {
					if sentByKernel[wireName] {
						if _, ok := table[wireName]; ok {
							t.Errorf("%s is sent by the kernel but also has a handler", wireName)
						}
						return
					}
					h, ok := table[wireName]
					if !ok || h.run == nil {
						t.Fatalf("no handler for %s (%q)", name.Name, wireName)
					}
					if h.lane == laneNone && !h.control {
						t.Errorf("%s is accepted on no channel", wireName)
					}
				})
			}
		}
	}
	if found < 9 {
		t.Fatalf("found only %d request constants; did messages.go move?", found)
	}
}

func TestReplyType(t *testing.T) {
	tests := []struct{ in, want string }{
		{"kernel_info_request", "kernel_info_reply"},
		{"debug_request", "debug_reply"},
		{"foo_request", "foo_reply"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := replyType(tc.in); got != tc.want {
				t.Errorf("replyType(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestGlobRegexp(t *testing.T) {
	tests := []struct {
		pattern, input string
		want           bool
	}{
		{"*", "anything\nmultiline", true},
		{"6?7", "6*7", true},
		{"6?7", "6*77", false},
		{"fmt.*", "fmt.Println(1)", true},
		{"*Print*", "fmt.Println(1)", true},
		{"[abc]x", "bx", true},
		{"[^abc]x", "bx", false},
		{"[]]", "]", true},
		{"a[", "a[", true},
		{"é?", "éa", true},
		{"x", "X", false},
	}
	for _, tc := range tests {
		t.Run(tc.pattern+"~"+tc.input, func(t *testing.T) {
			re, err := globRegexp(tc.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if got := re.MatchString(tc.input); got != tc.want {
				t.Errorf("glob %q on %q = %v, want %v (regexp %s)", tc.pattern, tc.input, got, tc.want, re)
			}
		})
	}
}

func TestIncompleteUTF8Suffix(t *testing.T) {
	euro := []byte("€") // 3 bytes
	tests := []struct {
		name string
		in   []byte
		want int
	}{
		{"ascii", []byte("abc"), 0},
		{"complete euro", append([]byte("a"), euro...), 0},
		{"one byte of euro", append([]byte("a"), euro[:1]...), 1},
		{"two bytes of euro", append([]byte("a"), euro[:2]...), 2},
		{"empty", nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := incompleteUTF8Suffix(tc.in); got != tc.want {
				t.Errorf("incompleteUTF8Suffix(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}
