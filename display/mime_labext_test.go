package display

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// TestLabextMatchesMIME checks that the JupyterLab extension (display/labext)
// registers the MIME types this package sends and reads the schema version it
// writes: a mismatch would make Lab fall back to text/html silently.
func TestLabextMatchesMIME(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("labext", "src", "mime.ts"))
	if err != nil {
		t.Fatalf("read the extension's MIME constants: %v", err)
	}
	tests := []struct {
		tsConst string
		want    string
	}{
		{"MIME_LATENTS", MIMELatents},
		{"MIME_PROGRESS", MIMEProgress},
		{"LATENTS_VERSION", strconv.Itoa(SchemaVersion)},
		{"PROGRESS_VERSION", strconv.Itoa(SchemaVersion)},
	}
	for _, tt := range tests {
		t.Run(tt.tsConst, func(t *testing.T) {
			re := regexp.MustCompile(`export const ` + tt.tsConst + ` = '?([^';\n]+)'?;`)
			m := re.FindSubmatch(src)
			if m == nil {
				t.Fatalf("labext/src/mime.ts has no `export const %s = ...;`", tt.tsConst)
			}
			if got := string(m[1]); got != tt.want {
				t.Errorf("labext %s = %q, display says %q", tt.tsConst, got, tt.want)
			}
		})
	}
}

// TestLabextRegistersMIME checks that index.ts registers a renderer for each
// custom MIME type through the shared constants, not a retyped string.
func TestLabextRegistersMIME(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("labext", "src", "index.ts"))
	if err != nil {
		t.Fatalf("read the extension's entry point: %v", err)
	}
	for _, name := range []string{"MIME_LATENTS", "MIME_PROGRESS"} {
		t.Run(name, func(t *testing.T) {
			if !regexp.MustCompile(`mimeTypes: \[` + name + `\]`).Match(src) {
				t.Errorf("labext/src/index.ts registers no renderer with mimeTypes: [%s]", name)
			}
		})
	}
}
