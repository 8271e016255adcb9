package assist

import (
	"regexp"
	"strings"
)

// ImportPather is an optional interface of an Env: every import path a
// cell may import, for completing import lines. Without it, the paths of
// PackageNames are offered. NewEnv's Env implements it.
type ImportPather interface {
	ImportPaths() []string
}

// importLineRE matches an import spec up to the cursor, in an import line
// or inside an import block: optional alias, then an open string.
var importLineRE = regexp.MustCompile(`^[ \t]*(?:import[ \t]+)?(?:[\pL_][\pL\pN_]*[ \t]+|\.[ \t]+)?"([^"]*)$`)

// importPathPrefix reports whether the cursor (byte offset end) is inside
// the string of an import spec, and returns the typed part of the path and
// the byte offset where it starts.
func importPathPrefix(code string, end int) (prefix string, start int, ok bool) {
	lineStart := strings.LastIndexByte(code[:end], '\n') + 1
	line := code[lineStart:end]
	m := importLineRE.FindStringSubmatchIndex(line)
	if m == nil {
		return "", 0, false
	}
	if !strings.Contains(line, "import") && !inImportBlock(code[:lineStart]) {
		return "", 0, false
	}
	return line[m[2]:m[3]], lineStart + m[2], true
}

// inImportBlock reports whether before ends inside "import ( ... ".
func inImportBlock(before string) bool {
	i := strings.LastIndex(before, "import (")
	if i < 0 {
		i = strings.LastIndex(before, "import(")
	}
	return i >= 0 && !strings.Contains(before[i:], ")")
}

// importPaths lists the import paths env knows.
func importPaths(env Env) []string {
	if env == nil {
		return nil
	}
	if ip, ok := env.(ImportPather); ok {
		return ip.ImportPaths()
	}
	var paths []string
	for _, p := range env.PackageNames() {
		paths = append(paths, p)
	}
	return paths
}
