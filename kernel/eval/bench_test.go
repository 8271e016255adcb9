package eval

import (
	"context"
	"runtime"
	"testing"
)

// discardOutput is an Output that drops everything, for benchmarks.
type discardOutput struct{ fakeOutput }

func (*discardOutput) Stream(string, []byte) {}

func BenchmarkExecuteTrivial(b *testing.B) {
	in := newTestInterpreter(b)
	out := &discardOutput{}
	ctx := context.Background()
	in.Execute(ctx, "0", out) // wait for the interpreter
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if res := in.Execute(ctx, "1+1", out); res.Err != nil {
			b.Fatal(res.Err)
		}
	}
}

// BenchmarkRetainedPerCell reports the heap each trivial cell leaves behind
// (yaegi keeps every cell's syntax tree; the adapter should add nothing).
func BenchmarkRetainedPerCell(b *testing.B) {
	in := newTestInterpreter(b)
	out := &discardOutput{}
	ctx := context.Background()
	for range 200 {
		in.Execute(ctx, "1+1", out)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		in.Execute(ctx, "1+1", out)
		n++
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(n), "retained-B/cell")
}

func BenchmarkNewInterpreter(b *testing.B) {
	for b.Loop() {
		in, err := New(Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := in.state(); err != nil {
			b.Fatal(err)
		}
	}
}
