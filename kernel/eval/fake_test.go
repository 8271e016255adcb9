package eval

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/gophys/gophys/kernel"
)

// fakeOutput records what a cell sends to the frontend.
type fakeOutput struct {
	mu       sync.Mutex
	streams  map[string]*strings.Builder
	displays []kernel.DisplayData
	inputs   []string // answers to Input, consumed in order
	prompts  int
}

func newFakeOutput(inputs ...string) *fakeOutput {
	return &fakeOutput{streams: map[string]*strings.Builder{"stdout": {}, "stderr": {}}, inputs: inputs}
}

func (f *fakeOutput) Stream(name string, text []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.streams[name].Write(text)
}

func (f *fakeOutput) Display(d kernel.DisplayData) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.displays = append(f.displays, d)
}

func (f *fakeOutput) ClearOutput(wait bool) {}

func (f *fakeOutput) Input(ctx context.Context, prompt string, password bool) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.prompts++
	if len(f.inputs) == 0 {
		return "", errors.New("no stdin")
	}
	s := f.inputs[0]
	f.inputs = f.inputs[1:]
	return s, nil
}

func (f *fakeOutput) stdout() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.streams["stdout"].String()
}

func (f *fakeOutput) stderr() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.streams["stderr"].String()
}

// newTestInterpreter returns an interpreter without fd capture.
func newTestInterpreter(t testing.TB) *Interpreter {
	t.Helper()
	in, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Shutdown(false) })
	return in
}

// run executes one cell and returns its result and output.
func run(t testing.TB, in *Interpreter, code string) (kernel.ExecuteResult, *fakeOutput) {
	t.Helper()
	out := newFakeOutput()
	return in.Execute(context.Background(), code, out), out
}

// mustRun executes a cell that must succeed.
func mustRun(t testing.TB, in *Interpreter, code string) (kernel.ExecuteResult, *fakeOutput) {
	t.Helper()
	res, out := run(t, in, code)
	if res.Err != nil {
		t.Fatalf("cell %q failed: %s: %s\n%s", code, res.Err.Name, res.Err.Value, strings.Join(res.Err.Traceback, "\n"))
	}
	return res, out
}

// valueText is the text/plain of a cell's value, or "" when it has none.
func valueText(res kernel.ExecuteResult) string {
	if res.Value == nil {
		return ""
	}
	s, _ := res.Value.Data["text/plain"].(string)
	return s
}
