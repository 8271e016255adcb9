package physnn

import "math"

// float32 versions of exp, sigmoid and tanh for the activations of float32
// networks: math.Exp works in float64 and costs several times more than a
// float32 evaluation needs. The float64 path keeps the math package.
// Coefficients are Cephes' single-precision ones (S. L. Moshier, Cephes
// Math Library, expf.c and tanhf.c), accurate to about 1 ulp.

// Constants of exp32's argument reduction x = n·ln 2 + r.
const (
	expLog2e = 1.44269504088896341
	expLn2Hi = 0.693359375 // ln 2 split in two so n·ln2Hi is exact
	expLn2Lo = -2.12194440e-4
	// Adding and subtracting 1.5·2²³ rounds a float32 of magnitude below
	// 2²² to the nearest integer (ties to even) in two additions, cheaper
	// than math.Floor's round trip through float64.
	expRound = 12582912
)

// expParts reduces x (|x| < 87) to e^x = 2^n·(1 + em): it returns em =
// e^r − 1 for the reduced argument |r| ≤ ln 2 / 2, accurate to its last
// bit relative to em itself (the polynomial is Cephes' for (e^r − 1 − r)/r²),
// and the scale s = 2^n. The AVX2 kernels run the same operations in the
// same order.
func expParts(x float32) (em, s float32) {
	n := (expLog2e*x + expRound) - expRound
	r := x - n*expLn2Hi - n*expLn2Lo
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	// Multiply by 2^n through the exponent bits; |n| ≤ 126 here.
	return p*r*r + r, math.Float32frombits(uint32(int32(n)+127) << 23)
}

// exp32 returns e^x. Outside |x| < 87 (where 2^n scaling could leave the
// normal range) and for NaN it defers to math.Exp.
func exp32(x float32) float32 {
	if !(x > -87 && x < 87) {
		return float32(math.Exp(float64(x)))
	}
	em, s := expParts(x)
	return (em + 1) * s
}

// expm1f32 returns e^x − 1, accurate near 0 where exp32(x) − 1 would lose
// the low bits: e^x − 1 = em·2^n + (2^n − 1), and 2^n − 1 is exact for the
// n of |x| < 87 that matter (n = 0 gives em itself). Outside |x| < 87 and
// for NaN it defers to math.Expm1.
func expm1f32(x float32) float32 {
	if !(x > -87 && x < 87) {
		return float32(math.Expm1(float64(x)))
	}
	em, s := expParts(x)
	return em*s + (s - 1)
}

// elu32 returns x for x > 0 and alpha·(e^x − 1) otherwise.
func elu32(x, alpha float32) float32 {
	if x > 0 {
		return x
	}
	return alpha * expm1f32(x)
}

// eluDeriv32 returns the ELU's derivative: 1 for x > 0, alpha·e^x
// otherwise.
func eluDeriv32(x, alpha float32) float32 {
	if x > 0 {
		return 1
	}
	return alpha * exp32(x)
}

// sigmoid32 returns 1/(1+e^-x) without overflow, as e/(1+e) with
// e = e^-|x| ≤ 1 and numerator 1 (x ≥ 0) or e (x < 0). The division runs in
// float64 so only exp32's rounding remains: 87% of results are correctly
// rounded and the rest within 1 ulp. (An all-float32 division doubled the
// 1-ulp share and visibly changed where L1 training settled.) The numerator
// is picked with bit masks, not a branch: the sign of an activation is a
// coin flip the branch predictor loses half the time.
func sigmoid32(x float32) float32 {
	bits := math.Float32bits(x)
	e := float64(exp32(math.Float32frombits(bits | 1<<31))) // e^-|x|
	neg := uint64(int64(int32(bits)) >> 63)                 // all ones when x < 0 (or -0)
	num := math.Float64frombits(oneBits&^neg | math.Float64bits(e)&neg)
	return float32(num / (1 + e))
}

// oneBits is the bit pattern of float64(1).
const oneBits = 0x3ff0000000000000

// tanh32 returns tanh x: a polynomial near 0 (where 1 - 2/(e^2x+1) would
// cancel), the exponential form elsewhere, and ±1 beyond |x| = 9 where
// float32 rounds tanh to 1.
func tanh32(x float32) float32 {
	ax := x
	if ax < 0 {
		ax = -ax
	}
	switch {
	case ax != ax:
		return x
	case ax < 0.625:
		z := x * x
		return ((((-5.70498872745e-3*z+2.06390887954e-2)*z-5.37397155531e-2)*z+1.33314422036e-1)*z-3.33332819422e-1)*z*x + x
	case ax > 9:
		if x < 0 {
			return -1
		}
		return 1
	}
	t := float32(1 - 2/(float64(exp32(2*ax))+1))
	if x < 0 {
		return -t
	}
	return t
}

// fastUnary32 runs the float32 fast paths of unaryLoop; it reports false
// for ops without one.
func fastUnary32(op unop, p float32, dst, x []float32) bool {
	switch op {
	case uReLU:
		relu32(dst, x)
	case uELU:
		elu32s(dst, x, p)
	case uELUDeriv:
		for i, v := range x {
			dst[i] = eluDeriv32(v, p)
		}
	case uExp:
		for i, v := range x {
			dst[i] = exp32(v)
		}
	case uSigmoid:
		sigmoid32s(dst, x)
	case uTanh:
		for i, v := range x {
			dst[i] = tanh32(v)
		}
	default:
		return false
	}
	return true
}

// elu32s writes elu32(x[i], alpha) into dst[i], through the vector kernel
// where the platform has one, as sigmoid32s.
func elu32s(dst, x []float32, alpha float32) {
	x = x[:len(dst)]
	vecThenScalar(dst, x, func(d, x []float32) int { return eluVec(d, x, alpha) }, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			dst[i] = elu32(x[i], alpha)
		}
	})
}

// mulELUDeriv32 sets dst[i] = g[i]·eluDeriv32(x[i], alpha): the gradient
// g through an ELU of input x.
func mulELUDeriv32(dst, g, x []float32, alpha float32) {
	g, x = g[:len(dst)], x[:len(dst)]
	vecThenScalar(dst, x, func(d, x []float32) int { return mulELUDerivVec(d, g[len(dst)-len(d):], x, alpha) },
		func(lo, hi int) {
			for i := lo; i < hi; i++ {
				dst[i] = g[i] * eluDeriv32(x[i], alpha)
			}
		})
}

// vecThenScalar fills dst from x (len(x) ≥ len(dst)): vec handles blocks
// of eight from the start of its arguments and returns how many values it
// wrote, stopping before the last partial block or before a block it
// leaves to the scalar code (values beyond its range, NaN); scalar(lo, hi)
// computes elements [lo, hi). Without a vector kernel scalar does all.
func vecThenScalar(dst, x []float32, vec func(d, x []float32) int, scalar func(lo, hi int)) {
	n := len(dst)
	i := 0
	if haveSigmoidVec {
		for {
			i += vec(dst[i:], x[i:n])
			if n-i < 8 {
				break
			}
			scalar(i, i+8)
			i += 8
		}
	}
	scalar(i, n)
}

// sigmoid32s writes sigmoid32(x[i]) into dst[i]: through the vector kernel
// where the platform has one (AVX2: eight values per step with the same
// float32 operations, so the same results), and the scalar code for the
// rest (a final partial block, and blocks holding |x| ≥ 87 or a NaN).
func sigmoid32s(dst, x []float32) {
	x = x[:len(dst)]
	vecThenScalar(dst, x, sigmoidVec, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			dst[i] = sigmoid32(x[i])
		}
	})
}
