package goid

import "testing"

func TestCurrentDiffersAcrossGoroutines(t *testing.T) {
	here := Current()
	if here <= 0 {
		t.Fatalf("Current() = %d, want a positive id", here)
	}
	if again := Current(); again != here {
		t.Errorf("Current() changed on one goroutine: %d then %d", here, again)
	}
	other := make(chan int64)
	go func() { other <- Current() }()
	if id := <-other; id <= 0 || id == here {
		t.Errorf("another goroutine's id = %d, want positive and != %d", id, here)
	}
}
