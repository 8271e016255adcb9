//go:build amd64 && !purego

package physnn

import "golang.org/x/sys/cpu"

// haveSigmoidVec reports whether sigmoidVec runs the AVX2 kernel.
var haveSigmoidVec = haveAVX2

// haveAVX512 reports whether eluVec runs its AVX-512 kernel before the
// AVX2 one.
var haveAVX512 = haveAVX2 && cpu.X86.HasAVX512F

// sigmoidAVX2 is implemented in fastmath_amd64.s.
//
//go:noescape
func sigmoidAVX2(dst, x []float32) int

// sigmoidVec writes sigmoid32 of a prefix of x into dst (len(dst) ≥
// len(x)) eight values at a time and returns the prefix's length: it stops
// before the last partial block and before a block holding |x| ≥ 87 or a
// NaN, which the scalar code handles.
func sigmoidVec(dst, x []float32) int {
	if !haveSigmoidVec || len(dst) < len(x) {
		return 0
	}
	return sigmoidAVX2(dst, x)
}

// eluAVX2 and mulELUDerivAVX2 are implemented in fastmath_amd64.s.
//
//go:noescape
func eluAVX2(dst, x []float32, alpha float32) int

//go:noescape
func mulELUDerivAVX2(dst, g, x []float32, alpha float32) int

// eluAVX512 is implemented in fastmath_amd64.s.
//
//go:noescape
func eluAVX512(dst, x []float32, alpha float32) int

// eluVec writes elu32 of a prefix of x into dst as sigmoidVec does; it
// stops before a block holding x ≤ -87 or a NaN. With AVX-512 it runs
// sixteen values at a time and leaves the last block of eight, or the
// first half of a block of sixteen it stopped at, to the AVX2 kernel.
func eluVec(dst, x []float32, alpha float32) int {
	if !haveSigmoidVec || len(dst) < len(x) {
		return 0
	}
	i := 0
	if haveAVX512 {
		i = eluAVX512(dst, x, alpha)
	}
	return i + eluAVX2(dst[i:], x[i:], alpha)
}

// mulELUDerivVec writes g·eluDeriv32(x, alpha) of a prefix of x into dst
// (len(dst), len(g) ≥ len(x)) as eluVec does.
func mulELUDerivVec(dst, g, x []float32, alpha float32) int {
	if !haveSigmoidVec || len(dst) < len(x) || len(g) < len(x) {
		return 0
	}
	return mulELUDerivAVX2(dst, g, x, alpha)
}
