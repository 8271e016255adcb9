package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

const (
	recordSep = "\x1e"
	fieldSep  = "\x1f"
	// maxDeclLines bounds a declaration's text: a long struct or a big
	// constant block reads better as its first lines plus a note.
	maxDeclLines = 40
)

func main() {
	out := flag.String("o", "docs.gz", "output file")
	override := flag.String("override", "", "directory of *.go.txt files whose declarations replace the packages' own")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: gendoc -o docs.gz [-override dir] patterns...")
		os.Exit(2)
	}
	if err := run(*out, *override, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
}

type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	GoFiles    []string
	Error      *struct{ Err string }
}

func run(out, override string, patterns []string) error {
	pkgs, err := list(patterns)
	if err != nil {
		return err
	}
	entries := map[string][2]string{}
	for _, p := range pkgs {
		if p.Error != nil {
			// A project package mid-edit: its docs are refreshed next run.
			fmt.Fprintf(os.Stderr, "gendoc: WARNING: skipping %s: %s\n", p.ImportPath, p.Error.Err)
			continue
		}
		files := make([]string, len(p.GoFiles))
		for i, f := range p.GoFiles {
			files[i] = filepath.Join(p.Dir, f)
		}
		if err := addPackage(entries, p.ImportPath, files); err != nil {
			return fmt.Errorf("%s: %w", p.ImportPath, err)
		}
	}
	if override != "" {
		files, err := filepath.Glob(filepath.Join(override, "*.go.txt"))
		if err != nil {
			return err
		}
		for _, f := range files {
			name, err := packageName(f)
			if err != nil {
				return err
			}
			// The override packages (slices, maps) are standard-library
			// packages, whose import path is their name.
			if err := addPackageFuncs(entries, name, []string{f}); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
		}
	}
	return write(out, entries)
}

func list(patterns []string) ([]listedPackage, error) {
	cmd := exec.Command("go", append([]string{"list", "-e", "-json=ImportPath,Name,Dir,GoFiles,Error"}, patterns...)...)
	cmd.Stderr = os.Stderr
	raw, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(raw))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		if p.Name == "main" || slices.Contains(strings.Split(p.ImportPath, "/"), "internal") {
			continue
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

func parseFiles(files []string) (*token.FileSet, []*ast.File, error) {
	fset := token.NewFileSet()
	var parsed []*ast.File
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, nil, err
		}
		parsed = append(parsed, af)
	}
	return fset, parsed, nil
}

func packageName(file string) (string, error) {
	af, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.PackageClauseOnly)
	if err != nil {
		return "", err
	}
	return af.Name.Name, nil
}

func addPackage(entries map[string][2]string, importPath string, files []string) error {
	fset, parsed, err := parseFiles(files)
	if err != nil {
		return err
	}
	// go/doc.NewFromFiles groups constructors under their type and drops
	// unexported declarations (AllDecls is off).
	// Package builtin documents the predeclared identifiers, all lower-case.
	all := importPath == "builtin"
	var mode doc.Mode
	if all {
		mode = doc.AllDecls
	}
	exported := func(name string) bool { return all || token.IsExported(name) }
	p, err := doc.NewFromFiles(fset, parsed, importPath, mode)
	if err != nil {
		return err
	}
	entries[importPath] = [2]string{"package " + p.Name + ` // import "` + importPath + `"`, p.Doc}
	addValues := func(values []*doc.Value) {
		for _, v := range values {
			decl := declText(fset, v.Decl)
			for _, name := range v.Names {
				if exported(name) {
					entries[importPath+"."+name] = [2]string{decl, v.Doc}
				}
			}
		}
	}
	addFuncs := func(prefix string, funcs []*doc.Func) {
		for _, f := range funcs {
			if exported(f.Name) {
				entries[prefix+f.Name] = [2]string{declText(fset, f.Decl), f.Doc}
			}
		}
	}
	addValues(p.Consts)
	addValues(p.Vars)
	addFuncs(importPath+".", p.Funcs)
	for _, t := range p.Types {
		if !exported(t.Name) {
			continue
		}
		entries[importPath+"."+t.Name] = [2]string{declText(fset, t.Decl), t.Doc}
		addValues(t.Consts)
		addValues(t.Vars)
		addFuncs(importPath+".", t.Funcs)
		addFuncs(importPath+"."+t.Name+".", t.Methods)
	}
	return nil
}

// addPackageFuncs adds (or replaces) only the top-level functions of files.
func addPackageFuncs(entries map[string][2]string, importPath string, files []string) error {
	fset, parsed, err := parseFiles(files)
	if err != nil {
		return err
	}
	for _, f := range parsed {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.IsExported() {
				// The local constraint stands in for cmp.Ordered (yaegi cannot
				// use another package's constraint); show what it means.
				decl := strings.ReplaceAll(declText(fset, fd), "gophysOrdered", "cmp.Ordered")
				entries[importPath+"."+fd.Name.Name] = [2]string{decl, fd.Doc.Text()}
			}
		}
	}
	return nil
}

// declText prints a declaration without function bodies and comments.
func declText(fset *token.FileSet, decl ast.Decl) string {
	switch d := decl.(type) {
	case *ast.FuncDecl:
		c := *d
		c.Body = nil
		c.Doc = nil
		decl = &c
	case *ast.GenDecl:
		c := *d
		c.Doc = nil
		decl = &c
	}
	var buf bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 4}
	if err := cfg.Fprint(&buf, fset, decl); err != nil {
		return ""
	}
	lines := strings.Split(buf.String(), "\n")
	if len(lines) > maxDeclLines {
		lines = append(lines[:maxDeclLines], fmt.Sprintf("    // ... %d more lines", len(lines)-maxDeclLines))
	}
	return strings.Join(lines, "\n")
}

func write(out string, entries map[string][2]string) error {
	keys := make([]string, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var raw bytes.Buffer
	for i, k := range keys {
		if i > 0 {
			raw.WriteString(recordSep)
		}
		e := entries[k]
		raw.WriteString(k + fieldSep + clean(e[0]) + fieldSep + clean(strings.TrimSpace(e[1])))
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	// No name or time in the header: the output depends only on the input.
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if old, err := os.ReadFile(out); err == nil && bytes.Equal(old, buf.Bytes()) {
		return nil
	}
	fmt.Fprintf(os.Stderr, "gendoc: %d entries, %d bytes (%d uncompressed)\n", len(keys), buf.Len(), raw.Len())
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

// clean removes the separator bytes should a comment ever contain them.
func clean(s string) string {
	return strings.NewReplacer(recordSep, " ", fieldSep, " ").Replace(s)
}
