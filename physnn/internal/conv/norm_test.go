package conv

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

type normCase struct {
	name    string
	n, c, s int
	affine  bool
}

var normCases = []normCase{
	{"images_n3_c2_5x7", 3, 2, 35, true},
	{"features_n5_c4", 5, 4, 1, true},
	{"no_affine_n2_c3_3x3", 2, 3, 9, false},
	{"batch1_image", 1, 2, 6, true},
}

// naiveNorm computes batch normalisation with batch statistics straight
// from the definition; it returns y, the batch mean and the biased variance.
func naiveNorm(tc normCase, x, gamma, beta []float64, eps float64) (y, mean, variance []float64) {
	y = make([]float64, len(x))
	mean, variance = make([]float64, tc.c), make([]float64, tc.c)
	m := float64(tc.n * tc.s)
	idx := func(i, ch, j int) int { return (i*tc.c+ch)*tc.s + j }
	for ch := 0; ch < tc.c; ch++ {
		for i := 0; i < tc.n; i++ {
			for j := 0; j < tc.s; j++ {
				mean[ch] += x[idx(i, ch, j)] / m
			}
		}
		for i := 0; i < tc.n; i++ {
			for j := 0; j < tc.s; j++ {
				d := x[idx(i, ch, j)] - mean[ch]
				variance[ch] += d * d / m
			}
		}
		g, b := 1.0, 0.0
		if gamma != nil {
			g, b = gamma[ch], beta[ch]
		}
		for i := 0; i < tc.n; i++ {
			for j := 0; j < tc.s; j++ {
				y[idx(i, ch, j)] = g*(x[idx(i, ch, j)]-mean[ch])/math.Sqrt(variance[ch]+eps) + b
			}
		}
	}
	return y, mean, variance
}

func TestNormTrainForward(t *testing.T) {
	const eps, momentum = 1e-5, 0.1
	for i, tc := range normCases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 4))
			x := randSlice(rng, tc.n*tc.c*tc.s)
			for j := range x {
				x[j] = 3 + 2*x[j] // a mean and scale far from 0 and 1
			}
			var gamma, beta []float64
			if tc.affine {
				gamma, beta = randSlice(rng, tc.c), randSlice(rng, tc.c)
			}
			runMean, runVar := randSlice(rng, tc.c), randSlice(rng, tc.c)
			for j := range runVar {
				runVar[j] += 2
			}
			oldMean, oldVar := append([]float64(nil), runMean...), append([]float64(nil), runVar...)

			y := make([]float64, len(x))
			mean, invStd := make([]float64, tc.c), make([]float64, tc.c)
			NormTrainForward(tc.n, tc.c, tc.s, x, gamma, beta, eps, momentum, y, mean, invStd, runMean, runVar)
			wantY, wantMean, wantVar := naiveNorm(tc, x, gamma, beta, eps)
			assertClose(t, "y", y, wantY, closeTol)
			assertClose(t, "mean", mean, wantMean, closeTol)
			m := float64(tc.n * tc.s)
			for ch := 0; ch < tc.c; ch++ {
				if want := 1 / math.Sqrt(wantVar[ch]+eps); math.Abs(invStd[ch]-want) > closeTol*want {
					t.Fatalf("invStd[%d] = %v, want %v", ch, invStd[ch], want)
				}
				unbiased := wantVar[ch]
				if m > 1 {
					unbiased *= m / (m - 1)
				}
				if want := 0.9*oldMean[ch] + 0.1*wantMean[ch]; math.Abs(runMean[ch]-want) > closeTol {
					t.Fatalf("runMean[%d] = %v, want %v", ch, runMean[ch], want)
				}
				if want := 0.9*oldVar[ch] + 0.1*unbiased; math.Abs(runVar[ch]-want) > closeTol {
					t.Fatalf("runVar[%d] = %v, want %v", ch, runVar[ch], want)
				}
			}
		})
	}
}

// TestNormBackwardFiniteDifferences checks both backward kernels against
// central differences of L = Σ r·y for a fixed random r.
func TestNormBackwardFiniteDifferences(t *testing.T) {
	// eps 1e-3 keeps the normalisation smooth; step 1e-6 with central
	// differences gives errors ~1e-9 on these O(1) values.
	const eps, step, tol = 1e-3, 1e-6, 1e-6
	for _, training := range []bool{true, false} {
		for i, tc := range normCases {
			for _, parallel := range []bool{false, true} {
				name := fmt.Sprintf("%s/training=%v/parallel=%v", tc.name, training, parallel)
				t.Run(name, func(t *testing.T) {
					if parallel {
						forceParallel(t)
					}
					rng := rand.New(rand.NewPCG(uint64(i), 5))
					x := randSlice(rng, tc.n*tc.c*tc.s)
					r := randSlice(rng, len(x))
					gamma, beta := randSlice(rng, tc.c), randSlice(rng, tc.c)
					if !tc.affine {
						gamma, beta = nil, nil
					}
					runMean, runVar := randSlice(rng, tc.c), randSlice(rng, tc.c)
					for j := range runVar {
						runVar[j] = 0.5 + runVar[j]*runVar[j]
					}
					loss := func() float64 {
						y := make([]float64, len(x))
						mean, invStd := make([]float64, tc.c), make([]float64, tc.c)
						if training {
							NormTrainForward(tc.n, tc.c, tc.s, x, gamma, beta, eps, 0, y, mean, invStd, nil, nil)
						} else {
							NormEvalForward(tc.n, tc.c, tc.s, x, gamma, beta, runMean, runVar, eps, y, invStd)
						}
						var l float64
						for j := range y {
							l += r[j] * y[j]
						}
						return l
					}
					numeric := func(v []float64) []float64 {
						g := make([]float64, len(v))
						for j := range v {
							old := v[j]
							v[j] = old + step
							lp := loss()
							v[j] = old - step
							lm := loss()
							v[j] = old
							g[j] = (lp - lm) / (2 * step)
						}
						return g
					}
					y := make([]float64, len(x))
					mean, invStd := make([]float64, tc.c), make([]float64, tc.c)
					dx := make([]float64, len(x))
					dgamma, dbeta := make([]float64, tc.c), make([]float64, tc.c)
					if training {
						NormTrainForward(tc.n, tc.c, tc.s, x, gamma, beta, eps, 0, y, mean, invStd, nil, nil)
						NormTrainBackward(tc.n, tc.c, tc.s, x, r, gamma, mean, invStd, dx, dgamma, dbeta)
					} else {
						NormEvalForward(tc.n, tc.c, tc.s, x, gamma, beta, runMean, runVar, eps, y, invStd)
						NormEvalBackward(tc.n, tc.c, tc.s, x, r, gamma, runMean, invStd, dx, dgamma, dbeta)
					}
					assertClose(t, "dx", dx, numeric(x), tol)
					if tc.affine {
						assertClose(t, "dgamma", dgamma, numeric(gamma), tol)
						assertClose(t, "dbeta", dbeta, numeric(beta), tol)
					}
				})
			}
		}
	}
}
