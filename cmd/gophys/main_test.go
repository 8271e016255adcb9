package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kernel.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRun(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		code    int
		stdout  string
		stderrs string
	}{
		{"version", []string{"version"}, 0, "gophys ", ""},
		{"no args", nil, 2, "", "usage:"},
		{"unknown", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"kernel without connection file", []string{"kernel"}, 2, "", "missing --connection-file"},
		{"kernel with missing file", []string{"kernel", "--connection-file", "/nonexistent/kernel-1.json"}, 2, "", "no such file"},
		{"kernel with invalid file", []string{"kernel", "--connection-file", "main_test.go"}, 2, "", "not valid JSON"},
		{"kernel with incomplete file", []string{"kernel", "--connection-file", writeTemp(t, `{"transport": "tcp"}`)}, 2, "", `missing "ip"`},
		{"kernel with stray argument", []string{"kernel", "--connection-file", "x.json", "extra"}, 2, "", "unexpected arguments"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(tc.args, &out, &errb); code != tc.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tc.code, errb.String())
			}
			if !strings.Contains(out.String(), tc.stdout) || !strings.Contains(errb.String(), tc.stderrs) {
				t.Errorf("stdout %q stderr %q; want them to contain %q and %q", out.String(), errb.String(), tc.stdout, tc.stderrs)
			}
		})
	}
}
