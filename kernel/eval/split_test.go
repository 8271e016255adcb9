package eval

import (
	"go/ast"
	"go/token"
	"strings"
	"testing"
)

func TestSplitItems(t *testing.T) {
	tests := []struct {
		name string
		code string
		want []itemKind
	}{
		{"statements", "x := 1\nfmt.Println(x)", []itemKind{itemStmt, itemStmt}},
		{"import, func, stmt", "import \"fmt\"\nfunc f() {}\nf()", []itemKind{itemImport, itemDecl, itemStmt}},
		{"grouped import", "import (\n\t\"fmt\"\n\t\"os\"\n)\nfmt.Println(os.Args)", []itemKind{itemImport, itemStmt}},
		{"method declaration", "func (p P) M() int { return 1 }", []itemKind{itemDecl}},
		{"generic method receiver", "func (s Stack[T]) Len() int { return 0 }", []itemKind{itemDecl}},
		{"generic function", "func Map[T any](x T) T { return x }", []itemKind{itemDecl}},
		{"function literal call is a statement", "func() { fmt.Println(1) }()", []itemKind{itemStmt}},
		{"literal with result type is a statement", "func() int { return 1 }()", []itemKind{itemStmt}},
		{"type and var", "type T struct{ A int }\nvar t T", []itemKind{itemDecl, itemDecl}},
		{"var depending on a statement", "n := 3\nvar m = n * 2", []itemKind{itemStmt, itemStmt}},
		{"var not depending", "n := 3\nvar m = 2", []itemKind{itemStmt, itemDecl}},
		{"semicolons", "a := 1; b := 2; func g() {}", []itemKind{itemStmt, itemStmt, itemDecl}},
		{"multi-line block", "for i := 0; i < 3; i++ {\n\tx := i\n\t_ = x\n}", []itemKind{itemStmt}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := splitItems(tt.code)
			var got []itemKind
			for _, it := range items {
				got = append(got, it.kind)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("kinds %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("kinds %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestParseCellPositions(t *testing.T) {
	fset := token.NewFileSet()
	code := "x := 1\nfunc f() int {\n\treturn 2\n}\n  y := f()"
	sc, err := parseCell(fset, code)
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.decls) != 1 || sc.stmts == nil || len(sc.stmts.List) != 2 {
		t.Fatalf("split: %d decls, stmts %v", len(sc.decls), sc.stmts)
	}
	pos := fset.Position(sc.stmts.List[1].Pos())
	if pos.Filename != cellFile || pos.Line != 5 || pos.Column != 3 {
		t.Errorf("second statement at %v, want %s:5:3", pos, cellFile)
	}
	fpos := fset.Position(sc.decls[0].(*ast.FuncDecl).Name.Pos())
	if fpos.Line != 2 || fpos.Column != 6 {
		t.Errorf("func name at %v, want 2:6", fpos)
	}
}

// FuzzParseCell checks that splitting never panics, that items are ordered,
// disjoint and inside the cell, and that views keep every byte's position.
func FuzzParseCell(f *testing.F) {
	for _, seed := range []string{
		"x := 1", "import \"fmt\"\nfmt.Println(1)", "func f() {}\nf()", "type T struct{}\nvar t T",
		"for i := range 3 {}", "func (", "}{)(", "`raw", "/* comment", "a := 1; func g() {}; g()",
		"L:\nfor {}", "import (\n\"os\"\n)", "func() {}()", "x := []int{1,\n2}\nvar y = x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, code string) {
		items := splitItems(code)
		end := 0
		for _, it := range items {
			if it.start < end || it.end < it.start || it.end > len(code) {
				t.Fatalf("bad item %+v after %d in %q", it, end, code)
			}
			end = it.end
		}
		v := view(code, items, func(it item) bool { return it.kind == itemStmt })
		if len(v) != len(code) || strings.Count(v, "\n") != strings.Count(code, "\n") {
			t.Fatalf("view changed positions of %q", code)
		}
		sc, err := parseCell(token.NewFileSet(), code)
		if err == nil && sc == nil {
			t.Fatal("nil cell without error")
		}
	})
}
