package eval

import "testing"

// TestYaegiTraps runs cells that yaegi v0.16.1 gets wrong on its own and
// that the kernel rewrites or explains.
func TestYaegiTraps(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
	}{
		{"multiple assignment of nil to fields", []step{
			{code: "type Cfg struct{ F int; G func(); E error }\ncfg := Cfg{F: 3, G: func() {}, E: fmt.Errorf(\"x\")}\ncfg.F, cfg.G = 0, nil\nfmt.Println(cfg.F, cfg.G == nil)", stdout: "0 true"},
			{code: "cfg.E, cfg.F = nil, 5\ncfg.E == nil && cfg.F == 5", value: "true"},
			{code: "func reset(c *Cfg) (int, error) { var n int; var err error = fmt.Errorf(\"e\"); n, err = 1, nil; c.G, c.E = nil, nil; return n, err }\nn, err := reset(&cfg)\nfmt.Println(n, err, cfg.E == nil)", stdout: "1 <nil> true"},
			{code: "a, b := 1, 2\na, b = b, a\nfmt.Println(a, b)", stdout: "2 1"},
			{code: "fs := []func(){func() {}}\nfs[len(fs)-1], a = nil, 3\nfs[0] == nil && a == 3", value: "true"},
			{code: "func last() int { return 0 }\nfs[last()], a = nil, 4", errName: "CompileError", errText: "2:17: the interpreter cannot assign an untyped nil"},
		}},
		{"closures capture per-iteration loop variables", []step{
			{code: "var fs []func() int\nfor i := 0; i < 3; i++ { fs = append(fs, func() int { return i }) }\nfmt.Println(fs[0](), fs[1](), fs[2]())", stdout: "0 1 2"},
			{code: "var gs []func() int\nfor _, v := range []int{10, 20} { gs = append(gs, func() int { return v }) }\nfmt.Println(gs[0](), gs[1]())", stdout: "10 20"},
			{code: "func mk() []func() string { var out []func() string; for k, v := range []string{\"a\", \"b\"} { out = append(out, func() string { return fmt.Sprint(k, v) }) }; return out }\nfs := mk()\nfs[0]() + fs[1]()", value: "0a1b"},
			{code: "res := make(chan int, 3)\nfor i := 0; i < 3; i++ { go func() { time.Sleep(10 * time.Millisecond); res <- i * i }() }\n<-res + <-res + <-res", value: "5"},
			{code: "var ps []*int\nfor _, v := range []int{1, 2} { ps = append(ps, &v) }\n*ps[0] + 10 * *ps[1]", value: "21"},
			// A body that changes the loop variable keeps yaegi's semantics for the closures.
			{code: "var hs []func() int\nfor i := 0; i < 4; i++ { hs = append(hs, func() int { return i }); i++ }\nlen(hs)", value: "2"},
			{code: "for i := range 3 { defer_ := func() int { return i }; fmt.Print(defer_()) }", stdout: "012"},
		}},
		{"package-level var from an earlier cell's variable", []step{
			{code: "y := 3.5\nvar yv = 2.5"},
			{code: "var x float64 = y\nx", value: "3.5"},
			{code: "var b = a + 1\nvar a = yv * 2\nfunc twice() float64 { return 2 * b }\ntwice()", value: "12"},
			{code: "var (\n\tp = y\n\tq = 7.0\n)\np + q", value: "10.5"},
			{code: "var strs = strings.Fields(\"u v\")\nvar w = strs\nlen(w)", value: "2"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runSteps(t, tt.steps) })
	}
}
