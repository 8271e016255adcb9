package eval

import (
	"slices"
	"strings"
	"testing"
)

func TestCompleteAndInspect(t *testing.T) {
	in := newTestInterpreter(t)
	mustRun(t, in, "// Energy is the kinetic energy of mass m at speed v.\nfunc Energy(m, v float64) float64 { return m * v * v / 2 }\nmyVariable := 3\ntype Body struct{ Mass float64 }\nfunc (b Body) Weight() float64 { return b.Mass * 9.81 }\nbody := Body{2}")

	completions := []struct {
		code string
		want string
	}{
		{"myVar", "myVariable"},
		{"fmt.Printl", "Println"},
		{"Ener", "Energy"},
		{"body.We", "Weight"},
		{"mat.NewDen", "NewDense"},
	}
	for _, c := range completions {
		t.Run("complete "+c.code, func(t *testing.T) {
			got := in.Complete(c.code, len([]rune(c.code)))
			if !slices.Contains(got.Matches, c.want) {
				t.Errorf("Complete(%q) = %v, want %q among them", c.code, got.Matches, c.want)
			}
		})
	}

	inspections := []struct {
		code string
		want string
	}{
		{"Energy", "kinetic energy"},
		{"math.Sqrt", "Sqrt"},
		{"myVariable", "int"},
	}
	for _, c := range inspections {
		t.Run("inspect "+c.code, func(t *testing.T) {
			got := in.Inspect(c.code, len([]rune(c.code)), 0)
			text, _ := got.Data["text/plain"].(string)
			if !got.Found || !strings.Contains(text, c.want) {
				t.Errorf("Inspect(%q) = %v %q, want text with %q", c.code, got.Found, text, c.want)
			}
		})
	}

	res, _ := mustRun(t, in, "Energy?")
	if len(res.Payload) != 1 {
		t.Fatalf("Energy? payload %v", res.Payload)
	}
	if text := res.Payload[0]["data"].(map[string]any)["text/plain"].(string); !strings.Contains(text, "kinetic energy") {
		t.Errorf("Energy? page %q lacks the doc comment", text)
	}
}
