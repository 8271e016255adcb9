package physnn

import (
	"strings"
	"testing"
)

func TestRecoverOp(t *testing.T) {
	buggy := func() (result *Tensor) {
		defer recoverOp("buggy", &result)
		var s []int
		_ = s[3] // stands in for a kernel bug
		return Zeros(1)
	}
	got := buggy()
	if err := got.Err(); err == nil || !strings.HasPrefix(err.Error(), "physnn: buggy: internal error (please report): runtime error: index out of range") {
		t.Errorf("Err() = %v, want the recovered panic", err)
	}
	if ok := Ones(2).Add(Ones(2)); ok.Err() != nil {
		t.Errorf("an op that does not panic failed: %v", ok.Err())
	}
}
