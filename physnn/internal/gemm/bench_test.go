package gemm

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// clockHz measures the core clock once per test binary from a chain of
// dependent 3-cycle multiplies (24 cycles per iteration). The TSC-based MHz
// in /proc/cpuinfo is not the clock the cores run at under turbo, hence the
// measurement. The machine is shared, so it times many short samples
// (~1 ms each) and keeps the fastest: a sample that was not preempted.
// It is 0 where no chain exists.
var clockHz = sync.OnceValue(func() float64 {
	const iters, samples = 100_000, 300
	if cycleChain(1) == 0 {
		return 0
	}
	best := time.Duration(1 << 62)
	for range samples {
		start := time.Now()
		cycleChain(iters)
		best = min(best, time.Since(start))
	}
	return 24 * iters / best.Seconds()
})

// peakFlops is the machine's peak: per-core FLOP/cycle for the widest FMA
// (see flopsPerCycle for the two-FMA-pipe assumption) × measured clock ×
// GOMAXPROCS cores.
func peakFlops(double bool) float64 {
	f32, f64 := flopsPerCycle()
	perCycle := f32
	if double {
		perCycle = f64
	}
	return perCycle * clockHz() * float64(runtime.GOMAXPROCS(0))
}

// BenchmarkGemm times square NN products C = A·B for physnn and gonum in
// the same run, reporting GFLOP/s and the fraction of the machine's peak.
func BenchmarkGemm(b *testing.B) {
	b.Logf("kernels %s / %s, GOMAXPROCS %d, clock %.2f GHz, peak %.0f GFLOP/s float32, %.0f float64",
		kernel32.name, kernel64.name, runtime.GOMAXPROCS(0), clockHz()/1e9, peakFlops(false)/1e9, peakFlops(true)/1e9)
	for _, n := range []int{64, 256, 1024} {
		a32, b32, c32 := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
		a64, b64, c64 := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
		for i := range a32 {
			a32[i], b32[i] = float32(i%7)-3, float32(i%5)-2
			a64[i], b64[i] = float64(a32[i]), float64(b32[i])
		}
		impls := []struct {
			name   string
			double bool
			run    func()
		}{
			{"f32/physnn", false, func() { Sgemm(false, false, n, n, n, 1, a32, n, b32, n, 0, c32, n) }},
			{"f32/gonum", false, func() {
				gonum.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a32, n, b32, n, 0, c32, n)
			}},
			{"f64/physnn", true, func() { Dgemm(false, false, n, n, n, 1, a64, n, b64, n, 0, c64, n) }},
			{"f64/gonum", true, func() {
				gonum.Implementation{}.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a64, n, b64, n, 0, c64, n)
			}},
		}
		for _, im := range impls {
			b.Run(fmt.Sprintf("%s/n=%d", im.name, n), func(b *testing.B) {
				cpuStart := processCPUTime()
				for b.Loop() {
					im.run()
				}
				cpu := (processCPUTime() - cpuStart).Seconds()
				work := 2 * float64(n) * float64(n) * float64(n) * float64(b.N)
				flops := work / b.Elapsed().Seconds()
				b.ReportMetric(flops/1e9, "GFLOP/s")
				if peak := peakFlops(im.double); peak > 0 {
					b.ReportMetric(100*flops/peak, "%peak")
					// On a shared machine the wall-clock figure drops with
					// other load; the work per CPU-second this process got,
					// against one core's peak, shows the code's own
					// efficiency (it counts packing and waiting goroutines).
					if cpu > 0 {
						perCore := peak / float64(runtime.GOMAXPROCS(0))
						b.ReportMetric(100*work/cpu/perCore, "%peak/cpu-s")
					}
				}
				b.ReportMetric(0, "ns/op") // GFLOP/s says it better
			})
		}
	}
}

// BenchmarkMicroKernel times each micro-kernel alone on one core with its
// packed panels in L1 (k = 256), the ceiling the blocked driver can
// approach; %peak is against one core's peak.
func BenchmarkMicroKernel(b *testing.B) {
	f32, f64 := flopsPerCycle()
	for _, kern := range availableKernels32() {
		b.Run("f32/"+kern.name, func(b *testing.B) { benchKernel(b, kern, f32) })
	}
	for _, kern := range availableKernels64() {
		b.Run("f64/"+kern.name, func(b *testing.B) { benchKernel(b, kern, f64) })
	}
}

func benchKernel[T float32 | float64](b *testing.B, kern kernel[T], flopsPerCycle float64) {
	const k = 256
	a := make([]T, kern.mr*k)
	bp := make([]T, kern.nr*k)
	c := make([]T, kern.mr*kern.nr)
	for b.Loop() {
		kern.fn(k, &a[0], &bp[0], &c[0], kern.nr, 1, 1)
	}
	flops := 2 * float64(kern.mr*kern.nr*k) * float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(flops/1e9, "GFLOP/s")
	if peak := flopsPerCycle * clockHz(); peak > 0 {
		b.ReportMetric(100*flops/peak, "%peak")
	}
}
