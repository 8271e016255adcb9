package assist

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMain checks that the doc index is loaded lazily: importing the
// package (and so starting the kernel) must not decompress it.
func TestMain(m *testing.M) {
	if docs != nil {
		fmt.Fprintln(os.Stderr, "doc index loaded at init; it must load on first use")
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func TestDocIndex(t *testing.T) {
	idx := loadDocs()
	tests := []struct {
		key      string
		wantDecl string // substring of the declaration
		wantDoc  string // substring of the doc
	}{
		{"fmt.Println", "func Println(a ...any) (n int, err error)", "default formats"},
		{"fmt", "package fmt", "formatted I/O"},
		{"builtin.append", "func append(slice []Type, elems ...Type) []Type", "appends elements"},
		{"math.Pi", "Pi", "Mathematical constants"},
		{"time.Time.Sub", "func (t Time) Sub(u Time) Duration", "Sub returns the duration"},
		{"gonum.org/v1/gonum/mat.Dense.Mul", "func (m *Dense) Mul(a, b Matrix)", "matrix product"},
		{"gonum.org/v1/gonum/mat.NewDense", "func NewDense(r, c int, data []float64) *Dense", "NewDense creates"},
		{"gonum.org/v1/gonum/stat/distuv.Normal", "type Normal struct", "normal (Gaussian) distribution"},
		{"gonum.org/v1/gonum/optimize.Minimize", "func Minimize(", "Minimize"},
		{"gonum.org/v1/plot/plotter.NewScatter", "func NewScatter(xys XYer) (*Scatter, error)", "NewScatter"},
		{"gonum.org/v1/plot/vg.Points", "func Points(pt float64) Length", "Points"},
		{"github.com/gophys/gophys/display.Bundle", "type Bundle struct", "displayable"},
		// kernel/symbols' interpreted versions replace Go's where they differ.
		{"maps.Keys", "func Keys[K comparable, V any](m map[K]V) []K", "new slice"},
		{"slices.Sorted", "func Sorted[E cmp.Ordered](s []E) []E", "sorted copy"},
		// Go's own docs stay for what kernel/symbols does not replace.
		{"slices.Chunk", "func Chunk[Slice ~[]E, E any](s Slice, n int) iter.Seq[Slice]", "Chunk returns an iterator"},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			e, ok := idx.lookup(tc.key)
			if !ok {
				t.Fatalf("no entry for %s", tc.key)
			}
			if !strings.Contains(e.Decl, tc.wantDecl) {
				t.Errorf("decl = %q, want it to contain %q", e.Decl, tc.wantDecl)
			}
			if !strings.Contains(e.Doc, tc.wantDoc) {
				t.Errorf("doc = %q, want it to contain %q", e.Doc, tc.wantDoc)
			}
		})
	}
}

func TestDocIndexMembers(t *testing.T) {
	got := loadDocs().members("gonum.org/v1/gonum/floats")
	for _, want := range []string{"Sum", "Dot", "Max", "MaxIdx"} {
		found := false
		for _, g := range got {
			found = found || g == want
		}
		if !found {
			t.Errorf("members of floats lack %s", want)
		}
	}
	for _, g := range got {
		if strings.Contains(g, ".") {
			t.Errorf("member %q is a method, not a package member", g)
		}
	}
}

// TestDocIndexSize keeps the embedded index within its budget: it ships in
// the kernel binary.
func TestDocIndexSize(t *testing.T) {
	const budget = 3 << 20 // "a few MB at most"
	if len(docsGz) > budget {
		t.Errorf("docs.gz is %d bytes, over the %d budget", len(docsGz), budget)
	}
	if len(docsGz) == 0 {
		t.Error("docs.gz is empty; run go generate ./kernel/assist")
	}
}

// TestDocIndexLoadTime bounds the first Shift-Tab's extra latency.
func TestDocIndexLoadTime(t *testing.T) {
	start := time.Now()
	idx := parseDocs(docsGz)
	d := time.Since(start)
	if len(idx.entries) == 0 {
		t.Fatal("empty index")
	}
	// 250 ms: about 10× what it takes on a loaded 2-core machine; a user
	// notices a pause past that.
	if d > 250*time.Millisecond {
		t.Errorf("loading the doc index took %v", d)
	}
}

func BenchmarkLoadDocs(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		parseDocs(docsGz)
	}
}

func BenchmarkComplete(b *testing.B) {
	env := testEnv()
	loadDocs()
	for b.Loop() {
		Complete("m := mat.NewDense(2, 2, nil)\nm.Mu", 32, env)
	}
}
