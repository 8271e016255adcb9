package assist

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"sort"
	"strings"
	"sync"
)

// The doc index covers the standard-library packages notebook users touch,
// gonum, gonum/plot, display and physnn; the interpreted slices and maps
// functions of kernel/symbols replace Go's entries for the same names.
//
//go:generate go run ./internal/gendoc -o docs.gz -override ../symbols/gosrc builtin fmt strings strconv math math/rand math/rand/v2 math/cmplx math/big math/bits sort slices maps cmp time os io bufio bytes errors encoding/json encoding/csv encoding/binary image image/color image/png sync context regexp unicode unicode/utf8 path/filepath path text/tabwriter runtime log net/http net/url encoding/xml encoding/base64 encoding/hex compress/gzip archive/zip io/fs text/template html/template crypto/sha256 crypto/rand hash/fnv container/heap container/list log/slog image/draw image/gif image/jpeg iter gonum.org/v1/gonum/mat gonum.org/v1/gonum/floats gonum.org/v1/gonum/floats/scalar gonum.org/v1/gonum/stat/... gonum.org/v1/gonum/optimize gonum.org/v1/gonum/integrate/... gonum.org/v1/gonum/diff/fd gonum.org/v1/gonum/dsp/fourier gonum.org/v1/gonum/interp gonum.org/v1/gonum/mathext gonum.org/v1/gonum/spatial/r3 gonum.org/v1/plot/... github.com/gophys/gophys/display/... github.com/gophys/gophys/physnn/...

//go:embed docs.gz
var docsGz []byte

const (
	recordSep = "\x1e"
	fieldSep  = "\x1f"
)

// docEntry is one documented declaration.
type docEntry struct {
	Decl string // the declaration, without body: "func Println(a ...any) (n int, err error)"
	Doc  string // the doc comment
}

// docIndex maps "importpath", "importpath.Name" and
// "importpath.Type.Method" to their docs. keys is sorted, for prefix scans.
type docIndex struct {
	entries map[string]docEntry
	keys    []string
}

var (
	docsOnce sync.Once
	docs     *docIndex
)

// loadDocs decompresses the embedded index on first use, so a kernel that
// never inspects anything never pays for it (about 10 ms, measured in
// BenchmarkLoadDocs). Calling it early from a goroutine warms it.
func loadDocs() *docIndex {
	docsOnce.Do(func() {
		docs = parseDocs(docsGz)
	})
	return docs
}

// Preload loads the documentation index now, so the first completion or
// inspection does not wait for it. The kernel may call it in a goroutine
// after it has answered kernel_info.
func Preload() { loadDocs() }

func parseDocs(gz []byte) *docIndex {
	idx := &docIndex{entries: map[string]docEntry{}}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return idx // an empty index: completion still works from symbol tables
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return idx
	}
	text := string(raw)
	for rec := range strings.SplitSeq(text, recordSep) {
		key, rest, ok := strings.Cut(rec, fieldSep)
		if !ok {
			continue
		}
		decl, doc, _ := strings.Cut(rest, fieldSep)
		idx.entries[key] = docEntry{Decl: decl, Doc: doc}
		idx.keys = append(idx.keys, key)
	}
	sort.Strings(idx.keys) // already sorted by gendoc; cheap to make sure
	return idx
}

// lookup returns the entry for key.
func (d *docIndex) lookup(key string) (docEntry, bool) {
	e, ok := d.entries[key]
	return e, ok
}

// members lists the exported package-level names documented for
// importPath (not methods).
func (d *docIndex) members(importPath string) []string {
	prefix := importPath + "."
	i := sort.SearchStrings(d.keys, prefix)
	var names []string
	for ; i < len(d.keys) && strings.HasPrefix(d.keys[i], prefix); i++ {
		rest := d.keys[i][len(prefix):]
		if !strings.Contains(rest, ".") && !strings.Contains(rest, "/") {
			names = append(names, rest)
		}
	}
	return names
}
