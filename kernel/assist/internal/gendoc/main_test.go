package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readIndex(t *testing.T, file string) map[string][2]string {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]string{}
	for _, rec := range strings.Split(string(text), recordSep) {
		f := strings.Split(rec, fieldSep)
		if len(f) != 3 {
			t.Fatalf("record %q has %d fields", rec, len(f))
		}
		out[f[0]] = [2]string{f[1], f[2]}
	}
	return out
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	override := filepath.Join(dir, "override")
	if err := os.Mkdir(override, 0o755); err != nil {
		t.Fatal(err)
	}
	src := "package errors\n\n// New is replaced.\nfunc New(s string) error { return nil }\n"
	if err := os.WriteFile(filepath.Join(override, "errors.go.txt"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "docs.gz")
	if err := run(out, override, []string{"builtin", "errors", "strings"}); err != nil {
		t.Fatal(err)
	}
	idx := readIndex(t, out)
	tests := []struct {
		key, decl, doc string
	}{
		{"strings.Builder.WriteString", "func (b *Builder) WriteString(s string) (int, error)", "WriteString appends"},
		{"strings", `package strings // import "strings"`, "UTF-8"},
		{"builtin.len", "func len(v Type) int", "length of v"},
		{"errors.New", "func New(s string) error", "New is replaced."},
		{"errors.Is", "func Is(err, target error) bool", "Is reports whether"},
	}
	for _, tc := range tests {
		e, ok := idx[tc.key]
		if !ok {
			t.Errorf("no entry %s", tc.key)
			continue
		}
		if !strings.Contains(e[0], tc.decl) || !strings.Contains(e[1], tc.doc) {
			t.Errorf("%s = %q / %q, want %q / %q", tc.key, e[0], e[1], tc.decl, tc.doc)
		}
		if strings.Contains(e[0], "{\n") && strings.HasPrefix(e[0], "func") {
			t.Errorf("%s declaration has a body: %q", tc.key, e[0])
		}
	}
	if _, ok := idx["strings.asciiSet"]; ok {
		t.Error("unexported names are indexed")
	}

	// Deterministic: a second run over the same input writes the same bytes.
	first, _ := os.ReadFile(out)
	out2 := filepath.Join(dir, "docs2.gz")
	if err := run(out2, override, []string{"builtin", "errors", "strings"}); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(out2)
	if !bytes.Equal(first, second) {
		t.Error("two runs over the same sources differ")
	}
}
