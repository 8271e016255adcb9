package eval

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// captureChildEnv marks the test process that redirects its own fds 1 and 2;
// doing that in the main test process would swallow the test runner's output.
const captureChildEnv = "GOPHYS_EVAL_CAPTURE_CHILD"

func TestCaptureStdio(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCaptureStdioChild$")
	cmd.Env = append(os.Environ(), captureChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "CAPTURE OK") {
		t.Fatalf("child did not report success:\n%s", out)
	}
}

// TestCaptureStdioChild runs only inside TestCaptureStdio's subprocess. It
// reports on the original stderr, the only place left that is not a cell.
func TestCaptureStdioChild(t *testing.T) {
	if os.Getenv(captureChildEnv) != "1" {
		t.Skip("runs as TestCaptureStdio's subprocess")
	}
	in, err := New(Options{CaptureStdio: true})
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL New:", err)
		os.Exit(1)
	}
	report := in.LogOutput()
	failed := false
	cells := []struct{ code, stdout, stderr string }{
		{code: "os.Stdout.WriteString(\"direct\\n\")", stdout: "direct\n"},
		{code: "fmt.Println(\"interpreted\")", stdout: "interpreted\n"},
		{code: "log.New(os.Stderr, \"\", 0).Print(\"compiled to stderr\")", stderr: "compiled to stderr\n"},
		{code: "fmt.Print(\"a\")\nos.Stdout.WriteString(\"b\")\nfmt.Fprint(os.Stdout, \"c\")\nfmt.Print(\"d\")", stdout: "abcd"},
		{code: "fmt.Fprintln(os.Stderr, \"err line\")\nfmt.Println(\"out line\")", stdout: "out line\n", stderr: "err line\n"},
	}
	// yaegi's own log line before its "nil type" panic must not reach the
	// cell: the cell gets a positioned error instead.
	noise := newFakeOutput()
	if res := in.Execute(context.Background(), "func size() int { return 3 }\nfor i := range size() { _ = i }", noise); res.Err == nil || noise.stderr() != "" {
		fmt.Fprintf(report, "FAIL range over an unknown type: err %v, stderr %q\n", res.Err, noise.stderr())
		failed = true
	}
	for _, c := range cells {
		out := newFakeOutput()
		res := in.Execute(context.Background(), c.code, out)
		if res.Err != nil {
			fmt.Fprintf(report, "FAIL %q: %s: %s\n", c.code, res.Err.Name, res.Err.Value)
			failed = true
			continue
		}
		if out.stdout() != c.stdout || out.stderr() != c.stderr {
			fmt.Fprintf(report, "FAIL %q: stdout %q stderr %q, want %q and %q\n", c.code, out.stdout(), out.stderr(), c.stdout, c.stderr)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
	fmt.Fprintln(report, "CAPTURE OK")
}
