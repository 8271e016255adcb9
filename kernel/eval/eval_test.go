package eval

import (
	"context"
	"strings"
	"testing"
	"time"
)

// step is one cell of a session and what it must produce.
type step struct {
	code    string
	value   string // text/plain of execute_result; "" means no value
	stdout  string // substring the stdout must contain
	stderr  string // substring the stderr must contain
	errName string // ename when the cell must fail
	errText string // substring of evalue when the cell must fail
}

// runSteps runs the cells in order in one fresh interpreter.
func runSteps(t *testing.T, steps []step) {
	t.Helper()
	in := newTestInterpreter(t)
	for i, s := range steps {
		res, out := run(t, in, s.code)
		if s.errName != "" || s.errText != "" {
			if res.Err == nil {
				t.Fatalf("step %d %q: want error %s %q, got success (value %q)", i, s.code, s.errName, s.errText, valueText(res))
			}
			if s.errName != "" && res.Err.Name != s.errName {
				t.Errorf("step %d %q: ename %q, want %q (evalue %q)", i, s.code, res.Err.Name, s.errName, res.Err.Value)
			}
			if !strings.Contains(res.Err.Value, s.errText) {
				t.Errorf("step %d %q: evalue %q does not contain %q", i, s.code, res.Err.Value, s.errText)
			}
			continue
		}
		if res.Err != nil {
			t.Fatalf("step %d %q failed: %s: %s\n%s", i, s.code, res.Err.Name, res.Err.Value, strings.Join(res.Err.Traceback, "\n"))
		}
		if got := valueText(res); got != s.value {
			t.Errorf("step %d %q: value %q, want %q", i, s.code, got, s.value)
		}
		if !strings.Contains(out.stdout(), s.stdout) {
			t.Errorf("step %d %q: stdout %q does not contain %q", i, s.code, out.stdout(), s.stdout)
		}
		if !strings.Contains(out.stderr(), s.stderr) {
			t.Errorf("step %d %q: stderr %q does not contain %q", i, s.code, out.stderr(), s.stderr)
		}
	}
}

func TestCells(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
	}{
		{"arithmetic value", []step{{code: "1+1", value: "2"}, {code: "6*7", value: "42"}}},
		{"state persists", []step{
			{code: "x := 21"},
			{code: "x *= 2"},
			{code: "x", value: "42"},
		}},
		{"mixed imports declarations statements", []step{{
			code:   "total := add(2, 3)\nimport \"strings\"\nfunc add(a, b int) int { return a + b }\nfmt.Println(strings.Repeat(\"ab\", total))",
			stdout: "ababababab\n",
		}}},
		{"forward reference between functions", []step{{
			code:  "func twice(n int) int { return half(n) * 4 }\nfunc half(n int) int { return n / 2 }\ntwice(10)",
			value: "20",
		}}},
		{"repeated imports", []step{
			{code: "import \"strings\"\nstrings.ToUpper(\"a\")", value: "A"},
			{code: "import \"strings\"\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\nstrings.ToLower(\"B\")", value: "b"},
		}},
		{"implicit imports", []step{
			{code: "math.Sqrt(16)", value: "4"},
			{code: "fmt.Sprint(strconv.Itoa(7) + \"!\")", value: "7!"},
			{code: "rand.New(rand.NewSource(1)) != nil", value: "true"},
		}},
		{"user variable beats package name", []step{
			{code: "math := 10"},
			{code: "math * 2", value: "20"},
		}},
		{"aliased import", []step{{code: "import str \"strings\"\nstr.Title(\"go\")", value: "Go"}}},
		{"final expression rules", []step{
			{code: "fmt.Println(\"hi\")", stdout: "hi\n"},
			{code: "func pair() (int, int) { return 1, 2 }\npair()"},
			{code: "func nothing() {}\nnothing()"},
			{code: "s := 0\nfor i := 0; i < 3; i++ { s += i }"},
			{code: "s", value: "3"},
			{code: "func one() string { return \"one\" }\none()", value: "one"},
			{code: "one", value: "func() string"},
			{code: "strings.Fields(\" a b \")", value: "[a b]"},
			{code: "f := func() float64 { return 2.5 }\nf()", value: "2.5"},
			{code: "type T struct{ N int }\nfunc (t T) Get() int { return t.N }\nt := T{N: 9}\nt.Get()", value: "9"},
			{code: "x := 3\n// trailing comment", value: ""},
			{code: "type V struct{ X, Y float64 }\nfunc (v V) Norm() float64 { return math.Hypot(v.X, v.Y) }\nV{3, 4}.Norm()", value: "5"},
			{code: "var g = func() (int, int) { return 1, 2 }\ng()", value: ""},
			{code: "h := V{6, 8}.Norm\nh()", value: "10"},
			{code: "func later() int { return 1 }", value: ""},
		}},
		{"interpreted rich value", []step{
			{code: "type Card struct{ Title string }\nfunc (c Card) HTML() string { return \"<h1>\" + c.Title + \"</h1>\" }\nfunc (c Card) String() string { return \"card \" + c.Title }"},
			{code: "Card{Title: \"hi\"}", value: "card hi"},
		}},
		{"type redefinition", []step{
			{code: "type Point struct{ X, Y int }"},
			{code: "type Point struct{ X, Y int }\nPoint{1, 2}", value: "{1 2}"},
			{code: "type Point struct{ X, Y, Z int }", errName: "CompileError", errText: "%reset"},
			{code: "%reset"},
			{code: "type Point struct{ X, Y, Z int }\nPoint{1, 2, 3}", value: "{1 2 3}"},
		}},
		{"reset clears variables", []step{
			{code: "gone := 1"},
			{code: "%reset"},
			{code: "gone", errText: "undefined: gone"},
		}},
		{"range over int", []step{
			{code: "for i := range 3 { fmt.Print(i) }", stdout: "012"},
			{code: "const N = 2\nfor i := range N { fmt.Print(i) }", stdout: "01"},
			{code: "xs := []int{7, 8}\nfor i := range len(xs) { fmt.Print(xs[i]) }", stdout: "78"},
			{code: "n := 4\nfor range n { fmt.Print(\"x\") }", stdout: "xxxx"},
			{code: "n", value: "4"},
			{code: "for j := range n { n = 1; fmt.Print(j) }", stdout: "0123"}, // the bound is read once
			{code: "var big int64 = 3\nfor k := range big { fmt.Printf(\"%T \", k) }", stdout: "int64 int64 int64"},
			{code: "func count(m int) int { c := 0; for range m { c++ }; return c }\ncount(5)", value: "5"},
			{code: "L:\nfor i := range 10 { for j := range 10 { if j == 2 { continue L }; if i == 2 { break L }; fmt.Printf(\"%d%d \", i, j) } }", stdout: "00 01 10 11 "},
		}},
		{"range over function is rejected", []step{
			{code: "seq := func(yield func(int) bool) {}\nfor v := range seq { fmt.Println(v) }", errName: "CompileError", errText: "2:1: range over a function"},
		}},
		{"range over an unknown type explains itself", []step{
			{code: "func size() int { return 3 }"},
			{code: "for i := range size() { fmt.Print(i) }", errName: "CompileError", errText: "1:1: cannot range over size()"},
			{code: "1+2", value: "3"},
		}},
		{"min max clear", []step{
			{code: "min(3, 1, 2)", value: "1"},
			{code: "max(2.5, 1)", value: "2.5"},
			{code: "a, b := 4.0, 9.0\nmax(a, b)", value: "9"},
			{code: "min(\"pear\", \"apple\")", value: "apple"},
			{code: "var u uint8 = 7\nmin(u, 3)", value: "3"},
			{code: "m := map[string]int{\"a\": 1}\nclear(m)\nlen(m)", value: "0"},
			{code: "sl := []int{1, 2}\nclear(sl)\nsl", value: "[0 0]"},
			{code: "func min(a, b int) int { return 100 }\nmin(1, 2)", value: "100"},
		}},
		{"goroutine panic is reported, kernel survives", []step{
			{code: "done := make(chan bool)\ngo func() { defer close(done); panic(\"boom\") }()\n<-done\ntime.Sleep(20 * time.Millisecond)", stderr: "panic in goroutine started at cell line 2, column 1: boom"},
			{code: "func work(n int) { if n > 0 { panic(fmt.Sprint(\"bad \", n)) } }\ngo work(3)\ntime.Sleep(50 * time.Millisecond)", stderr: "line 2, column 1: bad 3"},
			{code: "1", value: "1"},
		}},
		{"runtime panics", []step{
			{code: "func inner() { panic(\"deep\") }\nfunc outer() { inner() }\nouter()", errName: "panic", errText: "deep"},
			{code: "var a []int\n_ = a[5]", errName: "runtime error", errText: "index out of range"},
			{code: "panic(fmt.Errorf(\"wrapped %d\", 1))", errText: "wrapped 1"},
			{code: "log.Fatal(\"fatal\")", errText: "fatal"},
			{code: "var p *int\nfmt.Println(*p)", errName: "runtime error", errText: "nil pointer dereference"},
			{code: "os.Exit(3)", errName: "panic", errText: "os.Exit(3)"},
			{code: "2", value: "2"},
		}},
		{"compile errors carry cell positions", []step{
			{code: "a := 1\nb := a + missing", errName: "CompileError", errText: "2:10: undefined: missing"},
			{code: "x := 1\n\nvar y string = x", errName: "CompileError", errText: "3:"},
			{code: "fmt.Println(", errName: "SyntaxError", errText: "1:13:"},
			{code: "func f( {", errName: "SyntaxError", errText: "1:"},
			{code: "if true {\n\tfmt.Println(1)\n", errName: "SyntaxError", errText: "unexpected end of cell"},
			{code: "x := 1\ndefer fmt.Println(x)", errName: "CompileError", errText: "2:1: defer outside a function"},
			{code: "func withDefer() (s string) { defer func() { s = \"deferred\" }(); return \"body\" }\nwithDefer()", value: "deferred"},
		}},
		{"var declarations", []step{
			{code: "var counter int\nfunc bump() { counter++ }\nbump()\nbump()\ncounter", value: "2"},
			{code: "base := 10\nvar derived = base * 2\nderived", value: "20"},
		}},
		{"generic user function", []step{
			{code: "func Sum[T int | float64](xs []T) T { var s T; for _, x := range xs { s += x }; return s }"},
			{code: "Sum([]float64{1.5, 2})", value: "3.5"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runSteps(t, tt.steps) })
	}
}

func TestRuntimePanicTraceback(t *testing.T) {
	in := newTestInterpreter(t)
	res, out := run(t, in, "func inner() { panic(\"deep\") }\nfunc outer() { inner() }\nouter()")
	if res.Err == nil {
		t.Fatal("want a panic")
	}
	tb := strings.Join(res.Err.Traceback, "\n")
	for _, want := range []string{"panic: deep", "cell line 1", "cell line 3"} {
		if !strings.Contains(tb, want) {
			t.Errorf("traceback %q lacks %q", tb, want)
		}
	}
	if strings.Contains(tb, "yaegi") || strings.Contains(tb, ".go:") {
		t.Errorf("traceback shows host frames: %q", tb)
	}
	if strings.Contains(out.stderr(), "panic") {
		t.Errorf("panic frames leaked into stderr: %q", out.stderr())
	}
}

func TestCompileErrorTraceback(t *testing.T) {
	in := newTestInterpreter(t)
	res, _ := run(t, in, "a := 1\nb := a + missing")
	if res.Err == nil {
		t.Fatal("want an error")
	}
	if len(res.Err.Traceback) != 3 || !strings.Contains(res.Err.Traceback[1], "b := a + missing") || !strings.HasSuffix(res.Err.Traceback[2], "         ^") {
		t.Errorf("traceback %q should show the line and a caret under column 10", res.Err.Traceback)
	}
}

func TestInterrupt(t *testing.T) {
	in := newTestInterpreter(t)
	mustRun(t, in, "kept := 41\nsum := 0\nch := make(chan int)\ngo func() { for v := range ch { sum += v } }()")
	mustRun(t, in, "xs := []int{3, 1, 2}\nless := func(i, j int) bool { return xs[i] < xs[j] }")

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	res := in.Execute(ctx, "kept++\nfor {}", newFakeOutput())
	elapsed := time.Since(start)
	if res.Err == nil || res.Err.Name != "Interrupted" {
		t.Fatalf("want Interrupted, got %+v", res.Err)
	}
	// One second is the protocol promise; 100 ms of it is the delay above.
	if elapsed > time.Second {
		t.Errorf("interrupt took %v, want < 1s", elapsed)
	}

	res, _ = mustRun(t, in, "kept")
	if valueText(res) != "42" {
		t.Errorf("state after interrupt: kept = %q, want 42", valueText(res))
	}
	// The goroutine started before the interrupt still serves its channel,
	// and a closure from an earlier cell still works as a callback.
	res, _ = mustRun(t, in, "ch <- 5\nch <- 6\ntime.Sleep(20 * time.Millisecond)\nsum")
	if valueText(res) != "11" {
		t.Errorf("earlier goroutine after interrupt: sum = %q, want 11", valueText(res))
	}
	res, _ = mustRun(t, in, "sort.Slice(xs, less)\nxs")
	if valueText(res) != "[1 2 3]" {
		t.Errorf("earlier callback after interrupt: xs = %q, want [1 2 3]", valueText(res))
	}
}

func TestInterruptSleepingLoop(t *testing.T) {
	in := newTestInterpreter(t)
	mustRun(t, in, "ticks := 0")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	res := in.Execute(ctx, "for {\n\ttime.Sleep(time.Second)\n\tticks++\n}", newFakeOutput())
	if res.Err == nil || res.Err.Name != "Interrupted" {
		t.Fatalf("want Interrupted, got %+v", res.Err)
	}
	// The sleep returns at the interrupt, so the loop stops at once rather
	// than being abandoned mid-sleep and resuming a second later.
	if elapsed := time.Since(start); elapsed > 400*time.Millisecond {
		t.Errorf("interrupt took %v", elapsed)
	}
	res, _ = mustRun(t, in, "ticks")
	if valueText(res) != "0" {
		t.Errorf("the interrupted loop ran on after its sleep: ticks = %s", valueText(res))
	}
	time.Sleep(1200 * time.Millisecond)
	res, _ = mustRun(t, in, "ticks")
	if valueText(res) != "0" {
		t.Errorf("the interrupted loop kept running: ticks = %s", valueText(res))
	}
}

func TestInterruptBlockedInCompiledCall(t *testing.T) {
	in := newTestInterpreter(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	// A compiled call that ignores cancellation (WaitGroup.Wait, never
	// released) is abandoned after the grace period.
	res := in.Execute(ctx, "var wg sync.WaitGroup\nwg.Add(1)\nwg.Wait()", newFakeOutput())
	if res.Err == nil || res.Err.Name != "Interrupted" {
		t.Fatalf("want Interrupted, got %+v", res.Err)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("interrupt took %v, want < 1s", elapsed)
	}
	res, _ = mustRun(t, in, "7")
	if valueText(res) != "7" {
		t.Errorf("after interrupt: %q", valueText(res))
	}
}

func TestStdin(t *testing.T) {
	tests := []struct {
		name, code string
		inputs     []string
		want       string
	}{
		{"fmt.Scan", "var name string\nfmt.Scan(&name)\nname", []string{"gopher"}, "gopher"},
		{"bufio on os.Stdin", "r := bufio.NewReader(os.Stdin)\nline, _ := r.ReadString('\\n')\nstrings.TrimSpace(line)", []string{"hello there"}, "hello there"},
		{"scanner reads two lines", "sc := bufio.NewScanner(os.Stdin)\nsc.Scan()\na := sc.Text()\nsc.Scan()\na + \"+\" + sc.Text()", []string{"one", "two"}, "one+two"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := newTestInterpreter(t)
			out := newFakeOutput(tt.inputs...)
			res := in.Execute(context.Background(), tt.code, out)
			if res.Err != nil {
				t.Fatalf("%s: %s", res.Err.Name, res.Err.Value)
			}
			if got := valueText(res); got != tt.want {
				t.Errorf("value %q, want %q", got, tt.want)
			}
			if out.prompts != len(tt.inputs) {
				t.Errorf("%d input requests, want %d", out.prompts, len(tt.inputs))
			}
		})
	}
}

func TestOutputAfterCellGoesToLatestCell(t *testing.T) {
	in := newTestInterpreter(t)
	first := newFakeOutput()
	if res := in.Execute(context.Background(), "go func() { time.Sleep(100 * time.Millisecond); fmt.Println(\"late\") }()", first); res.Err != nil {
		t.Fatal(res.Err)
	}
	second := newFakeOutput()
	if res := in.Execute(context.Background(), "1", second); res.Err != nil {
		t.Fatal(res.Err)
	}
	time.Sleep(300 * time.Millisecond)
	if !strings.Contains(second.stdout(), "late") || strings.Contains(first.stdout(), "late") {
		t.Errorf("late output: first %q, second %q; want it in the most recent cell", first.stdout(), second.stdout())
	}
}

func TestIsComplete(t *testing.T) {
	in := newTestInterpreter(t)
	tests := []struct{ code, status string }{
		{"x := 1", "complete"},
		{"fmt.Println(1)", "complete"},
		{"func f() {", "incomplete"},
		{"xs := []int{1,\n2,", "incomplete"},
		{"x := 1 +", "incomplete"},
		{"for i := 0; i < 3; i++ {\n\tfmt.Println(i)", "incomplete"},
		{"x := )", "invalid"},
		{"func 3() {}", "invalid"},
		{"%who", "complete"},
		{"s := `raw", "incomplete"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got := in.IsComplete(tt.code)
			if got.Status != tt.status {
				t.Errorf("IsComplete(%q) = %q, want %q", tt.code, got.Status, tt.status)
			}
			if got.Status == "incomplete" && tt.code != "s := `raw" && got.Indent == "" {
				t.Errorf("IsComplete(%q): incomplete without indent", tt.code)
			}
		})
	}
}

func TestInfo(t *testing.T) {
	in := newTestInterpreter(t)
	info := in.Info()
	if info.Name != "go" || info.Mimetype != "text/x-go" || info.FileExtension != ".go" ||
		info.PygmentsLexer != "go" || info.CodemirrorMode != "go" || strings.HasPrefix(info.Version, "go") || info.Version == "" {
		t.Errorf("unexpected language info %+v", info)
	}
	if info.Banner == "" {
		t.Error("empty banner")
	}
}
