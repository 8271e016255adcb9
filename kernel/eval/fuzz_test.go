package eval

import (
	"context"
	"strings"
	"testing"
	"time"
)

// FuzzRun feeds arbitrary cells to the interpreter (magics bypassed, so no
// shell lines): no input may crash the process or leave the interpreter
// unusable. Inputs that could touch the system (files, processes, network)
// are skipped.
func FuzzRun(f *testing.F) {
	for _, seed := range []string{
		"1+1", "x := 1\nx", "func f() int { return 1 }\nf()", "for i := range 3 { _ = i }",
		"type T struct{ A int }\nT{1}", "go func() { panic(1) }()", "var a []int\n_ = a[1]",
		"min(1, 2.5)", "ch := make(chan int)\nclose(ch)\n<-ch", "defer println()", "import \"strings\"\nstrings.ToUpper(\"x\")",
		"for range len(\"ab\") {}", "func g[T any](x T) T { return x }\ng(1)", "m := map[int]int{}\nclear(m)",
		"var A []A", "type L struct{ next *L }\nvar l L\nl.next.next", "func (", "x := []int{1,\n",
	} {
		f.Add(seed)
	}
	in, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	banned := []string{"os", "exec", "syscall", "unsafe", "net", "http", "ioutil", "file", "File", "Exit", "plugin", "runtime"}
	runs := 0
	f.Fuzz(func(t *testing.T, code string) {
		for _, b := range banned {
			if strings.Contains(code, b) {
				t.Skip()
			}
		}
		if runs++; runs%200 == 0 {
			in.reset()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		in.router.begin(ctx, newFakeOutput())
		in.run(ctx, code)
		check, cancelCheck := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancelCheck()
		if res := in.run(check, "1+1"); res.Err != nil || valueText(res) != "2" {
			t.Fatalf("interpreter unusable after %q: %+v %q", code, res.Err, valueText(res))
		}
	})
}
