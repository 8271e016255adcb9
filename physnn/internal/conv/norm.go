package conv

import "math"

// Batch normalisation (S. Ioffe, C. Szegedy, "Batch Normalization:
// Accelerating Deep Network Training by Reducing Internal Covariate Shift",
// arXiv:1502.03167, Algorithm 1 and §3). The input is viewed as [n, c, s]:
// s = H·W for images (statistics over batch and pixels per channel), s = 1
// for [n, features] inputs. Sums run in float64 so float32 statistics over
// large batches do not lose digits.

// NormTrainForward normalises x with its batch statistics:
// y = gamma·(x-mean)·invStd + beta per channel, where invStd =
// 1/sqrt(var+eps) and var is the biased batch variance. It overwrites y and
// the saved per-channel mean and invStd (needed by [NormTrainBackward]).
// gamma and beta may be nil (1 and 0). When runMean and runVar are not nil
// they are updated in place with momentum m, as PyTorch does:
// run = (1-m)·run + m·batch, using the unbiased variance for runVar.
func NormTrainForward[T Float](n, c, s int, x, gamma, beta []T, eps, momentum T, y, mean, invStd, runMean, runVar []T) {
	m := n * s
	parallelRange(c, n*s, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			var sum float64
			for i := 0; i < n; i++ {
				for _, v := range x[(i*c+ch)*s : (i*c+ch+1)*s] {
					sum += float64(v)
				}
			}
			mu := sum / float64(m)
			// Two passes (mean, then squared deviations) are stable where
			// E[x²]-E[x]² cancels catastrophically.
			var sq float64
			for i := 0; i < n; i++ {
				for _, v := range x[(i*c+ch)*s : (i*c+ch+1)*s] {
					d := float64(v) - mu
					sq += d * d
				}
			}
			variance := sq / float64(m)
			is := 1 / math.Sqrt(variance+float64(eps))
			mean[ch], invStd[ch] = T(mu), T(is)
			g, b := 1.0, 0.0
			if gamma != nil {
				g = float64(gamma[ch])
			}
			if beta != nil {
				b = float64(beta[ch])
			}
			scale, shift := g*is, b-g*is*mu
			for i := 0; i < n; i++ {
				off := (i*c + ch) * s
				ys := y[off : off+s]
				for j, v := range x[off : off+s] {
					ys[j] = T(float64(v)*scale + shift)
				}
			}
			if runMean != nil {
				runMean[ch] = T((1-float64(momentum))*float64(runMean[ch]) + float64(momentum)*mu)
			}
			if runVar != nil {
				unbiased := variance
				if m > 1 {
					unbiased = sq / float64(m-1)
				}
				runVar[ch] = T((1-float64(momentum))*float64(runVar[ch]) + float64(momentum)*unbiased)
			}
		}
	})
}

// NormEvalForward normalises x with the running statistics:
// y = gamma·(x-runMean)/sqrt(runVar+eps) + beta. It overwrites y and
// invStd (1/sqrt(runVar+eps), needed by [NormEvalBackward]).
func NormEvalForward[T Float](n, c, s int, x, gamma, beta, runMean, runVar []T, eps T, y, invStd []T) {
	parallelRange(c, n*s, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			is := 1 / math.Sqrt(float64(runVar[ch])+float64(eps))
			invStd[ch] = T(is)
			g, b := 1.0, 0.0
			if gamma != nil {
				g = float64(gamma[ch])
			}
			if beta != nil {
				b = float64(beta[ch])
			}
			scale, shift := g*is, b-g*is*float64(runMean[ch])
			for i := 0; i < n; i++ {
				off := (i*c + ch) * s
				ys := y[off : off+s]
				for j, v := range x[off : off+s] {
					ys[j] = T(float64(v)*scale + shift)
				}
			}
		}
	})
}

// NormTrainBackward computes the gradients of [NormTrainForward] from the
// output gradient dy and the saved mean and invStd. With x̂ = (x-mean)·invStd
// and M = n·s values per channel:
//
//	dgamma = Σ dy·x̂,  dbeta = Σ dy,
//	dx = gamma·invStd/M · (M·dy - dbeta - x̂·dgamma).
//
// Each of dx, dgamma, dbeta may be nil when that gradient is not needed;
// the others are overwritten. gamma may be nil (1).
func NormTrainBackward[T Float](n, c, s int, x, dy, gamma, mean, invStd []T, dx, dgamma, dbeta []T) {
	m := float64(n * s)
	parallelRange(c, n*s, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			mu, is := float64(mean[ch]), float64(invStd[ch])
			var sdy, sdyx float64
			for i := 0; i < n; i++ {
				off := (i*c + ch) * s
				dys := dy[off : off+s]
				for j, v := range x[off : off+s] {
					d := float64(dys[j])
					sdy += d
					sdyx += d * (float64(v) - mu) * is
				}
			}
			if dgamma != nil {
				dgamma[ch] = T(sdyx)
			}
			if dbeta != nil {
				dbeta[ch] = T(sdy)
			}
			if dx == nil {
				continue
			}
			g := 1.0
			if gamma != nil {
				g = float64(gamma[ch])
			}
			k := g * is / m
			for i := 0; i < n; i++ {
				off := (i*c + ch) * s
				dys, dxs := dy[off:off+s], dx[off:off+s]
				for j, v := range x[off : off+s] {
					xhat := (float64(v) - mu) * is
					dxs[j] = T(k * (m*float64(dys[j]) - sdy - xhat*sdyx))
				}
			}
		}
	})
}

// NormEvalBackward computes the gradients of [NormEvalForward], where the
// statistics are constants: dx = dy·gamma·invStd, dgamma = Σ dy·x̂,
// dbeta = Σ dy. Nil outputs are skipped; gamma may be nil (1).
func NormEvalBackward[T Float](n, c, s int, x, dy, gamma, runMean, invStd []T, dx, dgamma, dbeta []T) {
	parallelRange(c, n*s, func(lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			mu, is := float64(runMean[ch]), float64(invStd[ch])
			g := 1.0
			if gamma != nil {
				g = float64(gamma[ch])
			}
			var sdy, sdyx float64
			for i := 0; i < n; i++ {
				off := (i*c + ch) * s
				dys := dy[off : off+s]
				var dxs []T
				if dx != nil {
					dxs = dx[off : off+s]
				}
				for j, v := range x[off : off+s] {
					d := float64(dys[j])
					sdy += d
					sdyx += d * (float64(v) - mu) * is
					if dxs != nil {
						dxs[j] = T(d * g * is)
					}
				}
			}
			if dgamma != nil {
				dgamma[ch] = T(sdyx)
			}
			if dbeta != nil {
				dbeta[ch] = T(sdy)
			}
		}
	})
}
