package install

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestKernelSpecPrefix(t *testing.T) {
	prefix := t.TempDir()
	dir, err := KernelSpec(Options{Prefix: prefix, Name: "gophys-test", Binary: "/opt/bin/gophys"})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(prefix, "share", "jupyter", "kernels", "gophys-test"); dir != want {
		t.Errorf("dir = %s, want %s", dir, want)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct{ Argv []string }
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	if spec.Argv[0] != "/opt/bin/gophys" {
		t.Errorf("argv[0] = %q, want the absolute binary path", spec.Argv[0])
	}
	for _, logo := range []string{"logo-32x32.png", "logo-64x64.png"} {
		if _, err := os.Stat(filepath.Join(dir, logo)); err != nil {
			t.Errorf("logo: %v", err)
		}
	}
}

func TestOptionsConflict(t *testing.T) {
	if _, err := (Options{User: true, Prefix: "/x"}).DataDir(); err == nil {
		t.Error("--user with --prefix: want an error")
	}
	if _, err := KernelSpec(Options{Prefix: t.TempDir(), Name: "a/b"}); err == nil {
		t.Error("name with a slash: want an error")
	}
}
