package install

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/gophys/gophys"
)

// Options says where and under which name the kernelspec is installed.
// Exactly one of User, SysPrefix and Prefix selects the location; with none
// set, User is assumed, as `jupyter kernelspec install` does.
type Options struct {
	User      bool   // ~/.local/share/jupyter (or $JUPYTER_DATA_DIR)
	SysPrefix bool   // the active Python environment: $VIRTUAL_ENV, else python3's sys.prefix
	Prefix    string // an explicit prefix such as a venv: PREFIX/share/jupyter
	Name      string // kernelspec directory name; default "gophys"
	Binary    string // absolute path of the gophys binary; default os.Executable
}

// DataDir returns the Jupyter data directory the options select.
func (o Options) DataDir() (string, error) {
	n := 0
	for _, set := range []bool{o.User, o.SysPrefix, o.Prefix != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		return "", errors.New("choose only one of --user, --sys-prefix and --prefix")
	}
	switch {
	case o.Prefix != "":
		p, err := filepath.Abs(o.Prefix)
		if err != nil {
			return "", err
		}
		return filepath.Join(p, "share", "jupyter"), nil
	case o.SysPrefix:
		p, err := sysPrefix()
		if err != nil {
			return "", err
		}
		return filepath.Join(p, "share", "jupyter"), nil
	default:
		return UserDataDir()
	}
}

// UserDataDir returns Jupyter's per-user data directory, honouring
// $JUPYTER_DATA_DIR and $XDG_DATA_HOME like jupyter_core does.
func UserDataDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find home directory: %w", err)
	}
	if runtime.GOOS == "darwin" {
		return filepath.Join(home, "Library", "Jupyter"), nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "jupyter"), nil
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

func sysPrefix() (string, error) {
	if v := os.Getenv("VIRTUAL_ENV"); v != "" {
		return v, nil
	}
	out, err := exec.Command("python3", "-c", "import sys; print(sys.prefix)").Output()
	if err != nil {
		return "", fmt.Errorf("--sys-prefix: no $VIRTUAL_ENV and python3 did not report sys.prefix: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// KernelSpec installs the kernelspec and returns the directory it wrote.
func KernelSpec(o Options) (string, error) {
	data, err := o.DataDir()
	if err != nil {
		return "", err
	}
	name := o.Name
	if name == "" {
		name = "gophys"
	}
	if strings.ContainsAny(name, `/\ `) {
		return "", fmt.Errorf("kernel name %q: use letters, digits, '-', '_' or '.'", name)
	}
	bin := o.Binary
	if bin == "" {
		if bin, err = os.Executable(); err != nil {
			return "", fmt.Errorf("find the gophys binary: %w", err)
		}
	}
	if bin, err = filepath.Abs(bin); err != nil {
		return "", err
	}
	spec, err := renderSpec(bin)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(data, "kernels", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kernel.json"), spec, 0o644); err != nil {
		return "", err
	}
	for _, size := range []int{32, 64} {
		if err := writeLogo(filepath.Join(dir, fmt.Sprintf("logo-%dx%d.png", size, size)), size); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// renderSpec fills the kernel.json template with the binary's absolute path.
func renderSpec(bin string) ([]byte, error) {
	var spec map[string]any
	if err := json.Unmarshal(gophys.KernelSpecTemplate, &spec); err != nil {
		return nil, fmt.Errorf("kernel.json template: %w", err)
	}
	argv, _ := spec["argv"].([]any)
	if len(argv) == 0 {
		return nil, errors.New("kernel.json template has no argv")
	}
	argv[0] = bin
	return json.MarshalIndent(spec, "", "  ")
}

// writeLogo draws the gophys logo: a Go-cyan disc with a dark ring, so the
// kernelspec needs no binary assets in the repository.
func writeLogo(path string, size int) error {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	c := float64(size-1) / 2
	r := float64(size) / 2
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			dx, dy := float64(x)-c, float64(y)-c
			d2 := dx*dx + dy*dy
			switch {
			case d2 <= (0.72*r)*(0.72*r):
				img.Set(x, y, color.NRGBA{0x00, 0xAD, 0xD8, 0xFF})
			case d2 <= (0.95*r)*(0.95*r):
				img.Set(x, y, color.NRGBA{0x20, 0x2B, 0x38, 0xFF})
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
