package eval

import (
	"go/constant"
	"path"
	"reflect"
	"sync"

	"github.com/gophys/gophys/kernel/symbols"
)

// packageIndex knows every compiled package by import path and by the short
// name a cell may use without an import line.
type packageIndex struct {
	byPath  map[string]map[string]reflect.Value // import path → symbols
	names   map[string]string                   // import path → package name
	byShort map[string]string                   // short name → import path
}

var (
	indexOnce sync.Once
	index     *packageIndex
)

// packages returns the process-wide package index, built on first use.
func packages() *packageIndex {
	indexOnce.Do(func() {
		idx := &packageIndex{
			byPath:  map[string]map[string]reflect.Value{},
			names:   map[string]string{},
			byShort: symbols.PackageNames(),
		}
		for key, syms := range symbols.Exports() {
			p, name := path.Dir(key), path.Base(key)
			if p == "." {
				continue
			}
			idx.byPath[p] = syms
			idx.names[p] = name
		}
		index = idx
	})
	return index
}

// symbol returns a compiled package's exported symbol.
func (idx *packageIndex) symbol(importPath, name string) (reflect.Value, bool) {
	v, ok := idx.byPath[importPath][name]
	return v, ok && v.IsValid()
}

// kindName names a reflect type the way the rewriter's guesses do.
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.String, reflect.Bool, reflect.Complex64, reflect.Complex128:
		if t.PkgPath() == "" {
			return t.Kind().String()
		}
		return "" // a named type: min/max helpers and range rewrites want the basic type
	case reflect.Func:
		return "func"
	case reflect.Slice, reflect.Array:
		return "slice"
	case reflect.Map:
		return "map"
	case reflect.Chan:
		return "chan"
	case reflect.Struct:
		return "struct"
	}
	return ""
}

// symbolType is the guessed type of a compiled symbol used as a value (a
// variable or constant) or, for a function, of its single result when called.
// asCall selects the latter.
func symbolType(v reflect.Value, asCall bool) string {
	if !v.IsValid() {
		return ""
	}
	if c, ok := v.Interface().(constant.Value); ok && !asCall {
		switch c.Kind() {
		case constant.Int:
			return "int"
		case constant.Float:
			return "float64"
		case constant.String:
			return "string"
		case constant.Bool:
			return "bool"
		}
		return ""
	}
	t := v.Type()
	if asCall {
		if t.Kind() == reflect.Func && t.NumOut() == 1 {
			return kindName(t.Out(0))
		}
		// A type symbol (*T)(nil): the call is a conversion to T.
		if isTypeSymbol(v) {
			return kindName(t.Elem())
		}
		return ""
	}
	return kindName(t)
}

// resultCount is the number of results calling symbol v yields: 1 for a
// conversion to a type, -1 when v is not callable.
func resultCount(v reflect.Value) int {
	if !v.IsValid() {
		return -1
	}
	t := v.Type()
	switch {
	case t.Kind() == reflect.Func:
		return t.NumOut()
	case isTypeSymbol(v):
		return 1
	}
	return -1
}

// isTypeSymbol reports whether v stands for a type: yaegi's tables hold a
// type T as (*T)(nil), while variables are addressable.
func isTypeSymbol(v reflect.Value) bool {
	return v.Kind() == reflect.Pointer && !v.CanAddr() && v.IsNil()
}
