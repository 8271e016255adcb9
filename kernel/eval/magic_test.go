package eval

import (
	"strings"
	"testing"
)

func TestMagicCells(t *testing.T) {
	in := newTestInterpreter(t)
	mustRun(t, in, "answer := 42\nname := \"gophys\"")

	res, out := mustRun(t, in, "%who")
	for _, want := range []string{"answer", "int", "name", "string"} {
		if !strings.Contains(out.stdout(), want) {
			t.Errorf("%%who output %q lacks %q", out.stdout(), want)
		}
	}

	mustRun(t, in, "type pair struct{ a, b int }\npair{1, 2}") // a final composite literal uses a hidden temporary
	_, out = mustRun(t, in, "%who")
	if strings.Contains(out.stdout(), "__gophys") {
		t.Errorf("%%who lists the kernel's hidden names: %q", out.stdout())
	}

	res, out = mustRun(t, in, "%%time\nx := answer + 1\nx")
	if valueText(res) != "43" || !strings.Contains(out.stdout(), "Wall time:") {
		t.Errorf("%%%%time: value %q stdout %q", valueText(res), out.stdout())
	}

	res, _ = run(t, in, "%time panic(\"timed\")")
	if res.Err == nil || !strings.Contains(res.Err.Value, "timed") {
		t.Errorf("%%time of a panicking statement: %+v", res.Err)
	}

	for _, code := range []string{"%help", "fmt.Println?", "answer?"} {
		res, _ = mustRun(t, in, code)
		if len(res.Payload) != 1 || res.Payload[0]["source"] != "page" || res.Payload[0]["start"] != 0 {
			t.Fatalf("%s: payload %v, want one page", code, res.Payload)
		}
		data, _ := res.Payload[0]["data"].(map[string]any)
		if text, _ := data["text/plain"].(string); text == "" {
			t.Errorf("%s: empty page", code)
		}
	}

	res, out = mustRun(t, in, "!echo from-shell")
	if !strings.Contains(out.stdout(), "from-shell") {
		t.Errorf("shell output %q", out.stdout())
	}

	res, _ = run(t, in, "%output_limit 1")
	if res.Err == nil {
		t.Error("output_limit without a protocol setter should fail")
	}

	mustRun(t, in, "%reset")
	res, _ = run(t, in, "answer")
	if res.Err == nil {
		t.Error("answer survived the reset")
	}
}

func TestOutputLimitSetter(t *testing.T) {
	var got int64
	in, err := New(Options{SetOutputLimit: func(n int64) error { got = n; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, in, "%output_limit 0.5")
	if got != 1<<19 {
		t.Errorf("limit %d, want %d", got, 1<<19)
	}
}
