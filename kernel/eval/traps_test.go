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
		{"multiple assignment mixing calls and other values", []step{
			{code: "best := map[int]float64{1: 0.5, 2: 0.25}\nvalues := make(plotter.Values, 2)\nnames := make([]string, 2)\nfor i, l := range []int{1, 2} { values[i], names[i] = best[l], fmt.Sprint(l) }\nfmt.Println(values, names)", stdout: "[0.5 0.25] [1 2]"},
			{code: "vs := make([]float32, 2)\nns := make([]string, 2)\nvs[0], ns[0] = 0.5, fmt.Sprint(7)\nfmt.Println(vs, ns)", stdout: "[0.5 0] [7 ]"},
			{code: "var x float64\nvar s string\nvar n int\nx, s, n = best[2]*2, strings.Repeat(\"ab\", 2), len(names)\nfmt.Println(x, s, n)", stdout: "0.5 abab 2"},
			{code: "func pair(m map[int]float64) (float64, string) { var a float64; var b string; a, b = m[1], fmt.Sprint(len(m)); return a, b }\nfmt.Println(pair(best))", stdout: "0.5 2"},
			{code: "calls := \"\"\nnote := func(t string) string { calls += t; return t }\nvar p, q, r string\np, q, r = note(\"1\"), \"-\", note(\"2\")\nfmt.Println(p+q+r, calls)", stdout: "1-2 12"},
			{code: "func idx() int { return 0 }\nvs[idx()], ns[0] = 1, fmt.Sprint(1)", errName: "CompileError", errText: "2:1: the interpreter mis-assigns"},
		}},
		{"block variables named like the cell's top-level ones", []step{
			{code: "for i := range 2 { p := []float64{1}; _, _ = p, i }\np, err := display.Lines(display.PlotOptions{})\nerr == nil && p != nil", value: "true"},
			{code: "for i := range 2 { q := []float64{1}; _, _ = q, i }\nq := 3\nq == 3", value: "true"},
			{code: "for _, r := range []string{\"a\"} { _ = r }\nvar r = 3\nr == 3", value: "true"},
			{code: "total := 0\nfor _, v := range []int{1, 2} { total := total + v; _ = total }\nif true { total := \"s\"; _ = total }\ntotal == 0", value: "true"},
			{code: "s := 0\nfor i := 0; i < 3; i++ { s := s + i; fs := func() int { return s }; _ = fs() }\nfmt.Println(s)", stdout: "0"},
		}},
		{"range with a blank key before a define", []step{
			{code: "for _, r := range []float64{1} { _ = r }\nz := 3\nz == 3", value: "true"},
			{code: "n := 0\nfor _, r := range map[int]string{1: \"a\"} { n += len(r) }\nw := \"s\"\nw == \"s\" && n == 1", value: "true"},
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
		{"top-level define from an index the first pass cannot type", []step{
			{code: "tt := physnn.Zeros(2, 3)\nhist := train.History{TrainLoss: []float64{4, 2}}\nwords := strings.Fields(\"ab cd\")"},
			{code: "x := tt.Shape()[1]\nx", value: "3"},
			{code: "last := hist.TrainLoss[len(hist.TrainLoss)-1]\nfmt.Printf(\"%T %v\", last, last)", stdout: "float64 2"},
			{code: "b := words[1][0]\nw := words[0] + \"!\"\nn := 2 * tt.Shape()[0]\nfmt.Println(b, w, n)", stdout: "99 ab! 4"},
			{code: "s := \"xyz\"\nc := s[1]\nh := http.Header{\"A\": {\"v\"}}\nhv := h[\"A\"][0]\nfmt.Println(c, hv)", stdout: "121 v"},
			{code: "arr := [3]int{1, 2, 3}\npa := &arr\ne := pa[2]\np0 := &words[0]\n*p0 = \"zz\"\nfmt.Println(e, words[0])", stdout: "3 zz"},
			{code: "var lay []nn.Layer = []nn.Layer{nn.NewBatchNorm(2)}\nl := lay[0]\nfmt.Printf(\"%T\", &l)", stdout: "*nn.Layer"},
			{code: "count := 0\nf := func() []int { count++; return []int{7, 8} }\ny := f()[1]\nfmt.Println(y, count)", stdout: "8 1"},
			{code: "var q = words[1]\nq", value: "cd"},
		}},
		{"top-level comma-ok defines", []step{
			{code: "var xa any = 3\nm := map[string]int{\"a\": 1}\nch := make(chan int, 1)\nch <- 4"},
			{code: "v, ok := xa.(int)\nfmt.Println(v, ok)", stdout: "3 true"},
			{code: "s, ok2 := xa.(string)\nfmt.Printf(\"%q %v\", s, ok2)", stdout: `"" false`},
			{code: "mv, mok := m[\"a\"]\n_, miss := m[\"z\"]\nfmt.Println(mv, mok, miss)", stdout: "1 true false"},
			{code: "r, rok := <-ch\nclose(ch)\nr2, rok2 := <-ch\nfmt.Println(r, rok, r2, rok2)", stdout: "4 true 0 false"},
			{code: "key := func() string { return \"a\" }\nkv, kok := m[key()]\nfmt.Println(kv, kok)", stdout: "1 true"},
			{code: "hd := http.Header{\"K\": {\"v\"}}\nhv, hok := hd[\"K\"]\nfmt.Println(hv, hok)", stdout: "[v] true"},
			{code: "var dv, dok = m[\"a\"]\nfmt.Println(dv, dok)", stdout: "1 true"},
		}},
		{"pointer-receiver renderers on a final value", []step{
			{code: "type Box struct{ T string }\nfunc (b *Box) HTML() string { return \"<i>\" + b.T + \"</i>\" }\nfunc (b *Box) String() string { return \"box \" + b.T }\nfunc NewBox(s string) *Box { return &Box{s} }\ntype Card struct{ T string }\nfunc (c Card) String() string { return \"card \" + c.T }\nfunc NewCard(s string) Card { return Card{s} }\nboxes := []*Box{NewBox(\"a\")}"},
			{code: "NewBox(\"q\")", value: "box q"},
			{code: "NewCard(\"r\")", value: "card r"},
			{code: "boxes[0]", value: "box a"},
			{code: "mk := func() *Box { return NewBox(\"f\") }\nmk()", value: "box f"},
			{code: "strings.ToUpper(\"x\")", value: "X"},
		}},
		{"panics in callbacks on compiled goroutines are reported", []step{
			{code: "time.AfterFunc(5*time.Millisecond, func() { panic(\"late\") })\ntime.Sleep(60 * time.Millisecond)", stderr: "panic in a time.AfterFunc callback: late"},
			{code: "ctx, cancel := context.WithCancel(context.Background())\ncontext.AfterFunc(ctx, func() { panic(fmt.Errorf(\"ctx %d\", 1)) })\ncancel()\ntime.Sleep(60 * time.Millisecond)", stderr: "panic in a context.AfterFunc callback: ctx 1"},
			{code: "var wg sync.WaitGroup\nwg.Go(func() { panic(\"in wg\") })\nwg.Wait()\ntime.Sleep(20 * time.Millisecond)", stderr: "panic in goroutine started at cell line 2, column 1: in wg"},
			{code: "type Runner struct{}\nfunc (Runner) Go(f func()) { f() }\nRunner{}.Go(func() { panic(\"sync\") })", errName: "panic", errText: "sync"},
			{code: "fired := make(chan bool, 1)\ntime.AfterFunc(time.Millisecond, func() { fired <- true })\n<-fired", value: "true"},
		}},
		{"generic standard-library call with a compiled slice", []step{
			{code: "hist := train.History{TrainLoss: []float64{3, 2, 1}}\nhd := http.Header{\"B\": nil, \"A\": nil}"},
			{code: "slices.Max(hist.TrainLoss)", value: "3"},
			{code: "best := slices.Min(hist.TrainLoss)\nidx := slices.Index(hist.TrainLoss, 2)\nfmt.Println(best, idx)", stdout: "1 1"},
			{code: "keys := maps.Keys(hd)\nslices.Sort(keys)\nkeys", value: "[A B]"},
			{code: "tl := hist.TrainLoss\nslices.Max(tl)", value: "3"},
			{code: "slices.Max(func() []float64 { return hist.TrainLoss }())", value: "3"},
			{code: "slices.Max(strings.Fields(\"b a\"))", errName: "CompileError", errText: "1:1: the interpreter cannot instantiate slices.Max with strings.Fields(\"b a\"), a value of a compiled type; convert it to its slice or map type: slices.Max(T(strings.Fields(\"b a\")))"},
			{code: "slices.Max([]string(strings.Fields(\"b a\")))", value: "b"},
			{code: "type Run struct{ N int }\nfunc bestLoss() float64 { return slices.Max(hist.TrainLoss) }\nbestLoss()", value: "3"},
			{code: "Run{2}", value: "{2}"},
		}},
		{"top-level type switch with a binding", []step{
			{code: "var anyv any = 3.5\nswitch v := anyv.(type) {\ncase float64:\n\tfmt.Println(\"float\", v)\ndefault:\n\tfmt.Println(\"other\")\n}", stdout: "float 3.5"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runSteps(t, tt.steps) })
	}
}

// TestPointerReceiverHTMLFromCall checks that a final value returned by a
// cell function renders through its pointer-receiver HTML method.
func TestPointerReceiverHTMLFromCall(t *testing.T) {
	in := newTestInterpreter(t)
	mustRun(t, in, "type Panel struct{ T string }\nfunc (p *Panel) HTML() string { return \"<b>\" + p.T + \"</b>\" }\nfunc (p *Panel) MIMEBundle() map[string]any { return map[string]any{\"text/markdown\": \"**\" + p.T + \"**\"} }\nfunc NewPanel(s string) *Panel { return &Panel{s} }")
	res, _ := mustRun(t, in, "NewPanel(\"hi\")")
	if res.Value == nil || res.Value.Data["text/html"] != "<b>hi</b>" || res.Value.Data["text/markdown"] != "**hi**" {
		t.Errorf("final value data %v, want text/html <b>hi</b> and text/markdown **hi**", res.Value)
	}
}
