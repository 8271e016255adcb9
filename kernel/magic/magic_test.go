package magic

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

// fakeEnv records what magics ask of the interpreter.
type fakeEnv struct {
	ran     []string
	runErr  error
	resets  int
	limit   int64
	noLimit bool
	vars    []Variable
	docs    map[string]string
}

func (e *fakeEnv) Run(ctx context.Context, code string) error {
	e.ran = append(e.ran, code)
	return e.runErr
}
func (e *fakeEnv) Reset() error          { e.resets++; return nil }
func (e *fakeEnv) Variables() []Variable { return e.vars }
func (e *fakeEnv) Describe(expr string) (string, bool) {
	d, ok := e.docs[expr]
	return d, ok
}
func (e *fakeEnv) SetOutputLimit(n int64) error {
	if e.noLimit {
		return errors.New("not supported")
	}
	e.limit = n
	return nil
}

func handle(t *testing.T, code string, env *fakeEnv) (Result, bool, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	res, ok := Handle(context.Background(), code, env, IO{Stdout: &out, Stderr: &errOut})
	return res, ok, out.String(), errOut.String()
}

func TestHandle(t *testing.T) {
	t.Setenv("GOPHYS_MAGIC_TEST", "present")
	tests := []struct {
		name       string
		code       string
		env        fakeEnv
		handled    bool
		stdout     string // substring
		stderr     string // substring
		page       string // substring
		errName    string
		ran        []string
		resets     int
		wantLimit  int64
		wantEnvSet [2]string
	}{
		{name: "plain go", code: "x := 1", handled: false},
		{name: "modulo is not a magic", code: "a := 7 % 3", handled: false},
		{name: "help pages the table", code: "%help", handled: true, page: "%output_limit"},
		{name: "reset", code: "%reset", handled: true, resets: 1},
		{name: "time a statement", code: "%time x := 1", handled: true, stdout: "Wall time:", ran: []string{"x := 1"}},
		{name: "time a cell", code: "%%time\nx := 1\ny := 2", handled: true, stdout: "Wall time:", ran: []string{"x := 1\ny := 2"}},
		{name: "time needs code", code: "%time", handled: true, errName: "UsageError"},
		{name: "who empty", code: "%who", handled: true, stdout: "No variables defined."},
		{name: "who lists", code: "%who", env: fakeEnv{vars: []Variable{{"b", "int"}, {"a", "string"}}}, handled: true, stdout: "a         string\nb         int"},
		{name: "env get", code: "%env GOPHYS_MAGIC_TEST", handled: true, stdout: "present"},
		{name: "env missing", code: "%env GOPHYS_NOT_SET_ANYWHERE", handled: true, errName: "KeyError"},
		{name: "env set", code: "%env GOPHYS_MAGIC_SET=42", handled: true, stdout: "env: GOPHYS_MAGIC_SET=42", wantEnvSet: [2]string{"GOPHYS_MAGIC_SET", "42"}},
		{name: "env list", code: "%env", handled: true, stdout: "GOPHYS_MAGIC_TEST=present"},
		{name: "version", code: "%version", handled: true, stdout: "yaegi"},
		{name: "output limit", code: "%output_limit 2", handled: true, wantLimit: 2 << 20, stdout: "2 MiB"},
		{name: "output limit unsupported", code: "%output_limit 2", env: fakeEnv{noLimit: true}, handled: true, errName: "OutputLimitError"},
		{name: "output limit bad", code: "%output_limit lots", handled: true, errName: "UsageError"},
		{name: "shell", code: "!echo hello", handled: true, stdout: "hello\n"},
		{name: "shell stderr and status", code: "!echo oops >&2; exit 3", handled: true, stderr: "exit status 3"},
		{name: "magic then go", code: "%env GOPHYS_MAGIC_TEST\nfmt.Println(1)", handled: true, stdout: "present", ran: []string{"fmt.Println(1)"}},
		{name: "unknown magic", code: "%frobnicate", handled: true, errName: "UnknownMagic"},
		{name: "unknown cell magic", code: "%%frobnicate\nx", handled: true, errName: "UnknownMagic"},
		{name: "help query found", code: "math.Sqrt?", env: fakeEnv{docs: map[string]string{"math.Sqrt": "func Sqrt(x float64) float64"}}, handled: true, page: "func Sqrt"},
		{name: "help query missing still pages", code: "nothing?", handled: true, page: "No documentation found for nothing."},
		{name: "question mark in code is not a query", code: "s := \"why?\"", handled: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := tt.env
			res, ok, out, errOut := handle(t, tt.code, &env)
			if ok != tt.handled {
				t.Fatalf("handled = %v, want %v", ok, tt.handled)
			}
			if !strings.Contains(out, tt.stdout) {
				t.Errorf("stdout %q lacks %q", out, tt.stdout)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.stderr)
			}
			if !strings.Contains(res.Page, tt.page) {
				t.Errorf("page %q lacks %q", res.Page, tt.page)
			}
			switch {
			case tt.errName == "" && res.Err != nil:
				t.Errorf("unexpected error %v", res.Err)
			case tt.errName != "" && (res.Err == nil || res.Err.Name != tt.errName):
				t.Errorf("error %v, want %s", res.Err, tt.errName)
			}
			if strings.Join(env.ran, "|") != strings.Join(tt.ran, "|") {
				t.Errorf("ran %q, want %q", env.ran, tt.ran)
			}
			if env.resets != tt.resets {
				t.Errorf("resets %d, want %d", env.resets, tt.resets)
			}
			if env.limit != tt.wantLimit {
				t.Errorf("limit %d, want %d", env.limit, tt.wantLimit)
			}
			if tt.wantEnvSet[0] != "" {
				if got := os.Getenv(tt.wantEnvSet[0]); got != tt.wantEnvSet[1] {
					t.Errorf("env %s = %q, want %q", tt.wantEnvSet[0], got, tt.wantEnvSet[1])
				}
				os.Unsetenv(tt.wantEnvSet[0])
			}
		})
	}
}

func TestShellInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out strings.Builder
	res, ok := Handle(ctx, "!sleep 5", &fakeEnv{}, IO{Stdout: &out, Stderr: &out})
	if !ok || res.Err == nil || res.Err.Name != "Interrupted" {
		t.Errorf("cancelled shell: %+v %v", res, ok)
	}
}
