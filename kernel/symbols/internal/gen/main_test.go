package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestFileName(t *testing.T) {
	tests := []struct {
		importPath string
		delta      bool
		want       string
	}{
		{"gonum.org/v1/gonum/mat", false, "gonum_org-v1-gonum-mat_gen.go"},
		{"github.com/gophys/gophys/physnn/nn", false, "github_com-gophys-gophys-physnn-nn_gen.go"},
		{"math/rand/v2", true, "stdlib-math-rand-v2_gen.go"},
	}
	for _, tc := range tests {
		t.Run(tc.importPath, func(t *testing.T) {
			if got := fileName(tc.importPath, tc.delta); got != tc.want {
				t.Errorf("fileName = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestMissingStdlibSymbols(t *testing.T) {
	tests := []struct {
		pkg      listedPackage
		want     []string // must be listed
		wantNot  []string // must not be
		wantNone bool
	}{
		{pkg: listedPackage{ImportPath: "strings", Name: "strings", Standard: true},
			want: []string{"Lines", "SplitSeq"}, wantNot: []string{"Contains", "Builder"}},
		{pkg: listedPackage{ImportPath: "os", Name: "os", Standard: true},
			want: []string{"Root", "OpenRoot", "CopyFS"}, wantNot: []string{"Open"}},
		// yaegi leaves unsafe out on purpose; the delta must not add it.
		{pkg: listedPackage{ImportPath: "unsafe", Name: "unsafe", Standard: true}, wantNone: true},
		{pkg: listedPackage{ImportPath: "crypto/sha3", Name: "sha3", Standard: true}, want: []string{"New256", "SHA3"}},
	}
	for _, tc := range tests {
		t.Run(tc.pkg.ImportPath, func(t *testing.T) {
			got, err := missingStdlibSymbols(tc.pkg)
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantNone && len(got) > 0 {
				t.Errorf("got %v, want none", got)
			}
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("%v lacks %s", got, w)
				}
			}
			for _, w := range tc.wantNot {
				if slices.Contains(got, w) {
					t.Errorf("%v contains %s, which yaegi already has", got, w)
				}
			}
		})
	}
	if _, err := missingStdlibSymbols(listedPackage{ImportPath: "gonum.org/v1/gonum/mat", Name: "mat"}); err == nil {
		t.Error("a non-standard package gave no error")
	}
}

func TestPruneStale(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	files := []string{
		"github_com-gophys-gophys-physnn_gen.go",        // written this run: kept
		"github_com-gophys-gophys-physnn-old_gen.go",    // below the root, not written: pruned
		"github_com-gophys-gophys-physnnx_gen.go",       // another root that shares the prefix: kept
		"gonum_org-v1-gonum-mat_gen.go",                 // another pattern's table: kept
		"stdlib-strings_gen.go",                         // delta table: kept by a non-delta run
		"github_com-gophys-gophys-physnn-nn-sub_gen.go", // deeper, not written: pruned
	}
	for _, f := range files {
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	written := map[string]bool{"github_com-gophys-gophys-physnn_gen.go": true}
	if err := pruneStale([]string{"github.com/gophys/gophys/physnn/..."}, false, written); err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob("*_gen.go")
	want := []string{"github_com-gophys-gophys-physnn_gen.go", "github_com-gophys-gophys-physnnx_gen.go", "gonum_org-v1-gonum-mat_gen.go", "stdlib-strings_gen.go"}
	slices.Sort(left)
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Errorf("left %v, want %v", left, want)
	}
}
