package scinet

import (
	"math"
	"sort"
)

// MutualInformation estimates the mutual information (in nats) between
// two samples of equal length by a histogram of their ranks: each variable
// is mapped to its empirical quantile and binned into bins × bins equal
// cells. Ranks make the estimate independent of monotone rescaling, as MI
// itself is. The plug-in estimate is biased upwards by about
// (bins−1)²/(2n); bins ≤ 1 means √(n/20) bins per axis, at least 2.
func MutualInformation(x, y []float64, bins int) float64 {
	n := len(x)
	if n == 0 || len(y) != n {
		return math.NaN()
	}
	if bins <= 1 {
		bins = max(2, int(math.Sqrt(float64(n)/20)))
	}
	bx, by := rankBins(x, bins), rankBins(y, bins)
	joint := make([]float64, bins*bins)
	px, py := make([]float64, bins), make([]float64, bins)
	for i := range n {
		joint[bx[i]*bins+by[i]]++
		px[bx[i]]++
		py[by[i]]++
	}
	var mi float64
	fn := float64(n)
	for a := range bins {
		for b := range bins {
			if c := joint[a*bins+b]; c > 0 {
				mi += c / fn * math.Log(c*fn/(px[a]*py[b]))
			}
		}
	}
	return mi
}

// rankBins returns each value's quantile bin in [0, bins).
func rankBins(v []float64, bins int) []int {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	out := make([]int, len(v))
	for r, i := range idx {
		out[i] = r * bins / len(v)
	}
	return out
}
