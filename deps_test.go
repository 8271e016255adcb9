package gophys

import (
	"os/exec"
	"strings"
	"testing"
)

// forbidden lists, per package pattern, the import paths (prefixes) it must
// never import: the layering of style.md's package map. Rules marked
// transitive forbid the path anywhere among the package's dependencies;
// the others forbid only direct imports (kernel/eval imports kernel for its
// types, and kernel wires in the zmq transport). A pattern ending in "/..."
// matches the package and everything below it.
var forbidden = []struct {
	pkg        string
	transitive bool
	never      []string
}{
	{"kernel", true, []string{yaegi, physnn, display, module + "kernel/eval"}},
	{"kernel/internal/...", true, []string{yaegi, physnn, display}},
	{"kernel/internal/wire", true, []string{zmq4}},
	{"kernel/kerneltest", true, []string{yaegi, physnn, display}},
	{"kernel/eval", false, []string{zmq4, module + "kernel/internal"}},
	{"kernel/magic", true, []string{module + "kernel/eval", zmq4, yaegi}},
	{"kernel/assist", false, []string{zmq4, module + "kernel/internal", module + "kernel/eval"}},
	{"display/...", true, []string{module + "kernel", zmq4, yaegi}},
	{"physnn/...", true, []string{module + "kernel", display, yaegi, zmq4}},
}

const (
	module  = "github.com/gophys/gophys/"
	yaegi   = "github.com/traefik/yaegi"
	zmq4    = "github.com/go-zeromq/zmq4"
	physnn  = "github.com/gophys/gophys/physnn"
	display = "github.com/gophys/gophys/display"
)

// TestDependencyRules keeps the protocol layer free of the language, the
// engine free of the kernel and display, and zmq4 inside one package.
func TestDependencyRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps=false", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}} |{{range .Imports}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps, imports := map[string][]string{}, map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		all, direct, _ := strings.Cut(line, "|")
		f := strings.Fields(all)
		deps[f[0]], imports[f[0]] = f[1:], strings.Fields(direct)
	}
	for _, rule := range forbidden {
		matched := false
		for pkg := range deps {
			if !matches(pkg, module+rule.pkg) {
				continue
			}
			matched = true
			ds := imports[pkg]
			if rule.transitive {
				ds = deps[pkg]
			}
			for _, d := range ds {
				for _, bad := range rule.never {
					if d == bad || strings.HasPrefix(d, bad+"/") {
						t.Errorf("%s depends on %s; the package map forbids %s there", pkg, d, bad)
					}
				}
			}
		}
		if !matched {
			t.Errorf("rule for %s matches no package; update deps_test.go", rule.pkg)
		}
	}
	// zmq4 belongs to kernel/internal/zmqconn alone.
	for pkg, ds := range imports {
		for _, d := range ds {
			if strings.HasPrefix(d, zmq4) && pkg != module+"kernel/internal/zmqconn" {
				t.Errorf("%s imports %s; only kernel/internal/zmqconn may", pkg, d)
			}
		}
	}
}

func matches(pkg, pattern string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}
