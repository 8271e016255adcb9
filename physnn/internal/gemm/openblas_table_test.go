package gemm

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// BenchmarkGEMMTable prints the `make bench` GEMM table: GFLOP/s of square
// NN products at n = 64, 256 and 1024, float32 and float64, for physnn,
// gonum and OpenBLAS side by side, each as a fraction of the machine's peak
// (peakFlops: detected vector width × measured clock × GOMAXPROCS), and the
// ratio physnn/OpenBLAS. The OpenBLAS column reads "not built" unless the
// test binary is built with `-tags openblas` (make bench BENCH_OPENBLAS=1).
//
// It prints a table rather than benchmark lines, so it runs only when
// PHYSNN_GEMM_TABLE=1 (the Makefile sets it) and does its own timing: the
// best of several batches of at least 50 ms each, because on a shared
// machine the fastest batch is the one least disturbed by other load.
//
// OpenBLAS reads OPENBLAS_CORETYPE and OPENBLAS_NUM_THREADS at load time
// (see package gemm/openblas); the header shows the core and thread count
// it settled on.
func BenchmarkGEMMTable(b *testing.B) {
	if os.Getenv("PHYSNN_GEMM_TABLE") != "1" {
		b.Skip("set PHYSNN_GEMM_TABLE=1 (make bench) to print the GEMM table")
	}
	var out strings.Builder
	fmt.Fprintf(&out, "\nGEMM C = A·B (square, row-major, NN), best of %d batches ≥ 50 ms, the implementations' batches interleaved\n", tableBatches)
	fmt.Fprintf(&out, "CPU: physnn kernels %s / %s, GOMAXPROCS %d, measured clock %.2f GHz\n",
		kernel32.name, kernel64.name, runtime.GOMAXPROCS(0), clockHz()/1e9)
	fmt.Fprintf(&out, "peak: %.0f GFLOP/s float32, %.0f GFLOP/s float64 (2 FMA pipes × vector width × clock × cores)\n",
		peakFlops(false)/1e9, peakFlops(true)/1e9)
	if OpenBLAS != nil {
		fmt.Fprintf(&out, "OpenBLAS: %s; OPENBLAS_CORETYPE=%q\n", OpenBLAS.Name, os.Getenv("OPENBLAS_CORETYPE"))
	} else {
		fmt.Fprintf(&out, "OpenBLAS: not built (make bench BENCH_OPENBLAS=1 needs cgo and libopenblas-dev)\n")
	}
	fmt.Fprintf(&out, "physnn/OpenBLAS: ratio of the best batches, then the median of the per-round ratios\n")
	fmt.Fprintf(&out, "\n| type    |    n | physnn GF/s (%%peak) | gonum GF/s (%%peak) | OpenBLAS GF/s (%%peak) | physnn/OpenBLAS best, median |\n")
	fmt.Fprintf(&out, "|---------|------|---------------------|--------------------|-----------------------|------------------------------|\n")
	for _, double := range []bool{false, true} {
		for _, n := range []int{64, 256, 1024} {
			physnn, gonumImpl, openblas := gemmRunners(double, n)
			rates := interleavedGFlops(n, physnn, gonumImpl, openblas)
			cell := func(gfs []float64) (string, float64) {
				if gfs == nil {
					return "not built", 0
				}
				gf := slices.Max(gfs)
				pct := "?"
				if peak := peakFlops(double); peak > 0 {
					pct = fmt.Sprintf("%.0f%%", 100*gf*1e9/peak)
				}
				return fmt.Sprintf("%7.1f (%s)", gf, pct), gf
			}
			pCell, pGF := cell(rates[0])
			gCell, _ := cell(rates[1])
			oCell, oGF := cell(rates[2])
			ratio := "-"
			if oGF > 0 {
				perRound := make([]float64, len(rates[0]))
				for i := range perRound {
					perRound[i] = rates[0][i] / rates[2][i]
				}
				slices.Sort(perRound)
				ratio = fmt.Sprintf("%.2f, %.2f", pGF/oGF, perRound[len(perRound)/2])
			}
			typ := "float32"
			if double {
				typ = "float64"
			}
			fmt.Fprintf(&out, "| %-7s | %4d | %19s | %18s | %21s | %28s |\n", typ, n, pCell, gCell, oCell, ratio)
		}
	}
	// Straight to stdout: b.Log would indent and prefix every line.
	fmt.Print(out.String())
}

// gemmRunners returns closures computing one n×n×n product with physnn,
// gonum and OpenBLAS (nil when not built) on the same operands.
func gemmRunners(double bool, n int) (physnn, gonumImpl, openblas func()) {
	if double {
		a, b, c := benchOperands[float64](n)
		physnn = func() { Dgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n) }
		gonumImpl = func() {
			gonum.Implementation{}.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n)
		}
		if OpenBLAS != nil {
			openblas = func() { OpenBLAS.Dgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n) }
		}
		return physnn, gonumImpl, openblas
	}
	a, b, c := benchOperands[float32](n)
	physnn = func() { Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n) }
	gonumImpl = func() {
		gonum.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n)
	}
	if OpenBLAS != nil {
		openblas = func() { OpenBLAS.Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n) }
	}
	return physnn, gonumImpl, openblas
}

func benchOperands[T float32 | float64](n int) (a, b, c []T) {
	a, b, c = make([]T, n*n), make([]T, n*n), make([]T, n*n)
	for i := range a {
		a[i], b[i] = T(i%7)-3, T(i%5)-2
	}
	return a, b, c
}

// tableBatches is the number of timed batches per implementation.
const tableBatches = 7

// interleavedGFlops runs one warm-up product per implementation, then
// tableBatches rounds in which each implementation times one batch of at
// least 50 ms, and returns every batch's GFLOP/s per implementation (nil
// for a nil run). Interleaving the batches gives the implementations the
// same share of whatever else the machine is doing.
func interleavedGFlops(n int, runs ...func()) [][]float64 {
	const minBatch = 50 * time.Millisecond
	rates := make([][]float64, len(runs))
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
			calls := 0
			start := time.Now()
			for time.Since(start) < minBatch {
				run()
				calls++
			}
			gf := 2 * float64(n) * float64(n) * float64(n) * float64(calls) / time.Since(start).Seconds() / 1e9
			rates[i] = append(rates[i], gf)
		}
	}
	return rates
}
