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
func BenchmarkRetainedPerCell(b *testing.B) { benchmarkRetained(b, "", "1+1") }

// BenchmarkRetainedPerDefine is the same for a cell that redefines a
// variable, the baseline of BenchmarkRetainedPerGenericDefine.
func BenchmarkRetainedPerDefine(b *testing.B) {
	benchmarkRetained(b, "xs := []float64{1, 3, 2}", "hi := xs[1]")
}

// BenchmarkRetainedPerGenericDefine is the same for a cell that the generic
// define rewrite splits in two.
func BenchmarkRetainedPerGenericDefine(b *testing.B) {
	benchmarkRetained(b, "xs := []float64{1, 3, 2}", "hi := slices.Max(xs)")
}

func benchmarkRetained(b *testing.B, setup, code string) {
	in := newTestInterpreter(b)
	out := &discardOutput{}
	ctx := context.Background()
	if setup != "" {
		if res := in.Execute(ctx, setup, out); res.Err != nil {
			b.Fatal(res.Err)
		}
	}
	for range 200 {
		in.Execute(ctx, code, out)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		if res := in.Execute(ctx, code, out); res.Err != nil {
			b.Fatal(res.Err)
		}
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
