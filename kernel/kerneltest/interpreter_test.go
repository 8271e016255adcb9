package kerneltest

import (
	"testing"

	"github.com/gophys/gophys/kernel"
)

// The fake must satisfy the contract it stands in for.
var _ kernel.Interpreter = (*Interpreter)(nil)
var _ kernel.Transport = (*Transport)(nil)

func TestFakeIsComplete(t *testing.T) {
	tests := []struct{ code, want string }{
		{"print x", "complete"},
		{"set a {", "incomplete"},
		{") nope", "invalid"},
	}
	in := NewInterpreter()
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			if got := in.IsComplete(tc.code).Status; got != tc.want {
				t.Errorf("IsComplete(%q) = %q, want %q", tc.code, got, tc.want)
			}
		})
	}
}
