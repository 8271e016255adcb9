//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

//go:generate go run gen_kernels.go

// Assembly micro-kernels (kernels_amd64.s). The AVX-512 tiles use 24 of the
// 32 ZMM registers as accumulators (12 rows × 2 vectors); the AVX2 tiles 12
// of the 16 YMM registers (6 rows × 2 vectors). Each comes in four
// variants: packed A and B panels, A read from its rows in place (RowA), B
// read from its rows in place (RowB), and both in place (RowAB).

//go:noescape
func kernelS12x32AVX512(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kernelS12x32AVX512RowA(k int, a, b, c *float32, ldc int, alpha, beta float32, lda int)

//go:noescape
func kernelS8x32AVX512(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kernelS8x32AVX512RowA(k int, a, b, c *float32, ldc int, alpha, beta float32, lda int)

//go:noescape
func kernelS8x32AVX512RowB(k int, a, b, c *float32, ldc int, alpha, beta float32, ldb int)

//go:noescape
func kernelS8x32AVX512RowAB(k int, a, b, c *float32, ldc int, alpha, beta float32, lda, ldb int)

//go:noescape
func kernelD12x16AVX512(k int, a, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kernelD12x16AVX512RowA(k int, a, b, c *float64, ldc int, alpha, beta float64, lda int)

//go:noescape
func kernelS6x16AVX2(k int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func kernelS6x16AVX2RowA(k int, a, b, c *float32, ldc int, alpha, beta float32, lda int)

//go:noescape
func kernelD6x8AVX2(k int, a, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kernelD6x8AVX2RowA(k int, a, b, c *float64, ldc int, alpha, beta float64, lda int)

//go:noescape
func kernelS12x32AVX512RowB(k int, a, b, c *float32, ldc int, alpha, beta float32, ldb int)

//go:noescape
func kernelS12x32AVX512RowAB(k int, a, b, c *float32, ldc int, alpha, beta float32, lda, ldb int)

//go:noescape
func kernelD12x16AVX512RowB(k int, a, b, c *float64, ldc int, alpha, beta float64, ldb int)

//go:noescape
func kernelD12x16AVX512RowAB(k int, a, b, c *float64, ldc int, alpha, beta float64, lda, ldb int)

//go:noescape
func kernelS6x16AVX2RowB(k int, a, b, c *float32, ldc int, alpha, beta float32, ldb int)

//go:noescape
func kernelS6x16AVX2RowAB(k int, a, b, c *float32, ldc int, alpha, beta float32, lda, ldb int)

//go:noescape
func kernelD6x8AVX2RowB(k int, a, b, c *float64, ldc int, alpha, beta float64, ldb int)

//go:noescape
func kernelD6x8AVX2RowAB(k int, a, b, c *float64, ldc int, alpha, beta float64, lda, ldb int)

// Half-width kernels (one vector per row) reading B with a row stride, for
// a partial last panel of at most nr/2 columns (see kernel.halfB).

//go:noescape
func kernelS12x16AVX512RowB(k int, a, b, c *float32, ldc int, alpha, beta float32, ldb int)

//go:noescape
func kernelS12x16AVX512RowAB(k int, a, b, c *float32, ldc int, alpha, beta float32, lda, ldb int)

//go:noescape
func kernelS8x16AVX512RowB(k int, a, b, c *float32, ldc int, alpha, beta float32, ldb int)

//go:noescape
func kernelS8x16AVX512RowAB(k int, a, b, c *float32, ldc int, alpha, beta float32, lda, ldb int)

//go:noescape
func kernelD12x8AVX512RowB(k int, a, b, c *float64, ldc int, alpha, beta float64, ldb int)

//go:noescape
func kernelD12x8AVX512RowAB(k int, a, b, c *float64, ldc int, alpha, beta float64, lda, ldb int)

//go:noescape
func kernelS6x8AVX2RowB(k int, a, b, c *float32, ldc int, alpha, beta float32, ldb int)

//go:noescape
func kernelS6x8AVX2RowAB(k int, a, b, c *float32, ldc int, alpha, beta float32, lda, ldb int)

//go:noescape
func kernelD6x4AVX2RowB(k int, a, b, c *float64, ldc int, alpha, beta float64, ldb int)

//go:noescape
func kernelD6x4AVX2RowAB(k int, a, b, c *float64, ldc int, alpha, beta float64, lda, ldb int)

// Variants reading Aᵀ in place: its k steps lda apart (see kernel.fnColA).

//go:noescape
func kernelS12x32AVX512ColA(k int, a, b, c *float32, ldc int, alpha, beta float32, lda int)

//go:noescape
func kernelS12x32AVX512ColAB(k int, a, b, c *float32, ldc int, alpha, beta float32, lda, ldb int)

//go:noescape
func kernelS8x32AVX512ColA(k int, a, b, c *float32, ldc int, alpha, beta float32, lda int)

//go:noescape
func kernelS8x32AVX512ColAB(k int, a, b, c *float32, ldc int, alpha, beta float32, lda, ldb int)

//go:noescape
func kernelD12x16AVX512ColA(k int, a, b, c *float64, ldc int, alpha, beta float64, lda int)

//go:noescape
func kernelD12x16AVX512ColAB(k int, a, b, c *float64, ldc int, alpha, beta float64, lda, ldb int)

//go:noescape
func kernelS6x16AVX2ColA(k int, a, b, c *float32, ldc int, alpha, beta float32, lda int)

//go:noescape
func kernelS6x16AVX2ColAB(k int, a, b, c *float32, ldc int, alpha, beta float32, lda, ldb int)

//go:noescape
func kernelD6x8AVX2ColA(k int, a, b, c *float64, ldc int, alpha, beta float64, lda int)

//go:noescape
func kernelD6x8AVX2ColAB(k int, a, b, c *float64, ldc int, alpha, beta float64, lda, ldb int)

//go:noescape
func kernelS12x16AVX512ColAB(k int, a, b, c *float32, ldc int, alpha, beta float32, lda, ldb int)

//go:noescape
func kernelS8x16AVX512ColAB(k int, a, b, c *float32, ldc int, alpha, beta float32, lda, ldb int)

//go:noescape
func kernelD12x8AVX512ColAB(k int, a, b, c *float64, ldc int, alpha, beta float64, lda, ldb int)

//go:noescape
func kernelS6x8AVX2ColAB(k int, a, b, c *float32, ldc int, alpha, beta float32, lda, ldb int)

//go:noescape
func kernelD6x4AVX2ColAB(k int, a, b, c *float64, ldc int, alpha, beta float64, lda, ldb int)

// The 8-row float64 kernels (the short twin of the 12×16 one).

//go:noescape
func kernelD8x16AVX512(k int, a, b, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kernelD8x16AVX512RowA(k int, a, b, c *float64, ldc int, alpha, beta float64, lda int)

//go:noescape
func kernelD8x16AVX512RowB(k int, a, b, c *float64, ldc int, alpha, beta float64, ldb int)

//go:noescape
func kernelD8x16AVX512RowAB(k int, a, b, c *float64, ldc int, alpha, beta float64, lda, ldb int)

//go:noescape
func kernelD8x16AVX512ColA(k int, a, b, c *float64, ldc int, alpha, beta float64, lda int)

//go:noescape
func kernelD8x16AVX512ColAB(k int, a, b, c *float64, ldc int, alpha, beta float64, lda, ldb int)

//go:noescape
func kernelD8x8AVX512RowB(k int, a, b, c *float64, ldc int, alpha, beta float64, ldb int)

//go:noescape
func kernelD8x8AVX512RowAB(k int, a, b, c *float64, ldc int, alpha, beta float64, lda, ldb int)

//go:noescape
func kernelD8x8AVX512ColAB(k int, a, b, c *float64, ldc int, alpha, beta float64, lda, ldb int)

func clockLoop(n int) int

var (
	avx512Kernel32   = kernel[float32]{name: "avx512-12x32", mr: 12, nr: 32, fn: kernelS12x32AVX512, fnRowA: kernelS12x32AVX512RowA, fnRowB: kernelS12x32AVX512RowB, fnRowAB: kernelS12x32AVX512RowAB, halfB: kernelS12x16AVX512RowB, halfAB: kernelS12x16AVX512RowAB, fnColA: kernelS12x32AVX512ColA, fnColAB: kernelS12x32AVX512ColAB, halfColAB: kernelS12x16AVX512ColAB, kc: 256, mc: 192}
	avx512Kernel32x8 = kernel[float32]{name: "avx512-8x32", mr: 8, nr: 32, fn: kernelS8x32AVX512, fnRowA: kernelS8x32AVX512RowA, fnRowB: kernelS8x32AVX512RowB, fnRowAB: kernelS8x32AVX512RowAB, halfB: kernelS8x16AVX512RowB, halfAB: kernelS8x16AVX512RowAB, fnColA: kernelS8x32AVX512ColA, fnColAB: kernelS8x32AVX512ColAB, halfColAB: kernelS8x16AVX512ColAB, kc: 256, mc: 192}
	avx512Kernel64   = kernel[float64]{name: "avx512-12x16", mr: 12, nr: 16, fn: kernelD12x16AVX512, fnRowA: kernelD12x16AVX512RowA, fnRowB: kernelD12x16AVX512RowB, fnRowAB: kernelD12x16AVX512RowAB, halfB: kernelD12x8AVX512RowB, halfAB: kernelD12x8AVX512RowAB, fnColA: kernelD12x16AVX512ColA, fnColAB: kernelD12x16AVX512ColAB, halfColAB: kernelD12x8AVX512ColAB, kc: 256, mc: 96}
	avx512Kernel64x8 = kernel[float64]{name: "avx512-8x16", mr: 8, nr: 16, fn: kernelD8x16AVX512, fnRowA: kernelD8x16AVX512RowA, fnRowB: kernelD8x16AVX512RowB, fnRowAB: kernelD8x16AVX512RowAB, halfB: kernelD8x8AVX512RowB, halfAB: kernelD8x8AVX512RowAB, fnColA: kernelD8x16AVX512ColA, fnColAB: kernelD8x16AVX512ColAB, halfColAB: kernelD8x8AVX512ColAB, kc: 256, mc: 96}
	avx2Kernel32     = kernel[float32]{name: "avx2-6x16", mr: 6, nr: 16, fn: kernelS6x16AVX2, fnRowA: kernelS6x16AVX2RowA, fnRowB: kernelS6x16AVX2RowB, fnRowAB: kernelS6x16AVX2RowAB, halfB: kernelS6x8AVX2RowB, halfAB: kernelS6x8AVX2RowAB, fnColA: kernelS6x16AVX2ColA, fnColAB: kernelS6x16AVX2ColAB, halfColAB: kernelS6x8AVX2ColAB, kc: 256, mc: 96}
	avx2Kernel64     = kernel[float64]{name: "avx2-6x8", mr: 6, nr: 8, fn: kernelD6x8AVX2, fnRowA: kernelD6x8AVX2RowA, fnRowB: kernelD6x8AVX2RowB, fnRowAB: kernelD6x8AVX2RowAB, halfB: kernelD6x4AVX2RowB, halfAB: kernelD6x4AVX2RowAB, fnColA: kernelD6x8AVX2ColA, fnColAB: kernelD6x8AVX2ColAB, halfColAB: kernelD6x4AVX2ColAB, kc: 256, mc: 72}
)

// hasAVX512 and hasAVX2 report the CPU features the kernels need; the OS
// must also save the wider registers, which x/sys/cpu folds into its flags.
var (
	hasAVX512 = cpu.X86.HasAVX512F
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
)

// availableKernels32 lists the float32 kernels this CPU can run, fastest
// first; the tests run every one of them.
func availableKernels32() []kernel[float32] {
	var ks []kernel[float32]
	if hasAVX512 {
		long, short := sized(avx512Kernel32), sized(avx512Kernel32x8)
		long.short = &short
		ks = append(ks, long, short)
	}
	if hasAVX2 {
		ks = append(ks, sized(avx2Kernel32))
	}
	return append(ks, sized(portable32))
}

// availableKernels64 is the float64 twin of availableKernels32.
func availableKernels64() []kernel[float64] {
	var ks []kernel[float64]
	if hasAVX512 {
		long, short := sized(avx512Kernel64), sized(avx512Kernel64x8)
		long.short = &short
		ks = append(ks, long, short)
	}
	if hasAVX2 {
		ks = append(ks, sized(avx2Kernel64))
	}
	return append(ks, sized(portable64))
}

// flopsPerCycle is the float32 and float64 peak of one core, assuming two
// FMA pipes of the widest vector (two 512-bit FMA units on Zen 5 and on
// Sapphire Rapids Xeons; some low-end Intel parts have one, which halves
// the true peak).
func flopsPerCycle() (f32, f64 float64) {
	switch {
	case hasAVX512:
		return 2 * 16 * 2, 2 * 8 * 2
	case hasAVX2:
		return 2 * 8 * 2, 2 * 4 * 2
	}
	return 2 * 4 * 2, 2 * 2 * 2 // SSE2: two 128-bit add/mul pipes
}

// cycleChain runs n iterations of 8 dependent 3-cycle multiplies (24·n
// cycles) and returns a nonzero value.
func cycleChain(n int) int { return clockLoop(n) }
