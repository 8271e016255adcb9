package team

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// counter is a Body that counts the visits of every item.
type counter struct {
	seen   []atomic.Int32
	chunks []atomic.Int32
}

func (c *counter) Chunk(ch, lo, hi int) {
	c.chunks[ch].Add(1)
	for i := lo; i < hi; i++ {
		c.seen[i].Add(1)
	}
}

func TestRunCoversEveryItemOnce(t *testing.T) {
	for _, tc := range []struct{ n, p int }{{0, 1}, {1, 4}, {5, 2}, {7, 3}, {1000, 2}, {1000, 16}, {3, 8}} {
		c := &counter{seen: make([]atomic.Int32, tc.n), chunks: make([]atomic.Int32, max(tc.p, 1))}
		Run(tc.n, tc.p, c)
		for i := range c.seen {
			if v := c.seen[i].Load(); v != 1 {
				t.Fatalf("n=%d p=%d: item %d visited %d times", tc.n, tc.p, i, v)
			}
		}
		for ch := range c.chunks {
			if v := c.chunks[ch].Load(); v > 1 {
				t.Fatalf("n=%d p=%d: chunk %d ran %d times", tc.n, tc.p, ch, v)
			}
		}
	}
}

func TestRunReraisesPanicInCaller(t *testing.T) {
	for range 20 { // the panicking chunk runs on the caller or on a helper
		func() {
			defer func() {
				if r := recover(); r != "chunk 1 failed" {
					t.Fatalf("recovered %v, want the chunk's panic", r)
				}
			}()
			Run(4, 2, Func(func(c, lo, hi int) {
				if c == 1 {
					panic("chunk 1 failed")
				}
			}))
			t.Fatal("Run returned normally")
		}()
	}
	// The team still works after panics.
	c := &counter{seen: make([]atomic.Int32, 100), chunks: make([]atomic.Int32, 4)}
	Run(100, 4, c)
	for i := range c.seen {
		if c.seen[i].Load() != 1 {
			t.Fatalf("after panics: item %d visited %d times", i, c.seen[i].Load())
		}
	}
}

func TestRunNested(t *testing.T) {
	var total atomic.Int64
	Run(8, 4, Func(func(_, lo, hi int) {
		Run(100, 3, Func(func(_, lo2, hi2 int) { total.Add(int64((hi - lo) * (hi2 - lo2))) }))
	}))
	if got := total.Load(); got != 800 {
		t.Fatalf("nested runs summed %d, want 800", got)
	}
}

// noop is a Body without state.
type noop struct{}

func (noop) Chunk(_, _, _ int) {}

func TestRunAllocatesNothing(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
		defer runtime.GOMAXPROCS(1)
	}
	// An empty body is the worst case: the caller runs ahead of its
	// helpers, so loops wait in the queue for a late helper to release
	// them. Warming up lets the helpers and the free list reach their
	// steady size; on a busy machine a burst of lateness can still add a
	// few loops, which the bound leaves room for (starting a goroutine per
	// call, the old way, is two or more allocations per call).
	var b noop
	for range 1000 {
		Run(64, 2, b)
	}
	if got := testing.AllocsPerRun(1000, func() { Run(64, 2, b) }); got > 0.1 {
		t.Errorf("Run allocates %.3f times per call, want 0", got)
	}
}

func BenchmarkRun(b *testing.B) {
	var body noop
	b.ReportAllocs()
	for b.Loop() {
		Run(64, 2, body)
	}
}
