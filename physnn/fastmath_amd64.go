//go:build amd64 && !purego

package physnn

// haveSigmoidVec reports whether sigmoidVec runs the AVX2 kernel.
var haveSigmoidVec = haveAVX2

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

// eluVec writes elu32 of a prefix of x into dst as sigmoidVec does; it
// stops before a block holding x ≤ -87 or a NaN.
func eluVec(dst, x []float32, alpha float32) int {
	if !haveSigmoidVec || len(dst) < len(x) {
		return 0
	}
	return eluAVX2(dst, x, alpha)
}

// mulELUDerivVec writes g·eluDeriv32(x, alpha) of a prefix of x into dst
// (len(dst), len(g) ≥ len(x)) as eluVec does.
func mulELUDerivVec(dst, g, x []float32, alpha float32) int {
	if !haveSigmoidVec || len(dst) < len(x) || len(g) < len(x) {
		return 0
	}
	return mulELUDerivAVX2(dst, g, x, alpha)
}
