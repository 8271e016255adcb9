package assist

import "testing"

// FuzzAssist feeds arbitrary cells and cursors to Complete and Inspect:
// code comes from users mid-edit, so neither may panic, and the completion
// range must stay inside the code.
func FuzzAssist(f *testing.F) {
	for _, seed := range []string{"fmt.Pri", "m.T().At(", "x := mat.NewDense(2, 2, nil)\nx.", `s := "a.b`, "f(a, (b", "))].", "α.β", "var d mat.Dense\nd.", "a, b := c, d\nb."} {
		f.Add(seed, len([]rune(seed)))
	}
	env := testEnv()
	f.Fuzz(func(t *testing.T, code string, cursor int) {
		c := Complete(code, cursor, env)
		n := len([]rune(code))
		if c.CursorStart < 0 || c.CursorStart > c.CursorEnd || c.CursorEnd > n {
			t.Fatalf("range [%d, %d) outside [0, %d]", c.CursorStart, c.CursorEnd, n)
		}
		Inspect(code, cursor, 0, env)
		Inspect(code, cursor, 1, env)
	})
}
