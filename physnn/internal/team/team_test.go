package team

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophys/gophys/physnn/internal/gemm/cputime"
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

// signal is a Job that closes its channel.
type signal chan struct{}

func (s signal) Help() { close(s) }

// withSpin sets spinFor for one test.
func withSpin(t *testing.T, d time.Duration) {
	saved := spinFor.Swap(int64(d))
	t.Cleanup(func() { spinFor.Store(saved) })
}

// spinningHelper waits up to a second for a kept helper to spin and
// reports whether one did.
func spinningHelper() bool {
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Microsecond) {
		for i := range int(keptN.Load()) {
			if kept[i].Load().state.Load() == spinning {
				return true
			}
		}
	}
	return false
}

func TestSpinningHelperTakesTheNextJob(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	withSpin(t, 10*time.Second) // long enough for a loaded machine
	first := make(signal)
	Dispatch(first)
	<-first
	if !spinningHelper() {
		t.Fatal("no helper spins after its job")
	}
	second := make(signal)
	if !handToSpinning(second) {
		t.Fatal("a helper spins, but handToSpinning did not hand it the job")
	}
	select {
	case <-second:
	case <-time.After(10 * time.Second):
		t.Fatal("the spinning helper did not run the job")
	}
}

func TestIdleHelpersStopSpinning(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	withSpin(t, time.Millisecond)
	for range 100 {
		Run(64, 4, noop{})
	}
	// Every helper parks within spinFor of its last job, give or take the
	// scheduling of a loaded machine.
	deadline := time.Now().Add(5 * time.Second)
	for i := 0; i < int(keptN.Load()); {
		switch st := kept[i].Load().state.Load(); {
		case st == parked:
			i++
		case time.Now().After(deadline):
			t.Fatalf("helper %d still in state %d after 5 s idle", i, st)
		default:
			time.Sleep(time.Millisecond)
		}
	}
	// And then they burn no CPU: spinning helpers would use ~2 CPU-seconds
	// per second here.
	cpu := cputime.Process()
	time.Sleep(200 * time.Millisecond)
	if used := cputime.Process() - cpu; used > 50*time.Millisecond {
		t.Errorf("idle process used %v of CPU in 200 ms", used)
	}
}

func TestDispatchConcurrent(t *testing.T) {
	// Many goroutines hand out jobs at once, to spinning, parked and new
	// helpers; each job must run exactly once (run with -race).
	withSpin(t, 20*time.Microsecond)
	const senders, jobs = 8, 200
	var ran [senders * jobs]atomic.Int32
	var wg sync.WaitGroup
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				done := make(chan struct{})
				Dispatch(countJob{&ran[s*jobs+i], done})
				if i%3 == 0 {
					<-done // sometimes wait, so helpers go idle and spin
				}
			}
		}()
	}
	wg.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for i := range ran {
		for ran[i].Load() == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if n := ran[i].Load(); n != 1 {
			t.Fatalf("job %d ran %d times", i, n)
		}
	}
}

// countJob counts its runs and closes done.
type countJob struct {
	n    *atomic.Int32
	done chan struct{}
}

func (j countJob) Help() {
	j.n.Add(1)
	close(j.done)
}

func TestEventWait(t *testing.T) {
	for _, spin := range []time.Duration{0, time.Millisecond, time.Second} {
		t.Run(spin.String(), func(t *testing.T) {
			withSpin(t, spin)
			var e Event
			var flag atomic.Bool
			returned := make(chan struct{})
			go func() {
				e.Wait(flag.Load)
				close(returned)
			}()
			time.Sleep(5 * time.Millisecond) // let it spin, or park
			select {
			case <-returned:
				t.Fatal("Wait returned before the condition held")
			default:
			}
			flag.Store(true)
			e.Broadcast()
			select {
			case <-returned:
			case <-time.After(10 * time.Second):
				t.Fatal("Wait did not return after Broadcast")
			}
		})
	}
}
