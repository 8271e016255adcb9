package gemm

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// BenchmarkGEMMTable prints the `make bench` GEMM tables.
//
// The first: GFLOP/s of square NN products at n = 64, 256 and 1024,
// float32 and float64, for physnn, gonum and OpenBLAS side by side, each as
// a fraction of the machine's peak (peakFlops: detected vector width ×
// measured clock × GOMAXPROCS), and the ratio physnn/OpenBLAS. The second:
// the float32 products of a SciNet MLP training step at the paper's size
// (batch 512; layers 50→500→100→100 and a 4→100 decoder input), forward
// and backward, physnn against OpenBLAS, also per CPU-second. The OpenBLAS
// columns read "not built" unless the test binary is built with
// `-tags openblas` (make bench BENCH_OPENBLAS=1).
//
// It prints tables rather than benchmark lines, so it runs only when
// PHYSNN_GEMM_TABLE=1 (the Makefile sets it) and does its own timing (see
// interleaved). PHYSNN_GEMM_TABLE_ONLY=square or =mlp prints one table,
// PHYSNN_GEMM_TABLE_N (say "256,1024") picks the square sizes, and
// PHYSNN_GEMM_TABLE_SHAPES (say "256x256x256,50x500x512/TN") replaces the
// MLP's products in the second table.
//
// OpenBLAS reads OPENBLAS_CORETYPE and OPENBLAS_NUM_THREADS at load time
// (see package gemm/openblas); the header shows the core and thread count
// it settled on.
func BenchmarkGEMMTable(b *testing.B) {
	if os.Getenv("PHYSNN_GEMM_TABLE") != "1" {
		b.Skip("set PHYSNN_GEMM_TABLE=1 (make bench) to print the GEMM table")
	}
	only := os.Getenv("PHYSNN_GEMM_TABLE_ONLY")
	var out strings.Builder
	fmt.Fprintf(&out, "\nGEMM, %d rounds; in each, every implementation times one batch ≥ %v after a %v pause\n",
		tableBatches, minBatch, settle())
	fmt.Fprintf(&out, "CPU: physnn kernels %s / %s, GOMAXPROCS %d, measured clock %.2f GHz\n",
		kernel32.name, kernel64.name, runtime.GOMAXPROCS(0), clockHz()/1e9)
	fmt.Fprintf(&out, "peak: %.0f GFLOP/s float32, %.0f GFLOP/s float64 (2 FMA pipes × vector width × clock × cores)\n",
		peakFlops(false)/1e9, peakFlops(true)/1e9)
	if OpenBLAS != nil {
		fmt.Fprintf(&out, "OpenBLAS: %s; OPENBLAS_CORETYPE=%q\n", OpenBLAS.Name, os.Getenv("OPENBLAS_CORETYPE"))
	} else {
		fmt.Fprintf(&out, "OpenBLAS: not built (make bench BENCH_OPENBLAS=1 needs cgo and libopenblas-dev)\n")
	}
	fmt.Fprintf(&out, "load before: %s\n", loadAverage())
	if only != "mlp" {
		squareTable(&out)
	}
	if only != "square" {
		mlpTable(&out)
	}
	fmt.Fprintf(&out, "load after: %s\n", loadAverage())
	// Straight to stdout: b.Log would indent and prefix every line.
	fmt.Print(out.String())
}

// squareTable writes the table of square NN products.
func squareTable(out *strings.Builder) {
	fmt.Fprintf(out, "\nSquare C = A·B (row-major, NN); physnn/OpenBLAS: ratio of the best batches, then the median of the per-round ratios;\n")
	fmt.Fprintf(out, "/cpu-s: median per-round ratio of GFLOP per CPU-second of the process; p10 call: ratio of the 10th-percentile calls\n")
	fmt.Fprintf(out, "\n| type    |    n | physnn GF/s (%%peak) | gonum GF/s (%%peak) | OpenBLAS GF/s (%%peak) | physnn/OpenBLAS best, median | /cpu-s | p10 call |\n")
	fmt.Fprintf(out, "|---------|------|---------------------|--------------------|-----------------------|------------------------------|--------|----------|\n")
	for _, double := range []bool{false, true} {
		for _, n := range squareSizes() {
			p := product{m: n, n: n, k: n}
			var runs [3]func()
			if double {
				runs = runners[float64](p, Dgemm, gonum.Implementation{}.Dgemm, openblas64())
			} else {
				runs = runners[float32](p, Sgemm, gonum.Implementation{}.Sgemm, openblas32())
			}
			stats := interleaved(p.flops(), runs[:]...)
			cell := func(s batches) (string, float64) {
				if s.gflops == nil {
					return "not built", 0
				}
				gf := slices.Max(s.gflops)
				pct := "?"
				if peak := peakFlops(double); peak > 0 {
					pct = fmt.Sprintf("%.0f%%", 100*gf*1e9/peak)
				}
				return fmt.Sprintf("%7.1f (%s)", gf, pct), gf
			}
			pCell, pGF := cell(stats[0])
			gCell, _ := cell(stats[1])
			oCell, oGF := cell(stats[2])
			ratio, perCPU, fast := "-", "-", "-"
			if oGF > 0 {
				ratio = fmt.Sprintf("%.2f, %.2f", pGF/oGF, medianRatio(stats[0].gflops, stats[2].gflops))
				perCPU = fmt.Sprintf("%.2f", medianRatio(stats[0].perCPU, stats[2].perCPU))
				fast = fmt.Sprintf("%.2f", stats[0].fast/stats[2].fast)
			}
			typ := "float32"
			if double {
				typ = "float64"
			}
			fmt.Fprintf(out, "| %-7s | %4d | %19s | %18s | %21s | %28s | %6s | %8s |\n", typ, n, pCell, gCell, oCell, ratio, perCPU, fast)
		}
	}
}

// squareSizes are the sizes of the square table: 64, 256 and 1024, or
// those listed in PHYSNN_GEMM_TABLE_N.
func squareSizes() []int {
	env := os.Getenv("PHYSNN_GEMM_TABLE_N")
	if env == "" {
		return []int{64, 256, 1024}
	}
	var ns []int
	for _, f := range strings.Split(env, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			ns = append(ns, n)
		}
	}
	return ns
}

// product is one float32 GEMM of the benchmarks: op(A) is m×k, op(B) k×n.
type product struct {
	name           string
	transA, transB bool
	m, n, k        int
}

func (p product) flops() float64 { return 2 * float64(p.m) * float64(p.n) * float64(p.k) }

// mlpProducts are the GEMMs of one training step of the SciNet MLP at the
// paper's size, batch N = 512: x·W (NN) forward, g·Wᵀ (NT) for the input
// gradient and xᵀ·g (TN) for the weight gradient, as physnn's Linear and
// its VJP call them (W stored [In, Out]).
var mlpProducts = []product{
	{"fwd x·W 50→500", false, false, 512, 500, 50},
	{"fwd x·W 500→100", false, false, 512, 100, 500},
	{"fwd x·W 100→100", false, false, 512, 100, 100},
	{"fwd x·W 4→100", false, false, 512, 100, 4},
	{"dx g·Wᵀ 500→100", false, true, 512, 500, 100},
	{"dx g·Wᵀ 100→100", false, true, 512, 100, 100},
	{"dx g·Wᵀ 4→100", false, true, 512, 4, 100},
	{"dW xᵀ·g 50→500", true, false, 50, 500, 512},
	{"dW xᵀ·g 500→100", true, false, 500, 100, 512},
	{"dW xᵀ·g 100→100", true, false, 100, 100, 512},
	{"dW xᵀ·g 4→100", true, false, 4, 100, 512},
}

// mlpProductsOr returns mlpProducts, or the products that env lists as
// "MxNxK" or "MxNxK/TN" (op(A), op(B)), comma-separated.
func mlpProductsOr(env string) []product {
	if env == "" {
		return mlpProducts
	}
	var ps []product
	for _, f := range strings.Split(env, ",") {
		f = strings.TrimSpace(f)
		dims, ops, _ := strings.Cut(f, "/")
		var p product
		if _, err := fmt.Sscanf(dims, "%dx%dx%d", &p.m, &p.n, &p.k); err != nil {
			continue
		}
		p.name, p.transA, p.transB = f, strings.HasPrefix(ops, "T"), strings.HasSuffix(ops, "T") && len(ops) == 2
		ps = append(ps, p)
	}
	return ps
}

// mlpTable writes the table of the MLP's products, physnn against
// OpenBLAS, with medians over the rounds and GFLOP per CPU-second of the
// whole process (which counts packing and helpers waiting or spinning).
func mlpTable(out *strings.Builder) {
	fmt.Fprintf(out, "\nSciNet MLP training step, float32, batch 512: medians over the rounds; /cpu-s = GFLOP per CPU-second of the process;\n")
	fmt.Fprintf(out, "p10 call: GFLOP/s of the 10th-percentile call\n")
	fmt.Fprintf(out, "\n| product          | op |   m ×   n ×   k | physnn GF/s | OpenBLAS GF/s | ratio (median) | physnn GF/cpu-s | OpenBLAS GF/cpu-s | ratio /cpu-s | p10 call physnn, OpenBLAS, ratio |\n")
	fmt.Fprintf(out, "|------------------|----|-----------------|-------------|---------------|----------------|-----------------|-------------------|--------------|----------------------------------|\n")
	for _, p := range mlpProductsOr(os.Getenv("PHYSNN_GEMM_TABLE_SHAPES")) {
		runs := runners[float32](p, Sgemm, gonum.Implementation{}.Sgemm, openblas32())
		stats := interleaved(p.flops(), runs[0], nil, runs[2])
		op := map[bool]string{false: "N", true: "T"}
		row := fmt.Sprintf("| %-16s | %-2s | %4d × %3d × %3d | %11.1f |", p.name, op[p.transA]+op[p.transB],
			p.m, p.n, p.k, median(stats[0].gflops))
		if stats[2].gflops == nil {
			row += fmt.Sprintf(" %13s | %14s | %15.1f | %17s | %12s | %32.1f |", "not built", "-", median(stats[0].perCPU), "not built", "-", stats[0].fast)
		} else {
			fast := fmt.Sprintf("%.1f, %.1f, %.2f", stats[0].fast, stats[2].fast, stats[0].fast/stats[2].fast)
			row += fmt.Sprintf(" %13.1f | %14.2f | %15.1f | %17.1f | %12.2f | %32s |", median(stats[2].gflops),
				medianRatio(stats[0].gflops, stats[2].gflops), median(stats[0].perCPU), median(stats[2].perCPU),
				medianRatio(stats[0].perCPU, stats[2].perCPU), fast)
		}
		fmt.Fprintln(out, row)
	}
}

// gemmFunc is the signature of Sgemm, Dgemm and the backends' functions.
type gemmFunc[T float32 | float64] func(transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)

// blasFunc is the signature of gonum's Sgemm and Dgemm.
type blasFunc[T float32 | float64] func(tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)

func openblas32() gemmFunc[float32] {
	if OpenBLAS == nil {
		return nil
	}
	return OpenBLAS.Sgemm
}

func openblas64() gemmFunc[float64] {
	if OpenBLAS == nil {
		return nil
	}
	return OpenBLAS.Dgemm
}

// runners returns closures computing product p with physnn, gonum and
// OpenBLAS (nil where a function is nil) on the same operands, C = A·B.
func runners[T float32 | float64](p product, physnn gemmFunc[T], gonumImpl blasFunc[T], openblas gemmFunc[T]) [3]func() {
	lda, ldb := p.k, p.n
	if p.transA {
		lda = p.m
	}
	if p.transB {
		ldb = p.k
	}
	a, b, c := make([]T, p.m*p.k), make([]T, p.k*p.n), make([]T, p.m*p.n)
	for i := range a {
		a[i] = T(i%7) - 3
	}
	for i := range b {
		b[i] = T(i%5) - 2
	}
	var runs [3]func()
	runs[0] = func() { physnn(p.transA, p.transB, p.m, p.n, p.k, 1, a, lda, b, ldb, 0, c, p.n) }
	if gonumImpl != nil {
		runs[1] = func() {
			gonumImpl(transpose(p.transA), transpose(p.transB), p.m, p.n, p.k, 1, a, lda, b, ldb, 0, c, p.n)
		}
	}
	if openblas != nil {
		runs[2] = func() { openblas(p.transA, p.transB, p.m, p.n, p.k, 1, a, lda, b, ldb, 0, c, p.n) }
	}
	return runs
}

// tableBatches is the number of rounds; minBatch the least time of a batch.
const (
	tableBatches = 7
	minBatch     = 50 * time.Millisecond
)

// settle is the pause before each batch, so that the previous batch's
// helper threads have gone idle: physnn's spin for 50 µs after a job, and
// OpenBLAS's (measured here: under 0.2 ms of CPU in the 5 ms after a batch
// of 256³ products) park as quickly. It is 0 without OpenBLAS.
func settle() time.Duration {
	if OpenBLAS == nil {
		return 0
	}
	return 5 * time.Millisecond
}

// batches are one implementation's per-batch rates, GFLOP/s and GFLOP per
// CPU-second of the process, and fast, the GFLOP/s of its 10th-percentile
// call (of all batches): on a loaded machine most batches lose time to
// other processes, and the fastest calls show the speed without them.
type batches struct {
	gflops, perCPU []float64
	fast           float64
}

// interleaved runs one warm-up product per implementation, then
// tableBatches rounds in which each implementation times one batch of at
// least minBatch after a settle pause, and returns every batch's rates per
// implementation (empty for a nil run). Interleaving the batches gives the
// implementations the same share of whatever else the machine is doing.
func interleaved(flops float64, runs ...func()) []batches {
	stats := make([]batches, len(runs))
	calls := make([][]time.Duration, len(runs))
	for _, run := range runs {
		if run != nil {
			run()
		}
	}
	for range tableBatches {
		for i, run := range runs {
			if run == nil {
				continue
			}
			time.Sleep(settle())
			cpu0, start := processCPUTime(), time.Now()
			n, last := 0, start
			for last.Sub(start) < minBatch {
				run()
				now := time.Now()
				calls[i] = append(calls[i], now.Sub(last))
				n, last = n+1, now
			}
			wall, cpu := last.Sub(start).Seconds(), (processCPUTime() - cpu0).Seconds()
			work := flops * float64(n) / 1e9
			stats[i].gflops = append(stats[i].gflops, work/wall)
			if cpu > 0 {
				stats[i].perCPU = append(stats[i].perCPU, work/cpu)
			}
		}
	}
	for i, ds := range calls {
		if len(ds) > 0 {
			slices.Sort(ds)
			stats[i].fast = flops / ds[len(ds)/10].Seconds() / 1e9
		}
	}
	return stats
}

// median returns the median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	return s[len(s)/2]
}

// medianRatio is the median over the rounds of a[i]/b[i].
func medianRatio(a, b []float64) float64 {
	r := make([]float64, min(len(a), len(b)))
	for i := range r {
		r[i] = a[i] / b[i]
	}
	return median(r)
}

// loadAverage is /proc/loadavg's first three fields, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
