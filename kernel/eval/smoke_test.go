package eval

import "testing"

func TestSmoke(t *testing.T) {
	in := newTestInterpreter(t)
	for _, code := range []string{
		"1+1",
		"x := 21*2\nfmt.Println(x)",
		"x",
		"func f() int { return g() * 2 }\nfunc g() int { return 21 }\nf()",
		"import \"strings\"\nstrings.ToUpper(\"abc\")",
		"import \"strings\"\nstrings.Repeat(\"a\", 3)",
		"for i := range 3 { fmt.Print(i) }",
		"min(3, 1, 2)",
		"max(2.5, 1)",
		"m := map[string]int{\"a\": 1}\nclear(m)\nlen(m)",
		"go func() { panic(\"boom\") }()\ntime.Sleep(50*time.Millisecond)",
		"type P struct{ X int }\nfunc (p P) HTML() string { return \"<b>P</b>\" }\nP{1}",
		"type P struct{ X int }",
		"type P struct{ X, Y int }",
		"var a []int\na[5]",
		"y := undefinedThing + 1",
		"func h() { panic(\"deep\") }\nh()",
		"fmt.Println(",
		"%who",
		"%help",
		"math.Sqrt?",
	} {
		res, out := run(t, in, code)
		t.Logf("%q\n  value=%q err=%+v payload=%v\n  stdout=%q stderr=%q", code, valueText(res), res.Err, res.Payload, out.stdout(), out.stderr())
	}
}
